package dev.amk.ca;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code amk ca status} and the app's Settings show about the local CA, read without making one.
 *
 * @param exists      whether a usable CA exists (certificate file and keychain key that belong together)
 * @param problem     why an earlier CA cannot be used any more (the next use makes a new one), or null
 * @param fingerprint SHA-256 of the certificate, null without a CA
 * @param created     when it was made (its validity starts a day earlier, for lagging clocks)
 * @param trust       whether the OS trusts it, where that can be checked cheaply
 */
public record CaStatus(boolean exists, String problem, Path certificate, Path bundle, String subject, String fingerprint, Instant created,
		Instant expires, OsTrust.State trust, String systemRoots) {

	/** Reads the state of {@code ca}; blocks on the keychain (and, on macOS, a short {@code security} run). */
	public static CaStatus of(LocalCa ca, OsTrust os) {
		LocalCa.Found found = ca.find();
		String problem = found.problem();
		return java.util.Optional.ofNullable(found.authority())
				.map(a -> new CaStatus(true, null, ca.certificatePath(), ca.bundlePath(), a.subject(), a.fingerprint(), a.notBefore().plus(Authority.BACKDATE),
						a.notAfter(), os.state(a, ca.certificatePath()), ca.systemRoots().description()))
				.orElseGet(() -> new CaStatus(false, problem, ca.certificatePath(), ca.bundlePath(), null, null, null, null, OsTrust.State.UNKNOWN,
						ca.systemRoots().description()));
	}

	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("exists", exists);
		json.put("certificate", certificate.toString());
		json.put("bundle", bundle.toString());
		json.put("subject", subject);
		json.put("fingerprint_sha256", fingerprint);
		json.put("created", created == null ? null : created.toString());
		json.put("expires", expires == null ? null : expires.toString());
		json.put("trusted", trust.json());
		json.put("system_roots", systemRoots);
		json.put("problem", problem);
		return json;
	}

	/** The sentence a person reads for {@link #trust}. */
	public String trustText() {
		return switch (trust) {
			case TRUSTED -> "yes, the OS trusts it";
			case NOT_TRUSTED -> "no (tools started with 'amk run' trust it anyway; 'amk ca trust' makes the OS trust it)";
			case UNKNOWN -> "unknown here ('amk ca trust' says how to make the OS trust it)";
		};
	}
}
