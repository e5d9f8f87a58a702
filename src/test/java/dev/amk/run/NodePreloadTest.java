package dev.amk.run;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NodePreloadTest {
	@TempDir
	Path dir;

	@Test
	@DisplayName("installed in DATA/run once, replaced when it differs from this version's")
	void install() throws Exception {
		Path data = dir.resolve("data");
		Path preload = NodePreload.install(data);
		assertEquals(data.resolve("run").resolve(NodePreload.NAME), preload);
		assertArrayEquals(NodePreload.script(), Files.readAllBytes(preload));
		Files.writeString(preload, "// an older version");
		assertEquals(preload, NodePreload.install(data));
		assertArrayEquals(NodePreload.script(), Files.readAllBytes(preload));
		try (var left = Files.list(preload.getParent())) {
			assertEquals(1, left.count(), "no temporary file left behind");
		}
	}

	@Test
	@DisplayName("the path is quoted and escaped the way Node reads NODE_OPTIONS")
	void quoting() {
		assertEquals("--require \"/Users/a b/Library/Application Support/x\\\"y\\\\z.cjs\"",
				NodePreload.nodeOptions(" ", Path.of("/Users/a b/Library/Application Support/x\"y\\z.cjs")));
	}

	/**
	 * The script in a real Node (the machine's own, whatever its version): loaded from a folder with a space and a quote
	 * through the NODE_OPTIONS amk run sets, every new http and https agent, also one imported by name in an ES module,
	 * gets {@code proxyEnv: process.env}, one given its own {@code proxyEnv} keeps it, and {@code instanceof} still holds.
	 */
	@Test
	@DisplayName("in a real Node: agents made by SDKs get proxyEnv, explicit ones are kept, instanceof holds")
	void realNode() throws Exception {
		assumeTrue(onPath("node"), "node is not installed");
		Path preload = NodePreload.install(dir.resolve("Application Support \"amk\""));
		Path script = dir.resolve("check.mjs");
		Files.writeString(script, """
				import https from 'node:https';
				import http from 'node:http';
				import { Agent } from 'node:https';
				const own = {};
				console.log([new Agent({ keepAlive: true }).options.proxyEnv === process.env,
				  new http.Agent().options.proxyEnv === process.env,
				  new https.Agent({ proxyEnv: own }).options.proxyEnv === own,
				  new Agent() instanceof http.Agent, https.globalAgent instanceof https.Agent, Agent.name].join(' '));
				""");
		ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true);
		pb.environment().put("NODE_OPTIONS", NodePreload.nodeOptions("--no-warnings", preload));
		pb.environment().put("NODE_USE_ENV_PROXY", "1");
		assertEquals("true true true true true Agent", run(pb));
		pb.environment().remove("NODE_USE_ENV_PROXY"); // not under amk run's proxy: agents stay as Node makes them
		assertEquals("false false true true true Agent", run(pb));
	}

	private static String run(ProcessBuilder pb) throws Exception {
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes()).strip();
		assertTrue(p.waitFor(30, TimeUnit.SECONDS));
		assertEquals(0, p.exitValue(), out);
		return out;
	}

	private static boolean onPath(String command) {
		for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(d, command))) {
				return true;
			}
		}
		return false;
	}
}
