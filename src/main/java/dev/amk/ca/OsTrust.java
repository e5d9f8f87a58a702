package dev.amk.ca;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Making the operating system trust the local CA, and telling whether it does. macOS: the user's own trust
 * settings through {@code security add-trusted-cert} (macOS then asks for the user's password); Linux: the
 * distribution's commands, printed for a person to run, since changing the system store needs root and
 * Agent Master Key never runs sudo itself.
 */
public interface OsTrust {
	/** Whether the OS trusts the CA; {@link #UNKNOWN} where it cannot be checked cheaply. */
	enum State {
		TRUSTED, NOT_TRUSTED, UNKNOWN;

		public String json() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * What {@link #trust} did: {@code done} when the OS trusts the CA now; else {@code commands} for a person
	 * to run. {@code message} is the sentence to show either way.
	 */
	record Outcome(boolean done, List<String> commands, String message) {
	}

	State state(Authority ca, Path certificate);

	/** True when {@link #trust} changes the system itself, so a person must agree first. */
	boolean changesSystem();

	Outcome trust(Path certificate);

	/** The OS's own: macOS or, for everything else, Linux's instructions. */
	static OsTrust forCurrentOs() {
		if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")) {
			return new Mac(Path.of(System.getProperty("user.home")), Commands.SYSTEM);
		}
		return new Linux(Path.of("/etc/os-release"), SystemRoots.LINUX_BUNDLES);
	}

	/** Runs a program and returns its exit status and output: the seam that lets the macOS steps be tested anywhere. */
	interface Commands {
		record Result(int exit, String output) {
		}

		Result run(List<String> argv, Duration timeout) throws IOException;

		Commands SYSTEM = (argv, timeout) -> {
			Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
			p.getOutputStream().close();
			String output;
			try (InputStream in = p.getInputStream()) {
				output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			try {
				if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					p.destroyForcibly();
					return new Result(-1, output);
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				p.destroyForcibly();
				return new Result(-1, output);
			}
			return new Result(p.exitValue(), output);
		};
	}

	/** Quotes a path for a POSIX shell, so a printed command can be pasted as it is. */
	static String shellQuote(Path path) {
		String s = path.toString();
		return s.matches("[A-Za-z0-9_./+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
	}

	/** macOS: the login keychain's trust settings, for the current user only. */
	final class Mac implements OsTrust {
		private final Path home;
		private final Commands commands;

		public Mac(Path home, Commands commands) {
			this.home = home;
			this.commands = commands;
		}

		List<String> trustCommand(Path certificate) {
			return List.of("/usr/bin/security", "add-trusted-cert", "-r", "trustRoot", "-k",
					home.resolve("Library/Keychains/login.keychain-db").toString(), certificate.toString());
		}

		@Override
		public State state(Authority ca, Path certificate) {
			try {
				// -l: the certificate checked is a CA; -L: local trust only, no network. Exit 0 when trusted.
				Commands.Result r = commands.run(List.of("/usr/bin/security", "verify-cert", "-c", certificate.toString(), "-l", "-L"), Duration.ofSeconds(5));
				return r.exit() == 0 ? State.TRUSTED : r.exit() < 0 ? State.UNKNOWN : State.NOT_TRUSTED;
			} catch (IOException e) {
				return State.UNKNOWN;
			}
		}

		@Override
		public boolean changesSystem() {
			return true;
		}

		@Override
		public Outcome trust(Path certificate) {
			List<String> argv = trustCommand(certificate);
			String printable = argv.stream().map(a -> shellQuote(Path.of(a))).collect(Collectors.joining(" "));
			Commands.Result r;
			try {
				// No deadline worth the name: macOS waits for the person to type their password.
				r = commands.run(argv, Duration.ofMinutes(5));
			} catch (IOException e) {
				throw new AmkException(ErrorType.TRUST_FAILED, "Could not run macOS's security tool (" + e.getMessage() + "). Run this yourself: " + printable);
			}
			if (r.exit() != 0) {
				throw new AmkException(ErrorType.TRUST_FAILED, "macOS did not add the trust setting (" + r.output().strip() + "). If you cancelled the"
						+ " password prompt, run 'amk ca trust' again; or run this yourself: " + printable);
			}
			return new Outcome(true, List.of(printable), "macOS now trusts the local CA for your user (login keychain).");
		}
	}

	/** Linux: checks the distribution's bundle, and prints its commands to add the CA. */
	final class Linux implements OsTrust {
		static final String FILE_NAME = "agent-master-key";
		private final Path osRelease;
		private final List<Path> bundles;

		public Linux(Path osRelease, List<Path> bundles) {
			this.osRelease = osRelease;
			this.bundles = bundles;
		}

		@Override
		public State state(Authority ca, Path certificate) {
			Path bundle = bundles.stream().filter(Files::isReadable).findFirst().orElse(null);
			if (bundle == null) {
				return State.UNKNOWN;
			}
			try {
				String body = Base64.getEncoder().encodeToString(ca.certificate().getEncoded());
				String text = Files.readString(bundle, StandardCharsets.US_ASCII).replaceAll("\\s", "");
				return text.contains(body) ? State.TRUSTED : State.NOT_TRUSTED;
			} catch (IOException | CertificateEncodingException e) {
				return State.UNKNOWN;
			}
		}

		@Override
		public boolean changesSystem() {
			return false;
		}

		@Override
		public Outcome trust(Path certificate) {
			List<String> commands = commands(certificate);
			return new Outcome(false, commands, "To make this system trust the local CA, run (as an administrator):\n  "
					+ String.join("\n  ", commands)
					+ "\nTools started with 'amk run' trust it without this. Browsers and Java keep their own trust stores.");
		}

		/** The commands for this distribution, by the ID and ID_LIKE of os-release. */
		List<String> commands(Path certificate) {
			String path = shellQuote(certificate);
			Map<String, String> release = readOsRelease();
			List<String> family = new ArrayList<>();
			family.add(release.getOrDefault("ID", ""));
			family.addAll(List.of(release.getOrDefault("ID_LIKE", "").split("\\s+")));
			Function<String, Boolean> is = family::contains;
			String debian = "sudo cp " + path + " /usr/local/share/ca-certificates/" + FILE_NAME + ".crt && sudo update-ca-certificates";
			if (is.apply("debian") || is.apply("ubuntu") || is.apply("alpine")) {
				return List.of(debian);
			}
			if (is.apply("fedora") || is.apply("rhel") || is.apply("centos")) {
				return List.of("sudo cp " + path + " /etc/pki/ca-trust/source/anchors/" + FILE_NAME + ".pem && sudo update-ca-trust");
			}
			if (is.apply("suse") || is.apply("opensuse")) {
				return List.of("sudo cp " + path + " /etc/pki/trust/anchors/" + FILE_NAME + ".pem && sudo update-ca-certificates");
			}
			if (is.apply("arch")) {
				return List.of("sudo trust anchor --store " + path);
			}
			return List.of(debian + "    # Debian, Ubuntu", "sudo trust anchor --store " + path + "    # Fedora, Arch and other p11-kit systems");
		}

		private Map<String, String> readOsRelease() {
			try {
				return Files.readAllLines(osRelease).stream()
						.filter(l -> l.contains("=") && !l.startsWith("#"))
						.collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')).strip(),
								l -> l.substring(l.indexOf('=') + 1).strip().replaceAll("^[\"']|[\"']$", "").strip().toLowerCase(Locale.ROOT), (a, b) -> a));
			} catch (IOException e) {
				return Map.of();
			}
		}
	}
}
