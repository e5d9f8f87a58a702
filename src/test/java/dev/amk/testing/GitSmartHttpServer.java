package dev.amk.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real git smart-HTTP server on loopback: the JDK's HTTP server in front of {@code git http-backend} run as a CGI
 * script (git's own server side, as behind Apache or nginx), serving the bare repositories under {@code root}. It
 * records each request's method, path, query and Authorization header, so that a test can see what reached it.
 */
public final class GitSmartHttpServer implements AutoCloseable {
	/** One request as the server saw it. */
	public record Seen(String method, String path, String query, String authorization) {
	}

	private final HttpServer server;
	private final Path root;
	public final List<Seen> seen = new CopyOnWriteArrayList<>();

	public GitSmartHttpServer(Path root) throws IOException {
		this.root = root;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", this::serve);
		server.start();
	}

	public int port() {
		return server.getAddress().getPort();
	}

	public String url() {
		return "http://127.0.0.1:" + port();
	}

	private void serve(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getRawPath();
			String query = exchange.getRequestURI().getRawQuery();
			seen.add(new Seen(exchange.getRequestMethod(), path, query, exchange.getRequestHeaders().getFirst("Authorization")));
			byte[] body = exchange.getRequestBody().readAllBytes();
			ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
			Map<String, String> env = pb.environment();
			env.put("GIT_PROJECT_ROOT", root.toString());
			env.put("GIT_HTTP_EXPORT_ALL", "1");
			env.put("REQUEST_METHOD", exchange.getRequestMethod());
			env.put("PATH_INFO", exchange.getRequestURI().getPath());
			env.put("QUERY_STRING", query == null ? "" : query);
			env.put("CONTENT_LENGTH", String.valueOf(body.length));
			env.put("REMOTE_USER", "tester");
			env.put("REMOTE_ADDR", "127.0.0.1");
			String type = exchange.getRequestHeaders().getFirst("Content-Type");
			if (type != null) {
				env.put("CONTENT_TYPE", type);
			}
			String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
			if (encoding != null) {
				env.put("HTTP_CONTENT_ENCODING", encoding);
			}
			String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
			if (protocol != null) {
				env.put("GIT_PROTOCOL", protocol);
			}
			Process cgi = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
			Thread writer = Thread.ofVirtual().start(() -> {
				try (OutputStream in = cgi.getOutputStream()) {
					in.write(body);
				} catch (IOException ignored) {
					// the backend may stop reading early on an error it reports itself
				}
			});
			byte[] out;
			try (InputStream stdout = cgi.getInputStream()) {
				out = stdout.readAllBytes();
			}
			cgi.waitFor(30, TimeUnit.SECONDS);
			writer.join();
			respond(exchange, out);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/** A CGI answer: header lines up to a blank line ({@code Status:} among them), then the body. */
	private static void respond(HttpExchange exchange, byte[] cgiOutput) throws IOException {
		int split = -1;
		int skip = 0;
		for (int i = 0; i + 1 < cgiOutput.length; i++) {
			if (cgiOutput[i] == '\n' && cgiOutput[i + 1] == '\n') {
				split = i;
				skip = 2;
				break;
			}
			if (i + 3 < cgiOutput.length && cgiOutput[i] == '\r' && cgiOutput[i + 1] == '\n' && cgiOutput[i + 2] == '\r' && cgiOutput[i + 3] == '\n') {
				split = i;
				skip = 4;
				break;
			}
		}
		if (split < 0) {
			exchange.sendResponseHeaders(500, -1);
			return;
		}
		int status = 200;
		for (String line : new String(cgiOutput, 0, split, StandardCharsets.ISO_8859_1).split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon <= 0) {
				continue;
			}
			String name = line.substring(0, colon).strip();
			String value = line.substring(colon + 1).strip();
			if (name.equalsIgnoreCase("Status")) {
				status = Integer.parseInt(value.split(" ")[0]);
			} else {
				exchange.getResponseHeaders().add(name, value);
			}
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(cgiOutput, split + skip, cgiOutput.length - split - skip);
		exchange.sendResponseHeaders(status, body.size() == 0 ? -1 : body.size());
		if (body.size() > 0) {
			try (OutputStream os = exchange.getResponseBody()) {
				body.writeTo(os);
			}
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
