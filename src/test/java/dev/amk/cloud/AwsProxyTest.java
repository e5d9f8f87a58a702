package dev.amk.cloud;

import dev.amk.testing.BrokerFixture;
import dev.amk.testing.MutableClock;
import dev.amk.testing.Teardown;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * AWS through the broker end to end: the real {@code aws} CLI and boto3 with {@code HTTPS_PROXY} pointing at a real
 * broker, which re-signs their requests for a loopback fake AWS that checks every signature with botocore's signer.
 * The only test-only part is the host map (the broker's upstream client resolves *.amazonaws.com to the fake).
 */
class AwsProxyTest {
	private static final String PLACEHOLDER_ID = "AKIAAMKPLACEHOLDER00";

	@TempDir
	static Path fakeDir;
	@TempDir
	Path home;
	@TempDir
	Path work;

	static FakeAws fake;
	BrokerFixture broker;
	MutableClock clock;

	@BeforeAll
	static void startFake() throws Exception {
		assumeTrue(onPath("python3") && onPath("aws") && onPath("openssl"), "python3, awscli and openssl are needed");
		assumeTrue(new ProcessBuilder("python3", "-c", "import botocore, boto3").start().waitFor() == 0, "python3-botocore/boto3 missing");
		fake = FakeAws.start(fakeDir);
	}

	@AfterAll
	static void stopFake() throws Exception {
		if (fake != null) {
			fake.close();
		}
	}

	private void startBroker() throws Exception {
		clock = new MutableClock(Instant.now());
		var trust = fake.trust();
		var tls = fake.tls();
		broker = BrokerFixture.start(home, clock, settings -> settings.withUpstreamTuning(b -> b
				.dns(host -> host.endsWith(".amazonaws.com") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))
				.socketFactory(fake.portMap())
				.sslSocketFactory(tls.getSocketFactory(), trust)));
		BrokerFixture.CliResult added = broker.cliWithStdin(FakeAws.ACCESS_KEY_ID + "\n" + FakeAws.SECRET + "\n", "connection", "add", "aws",
				"--provider", "aws", "--region", "us-east-1");
		assertEquals(0, added.exit(), added.err());
		broker.awaitRegistry(s -> s.connection("aws") != null);
		assertEquals(0, broker.cli("ca", "path").exit());
	}

	@AfterEach
	void stopBroker() throws Exception {
		Teardown.closeAll(broker);
	}

	record Run(int exit, String out, String err) {
	}

	/** A tool run as an agent would run it under {@code amk run}: proxy, CA bundle and placeholder keys in its environment. */
	private Run run(String agent, String key, String... command) throws Exception {
		ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		Map<String, String> env = pb.environment();
		env.keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("AWS_"));
		env.put("HTTPS_PROXY", "http://" + agent + ":" + key + "@127.0.0.1:" + broker.port());
		env.put("AWS_CA_BUNDLE", home.resolve("ca").resolve("amk-ca.pem").toString());
		env.put("AWS_ACCESS_KEY_ID", PLACEHOLDER_ID);
		env.put("AWS_SECRET_ACCESS_KEY", "amk-placeholder-not-a-secret");
		env.put("AWS_DEFAULT_REGION", "us-east-1");
		env.put("AWS_CONFIG_FILE", work.resolve("no-config").toString());
		env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());
		env.put("AWS_EC2_METADATA_DISABLED", "true");
		env.put("HOME", work.toString());
		Path err = Files.createTempFile(work, "tool", ".err");
		pb.redirectError(err.toFile());
		Process p = pb.start();
		String out;
		try (InputStream in = p.getInputStream()) {
			out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertTrue(p.waitFor(60, TimeUnit.SECONDS));
		return new Run(p.exitValue(), out, Files.readString(err));
	}

	private Run python(String agent, String key, String script) throws Exception {
		return run(agent, key, "python3", "-c", script);
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
	@DisplayName("aws CLI: list, read, multi-megabyte streamed put and get-caller-identity, all re-signed with a per-agent session")
	void awsCli() throws Exception {
		startBroker();
		String key = broker.createAgent("cli", "aws");
		Run ls = run("cli", key, "aws", "s3api", "list-objects-v2", "--bucket", "data");
		assertEquals(0, ls.exit(), ls.err());
		assertTrue(ls.out().contains("hello.txt"), ls.out());

		Run cat = run("cli", key, "aws", "s3", "cp", "s3://data/hello.txt", "-");
		assertEquals(0, cat.exit(), cat.err());
		assertEquals("hello from the fake S3\n", cat.out());

		byte[] big = new byte[6 * 1024 * 1024 + 123];
		new SecureRandom().nextBytes(big);
		Path file = work.resolve("big.bin");
		Files.write(file, big);
		Run put = run("cli", key, "aws", "s3api", "put-object", "--bucket", "data", "--key", "cli-big.bin", "--body", file.toString());
		assertEquals(0, put.exit(), put.err());
		Map<String, Object> stored = fake.await(e -> "data/cli-big.bin".equals(e.get("stored")));
		assertEquals(sha256(big), stored.get("sha256"));

		Run who = run("cli", key, "aws", "sts", "get-caller-identity");
		assertEquals(0, who.exit(), who.err());
		assertTrue(who.out().contains("federated-user/amk-cli"), who.out());

		assertEveryRequestVerifiedAndNoPlaceholder();
		Map<String, Object> issued = fake.await(e -> "amk-cli".equals(e.get("name")));
		assertEquals("GetFederationToken", issued.get("action"));
	}

	@Test
	@DisplayName("boto3: list, get, put of a streamed multi-megabyte body, and STS; a read grant cannot write (AWS's AccessDenied passes through)")
	void boto3AndReadGrant() throws Exception {
		startBroker();
		String key = broker.createAgent("py", "aws");
		String script = """
				import boto3, hashlib, io, os
				s3 = boto3.client('s3')
				print('keys', [o['Key'] for o in s3.list_objects_v2(Bucket='data')['Contents']])
				print('body', s3.get_object(Bucket='data', Key='hello.txt')['Body'].read().decode().strip())
				data = os.urandom(5 * 1024 * 1024 + 7)
				s3.put_object(Bucket='data', Key='py-big.bin', Body=io.BytesIO(data))
				print('put', hashlib.sha256(data).hexdigest())
				print('arn', boto3.client('sts').get_caller_identity()['Arn'])
				""";
		Run r = python("py", key, script);
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().contains("'hello.txt'") && r.out().contains("body hello from the fake S3"), r.out());
		String sha = r.out().lines().filter(l -> l.startsWith("put ")).findFirst().orElseThrow().substring(4);
		assertEquals(sha, fake.await(e -> "data/py-big.bin".equals(e.get("stored"))).get("sha256"));
		assertTrue(r.out().contains("federated-user/amk-py"), r.out());

		String reader = broker.createAgent("reader", "aws:read");
		Run read = python("reader", reader, """
				import boto3, botocore
				s3 = boto3.client('s3')
				print('body', s3.get_object(Bucket='data', Key='hello.txt')['Body'].read().decode().strip())
				try:
				    s3.put_object(Bucket='data', Key='nope.txt', Body=b'no')
				    print('WROTE')
				except botocore.exceptions.ClientError as e:
				    print('denied', e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])
				""");
		assertEquals(0, read.exit(), read.err());
		assertTrue(read.out().contains("body hello from the fake S3"), read.out());
		assertTrue(read.out().contains("denied AccessDenied 403"), read.out());
		Map<String, Object> issued = fake.await(e -> "amk-reader".equals(e.get("name")));
		assertEquals(List.of(CloudScope.READ_ONLY_ACCESS), issued.get("policyArns"));
		assertEveryRequestVerifiedAndNoPlaceholder();
	}

	@Test
	@DisplayName("session credentials are cached, renewed once the clock passes their expiry, and dropped when the agent is revoked")
	void renewalAndRevocation() throws Exception {
		startBroker();
		String key = broker.createAgent("renew", "aws");
		String who = "import boto3; print(boto3.client('sts').get_caller_identity()['UserId'])";
		String first = python("renew", key, who).out().strip();
		String again = python("renew", key, who).out().strip();
		assertTrue(first.startsWith("ASIA"), first);
		assertEquals(first, again, "cached session reused");
		clock.advance(Duration.ofMinutes(56)); // within RENEW_BEFORE of the one-hour expiry
		String renewed = python("renew", key, who).out().strip();
		assertTrue(renewed.startsWith("ASIA"), renewed);
		assertNotEquals(first, renewed);
		assertEveryRequestVerifiedAndNoPlaceholder();

		assertEquals(0, broker.cli("agent", "revoke", "renew").exit());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("renew") && a.agent().revokedAt() != null));
		Run refused = python("renew", key, who);
		assertNotEquals(0, refused.exit(), refused.out());

		// Revocation dropped the session: once enabled again the agent gets a fresh one, not the old credentials.
		assertEquals(0, broker.cli("agent", "enable", "renew").exit());
		broker.awaitRegistry(s -> s.agents().stream().anyMatch(a -> a.agent().name().equals("renew") && a.agent().revokedAt() == null));
		String afterEnable = python("renew", key, who).out().strip();
		assertTrue(afterEnable.startsWith("ASIA"), afterEnable);
		assertNotEquals(renewed, afterEnable);
	}

	@Test
	@DisplayName("once the clock passes a session's expiry the broker signs with renewed credentials; the expired ones never reach AWS")
	void renewedAfterExpiry() throws Exception {
		startBroker();
		String key = broker.createAgent("late", "aws");
		String who = "import boto3; print(boto3.client('sts').get_caller_identity()['UserId'])";
		Run first = python("late", key, who);
		assertEquals(0, first.exit(), first.err());
		String expires = (String) fake.await(e -> "amk-late".equals(e.get("name"))).get("expiration");
		clock.advance(Duration.between(clock.instant(), Instant.parse(expires).plusSeconds(60))); // past the expiry the fake enforces by each request's X-Amz-Date

		Run later = python("late", key, who);
		assertEquals(0, later.exit(), "the fake answers ExpiredToken to the old session: " + later.err());
		assertTrue(later.out().strip().startsWith("ASIA"), later.out());
		assertNotEquals(first.out().strip(), later.out().strip(), "signed with a new session");
		assertEquals(2, fake.log().stream().filter(e -> "amk-late".equals(e.get("name"))).count(), "one renewal");
		assertTrue(fake.log().stream().noneMatch(e -> Boolean.TRUE.equals(e.get("expired"))), "expired credentials were used: " + fake.log());
		assertEveryRequestVerifiedAndNoPlaceholder();
	}

	@Test
	@DisplayName("SigV4a (S3 Multi-Region Access Points) is refused with a JSON error saying so and what to do; nothing reaches AWS")
	void sigV4aRefused() throws Exception {
		startBroker();
		String key = broker.createAgent("mrap", "aws");
		long before = fake.log().size();
		Run r = python("mrap", key, """
				import http.client, ssl, os, base64, urllib.parse
				proxy = urllib.parse.urlsplit(os.environ['HTTPS_PROXY'])
				ctx = ssl.create_default_context(cafile=os.environ['AWS_CA_BUNDLE'])
				auth = base64.b64encode(f'{proxy.username}:{proxy.password}'.encode()).decode()
				c = http.client.HTTPSConnection(proxy.hostname, proxy.port, context=ctx)
				c.set_tunnel('mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com', 443, headers={'Proxy-Authorization': 'Basic ' + auth})
				c.request('GET', '/hello.txt', headers={
				    'Authorization': 'AWS4-ECDSA-P256-SHA256 Credential=AKIAAMKPLACEHOLDER00/20260101/s3/aws4_request,'
				                     ' SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045022100' + 'ab' * 32,
				    'X-Amz-Region-Set': '*', 'x-amz-date': '20260101T000000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD'})
				resp = c.getresponse()
				print(resp.status, resp.getheader('Content-Type'), resp.read().decode())
				""");
		assertEquals(0, r.exit(), r.err());
		assertTrue(r.out().startsWith("400 application/json"), r.out());
		Map<String, Object> error = dev.amk.common.Json.readObject(r.out().substring(r.out().indexOf('{')));
		assertTrue(error.toString().contains("bad_request") && error.toString().contains("SigV4a")
				&& error.toString().contains("Multi-Region Access Points") && error.toString().contains("in its own Region"), r.out());
		assertEquals(before, fake.log().size(), "nothing sent to AWS");
	}

	@Test
	@DisplayName("the real aws CLI under amk run: an aws-chunked upload with a trailing checksum is decoded, re-signed and stored whole")
	void awsCliUnderAmkRun() throws Exception {
		startBroker();
		dev.amk.broker.BrokerFile.write(home, broker.port()); // as serve and the app do: amk run finds the broker through it
		assertEquals(0, broker.cli("ca", "bundle").exit());
		broker.createAgent("runner", "aws:services=s3,sts");
		byte[] big = new byte[3 * 1024 * 1024 + 17];
		new SecureRandom().nextBytes(big);
		Path file = work.resolve("chunked.bin");
		Files.write(file, big);
		// --checksum-algorithm makes the CLI send the body aws-chunked with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER);
		// --debug prints the request headers it sent, to show that it did.
		Run put = amkRun("runner", "aws", "--debug", "s3api", "put-object", "--bucket", "data", "--key", "run-chunked.bin", "--body",
				file.toString(), "--checksum-algorithm", "CRC32");
		assertEquals(0, put.exit(), put.err());
		assertTrue(put.err().contains("aws-chunked") && put.err().contains("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), "the CLI sent aws-chunked");
		Map<String, Object> stored = fake.await(e -> "data/run-chunked.bin".equals(e.get("stored")));
		assertEquals(sha256(big), stored.get("sha256"));
		assertEquals(0, amkRun("runner", "aws", "s3", "cp", "s3://data/hello.txt", "-").exit());

		Run iam = amkRun("runner", "aws", "iam", "list-users");
		assertNotEquals(0, iam.exit(), iam.out());
		assertTrue(iam.err().contains("scope_denied") && iam.err().contains("may reach only s3, sts"), "the broker's refusal, as the CLI quotes it: " + iam);
		assertTrue(fake.log().stream().noneMatch(e -> "iam.amazonaws.com".equals(e.get("host"))), "IAM reached the fake");
		assertEveryRequestVerifiedAndNoPlaceholder();
	}

	/** {@code amk run AGENT -- CMD} as its own JVM: the tool gets only what amk run sets (and the test's no-config AWS files). */
	private Run amkRun(String agent, String... command) throws Exception {
		List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main", "run", agent, "--"));
		cmd.addAll(List.of(command));
		Path out = Files.createTempFile(work, "run", ".out");
		Path err = Files.createTempFile(work, "run", ".err");
		ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.redirectOutput(out.toFile()).redirectError(err.toFile());
		Map<String, String> env = pb.environment();
		env.keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy") || k.startsWith("AWS_"));
		env.put("AMK_HOME", home.toString());
		env.put("HOME", work.toString());
		// The connection's region is in the test broker's in-memory keychain, out of amk run's reach: the tool is given one.
		env.put("AWS_DEFAULT_REGION", "us-east-1");
		env.put("AWS_CONFIG_FILE", work.resolve("no-config").toString());
		env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString());
		env.put("AWS_EC2_METADATA_DISABLED", "true");
		Process p = pb.start();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS), "amk run did not finish");
		return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
	}

	@Test
	@DisplayName("--role-arn: each agent's session comes from AssumeRole with the grant's policy; a placeholder never reaches AWS")
	void assumeRole() throws Exception {
		startBroker();
		BrokerFixture.CliResult added = broker.cliWithStdin(FakeAws.ACCESS_KEY_ID + "\n" + FakeAws.SECRET + "\n", "connection", "add", "roled",
				"--provider", "aws", "--role-arn", "arn:aws:iam::123456789012:role/agents");
		assertEquals(0, added.exit(), added.err());
		broker.awaitRegistry(s -> s.connection("roled") != null);
		String key = broker.createAgent("roler", "roled:read");
		Run who = run("roler", key, "aws", "sts", "get-caller-identity");
		assertEquals(0, who.exit(), who.err());
		Map<String, Object> issued = fake.await(e -> "AssumeRole".equals(e.get("action")) && "amk-roler".equals(e.get("name")));
		assertEquals(List.of(CloudScope.READ_ONLY_ACCESS), issued.get("policyArns"));
		assertEquals(null, issued.get("policy"), "AssumeRole without an inline policy: the role's own permissions, narrowed by the ARN");
		assertEveryRequestVerifiedAndNoPlaceholder();
	}

	@Test
	@DisplayName("revoking the agent mid-download ends the download")
	void revocationMidDownload() throws Exception {
		startBroker();
		String key = broker.createAgent("dl", "aws");
		String download = """
				import boto3, sys
				body = boto3.client('s3').get_object(Bucket='data', Key='slow')['Body']
				total = 0
				try:
				    while True:
				        chunk = body.read(65536)
				        if not chunk:
				            break
				        total += len(chunk)
				    print('COMPLETE', total)
				except Exception as e:
				    print('CUT', total, type(e).__name__)
				""";
		Run[] result = new Run[1];
		Thread t = Thread.ofVirtual().start(() -> {
			try {
				result[0] = python("dl", key, download);
			} catch (Exception e) {
				throw new RuntimeException(e);
			}
		});
		fake.await(e -> Boolean.TRUE.equals(e.get("slowStarted")));
		assertEquals(0, broker.cli("agent", "revoke", "dl").exit());
		t.join(Duration.ofSeconds(60));
		assertFalse(result[0].out().contains("COMPLETE"), result[0].out() + result[0].err());
	}

	@Test
	@DisplayName("a presigned URL is refused by the broker with a clear error; nothing reaches AWS")
	void presignedRefused() throws Exception {
		startBroker();
		String key = broker.createAgent("pre", "aws");
		long before = fake.log().size();
		Run r = python("pre", key, """
				import boto3, urllib.request, os, ssl
				url = boto3.client('s3').generate_presigned_url('get_object', Params={'Bucket': 'data', 'Key': 'hello.txt'})
				print('URL', url)
				ctx = ssl.create_default_context(cafile=os.environ['AWS_CA_BUNDLE'])
				opener = urllib.request.build_opener(urllib.request.ProxyHandler({'https': os.environ['HTTPS_PROXY']}), urllib.request.HTTPSHandler(context=ctx))
				try:
				    opener.open(url)
				except urllib.error.HTTPError as e:
				    print(e.code, e.read().decode())
				""");
		assertTrue(r.out().contains("\n400 ") && r.out().contains("bad_request") && r.out().contains("resigned"), r.out() + r.err());
		assertEquals(before, fake.log().size());
	}

	@Test
	@DisplayName("services=s3 lets S3 through and refuses IAM in the broker (403 scope_denied, never signed); policy=FILE goes to STS inline")
	void servicesAndPolicyGrants() throws Exception {
		startBroker();
		String key = broker.createAgent("s3only", "aws:services=s3");
		Run ls = run("s3only", key, "aws", "s3api", "list-objects-v2", "--bucket", "data");
		assertEquals(0, ls.exit(), ls.err());
		Run iam = run("s3only", key, "aws", "iam", "list-users");
		assertNotEquals(0, iam.exit(), iam.out());
		assertTrue(iam.err().contains("scope_denied"), iam.err()); // the broker's JSON refusal, quoted by the CLI
		// The status as an SDK gets it (botocore itself only quotes the JSON in a parser error): an IAM call signed by botocore.
		Run signed = python("s3only", key, """
				import botocore.session, botocore.auth, botocore.awsrequest, urllib.request, urllib.error, ssl, os, json
				req = botocore.awsrequest.AWSRequest('POST', 'https://iam.amazonaws.com/', data=b'Action=ListUsers&Version=2010-05-08',
				                                     headers={'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'})
				botocore.auth.SigV4Auth(botocore.session.get_session().get_credentials(), 'iam', 'us-east-1').add_auth(req)
				ctx = ssl.create_default_context(cafile=os.environ['AWS_CA_BUNDLE'])
				opener = urllib.request.build_opener(urllib.request.ProxyHandler({'https': os.environ['HTTPS_PROXY']}), urllib.request.HTTPSHandler(context=ctx))
				try:
				    opener.open(urllib.request.Request(req.url, data=req.body, headers=dict(req.headers), method='POST'))
				    print('LISTED')
				except urllib.error.HTTPError as e:
				    print(e.code, json.loads(e.read())['error']['type'])
				""");
		assertEquals("403 scope_denied", signed.out().strip(), signed.toString());
		assertTrue(fake.log().stream().noneMatch(e -> "iam.amazonaws.com".equals(e.get("host"))), "IAM reached the fake");
		assertTrue(broker.cli("audit", "--json").out().contains("scope_denied"));

		Path policy = work.resolve("policy.json");
		Files.writeString(policy, """
				{ "Version": "2012-10-17",
				  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*" } ] }
				""");
		String pol = broker.createAgent("pol", "aws:policy=" + policy);
		Run who = run("pol", pol, "aws", "sts", "get-caller-identity");
		assertEquals(0, who.exit(), who.err());
		Map<String, Object> issued = fake.await(e -> "amk-pol".equals(e.get("name")));
		assertEquals(dev.amk.common.Json.readObject(Files.readString(policy)), dev.amk.common.Json.readObject((String) issued.get("policy")));
		assertEquals(List.of(), issued.get("policyArns"));
		assertEveryRequestVerifiedAndNoPlaceholder();
	}

	@Test
	@DisplayName("aws-chunked uploads (signed chunks, and unsigned with a trailing checksum) are decoded and sent as UNSIGNED-PAYLOAD")
	void awsChunkedUploads() throws Exception {
		startBroker();
		String key = broker.createAgent("chunky", "aws");
		Run r = python("chunky", key, """
				import http.client, ssl, os, base64, hashlib, urllib.parse
				proxy = urllib.parse.urlsplit(os.environ['HTTPS_PROXY'])
				ctx = ssl.create_default_context(cafile=os.environ['AWS_CA_BUNDLE'])
				auth = base64.b64encode(f'{proxy.username}:{proxy.password}'.encode()).decode()
				for mode in ('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'):
				    c = http.client.HTTPSConnection(proxy.hostname, proxy.port, context=ctx)
				    c.set_tunnel('data.s3.amazonaws.com', 443, headers={'Proxy-Authorization': 'Basic ' + auth})
				    data = os.urandom(200000)
				    signed = mode.startswith('STREAMING-AWS4')
				    ext = (b';chunk-signature=' + b'0' * 64) if signed else b''
				    body = b''.join(b'%x' % len(data[i:i + 65536]) + ext + b'\\r\\n' + data[i:i + 65536] + b'\\r\\n' for i in range(0, len(data), 65536))
				    body += b'0' + ext + b'\\r\\n' + (b'' if signed else b'x-amz-checksum-crc32:AAAAAA==\\r\\n') + b'\\r\\n'
				    headers = {'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIAAMKPLACEHOLDER00/20260101/us-east-1/s3/aws4_request,'
				               ' SignedHeaders=host, Signature=' + '0' * 64, 'x-amz-content-sha256': mode, 'x-amz-date': '20260101T000000Z',
				               'Content-Encoding': 'aws-chunked', 'x-amz-decoded-content-length': str(len(data))}
				    if not signed:
				        headers['x-amz-trailer'] = 'x-amz-checksum-crc32'
				    key = 'chunked-' + ('signed' if signed else 'trailer') + '.bin'
				    c.request('PUT', '/' + key, body=body, headers=headers)
				    resp = c.getresponse()
				    print(key, resp.status, hashlib.sha256(data).hexdigest(), resp.read().decode()[:300])
				""");
		assertEquals(0, r.exit(), r.err());
		for (String line : r.out().strip().split("\n")) {
			String[] f = line.split(" ");
			assertEquals("200", f[1], r.out());
			Map<String, Object> stored = fake.await(e -> ("data/" + f[0]).equals(e.get("stored")));
			assertEquals(f[2], stored.get("sha256"));
		}
		assertTrue(fake.log().stream().filter(e -> String.valueOf(e.get("path")).startsWith("/chunked-"))
				.allMatch(e -> "UNSIGNED-PAYLOAD".equals(e.get("contentSha256")) && e.get("contentEncoding") == null), fake.log().toString());
		assertEveryRequestVerifiedAndNoPlaceholder();
	}

	private static String sha256(byte[] data) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
	}

	private static boolean onPath(String tool) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
	}
}
