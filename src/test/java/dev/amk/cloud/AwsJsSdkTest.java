package dev.amk.cloud;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The AWS SDK for JavaScript v3 under {@code amk run} against the fake AWS that checks every signature with botocore.
 * It runs on an official Node 24 from npm ({@code node} package): amk run's NODE_USE_ENV_PROXY is honoured only by
 * Node 22.21+ / 24.5+, and Debian's node is older. The script is the SDK as an agent uses it: no endpoint, no
 * credentials, no proxy setting; the SDK's own {@code https.Agent} reaches the broker through amk run's Node preload
 * ({@link dev.amk.run.NodePreload}). As in {@link AwsProxyTest}, the only test-only part is the broker's host map.
 */
class AwsJsSdkTest {
	static final Path NODE_DIR = Path.of("src/test/node/aws-js");
	private static final String PLACEHOLDER_ID = "AKIAAMKPLACEHOLDER00";

	@TempDir
	static Path fakeDir;
	@TempDir
	Path home;
	@TempDir
	Path work;

	static FakeAws fake;
	BrokerFixture broker;

	@BeforeAll
	static void startFake() throws Exception {
		boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules/@aws-sdk/client-s3")) && Files.isExecutable(node());
		if (!installed && "1".equals(System.getenv("AMK_REQUIRE_AWS_JS_SDK"))) {
			throw new AssertionError("The AWS SDK for JavaScript is not installed: run npm ci --prefix " + NODE_DIR);
		}
		Assumptions.assumeTrue(installed, "the AWS SDK for JavaScript is not installed (npm ci --prefix src/test/node/aws-js)");
		assumeTrue(new ProcessBuilder("python3", "-c", "import botocore").start().waitFor() == 0, "python3-botocore is needed for the fake AWS");
		fake = FakeAws.start(fakeDir);
	}

	@AfterAll
	static void stopFake() throws Exception {
		if (fake != null) {
			fake.close();
		}
	}

	@AfterEach
	void stopBroker() throws Exception {
		Teardown.closeAll(broker);
	}

	private static Path node() {
		return NODE_DIR.resolve("node_modules/node/bin/node").toAbsolutePath();
	}

	private void startBroker() throws Exception {
		var tls = fake.tls();
		var trust = fake.trust();
		broker = BrokerFixture.start(home, new MutableClock(Instant.now()), settings -> settings.withUpstreamTuning(b -> b
				.dns(host -> host.endsWith(".amazonaws.com") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
				.socketFactory(fake.portMap())
				.sslSocketFactory(tls.getSocketFactory(), trust)));
		BrokerFixture.CliResult added = broker.cliWithStdin(FakeAws.ACCESS_KEY_ID + "\n" + FakeAws.SECRET + "\n", "connection", "add", "aws",
				"--provider", "aws", "--region", "us-east-1");
		assertEquals(0, added.exit(), added.err());
		broker.awaitRegistry(s -> s.connection("aws") != null);
		dev.amk.broker.BrokerFile.write(home, broker.port()); // as serve and the app do: amk run finds the broker through it
		assertEquals(0, broker.cli("ca", "bundle").exit());
	}

	record Run(int exit, String out, String err) {
	}

	/** {@code amk run AGENT -- node sdk.mjs ARGS} as its own JVM: the script gets only what amk run sets, plus a region. */
	private Run amkRunSdk(String agent, String... args) throws Exception {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main", "run", agent, "--",
				node().toString(), NODE_DIR.resolve("sdk.mjs").toAbsolutePath().toString()));
		cmd.addAll(List.of(args));
		Path out = Files.createTempFile(work, "run", ".out");
		Path err = Files.createTempFile(work, "run", ".err");
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.redirectOutput(out.toFile()).redirectError(err.toFile());
		Map<String, String> env = pb.environment();
		env.keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("AWS_") || k.startsWith("NODE_"));
		env.put("AMK_HOME", home.toString());
		env.put("HOME", work.toString());
		// The connection's region is in the test broker's in-memory keychain, out of amk run's reach: the SDK is given one.
		env.put("AWS_REGION", "us-east-1");
		env.put("AWS_CONFIG_FILE", work.resolve("no-config").toString());
		env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());
		env.put("AWS_EC2_METADATA_DISABLED", "true");
		Process p = pb.start();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "amk run did not finish");
		return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
	}

	private void assertEveryRequestVerifiedAndNoPlaceholder() throws Exception {
		List<Map<String, Object>> requests = fake.log().stream().filter(e -> e.containsKey("verified")).toList();
		assertFalse(requests.isEmpty());
		for (Map<String, Object> r : requests) {
			assertFalse(String.valueOf(r.get("authorization")).contains(PLACEHOLDER_ID), "the fake saw the agent's placeholder: " + r);
			assertEquals(Boolean.TRUE, r.get("verified"), "signature rejected by botocore: " + r);
		}
	}

	@Test
	@DisplayName("the JavaScript SDK under amk run on Node 24: STS and S3 list/get/put re-signed by the broker; a read grant cannot put")
	void javascriptSdkUnderAmkRun() throws Exception {
		startBroker();
		broker.createAgent("js", "aws");
		Run r = amkRunSdk("js");
		assertEquals(0, r.exit(), r.out() + r.err());
		assertTrue(r.out().contains("body hello from the fake S3"), r.out());
		assertTrue(r.out().lines().anyMatch(l -> l.startsWith("keys ") && l.contains("hello.txt")), r.out());
		String sha = r.out().lines().filter(l -> l.startsWith("put ")).findFirst().orElseThrow().substring(4);
		assertEquals(sha, fake.await(e -> "data/js-big.bin".equals(e.get("stored"))).get("sha256"));
		assertTrue(r.out().contains("federated-user/amk-js"), r.out());
		// amk run's session is its own child agent (AGENT.run-…), named so in the federated user
		assertEquals("GetFederationToken", fake.await(e -> String.valueOf(e.get("name")).startsWith("amk-js.run-")).get("action"));

		broker.createAgent("jsreader", "aws:read");
		Run read = amkRunSdk("jsreader", "read-only");
		assertEquals(0, read.exit(), read.out() + read.err());
		assertTrue(read.out().contains("body hello from the fake S3"), read.out());
		assertTrue(read.out().contains("denied AccessDenied 403"), read.out());
		assertTrue(fake.log().stream().noneMatch(e -> "data/js-nope.txt".equals(e.get("stored"))), "the read grant wrote");
		assertEquals(List.of(CloudScope.READ_ONLY_ACCESS), fake.await(e -> String.valueOf(e.get("name")).startsWith("amk-jsreader.run-")).get("policyArns"));
		assertEveryRequestVerifiedAndNoPlaceholder();
	}
}
