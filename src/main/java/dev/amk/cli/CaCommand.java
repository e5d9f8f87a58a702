package dev.amk.cli;

import dev.amk.ca.CaStatus;
import dev.amk.ca.LocalCa;
import dev.amk.ca.OsTrust;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code amk ca …}: the local CA that signs the certificates of intercepted hosts in proxy mode. */
@Command(name = "ca", description = "The local certificate authority for proxy mode (HTTPS_PROXY): its files, status and trust.",
		subcommands = {CaCommand.PathCmd.class, CaCommand.Bundle.class, CaCommand.Status.class, CaCommand.Trust.class, CaCommand.Rotate.class})
final class CaCommand extends AmkCommand.Group {
	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

	static LocalCa localCa(CliContext ctx) {
		return ctx.localCa();
	}

	/** Makes the CA if needed; says on stderr when it made one, and why. */
	static LocalCa.Ready ready(CliContext ctx, LocalCa ca) {
		LocalCa.Ready ready = ca.ensure();
		if (ready.notice() != null) {
			ctx.err().println(ready.notice());
			ctx.err().flush();
		}
		return ready;
	}

	@Command(name = "path", description = "Print the path of the CA certificate (PEM), making the CA on first use. For NODE_EXTRA_CA_CERTS or curl --cacert.")
	static final class PathCmd extends AmkCommand.Leaf {
		@Override
		public Integer call() {
			LocalCa ca = localCa(ctx());
			LocalCa.Ready ready = ready(ctx(), ca);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("path", ca.certificatePath().toString());
			json.put("fingerprint_sha256", ready.authority().fingerprint());
			json.put("notice", ready.notice());
			respond(json, ca.certificatePath().toString());
			return 0;
		}
	}

	@Command(name = "bundle", description = "Print the path of a PEM bundle: the system's root certificates plus the CA. For SSL_CERT_FILE, REQUESTS_CA_BUNDLE, GIT_SSL_CAINFO.")
	static final class Bundle extends AmkCommand.Leaf {
		@Override
		public Integer call() {
			LocalCa ca = localCa(ctx());
			LocalCa.Ready ready = ready(ctx(), ca);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("path", ca.bundlePath().toString());
			json.put("certificate", ca.certificatePath().toString());
			json.put("fingerprint_sha256", ready.authority().fingerprint());
			json.put("system_roots", ca.systemRoots().description());
			json.put("notice", ready.notice());
			respond(json, ca.bundlePath().toString());
			return 0;
		}
	}

	@Command(name = "status", description = "Show the CA: fingerprint, dates, files, and whether the OS trusts it. Never makes one.")
	static final class Status extends AmkCommand.Leaf {
		@Override
		public Integer call() {
			CaStatus s = CaStatus.of(localCa(ctx()), OsTrust.forCurrentOs());
			String text;
			if (!s.exists()) {
				text = (s.problem() != null ? s.problem() + " A new CA is made on next use." : "No local CA yet.")
						+ " 'amk ca path' makes one (so does the first intercepted tunnel).";
			} else {
				text = String.join("\n",
						"Subject:      " + s.subject(),
						"Fingerprint:  SHA-256 " + s.fingerprint(),
						"Created:      " + DATE.format(s.created()),
						"Expires:      " + DATE.format(s.expires()),
						"Certificate:  " + s.certificate(),
						"Bundle:       " + s.bundle() + " (system roots from " + s.systemRoots() + ")",
						"Trusted:      " + s.trustText());
			}
			respond(s.toJson(), text);
			return 0;
		}
	}

	@Command(name = "trust", description = {"Make the OS trust the CA. macOS: adds it to your user's trust settings, after asking (macOS then asks for your password).",
			"Linux: prints your distribution's commands (they need root; amk never runs sudo)."})
	static final class Trust extends AmkCommand.Leaf {
		@Option(names = "--yes", description = "Do not ask before changing the trust settings (macOS).")
		boolean yes;

		@Override
		public Integer call() {
			LocalCa ca = localCa(ctx());
			LocalCa.Ready ready = ready(ctx(), ca);
			OsTrust os = OsTrust.forCurrentOs();
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("certificate", ca.certificatePath().toString());
			json.put("fingerprint_sha256", ready.authority().fingerprint());
			if (os.state(ready.authority(), ca.certificatePath()) == OsTrust.State.TRUSTED) {
				json.put("trusted", OsTrust.State.TRUSTED.json());
				json.put("done", true);
				json.put("commands", java.util.List.of());
				json.put("message", "The OS already trusts the local CA.");
				respond(json, "The OS already trusts the local CA (SHA-256 " + ready.authority().fingerprint() + ").");
				return 0;
			}
			if (os.changesSystem() && !yes && !confirmed(ready.authority().fingerprint())) {
				throw new AmkException(ErrorType.NOT_CONFIRMED, "Nothing changed. Run 'amk ca trust --yes' to trust the local CA without the question.");
			}
			OsTrust.Outcome outcome = os.trust(ca.certificatePath());
			json.put("trusted", outcome.done() ? OsTrust.State.TRUSTED.json() : OsTrust.State.NOT_TRUSTED.json());
			json.put("done", outcome.done());
			json.put("commands", outcome.commands());
			json.put("message", outcome.message());
			respond(json, outcome.message());
			return 0;
		}

		private boolean confirmed(String fingerprint) {
			if (!ctx().interactive()) {
				throw new AmkException(ErrorType.NOT_CONFIRMED, "Trusting the local CA changes your trust settings, and there is no terminal to ask on."
						+ " Run 'amk ca trust --yes' to confirm.");
			}
			ctx().err().print("Trust Agent Master Key's local CA (SHA-256 " + fingerprint + ") for your user? macOS then asks for your password. [y/N] ");
			ctx().err().flush();
			try {
				String answer = new BufferedReader(new InputStreamReader(ctx().in(), StandardCharsets.UTF_8)).readLine();
				return answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
			} catch (IOException e) {
				return false;
			}
		}
	}

	@Command(name = "rotate", description = "Replace the CA with a new one. Leaves signed by the old one stop being served; trust the new one again.")
	static final class Rotate extends AmkCommand.Leaf {
		@Override
		public Integer call() {
			LocalCa ca = localCa(ctx());
			String previous = ca.existing().map(dev.amk.ca.Authority::fingerprint).orElse(null);
			LocalCa.Ready ready = ca.rotate();
			String next = previous == null ? " Tools started with 'amk run' trust it; 'amk ca trust' makes the OS trust it."
					: OsTrust.forCurrentOs().changesSystem()
					? " Run 'amk ca trust' to trust the new one, and remove the old one in Keychain Access (search 'Agent Master Key Local CA')."
					: " Tools started with 'amk run' use the new one at once; if you added the old one to the system's store, run 'amk ca trust' again.";
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("path", ca.certificatePath().toString());
			json.put("fingerprint_sha256", ready.authority().fingerprint());
			json.put("previous_fingerprint_sha256", previous);
			json.put("message", ready.notice() + next);
			respond(json, ready.notice() + next);
			return 0;
		}
	}
}
