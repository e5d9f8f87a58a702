package dev.amk.guard;

import dev.amk.agents.AgentKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TripwireTest {
	private static final String SECRET = "ghp_R3alSecretValue+with/odd=chars0123";
	private static final String OTHER = "sk-ant-api03-AnotherRealSecret-xyz";

	private final AtomicLong version = new AtomicLong();
	private volatile List<String> secrets = List.of(SECRET, OTHER);
	private final Tripwire tripwire = new Tripwire(version::get, () -> secrets);

	private static byte[] utf8(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	@ParameterizedTest
	@ValueSource(strings = {"", "prefix ", "ab", "x", "{\"k\":\"", "abcd"})
	@DisplayName("the secret, its URL-encoded and its base64 forms (at any alignment, standard or URL-safe) are found")
	void everyForm(String before) {
		String text = before + SECRET + " after";
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan(text, null));
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan(URLEncoder.encode(text, StandardCharsets.UTF_8), null));
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan(Base64.getEncoder().encodeToString(utf8(text)), null));
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan(Base64.getUrlEncoder().encodeToString(utf8(text)), null));
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan("Basic " + Base64.getEncoder().encodeToString(utf8("user:" + text)), null));
	}

	@Test
	@DisplayName("ordinary text, a near miss and a short secret are not hits")
	void noFalseAlarms() {
		secrets = List.of(SECRET, "short");
		version.incrementAndGet();
		assertNull(tripwire.scan("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"short answer please\"}]}", null));
		assertNull(tripwire.scan(SECRET.substring(0, SECRET.length() - 1), null));
		assertNull(tripwire.scan(Base64.getEncoder().encodeToString(utf8(SECRET.substring(0, 10))), null));
	}

	@Test
	@DisplayName("a secret added to the broker's memory is found once the version changes; a removed one no longer is")
	void followsTheSecrets() {
		String fresh = "xoxb-fresh-secret-0000111122";
		assertNull(tripwire.scan(fresh, null));
		secrets = List.of(fresh);
		version.incrementAndGet();
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan(fresh, null));
		assertNull(tripwire.scan(SECRET, null));
	}

	@Test
	@DisplayName("another agent's key (valid checksum) is a hit; the caller's own key and a key with a bad checksum are not")
	void agentKeys() {
		String mine = AgentKey.generate();
		String theirs = AgentKey.generate();
		String typo = theirs.substring(0, AgentKey.LENGTH - 1) + (theirs.endsWith("A") ? "B" : "A");
		assertEquals(Tripwire.Hit.AGENT_KEY, tripwire.scan("{\"note\":\"" + theirs + "\"}", mine));
		assertNull(tripwire.scan("Bearer " + mine, mine));
		assertNull(tripwire.scan("key=" + typo, mine));
		assertNull(tripwire.scan("amk_ is our prefix", mine));
	}

	@Test
	@DisplayName("a body read in pieces: a secret or a key split at every possible point is found, and what could be its start is held back")
	void splitAnywhere() throws Exception {
		String key = AgentKey.generate();
		for (String needle : List.of(SECRET, key)) {
			byte[] body = utf8("{\"text\":\"" + needle + "\"}");
			int start = 9;
			for (int cut = 1; cut < body.length; cut++) {
				Tripwire.BodyScan scan = tripwire.body(null, null);
				Tripwire.Hit first = scan.feed(body, 0, cut);
				if (cut < start + needle.length()) {
					assertNull(first, "no hit before the needle is complete, cut " + cut);
					if (cut > start) {
						assertEquals(cut - start, scan.heldBack(), "the needle's beginning is held back, cut " + cut);
					}
					assertTrue(scan.feed(body, cut, body.length - cut) != null, "found across the cut at " + cut);
				} else {
					assertTrue(first != null);
				}
			}
		}
	}

	@Test
	@DisplayName("a gzip body is searched inflated, whatever the pieces; one that inflates past the bound is refused")
	void gzip() throws Exception {
		byte[] zipped = gzip(utf8("{\"padding\":\"" + "lorem ipsum ".repeat(2000) + "\",\"leak\":\"" + SECRET + "\"}"));
		for (int piece : new int[] {1, 7, 100, zipped.length}) {
			Tripwire.BodyScan scan = tripwire.body(null, "gzip");
			Tripwire.Hit hit = null;
			for (int i = 0; i < zipped.length && hit == null; i += piece) {
				hit = scan.feed(zipped, i, Math.min(piece, zipped.length - i));
				assertEquals(0, scan.heldBack());
			}
			assertEquals(Tripwire.Hit.SECRET, hit, "piece size " + piece);
		}
		Tripwire.BodyScan clean = tripwire.body(null, "gzip");
		byte[] harmless = gzip(utf8("{\"fine\":true}"));
		assertNull(clean.feed(harmless, 0, harmless.length));

		byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
		Tripwire.BodyScan bombScan = tripwire.body(null, "gzip");
		assertThrows(Tripwire.UnreadableBody.class, () -> bombScan.feed(bomb, 0, bomb.length));
		Tripwire.BodyScan corrupt = tripwire.body(null, "gzip");
		assertThrows(Tripwire.UnreadableBody.class, () -> corrupt.feed(utf8("not gzip at all"), 0, 15));
		assertThrows(Tripwire.UnreadableEncoding.class, () -> tripwire.body(null, "br"));
	}

	private static byte[] gzip(byte[] plain) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream z = new GZIPOutputStream(out)) {
			z.write(plain);
		}
		return out.toByteArray();
	}

	@Test
	@DisplayName("many secrets cost one automaton, and its description never shows a secret")
	void manySecrets() {
		List<String> many = java.util.stream.IntStream.range(0, 500).mapToObj(i -> "sk-proj-secret-number-" + i + "-abcdefghij").toList();
		secrets = many;
		version.incrementAndGet();
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan("x" + many.get(321) + "y", null));
		assertNull(tripwire.scan("sk-proj-secret-number-500-abcdefghij", null));
		String described = tripwire.compiled().matcher().toString();
		assertTrue(!described.contains("sk-proj"), described);
	}

	@Test
	@DisplayName("text beyond ASCII is searched as its UTF-8 bytes, so a secret next to it is still found")
	void nonAscii() {
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan("héllo " + SECRET, null));
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan(SECRET + " ünïcode", null));
		String unicodeSecret = "pässwörd-sehr-geheim-123";
		secrets = List.of(unicodeSecret);
		version.incrementAndGet();
		assertEquals(Tripwire.Hit.SECRET, tripwire.scan("x=" + unicodeSecret, null));
		assertNull(tripwire.scan("x=passwort", null));
	}

	@Test
	@DisplayName("cost: a typical request head and a 4 KiB body with 200 secrets loaded stay in microseconds (a sanity bound, not a benchmark)")
	void cheap() throws Exception {
		secrets = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "sk-proj-" + Integer.toString(i * 7919 + 100000, 36) + "-abcdefghijklmnop")
				.toList();
		version.incrementAndGet();
		byte[] body = utf8("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "Summarise the quarterly report. ".repeat(120)
				+ "\"}]}");
		String own = AgentKey.generate();
		List<String> head = List.of("/openai/v1/chat/completions?stream=true", "Bearer " + own, "application/json", "python-httpx/0.27",
				"127.0.0.1:8080", "keep-alive", "gzip, deflate", "2023-06-01");
		long best = Long.MAX_VALUE;
		for (int round = 0; round < 2000; round++) {
			long start = System.nanoTime();
			assertNull(tripwire.scanEach(head, own));
			Tripwire.BodyScan scan = tripwire.body(own, null);
			assertNull(scan.feed(body, 0, body.length));
			best = Math.min(best, System.nanoTime() - start);
		}
		assertTrue(best < 200_000, "best of 2000: " + best + " ns"); // generous: a shared CI machine; typically a few µs
		System.out.println("tripwire head + " + body.length + " B body, 200 secrets: best " + best + " ns");
	}
}
