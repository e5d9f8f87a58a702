package dev.amk.cli;

import dev.amk.cloud.AwsAccount;
import dev.amk.common.Json;
import dev.amk.secrets.InMemorySecretStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code amk connection add --provider aws|gcp}: the keys go to the keychain only, bad input changes nothing. */
class CloudKeysTest {
	private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	@TempDir
	Path home;

	final InMemorySecretStore secrets = new InMemorySecretStore();

	record Result(int exit, String out, String err) {
	}

	private Result amk(String stdin, Map<String, String> extraEnv, String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		Map<String, String> env = new HashMap<>(extraEnv);
		env.put("AMK_HOME", home.resolve("amk").toString());
		int exit = Cli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false, new PrintWriter(out, true),
				new PrintWriter(err, true), Clock.systemUTC(), () -> secrets);
		return new Result(exit, out.toString(), err.toString());
	}

	@Test
	@DisplayName("keys on stdin: stored as one keychain item with region and role; nothing of it in the registry file or the output")
	void stdinKeys() throws Exception {
		Result r = amk("AKIAIOSFODNN7EXAMPLE\n" + SECRET + "\n", Map.of(), "connection", "add", "prod", "--provider", "aws", "--region", "eu-west-3",
				"--role-arn", "arn:aws:iam::123456789012:role/agents");
		assertEquals(0, r.exit(), r.err());
		assertFalse(r.out().contains(SECRET) || r.err().contains(SECRET));
		assertEquals(1, secrets.items.size());
		AwsAccount stored = AwsAccount.fromSecret(secrets.items.values().iterator().next());
		assertEquals(new AwsAccount("AKIAIOSFODNN7EXAMPLE", SECRET, null, "eu-west-3", "arn:aws:iam::123456789012:role/agents"), stored);
		try (var files = Files.walk(home.resolve("amk"))) {
			for (Path f : files.filter(Files::isRegularFile).toList()) {
				assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(SECRET), f.toString());
			}
		}
	}

	@Test
	@DisplayName("--from-profile reads ~/.aws/credentials and says how to delete the plaintext; a bad key id changes nothing")
	void fromProfileAndRefusals() throws Exception {
		Path credentials = home.resolve(".aws").resolve("credentials");
		Files.createDirectories(credentials.getParent());
		Files.writeString(credentials, "[work]\naws_access_key_id = AKIAWORKWORKWORK0000\naws_secret_access_key = " + SECRET + "\n");
		Result r = amk("", Map.of("HOME", home.toString()), "connection", "add", "work", "--provider", "aws", "--from-profile", "work");
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.err().contains("[work]") && r.err().contains(credentials.toString()), r.err());
		assertTrue(r.out().contains("signs *.amazonaws.com requests") && !r.out().contains("Authorization") && !r.out().contains("127.0.0.1"),
				"an AWS connection is not a base URL with a header: " + r.out());
		assertEquals("AKIAWORKWORKWORK0000", AwsAccount.fromSecret(secrets.items.values().iterator().next()).accessKeyId());

		Result bad = amk("not a key\n" + SECRET + "\n", Map.of(), "connection", "add", "bad", "--provider", "aws", "--json");
		assertEquals(1, bad.exit(), bad.out() + bad.err());
		assertTrue((bad.out() + bad.err()).contains("invalid_argument"), bad.out() + bad.err());
		assertFalse(bad.out().contains(SECRET) || bad.err().contains(SECRET));
		assertEquals(1, secrets.items.size(), "nothing stored for the refused one");
		assertTrue((bad.out() + bad.err()).contains("Check the first line of stdin."), "the service's rule in the CLI's words: " + bad.err());
		Files.writeString(credentials, "[broken]\naws_access_key_id = lowercase-id\naws_secret_access_key = " + SECRET + "\n");
		Result broken = amk("", Map.of("HOME", home.toString()), "connection", "add", "broken", "--provider", "aws", "--from-profile", "broken");
		assertEquals(1, broken.exit());
		assertTrue(broken.err().contains("Check aws_access_key_id of [broken] in " + credentials + "."), "named where it was read: " + broken.err());

		Result wrongProvider = amk("sk-x\n", Map.of(), "connection", "add", "o", "--provider", "openai", "--region", "eu-west-3");
		assertEquals(1, wrongProvider.exit());
		assertEquals(0, amk("sk-openai-0123456789\n", Map.of(), "connection", "add", "o", "--provider", "openai").exit());
		Result notAws = amk("", Map.of(), "agent", "create", "x", "--grant", "o:services=s3");
		assertEquals(1, notAws.exit(), "services= on a non-AWS connection would silently grant everything");
		assertTrue(notAws.err().contains("for AWS"), notAws.err());
		assertEquals(0, amk("", Map.of(), "agent", "create", "y", "--grant", "work:services=s3,sts").exit());
		assertTrue(amk("", Map.of(), "agent", "list").out().contains("services s3, sts"));
	}

	@Test
	@DisplayName("gcp: a multi-line service-account key file is kept as one line of JSON; a key file of another type is refused")
	void gcpKeyFile() throws Exception {
		var generator = java.security.KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		String pem = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
				.encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
		String file = Json.writePretty(Map.of("type", "service_account", "client_email", "a@p.iam.gserviceaccount.com", "private_key", pem,
				"token_uri", "https://oauth2.googleapis.com/token"));
		Result r = amk(file, Map.of(), "connection", "add", "cloud", "--provider", "gcp");
		assertEquals(0, r.exit(), r.err());
		String stored = secrets.items.values().iterator().next();
		assertFalse(stored.contains("\n"));
		assertEquals("a@p.iam.gserviceaccount.com", Json.readObject(stored).get("client_email"));
		assertEquals(1, amk("{\"type\":\"authorized_user\"}", Map.of(), "connection", "add", "user", "--provider", "gcp").exit());

		Result scoped = amk("", Map.of(), "agent", "create", "s", "--grant", "cloud:scopes=devstorage.read_only,bigquery.readonly");
		assertEquals(0, scoped.exit(), scoped.err());
		assertTrue(amk("", Map.of(), "agent", "list").out().contains("scopes bigquery.readonly, devstorage.read_only"));
		Result awsOnGcp = amk("", Map.of(), "agent", "create", "t", "--grant", "cloud:services=storage");
		assertEquals(1, awsOnGcp.exit(), "services= means nothing to Google Cloud: it would grant every scope");
		assertTrue(awsOnGcp.err().contains("for AWS") && awsOnGcp.err().contains("scopes="), awsOnGcp.err());
		assertEquals(0, amk("AKIAWORKWORKWORK0000\n" + SECRET + "\n", Map.of(), "connection", "add", "work", "--provider", "aws").exit());
		Result gcpOnAws = amk("", Map.of(), "agent", "create", "u", "--grant", "work:scopes=devstorage.read_only");
		assertEquals(1, gcpOnAws.exit(), "scopes= means nothing to AWS: it would grant every service");
		assertTrue(gcpOnAws.err().contains("for Google Cloud") && gcpOnAws.err().contains("services="), gcpOnAws.err());
		String evil = file.replace("https://oauth2.googleapis.com/token", "https://attacker.example/token");
		assertEquals(1, amk(evil, Map.of(), "connection", "add", "evil", "--provider", "gcp").exit());
	}
}
