package dev.amk.cloud;

import dev.amk.common.AmkException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsAccountTest {
	private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	@Test
	@DisplayName("two lines (id, secret) or three (with a session token); region defaults to us-east-1; the keychain text round-trips")
	void fromLines() {
		AwsAccount a = AwsAccount.fromLines("AKIAIOSFODNN7EXAMPLE\n" + SECRET + "\n", null, null);
		assertEquals("us-east-1", a.region());
		assertNull(a.sessionToken());
		assertEquals(a, AwsAccount.fromSecret(a.toSecret()));
		AwsAccount t = AwsAccount.fromLines("ASIAIOSFODNN7EXAMPLE\r\n" + SECRET + "\r\nTOKEN/abc+=\n", "eu-west-3",
				"arn:aws:iam::123456789012:role/agents");
		assertEquals("TOKEN/abc+=", t.sessionToken());
		assertEquals(t, AwsAccount.fromSecret(t.toSecret()));
		assertFalse(t.toString().contains(SECRET) || t.toString().contains("TOKEN"), t.toString());
	}

	@Test
	@DisplayName("bad input is refused with what to fix, never echoing the secret")
	void refusals() {
		assertThrows(AmkException.class, () -> AwsAccount.fromLines("AKIAIOSFODNN7EXAMPLE\n", null, null));
		assertThrows(AmkException.class, () -> AwsAccount.fromLines("not-a-key-id\n" + SECRET, null, null));
		AmkException region = assertThrows(AmkException.class, () -> AwsAccount.fromLines("AKIAIOSFODNN7EXAMPLE\n" + SECRET, "mars", null));
		assertTrue(region.getMessage().contains("region"));
		AmkException role = assertThrows(AmkException.class, () -> AwsAccount.fromLines("AKIAIOSFODNN7EXAMPLE\n" + SECRET, null, "admin"));
		assertFalse(role.getMessage().contains(SECRET));
	}

	@Test
	@DisplayName("--from-profile reads one profile of the shared credentials file and says how to remove the plaintext")
	void profiles(@TempDir Path home) throws Exception {
		Path file = home.resolve(".aws").resolve("credentials");
		Files.createDirectories(file.getParent());
		Files.writeString(file, """
				[default]
				aws_access_key_id = AKIADEFAULTDEFAULT00
				aws_secret_access_key = defaultsecret
				# a comment
				[work]
				aws_access_key_id=AKIAWORKWORKWORK0000
				aws_secret_access_key=%s
				aws_session_token = tok
				[sso]
				sso_start_url = https://example.awsapps.com/start
				""".formatted(SECRET));
		assertEquals(file, AwsProfiles.credentialsFile(Map.of(), home));
		assertEquals(Path.of("/x/creds"), AwsProfiles.credentialsFile(Map.of("AWS_SHARED_CREDENTIALS_FILE", "/x/creds"), home));
		AwsAccount work = AwsProfiles.read(file, "work", "eu-west-1", null);
		assertEquals(new AwsAccount("AKIAWORKWORKWORK0000", SECRET, "tok", "eu-west-1", null), work);
		assertThrows(AmkException.class, () -> AwsProfiles.read(file, "missing", null, null));
		assertThrows(AmkException.class, () -> AwsProfiles.read(file, "sso", null, null));
		String hint = AwsProfiles.removalHint(file, "work");
		assertTrue(hint.contains("[work]") && hint.contains(file.toString()) && !hint.contains(SECRET), hint);
	}
}
