/**
 * The "Keys found on this computer" view: {@code amk doctor}'s scan and fix in the app
 * ({@link dev.amk.ui.doctor.KeysFoundModel} over {@link dev.amk.doctor.Scanner} and {@link dev.amk.doctor.DoctorFix}).
 * {@code ui.fxapp.KeysFoundTab} puts it in the window and opens on it when there are no connections yet.
 *
 * <p>May import the core and {@code ui.common}.
 */
package dev.amk.ui.doctor;
