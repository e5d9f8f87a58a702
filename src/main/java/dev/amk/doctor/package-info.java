/**
 * {@code amk doctor}: finds raw credentials in the places agents keep them ({@link dev.amk.doctor.KnownLocations},
 * {@link dev.amk.doctor.Scanner}, formats in {@link dev.amk.doctor.CredentialCatalogue}), reports them by fingerprint
 * with previews that never reveal a secret, and moves them behind the broker ({@link dev.amk.doctor.DoctorFix}:
 * connections, agents, rewritten files with backups and an undo record that holds no secret).
 *
 * <p>Part of the core: may import {@code agents}, {@code connections}, {@code providers}, {@code secrets} and
 * {@code common}; never {@code ui}, {@code cli} or JavaFX.
 */
package dev.amk.doctor;
