package dev.amk.providers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.amk.providers.Specs.hosts;
import static dev.amk.providers.Specs.snippet;
import static dev.amk.providers.Specs.snippetIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotionTest {
	private final ProviderSpec notion = Providers.NOTION;

	@Test
	@DisplayName("notion: api.notion.com, Bearer tokens, every request with Notion-Version")
	void spec() {
		assertEquals("notion", notion.id());
		assertEquals(List.of("api.notion.com"), hosts(notion));
		assertEquals(new Injection.Header("Authorization", "Bearer {secret}"), notion.defaultInjection());
		assertNull(notion.probe().path());
		assertEquals("2022-06-28", notion.probe().headers().get("Notion-Version"));
	}

	@Test
	@DisplayName("Notion's OAuth: Basic client auth, a JSON token body, owner=user, no revocation endpoint")
	void oauth() {
		OAuthProfile o = Providers.oauthOf(notion);
		assertEquals(ClientAuth.BASIC, o.clientAuth());
		assertTrue(o.jsonTokenRequests());
		assertEquals("user", o.extraAuthorize().get("owner"));
		assertNull(o.revokeUrl());
		assertEquals(List.of(), o.initialScopes(), "scopes are chosen on Notion's page");
	}

	@Test
	@DisplayName("Notion SDK: NOTION_BASE_URL and NOTION_TOKEN; curl sends the version header")
	void snippets() {
		assertEquals(List.of("notion", "curl"), snippetIds(notion));
		assertEquals("export NOTION_BASE_URL=http://127.0.0.1:9400/conn\nexport NOTION_TOKEN=amk_TESTKEY", snippet(notion, "notion").text());
		assertEquals("curl http://127.0.0.1:9400/conn/ -H \"Authorization: Bearer amk_TESTKEY\" -H \"Notion-Version: 2022-06-28\"",
				snippet(notion, "curl").text());
	}
}
