/*
 * Small tools for scripts/package-smoke.sh, run as a single-file Java program (the JDK is there anyway, so
 * the smoke test needs no Python, curl or ImageMagick):
 *
 *   java scripts/smoke/SmokeTools.java upstream PORT_FILE LOG_FILE
 *       A loopback HTTP upstream on a free port (written to PORT_FILE): answers every request with 200 and
 *       {"upstream":"ok"}, and appends "METHOD PATH | Authorization: VALUE" for each request to LOG_FILE.
 *   java scripts/smoke/SmokeTools.java get URL AUTHORIZATION
 *       One GET with that Authorization header; prints the status and the body.
 *   java scripts/smoke/SmokeTools.java screenshot OUT.png [X Y W H]
 *       A PNG of the X display ($DISPLAY), whole or the given rectangle.
 */

import com.sun.net.httpserver.HttpServer;

import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.imageio.ImageIO;

public class SmokeTools {
	public static void main(String[] args) throws Exception {
		switch (args.length > 0 ? args[0] : "") {
			case "upstream" -> upstream(Path.of(args[1]), Path.of(args[2]));
			case "get" -> get(args[1], args[2]);
			case "screenshot" -> screenshot(args);
			default -> {
				System.err.println("usage: SmokeTools upstream PORT_FILE LOG_FILE | get URL AUTHORIZATION | screenshot OUT.png [X Y W H]");
				System.exit(2);
			}
		}
	}

	static void upstream(Path portFile, Path log) throws Exception {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/", exchange -> {
			String line = exchange.getRequestMethod() + " " + exchange.getRequestURI() + " | Authorization: "
					+ exchange.getRequestHeaders().getFirst("Authorization") + "\n";
			Files.writeString(log, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			byte[] body = "{\"upstream\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		Path tmp = Files.createTempFile(portFile.toAbsolutePath().getParent(), "port", ".tmp");
		Files.writeString(tmp, String.valueOf(server.getAddress().getPort()));
		Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

	static void get(String url, String authorization) throws Exception {
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).build(),
					HttpResponse.BodyHandlers.ofString());
			System.out.println(response.statusCode() + " " + response.body());
		}
	}

	static void screenshot(String[] args) throws Exception {
		Rectangle area = args.length >= 6
				? new Rectangle(Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]))
				: new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
		ImageIO.write(new Robot().createScreenCapture(area), "png", new File(args[1]));
	}
}
