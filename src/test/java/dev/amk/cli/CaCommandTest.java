package dev.amk.cli;

import dev.amk.ca.LocalCa;
import dev.amk.common.Json;
import dev.amk.secrets.InMemorySecretStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code amk ca …} in-process against a real data folder; the keychain is an in-memory one shared by the runs. */
class CaCommandTest {
	@TempDir
	Path home;

	final InMemorySecretStore keychain = new InMemorySecretStore();

	record Result(int exit, String out, String err) {
		Map<String, Object> json() {
			return Json.readObject(out);
		}
	}

	Result amk(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int exit = Cli.run(args, Map.of("AMK_HOME", home.toString()), new ByteArrayInputStream(new byte[0]), false, new PrintWriter(out, true),
				new PrintWriter(err, true), Clock.systemUTC(), () -> keychain);
		return new Result(exit, out.toString(), err.toString());
	}

	Path pem() {
		return home.resolve("ca").resolve("amk-ca.pem");
	}

	@Test
	@DisplayName("ca path makes the CA on first use, says so on stderr, and prints the PEM's path; the next run just prints it")
	void path() throws IOException {
		Result first = amk("ca", "path");
		assertEquals(0, first.exit(), first.err());
		assertEquals(pem() + "\n", first.out());
		assertTrue(first.err().startsWith("Made the local CA ("), first.err());
		assertTrue(Files.readString(pem()).startsWith("-----BEGIN CERTIFICATE-----"));
		assertTrue(keychain.items.containsKey(LocalCa.KEY_ITEM));
		Result again = amk("ca", "path", "--json");
		assertEquals(0, again.exit(), again.err());
		assertEquals("", again.err());
		assertEquals(pem().toString(), again.json().get("path"));
		assertTrue(((String) again.json().get("fingerprint_sha256")).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
		assertNull(again.json().get("notice"));
	}

	@Test
	@DisplayName("ca bundle prints the bundle's path: the system's roots, then the CA")
	void bundle() throws IOException {
		Result r = amk("ca", "bundle");
		assertEquals(0, r.exit(), r.err());
		Path bundle = home.resolve("ca").resolve("bundle.pem");
		assertEquals(bundle + "\n", r.out());
		String text = Files.readString(bundle);
		assertTrue(text.endsWith(Files.readString(pem())));
		Path system = Path.of("/etc/ssl/certs/ca-certificates.crt");
		if (Files.isReadable(system)) {
			assertTrue(text.startsWith(Files.readString(system)), "the Debian bundle comes first");
		}
		Map<String, Object> json = amk("ca", "bundle", "--json").json();
		assertEquals(bundle.toString(), json.get("path"));
		assertEquals(pem().toString(), json.get("certificate"));
	}

	@Test
	@DisplayName("ca status says there is no CA without making one, then shows fingerprint, dates, files and trust")
	void status() {
		Result none = amk("ca", "status");
		assertEquals(0, none.exit(), none.err());
		assertTrue(none.out().startsWith("No local CA yet."), none.out());
		assertFalse(Files.exists(pem()));
		assertEquals(false, amk("ca", "status", "--json").json().get("exists"));

		String fingerprint = (String) amk("ca", "path", "--json").json().get("fingerprint_sha256");
		Result shown = amk("ca", "status");
		assertEquals(0, shown.exit(), shown.err());
		assertTrue(shown.out().contains("Fingerprint:  SHA-256 " + fingerprint + "\n"), shown.out());
		assertTrue(shown.out().contains("Certificate:  " + pem() + "\n"), shown.out());
		assertTrue(shown.out().matches("(?s).*Expires:      20[0-9]{2}-.*"), shown.out());
		Map<String, Object> json = amk("ca", "status", "--json").json();
		assertEquals(true, json.get("exists"));
		assertEquals(fingerprint, json.get("fingerprint_sha256"));
		assertTrue(((String) json.get("subject")).startsWith("CN=Agent Master Key Local CA "));
		if (Files.isReadable(Path.of("/etc/ssl/certs/ca-certificates.crt"))) {
			assertEquals("not_trusted", json.get("trusted"), "this test's CA is in no system store");
		}
	}

	@Test
	@DisplayName("ca trust on Debian prints the commands to run, runs nothing, and exits 0")
	void trustOnDebian() throws IOException {
		Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux") && Files.readString(Path.of("/etc/os-release")).contains("ID=debian"),
				"Debian's commands");
		Result r = amk("ca", "trust");
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().startsWith("To make this system trust the local CA, run (as an administrator):\n  sudo cp " + pem()
				+ " /usr/local/share/ca-certificates/agent-master-key.crt && sudo update-ca-certificates\n"), r.out());
		Map<String, Object> json = amk("ca", "trust", "--json").json();
		assertEquals(false, json.get("done"));
		assertEquals("not_trusted", json.get("trusted"));
		assertEquals(List.of("sudo cp " + pem() + " /usr/local/share/ca-certificates/agent-master-key.crt && sudo update-ca-certificates"), json.get("commands"));
	}

	@Test
	@DisplayName("ca rotate makes a new CA and says what to do about the old one")
	void rotate() {
		String before = (String) amk("ca", "path", "--json").json().get("fingerprint_sha256");
		Result r = amk("ca", "rotate", "--json");
		assertEquals(0, r.exit(), r.err());
		assertEquals(before, r.json().get("previous_fingerprint_sha256"));
		assertNotEquals(before, r.json().get("fingerprint_sha256"));
		assertEquals(r.json().get("fingerprint_sha256"), amk("ca", "status", "--json").json().get("fingerprint_sha256"));
		assertTrue(((String) r.json().get("message")).startsWith("Made a new local CA ("), r.out());
		assertTrue(((String) r.json().get("message")).contains("amk ca trust"), r.out());
	}

	@Test
	@DisplayName("ca rotate with no CA yet makes one and does not speak of an old one")
	void rotateFirst() {
		Result r = amk("ca", "rotate", "--json");
		assertEquals(0, r.exit(), r.err());
		assertNull(r.json().get("previous_fingerprint_sha256"));
		assertTrue(((String) r.json().get("message")).startsWith("There was no usable local CA; made one ("), r.out());
	}

	@Test
	@DisplayName("a locked keychain fails with a message that says what to do, in text and JSON")
	void locked() {
		keychain.locked = true;
		Result text = amk("ca", "path");
		assertEquals(Cli.EXIT_FAILURE, text.exit());
		assertTrue(text.err().startsWith("amk: The local CA's key is kept in the keychain, which did not give it: The OS keychain did not give access"),
				text.err());
		assertTrue(text.err().contains("unlock it"), text.err());
		Result json = amk("ca", "bundle", "--json");
		assertEquals("keychain_locked", ((Map<?, ?>) Json.readObject(json.err()).get("error")).get("type"));
		assertFalse(Files.exists(pem()), "nothing was written");
	}

	@Test
	@DisplayName("after every command the CA's key is in no file of the data folder")
	void keyInNoFile() throws IOException {
		amk("ca", "path");
		amk("ca", "bundle");
		amk("ca", "status", "--json");
		amk("ca", "rotate");
		String key = keychain.items.get(LocalCa.KEY_ITEM);
		byte[] der = java.util.Base64.getDecoder().decode(key);
		try (Stream<Path> files = Files.walk(home)) {
			for (Path f : files.filter(Files::isRegularFile).toList()) {
				String content = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
				assertFalse(content.contains(key), f.toString());
				assertFalse(content.contains(new String(der, java.nio.charset.StandardCharsets.ISO_8859_1)), f.toString());
				assertFalse(content.contains("PRIVATE KEY"), f.toString());
			}
		}
	}
}
