package dev.amk.ca;

import dev.amk.common.AmkException;
import dev.amk.secrets.InMemorySecretStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OsTrustTest {
	@TempDir
	Path dir;

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"ID=debian|sudo cp /d/amk-ca.pem /usr/local/share/ca-certificates/agent-master-key.crt && sudo update-ca-certificates",
			"ID=ubuntu\\nID_LIKE=debian|sudo cp /d/amk-ca.pem /usr/local/share/ca-certificates/agent-master-key.crt && sudo update-ca-certificates",
			"ID=QfedoraQ|sudo cp /d/amk-ca.pem /etc/pki/ca-trust/source/anchors/agent-master-key.pem && sudo update-ca-trust",
			"ID=rocky\\nID_LIKE=Qrhel centos fedoraQ|sudo cp /d/amk-ca.pem /etc/pki/ca-trust/source/anchors/agent-master-key.pem && sudo update-ca-trust",
			"ID=opensuse-tumbleweed\\nID_LIKE=Qopensuse suseQ|sudo cp /d/amk-ca.pem /etc/pki/trust/anchors/agent-master-key.pem && sudo update-ca-certificates",
			"ID=arch|sudo trust anchor --store /d/amk-ca.pem",
	})
	@DisplayName("Linux: the distribution's command, from os-release")
	void linuxCommands(String osRelease, String command) throws IOException {
		Path release = dir.resolve("os-release");
		Files.writeString(release, osRelease.replace("\\n", "\n").replace('Q', '"') + "\n"); // Q: a double quote, which CSV would eat
		OsTrust.Outcome outcome = new OsTrust.Linux(release, List.of()).trust(Path.of("/d/amk-ca.pem"));
		assertEquals(List.of(command), outcome.commands());
		assertEquals(false, outcome.done());
		assertTrue(outcome.message().contains("\n  " + command + "\n"), outcome.message());
	}

	@Test
	@DisplayName("Linux: an unknown distribution gets both common forms; a path with spaces is quoted for the shell")
	void unknownDistribution() {
		List<String> commands = new OsTrust.Linux(dir.resolve("missing"), List.of()).trust(Path.of("/home/a b/it's/amk-ca.pem")).commands();
		assertEquals(2, commands.size());
		assertTrue(commands.get(0).startsWith("sudo cp '/home/a b/it'\\''s/amk-ca.pem' /usr/local/share/ca-certificates/"), commands.get(0));
		assertTrue(commands.get(1).startsWith("sudo trust anchor --store '/home/a b/it'\\''s/amk-ca.pem'"), commands.get(1));
	}

	@Test
	@DisplayName("Linux: trusted when the distribution's bundle holds the CA, whatever its line breaks; unknown without a bundle")
	void linuxState() throws IOException {
		LocalCa ca = new LocalCa(dir.resolve("home"), new InMemorySecretStore(), Clock.systemUTC(), SystemRoots.of("", "none"), new SecureRandom());
		Authority authority = ca.ensure().authority();
		Path bundle = dir.resolve("ca-certificates.crt");
		Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
		OsTrust.Linux linux = new OsTrust.Linux(dir.resolve("os-release"), List.of(dir.resolve("nothing-here"), bundle));
		assertEquals(OsTrust.State.NOT_TRUSTED, linux.state(authority, ca.certificatePath()));
		Files.writeString(bundle, authority.pem().replace("\n", "\r\n"), java.nio.file.StandardOpenOption.APPEND);
		assertEquals(OsTrust.State.TRUSTED, linux.state(authority, ca.certificatePath()));
		assertEquals(OsTrust.State.UNKNOWN, new OsTrust.Linux(dir, List.of(dir.resolve("none"))).state(authority, ca.certificatePath()));
	}

	/** Records the commands the macOS implementation runs and answers with a fixed result. */
	static final class FakeCommands implements OsTrust.Commands {
		final List<List<String>> ran = new ArrayList<>();
		Result answer = new Result(0, "");

		@Override
		public Result run(List<String> argv, Duration timeout) {
			ran.add(argv);
			return answer;
		}
	}

	@Test
	@DisplayName("macOS: trust runs security add-trusted-cert for the login keychain's trust settings")
	void macTrust() {
		FakeCommands commands = new FakeCommands();
		OsTrust.Mac mac = new OsTrust.Mac(Path.of("/Users/me"), commands);
		Path pem = Path.of("/Users/me/Library/Application Support/AgentMasterKey/ca/amk-ca.pem");
		OsTrust.Outcome outcome = mac.trust(pem);
		assertTrue(mac.changesSystem());
		assertEquals(List.of(List.of("/usr/bin/security", "add-trusted-cert", "-r", "trustRoot", "-k", "/Users/me/Library/Keychains/login.keychain-db",
				pem.toString())), commands.ran);
		assertTrue(outcome.done());
		assertEquals("/usr/bin/security add-trusted-cert -r trustRoot -k /Users/me/Library/Keychains/login.keychain-db"
				+ " '/Users/me/Library/Application Support/AgentMasterKey/ca/amk-ca.pem'", outcome.commands().getFirst());
	}

	@Test
	@DisplayName("macOS: a refused trust change fails with the tool's words and the command to run by hand")
	void macTrustRefused() {
		FakeCommands commands = new FakeCommands();
		commands.answer = new OsTrust.Commands.Result(1, "SecTrustSettingsSetTrustSettings: The authorization was canceled by the user.\n");
		AmkException e = assertThrows(AmkException.class, () -> new OsTrust.Mac(Path.of("/Users/me"), commands).trust(Path.of("/tmp/amk-ca.pem")));
		assertEquals("trust_failed", e.type());
		assertTrue(e.getMessage().startsWith("macOS did not add the trust setting (SecTrustSettingsSetTrustSettings: The authorization was canceled by the user.)."),
				e.getMessage());
		assertTrue(e.getMessage().endsWith("/usr/bin/security add-trusted-cert -r trustRoot -k /Users/me/Library/Keychains/login.keychain-db /tmp/amk-ca.pem"));
	}

	@Test
	@DisplayName("macOS: state asks security verify-cert about the CA (exit 0 = trusted)")
	void macState() {
		FakeCommands commands = new FakeCommands();
		OsTrust.Mac mac = new OsTrust.Mac(Path.of("/Users/me"), commands);
		assertEquals(OsTrust.State.TRUSTED, mac.state(null, Path.of("/tmp/amk-ca.pem")));
		assertEquals(List.of("/usr/bin/security", "verify-cert", "-c", "/tmp/amk-ca.pem", "-l", "-L"), commands.ran.getFirst());
		commands.answer = new OsTrust.Commands.Result(1, "CSSMERR_TP_NOT_TRUSTED");
		assertEquals(OsTrust.State.NOT_TRUSTED, mac.state(null, Path.of("/tmp/amk-ca.pem")));
		commands.answer = new OsTrust.Commands.Result(-1, "");
		assertEquals(OsTrust.State.UNKNOWN, mac.state(null, Path.of("/tmp/amk-ca.pem")));
	}
}
