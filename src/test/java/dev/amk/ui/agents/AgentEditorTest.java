package dev.amk.ui.agents;

import dev.amk.agents.Grant;
import dev.amk.agents.GrantRule;
import dev.amk.common.AmkException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the New agent / Edit grants form turns its fields into, and the messages it shows when it cannot. */
class AgentEditorTest {
	private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

	@Test
	@DisplayName("Full and Read-only are the CLI's presets")
	void presets() {
		assertSame(GrantRule.FULL, AgentEditor.grantFor("openai", GrantRule.Preset.FULL, "ignored", "ignored").rule());
		assertSame(GrantRule.READ, AgentEditor.grantFor("openai", GrantRule.Preset.READ, "", "").rule());
	}

	@Test
	@DisplayName("Custom takes methods and paths separated by commas or spaces, in any case")
	void custom() {
		Grant g = AgentEditor.grantFor("openai", GrantRule.Preset.CUSTOM, " get, post ", "/v1/chat/**  /v1/models");
		assertEquals("openai", g.connection());
		assertEquals(GrantRule.Preset.CUSTOM, g.rule().preset());
		assertEquals(Set.of("GET", "POST"), g.rule().methods());
		assertEquals("/v1/chat/**,/v1/models", g.rule().pathsColumn());

		GrantRule methodsOnly = AgentEditor.grantFor("gh", GrantRule.Preset.CUSTOM, "GET,DELETE", "").rule();
		assertEquals(Set.of("GET", "DELETE"), methodsOnly.methods());
		assertEquals("/**", methodsOnly.pathsColumn());

		GrantRule pathsOnly = AgentEditor.grantFor("gh", GrantRule.Preset.CUSTOM, "", "/repos/acme/**").rule();
		assertTrue(pathsOnly.methods().isEmpty(), "no methods typed: any method");
		assertTrue(pathsOnly.allowsPath(List.of("repos", "acme", "x")) && !pathsOnly.allowsPath(List.of("repos", "other")));
	}

	@Test
	@DisplayName("Custom with nothing typed, an unknown method or a bad path rule says what to type instead")
	void customErrors() {
		AmkException empty = assertThrows(AmkException.class, () -> AgentEditor.grantFor("o", GrantRule.Preset.CUSTOM, " ", ""));
		assertTrue(empty.getMessage().contains("or choose Full access or Read-only"), empty.getMessage());
		AmkException method = assertThrows(AmkException.class, () -> AgentEditor.grantFor("o", GrantRule.Preset.CUSTOM, "FETCH", ""));
		assertEquals("'FETCH' is not a preset or HTTP method. Use read, full, or methods such as GET,POST.", method.getMessage());
		AmkException path = assertThrows(AmkException.class, () -> AgentEditor.grantFor("o", GrantRule.Preset.CUSTOM, "GET", "v1/**"));
		assertTrue(path.getMessage().startsWith("A path rule must start with '/'"), path.getMessage());
		AmkException colon = assertThrows(AmkException.class, () -> AgentEditor.grantFor("o", GrantRule.Preset.CUSTOM, "GET:/x", ""));
		assertTrue(colon.getMessage().contains("separated by commas"), colon.getMessage());
	}

	@Test
	@DisplayName("expiry choices: none, the fixed durations, and a custom duration or instant")
	void expiry() {
		assertNull(AgentEditor.expiryAt(AgentEditor.Expiry.NEVER, "", NOW));
		assertNull(AgentEditor.expiryAt(AgentEditor.Expiry.KEEP, "", NOW));
		assertEquals(NOW.plus(Duration.ofHours(1)), AgentEditor.expiryAt(AgentEditor.Expiry.HOUR, "", NOW));
		assertEquals(NOW.plus(Duration.ofHours(24)), AgentEditor.expiryAt(AgentEditor.Expiry.DAY, "", NOW));
		assertEquals(NOW.plus(Duration.ofDays(7)), AgentEditor.expiryAt(AgentEditor.Expiry.WEEK, "", NOW));
		assertEquals(NOW.plus(Duration.ofDays(30)), AgentEditor.expiryAt(AgentEditor.Expiry.MONTH, "", NOW));
		assertEquals(NOW.plus(Duration.ofMinutes(90)), AgentEditor.expiryAt(AgentEditor.Expiry.CUSTOM, " 90m ", NOW));
		assertEquals(Instant.parse("2026-12-31T23:00:00Z"), AgentEditor.expiryAt(AgentEditor.Expiry.CUSTOM, "2026-12-31T23:00:00Z", NOW));
	}

	@Test
	@DisplayName("a custom expiry that is empty, not a duration or in the past is refused with what to type")
	void expiryErrors() {
		AmkException blank = assertThrows(AmkException.class, () -> AgentEditor.expiryAt(AgentEditor.Expiry.CUSTOM, "  ", NOW));
		assertTrue(blank.getMessage().startsWith("Type how long the key should work"), blank.getMessage());
		AmkException soon = assertThrows(AmkException.class, () -> AgentEditor.expiryAt(AgentEditor.Expiry.CUSTOM, "soon", NOW));
		assertEquals("'soon' is not a duration. Use a number and a unit: 90s, 30m, 24h, 7d or 2w.", soon.getMessage());
		AmkException past = assertThrows(AmkException.class, () -> AgentEditor.expiryAt(AgentEditor.Expiry.CUSTOM, "2020-01-01T00:00:00Z", NOW));
		assertTrue(past.getMessage().contains("already in the past"), past.getMessage());
	}
}
