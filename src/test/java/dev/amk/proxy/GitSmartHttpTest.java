package dev.amk.proxy;

import dev.amk.agents.GrantRule;
import dev.amk.common.ErrorType;
import dev.amk.providers.Providers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GitSmartHttpTest {
	@ParameterizedTest
	@CsvSource({
			"GET, /acme/repo.git/info/refs, service=git-upload-pack, read, GET",
			"POST, /acme/repo.git/git-upload-pack, , read, GET",
			"GET, /acme/repo.git/info/refs, service=git-receive-pack, read, DENIED",
			"POST, /acme/repo.git/git-receive-pack, , read, DENIED",
			"GET, /acme/repo.git/info/refs, service=git-upload-pack&service=git-receive-pack, read, DENIED",
			"GET, /acme/repo.git/info/refs, service=git-receive-pack, full, POST",
			"POST, /acme/repo.git/git-receive-pack, , full, POST",
			"POST, /repos/acme/repo/issues, , read, POST",
			"GET, /acme/repo.git/info/refs, , read, GET"})
	@DisplayName("a smart-HTTP request is authorised as what it does: fetch a read, push a write")
	void authorisedMethod(String method, String path, String query, String grant, String expected) throws Exception {
		List<String> segments = List.of(path.substring(1).split("/"));
		List<QueryParameter> parsed = QueryParameter.parse(query);
		GrantRule rule = GrantRule.parse(grant.equals("full") ? null : grant);
		if (expected.equals("DENIED")) {
			Refused r = assertThrows(Refused.class, () -> GitSmartHttp.authorisedMethod(Providers.byId("github"), rule, method, segments, parsed));
			assertEquals(ErrorType.SCOPE_DENIED, r.refusal().type());
		} else {
			assertEquals(expected, GitSmartHttp.authorisedMethod(Providers.byId("github"), rule, method, segments, parsed));
		}
	}

	@ParameterizedTest
	@CsvSource({"POST, /x/git-upload-pack", "GET, /x/info/refs"})
	@DisplayName("other providers' paths keep their method")
	void onlyGitHub(String method, String path) throws Exception {
		assertEquals(method, GitSmartHttp.authorisedMethod(Providers.byId("openai"), GrantRule.READ, method, List.of(path.substring(1).split("/")),
				QueryParameter.parse("service=git-upload-pack")));
	}
}
