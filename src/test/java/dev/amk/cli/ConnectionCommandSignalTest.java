package dev.amk.cli;

import dev.amk.secrets.InMemorySecretStore;
import dev.amk.testing.FakeAuthorizationServer;
import dev.amk.testing.TestKeychain;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code amk connection connect} as a real process, ended by SIGTERM (what Ctrl-C does too) while it waits for the redirect. */
class ConnectionCommandSignalTest {
	@TempDir
	Path home;

	@Test
	@DisplayName("SIGTERM while waiting cancels the sign-in: the listener closes, the process says so, nothing is stored")
	void sigtermCancels() throws Exception {
		// Nothing reaches the keychain before the redirect; should a regression try, a throw-away service name keeps
		// the user's own items out of reach, and without a keychain the command's stderr would say so.
		String service = TestKeychain.uniqueService();
		try (FakeAuthorizationServer fake = FakeAuthorizationServer.start().registerClient("signal-client", null)) {
			ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.amk.launcher.Main",
					"connection", "connect", "gh", "--provider", "github", "--client-id", "signal-client", "--authorize-url", fake.authorizeUrl(),
					"--token-url", fake.tokenUrl(), "--base-url", fake.apiBaseUrl(), "--no-browser");
			pb.environment().put("AMK_HOME", home.toString());
			pb.environment().put("AMK_KEYCHAIN_SERVICE", service);
			Path stderrFile = home.resolve("connect.stderr");
			pb.redirectError(stderrFile.toFile());
			Process amk = pb.start();
			// Its own thread: the read blocks until the process writes, which the common pool (maybe one thread) cannot afford.
			ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
			amk.getOutputStream().close();
			try {
				BufferedReader out = new BufferedReader(new InputStreamReader(amk.getInputStream(), StandardCharsets.UTF_8));
				CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
					try {
						return out.readLine();
					} catch (java.io.IOException e) {
						throw new java.io.UncheckedIOException(e);
					}
				}, readers);
				String url;
				try {
					url = firstLine.get(30, TimeUnit.SECONDS);
				} catch (java.util.concurrent.TimeoutException e) {
					amk.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
					throw new AssertionError("no URL on stdout within 30 s; stderr: " + java.nio.file.Files.readString(stderrFile));
				}
				assertTrue(url != null && url.startsWith(fake.authorizeUrl()), "first stdout line: " + url + "; stderr so far: "
						+ java.nio.file.Files.readString(stderrFile));
				int port = HttpUrl.parse(HttpUrl.parse(url).queryParameter("redirect_uri")).port();
				new Socket("127.0.0.1", port).close(); // listening while it waits

				amk.destroy(); // SIGTERM

				assertTrue(amk.waitFor(20, TimeUnit.SECONDS), "the process ended");
				assertEquals(128 + 15, amk.exitValue());
				String err = java.nio.file.Files.readString(stderrFile);
				assertTrue(err.contains("The sign-in was cancelled; nothing was stored."), "stderr [" + err + "]");
				assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "the listener is closed");
			} finally {
				amk.destroyForcibly();
				readers.shutdownNow();
			}

			StringWriter list = new StringWriter();
			int exit = Cli.run(new String[] {"connection", "list", "--json"}, Map.of("AMK_HOME", home.toString()),
					new ByteArrayInputStream(new byte[0]), false, new PrintWriter(list, true), new PrintWriter(new StringWriter(), true),
					Clock.systemUTC(), InMemorySecretStore::new);
			assertEquals(0, exit);
			assertEquals("[ ]", list.toString().strip());
			assertEquals(List.of(), fake.issuedAccessTokens());
		}
	}
}
