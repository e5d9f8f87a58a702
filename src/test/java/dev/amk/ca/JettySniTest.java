package dev.amk.ca;

import dev.amk.secrets.InMemorySecretStore;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The way the forward proxy uses the CA: Jetty's {@link SslContextFactory.Server} given
 * {@link SniKeyManager#serverContext()}, with Jetty's {@link SecureRequestCustomizer}; real curl as the client.
 */
class JettySniTest {
	@TempDir
	Path home;

	Server server;
	int port;
	LocalCa ca;

	@BeforeEach
	void start() throws Exception {
		ca = new LocalCa(home, new InMemorySecretStore(), Clock.systemUTC(), SystemRoots.of("", "none"), new SecureRandom());
		ca.ensure();
		LeafCertificates leaves = new LeafCertificates(ca, Clock.systemUTC(), LeafCertificates.backgroundRenewals());
		SniKeyManager keys = new SniKeyManager(leaves, Set.of("api.openai.com", "api.github.com")::contains);
		SslContextFactory.Server tls = new SslContextFactory.Server();
		tls.setSslContext(keys.serverContext());
		HttpConfiguration http = new HttpConfiguration();
		http.addCustomizer(new SecureRequestCustomizer()); // checks that the Host header is a name of the leaf (SNI host check)
		server = new Server();
		ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
		connector.setHost("127.0.0.1");
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				Content.Sink.write(response, true, "jetty " + Request.getServerName(request), callback);
				return true;
			}
		});
		server.start();
		port = connector.getLocalPort();
	}

	@AfterEach
	void stop() throws Exception {
		server.stop();
	}

	TlsHandshakeTest.Run curl(String host, String... extra) throws Exception {
		TlsHandshakeTest.requireTool("curl");
		List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", " %{http_code}", "--cacert",
				ca.certificatePath().toString(), "--resolve", host + ":" + port + ":127.0.0.1"));
		cmd.addAll(List.of(extra));
		cmd.add("https://" + host + ":" + port + "/");
		return TlsHandshakeTest.run(cmd);
	}

	@Test
	@DisplayName("Jetty serves the allowed host's leaf and refuses the handshake for any other host")
	void sni() throws Exception {
		TlsHandshakeTest.Run ok = curl("api.openai.com");
		assertEquals(0, ok.exit(), ok.err());
		assertEquals("jetty api.openai.com 200", ok.out());
		assertEquals(35, curl("evil.example").exit());
	}

	@Test
	@DisplayName("a Host header naming another host than the leaf is refused by Jetty's SNI host check (400)")
	void innerHostForAnotherHost() throws Exception {
		TlsHandshakeTest.Run r = curl("api.openai.com", "-H", "Host: api.github.com");
		assertEquals(0, r.exit(), r.err());
		assertEquals(" 400", r.out().substring(r.out().length() - 4), r.out());
	}
}
