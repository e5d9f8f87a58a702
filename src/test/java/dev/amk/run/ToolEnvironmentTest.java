package dev.amk.run;

import dev.amk.connections.Connection;
import dev.amk.providers.Providers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolEnvironmentTest {
	private static final String KEY = "amk_placeholder";

	private static Connection connection(String name, String provider) {
		var p = Providers.byId(provider);
		return new Connection(1, name, p, HttpUrl.get(p.defaultBaseUrl()), p.defaultInjection(), "ref", Instant.EPOCH);
	}

	private static ToolEnvironment.Inputs inputs(Connection... connections) {
		return new ToolEnvironment.Inputs(9323, "coder.run-abc123", KEY, Path.of("/d/ca/amk-ca.pem"), Path.of("/d/ca/bundle.pem"),
				List.of(connections), Path.of("/d/run/node-proxy-agents.cjs"));
	}

	@Test
	@DisplayName("SDK variables per granted provider, the child key as every placeholder")
	void sdkVariables() {
		Map<String, String> env = ToolEnvironment.variables(inputs(connection("oa", "openai"), connection("an", "anthropic"),
				connection("ge", "gemini"), connection("gh", "github")));
		for (String name : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GH_TOKEN", "GITHUB_TOKEN")) {
			assertEquals(KEY, env.get(name), name);
		}
		assertTrue(env.get("OPENAI_BASE_URL").startsWith("http://127.0.0.1:9323/oa"));
		assertEquals("http://127.0.0.1:9323/an", env.get("ANTHROPIC_BASE_URL"));
		assertEquals("/d/ca/amk-ca.pem", env.get("NODE_EXTRA_CA_CERTS"));
		assertEquals("/d/ca/bundle.pem", env.get("SSL_CERT_FILE"));
		assertFalse(ToolEnvironment.variables(inputs()).containsKey("OPENAI_API_KEY"), "only granted providers");
	}

	@Test
	@DisplayName("inherited raw keys are dropped; GIT_CONFIG entries already set are kept and the helper appended, after a reset")
	void inheritedEnvironment() {
		Map<String, String> env = ToolEnvironment.forTool(Map.of("PATH", "/bin", "ANTHROPIC_API_KEY", "sk-ant-real", "AWS_SECRET_ACCESS_KEY", "x",
				"GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "core.editor", "GIT_CONFIG_VALUE_0", "vi"), inputs());
		assertEquals("/bin", env.get("PATH"));
		assertFalse(env.containsKey("ANTHROPIC_API_KEY"));
		assertFalse(env.containsKey("AWS_SECRET_ACCESS_KEY"));
		assertEquals("4", env.get("GIT_CONFIG_COUNT"));
		assertEquals("http.proxyAuthMethod", env.get("GIT_CONFIG_KEY_3"));
		assertEquals("core.editor", env.get("GIT_CONFIG_KEY_0"));
		assertEquals("", env.get("GIT_CONFIG_VALUE_1"));
		assertEquals("credential.helper", env.get("GIT_CONFIG_KEY_2"));
		assertTrue(env.get("GIT_CONFIG_VALUE_2").contains("$" + ToolEnvironment.KEY_VARIABLE));
		assertEquals("--require \"/d/run/node-proxy-agents.cjs\"", env.get("NODE_OPTIONS"));
	}

	@Test
	@DisplayName("NODE_OPTIONS keeps the tool's own options and gains the preload once, also in a nested amk run")
	void nodeOptionsKeepInherited() {
		Map<String, String> env = ToolEnvironment.forTool(Map.of("NODE_OPTIONS", "--max-old-space-size=4096"), inputs());
		assertEquals("--max-old-space-size=4096 --require \"/d/run/node-proxy-agents.cjs\"", env.get("NODE_OPTIONS"));
		assertEquals(env.get("NODE_OPTIONS"), ToolEnvironment.forTool(env, inputs()).get("NODE_OPTIONS"));
		var withoutPreload = new ToolEnvironment.Inputs(9323, "a", KEY, Path.of("/c"), Path.of("/b"), List.of(), null);
		assertEquals("--inspect", ToolEnvironment.forTool(Map.of("NODE_OPTIONS", "--inspect"), withoutPreload).get("NODE_OPTIONS"));
	}

	@Test
	@DisplayName("the git helper is a shell function that prints x-access-token and the key, and nothing for store or erase")
	void gitHelperRunsInSh() throws Exception {
		String helper = ToolEnvironment.GIT_HELPER.substring(1); // git runs "!…" helpers through sh
		for (String[] c : new String[][] {{"get", "username=x-access-token\npassword=" + KEY + "\n"}, {"store", ""}}) {
			ProcessBuilder pb = new ProcessBuilder("sh", "-c", helper + " \"$@\"", "sh", c[0]);
			pb.environment().put(ToolEnvironment.KEY_VARIABLE, KEY);
			Process p = pb.start();
			p.getOutputStream().close();
			assertEquals(c[1], new String(p.getInputStream().readAllBytes()));
			p.waitFor();
		}
	}
}
