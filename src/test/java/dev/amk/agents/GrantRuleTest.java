package dev.amk.agents;

import dev.amk.common.AmkException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrantRuleTest {

	private static List<String> segs(String path) {
		return path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
	}

	private static List<String> patterns(GrantRule rule) {
		return rule.paths().stream().map(PathGlob::pattern).toList();
	}

	@Nested
	@DisplayName("parse()")
	class Parse {
		@ParameterizedTest
		@NullAndEmptySource
		@ValueSource(strings = {"   ", "full", "FULL", "*", "full:", "*:/**", "full:/**"})
		void bareConnectionOrFullIsTheFullPreset(String spec) {
			GrantRule rule = GrantRule.parse(spec);
			assertSame(GrantRule.FULL, rule);
			assertEquals(GrantRule.Preset.FULL, rule.preset());
			assertEquals(Set.of(), rule.methods());
			assertEquals(List.of("/**"), patterns(rule));
		}

		@ParameterizedTest
		@ValueSource(strings = {"read", "READ", "Read", "read:", "read:/**", " read "})
		void readIsTheReadPreset(String spec) {
			GrantRule rule = GrantRule.parse(spec);
			assertEquals(GrantRule.Preset.READ, rule.preset());
			assertEquals(Set.of("GET", "HEAD", "OPTIONS"), rule.methods());
			assertEquals(List.of("/**"), patterns(rule));
		}

		@Test
		void methodListIsCustomAndUpperCased() {
			GrantRule rule = GrantRule.parse("GET,post");
			assertEquals(GrantRule.Preset.CUSTOM, rule.preset());
			assertEquals(Set.of("GET", "POST"), rule.methods());
			assertEquals(List.of("/**"), patterns(rule));
		}

		@Test
		void methodListToleratesSpaces() {
			assertEquals(Set.of("GET", "DELETE"), GrantRule.parse(" get , Delete ").methods());
		}

		@Test
		void readInsideAMethodListExpandsToTheReadMethods() {
			assertEquals(Set.of("GET", "HEAD", "OPTIONS", "POST"), GrantRule.parse("read,POST").methods());
		}

		@Test
		void readWithPathsIsCustomReadMethods() {
			GrantRule rule = GrantRule.parse("read:/repos/acme/**");
			assertEquals(GrantRule.Preset.CUSTOM, rule.preset());
			assertEquals(GrantRule.READ_METHODS, rule.methods());
			assertEquals(List.of("/repos/acme/**"), patterns(rule));
		}

		@Test
		void fullWithPathsIsCustomAnyMethod() {
			GrantRule rule = GrantRule.parse("*:/v1/**");
			assertEquals(GrantRule.Preset.CUSTOM, rule.preset());
			assertEquals(Set.of(), rule.methods());
			assertEquals(List.of("/v1/**"), patterns(rule));
			assertEquals(rule, GrantRule.parse("full:/v1/**"));
		}

		@Test
		void methodsAndSeveralPaths() {
			GrantRule rule = GrantRule.parse("GET:/v1/models,/v1/chat/*");
			assertEquals(GrantRule.Preset.CUSTOM, rule.preset());
			assertEquals(Set.of("GET"), rule.methods());
			assertEquals(List.of("/v1/models", "/v1/chat/*"), patterns(rule));
		}

		@Test
		void pathsAreTrimmed() {
			assertEquals(List.of("/a", "/b/**"), patterns(GrantRule.parse("GET: /a , /b/** ")));
		}

		@Test
		void aColonInsideAPathIsKept() {
			assertEquals(List.of("/v1/models/*:generate"), patterns(GrantRule.parse("POST:/v1/models/*:generate")));
		}

		@ParameterizedTest
		@ValueSource(strings = {"GTE", "GET,FOO", "CONNECT", "TRACE", "write", "GET;POST", ",GET", "readonly"})
		void unknownMethodsAreRefused(String spec) {
			AmkException e = assertThrows(AmkException.class, () -> GrantRule.parse(spec));
			assertEquals("invalid_argument", e.type());
		}

		@ParameterizedTest
		@ValueSource(strings = {"GET:v1/**", "GET:/**/x", "GET:/a/../b", "GET:/./x", "read:/v1**", "GET:/a,b", "*:/x/**/"})
		void invalidPathGlobsAreRefused(String spec) {
			AmkException e = assertThrows(AmkException.class, () -> GrantRule.parse(spec));
			assertEquals("invalid_argument", e.type());
		}
	}

	@Nested
	@DisplayName("allowsMethod() and allowsPath()")
	class Allows {
		@ParameterizedTest
		@ValueSource(strings = {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
		void fullAllowsEveryMethod(String method) {
			assertTrue(GrantRule.FULL.allowsMethod(method));
		}

		@ParameterizedTest
		@CsvSource({"GET,true", "HEAD,true", "OPTIONS,true", "POST,false", "PUT,false", "PATCH,false", "DELETE,false"})
		void readAllowsOnlySafeMethods(String method, boolean allowed) {
			assertEquals(allowed, GrantRule.READ.allowsMethod(method));
			assertEquals(allowed, GrantRule.parse("read").allowsMethod(method));
		}

		@Test
		void customMethodsAreExact() {
			GrantRule rule = GrantRule.parse("GET,post");
			assertTrue(rule.allowsMethod("GET"));
			assertTrue(rule.allowsMethod("POST"));
			assertFalse(rule.allowsMethod("HEAD"));
			assertFalse(rule.allowsMethod("DELETE"));
			assertFalse(rule.allowsMethod("get"), "methods are compared as sent, upper case");
		}

		@ParameterizedTest
		@CsvSource({
				"/v1/models, true",
				"/v1/chat/completions, true",
				"/v1/chat, false",
				"/v1/chat/completions/x, false",
				"/v1/models/gpt-4, false",
				"/v1/embeddings, false",
				"/, false",
		})
		void customPathsMatchAnyOfTheGlobs(String path, boolean allowed) {
			assertEquals(allowed, GrantRule.parse("GET:/v1/models,/v1/chat/*").allowsPath(segs(path)));
		}

		@Test
		void fullAndReadAllowEveryPath() {
			for (String path : List.of("/", "/a", "/a/b/c", "/v1/chat/completions")) {
				assertTrue(GrantRule.FULL.allowsPath(segs(path)), path);
				assertTrue(GrantRule.READ.allowsPath(segs(path)), path);
			}
		}

		@Test
		void readOnARepositoryTree() {
			GrantRule rule = GrantRule.parse("read:/repos/acme/**");
			assertTrue(rule.allowsPath(segs("/repos/acme")));
			assertTrue(rule.allowsPath(segs("/repos/acme/widgets/issues")));
			assertFalse(rule.allowsPath(segs("/repos/other/widgets")));
			assertFalse(rule.allowsPath(segs("/repos/acme-evil/x")));
			assertFalse(rule.allowsPath(segs("/repos")));
		}
	}

	@Nested
	@DisplayName("columns, describe() and toSpec()")
	class Columns {
		@ParameterizedTest
		@ValueSource(strings = {"full", "read", "GET,post", "read:/repos/acme/**", "GET:/v1/models,/v1/chat/*", "*:/v1/**",
				"DELETE,PATCH,PUT:/a/*/b,/c/v1*"})
		void fromColumnsRebuildsTheSameRule(String spec) {
			GrantRule rule = GrantRule.parse(spec);
			GrantRule back = GrantRule.fromColumns(rule.preset().id(), rule.methodsColumn(), rule.pathsColumn());
			assertEquals(rule, back);
		}

		@Test
		void columnsOfThePresets() {
			assertEquals("*", GrantRule.FULL.methodsColumn());
			assertEquals("/**", GrantRule.FULL.pathsColumn());
			assertEquals("GET,HEAD,OPTIONS", GrantRule.READ.methodsColumn());
			assertEquals("full", GrantRule.FULL.preset().id());
			assertEquals("read", GrantRule.READ.preset().id());
			assertEquals("custom", GrantRule.Preset.CUSTOM.id());
		}

		@Test
		void methodsColumnIsSorted() {
			assertEquals("DELETE,GET,POST", GrantRule.parse("POST,DELETE,GET").methodsColumn());
			assertEquals("/v1/models,/v1/chat/*", GrantRule.parse("GET:/v1/models,/v1/chat/*").pathsColumn());
		}

		@Test
		void fromColumnsAcceptsUpperCasePreset() {
			assertEquals(GrantRule.READ, GrantRule.fromColumns("READ", "GET,HEAD,OPTIONS", "/**"));
		}

		@ParameterizedTest
		@ValueSource(strings = {"full", "read", "GET,post", "read:/repos/acme/**", "GET:/v1/models,/v1/chat/*", "*:/v1/**",
				"post,get,read:/x/**", "PUT"})
		void toSpecParsesBackToTheSameRule(String spec) {
			GrantRule rule = GrantRule.parse(spec);
			assertEquals(rule, GrantRule.parse(rule.toSpec()), rule.toSpec());
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', value = {
				"full | full | full",
				"read | read | read",
				"GET,post | GET,POST on /** | GET,POST:/**",
				"read:/repos/acme/** | GET,HEAD,OPTIONS on /repos/acme/** | GET,HEAD,OPTIONS:/repos/acme/**",
				"*:/v1/** | any method on /v1/** | *:/v1/**",
		})
		void describeAndToSpec(String spec, String description, String canonical) {
			GrantRule rule = GrantRule.parse(spec);
			assertEquals(description, rule.describe());
			assertEquals(canonical, rule.toSpec());
		}

		@Test
		void aRuleNeedsAPath() {
			assertThrows(IllegalArgumentException.class, () -> new GrantRule(GrantRule.Preset.CUSTOM, Set.of("GET"), List.of()));
		}
	}

	@Nested
	@DisplayName("cloud grants: services=, scopes= and what a run key may narrow them to")
	class Cloud {
		@Test
		void scopesTakeShortNamesOrGoogleUrlsAndPrintBackShort() {
			GrantRule rule = GrantRule.parse("scopes=devstorage.read_only, https://www.googleapis.com/auth/bigquery.readonly");
			assertEquals(Set.of(CloudLimits.GOOGLE_SCOPE_PREFIX + "devstorage.read_only", CloudLimits.GOOGLE_SCOPE_PREFIX + "bigquery.readonly"),
					rule.cloud().scopes());
			assertTrue(rule.cloud().isGoogle());
			assertTrue(rule.methods().isEmpty() && rule.paths().equals(List.of(PathGlob.EVERYTHING)), "the token's scopes are the limit");
			assertEquals("scopes=bigquery.readonly,devstorage.read_only", rule.toSpec());
			assertEquals("scopes bigquery.readonly, devstorage.read_only", rule.describe());
			assertEquals(rule, GrantRule.parse(rule.toSpec()));
		}

		@ParameterizedTest
		@ValueSource(strings = {"scopes=devstorage.read_only", "scopes=cloud-platform,bigquery", "services=s3,sts", "services=iam"})
		void cloudColumnsRebuildTheSameRule(String spec) {
			GrantRule rule = GrantRule.parse(spec);
			assertEquals(rule, GrantRule.fromColumns(rule.preset().id(), rule.methodsColumn(), rule.pathsColumn(), rule.sessionPolicyColumn(),
					rule.servicesColumn(), rule.toolsColumn()));
		}

		@ParameterizedTest
		@ValueSource(strings = {"scopes=", "scopes=,", "scopes=https://evil.example/auth/x", "scopes=Dev Storage", "scopes=../x",
				"scopes=https://www.googleapis.com/auth/"})
		void malformedScopesAreRefusedSayingWhatToWrite(String spec) {
			AmkException e = assertThrows(AmkException.class, () -> GrantRule.parse(spec));
			assertTrue(e.getMessage().contains("devstorage.read_only"), e.getMessage());
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', value = {
				"services=s3 | services=s3,sts | true",
				"services=s3,iam | services=s3,sts | false",
				"full | services=s3 | false",
				"read | services=s3 | false",
				"services=s3 | full | true",
				"scopes=devstorage.read_only | scopes=devstorage.read_only,bigquery | true",
				"scopes=cloud-platform | scopes=devstorage.read_only | false",
				"full | scopes=devstorage.read_only | false",
				"scopes=devstorage.read_only | full | true",
		})
		void aRunKeysCloudGrantMustBeWithinItsAgents(String narrower, String wider, boolean within) {
			assertEquals(within, GrantRule.parse(narrower).within(GrantRule.parse(wider)));
		}
	}

	@Nested
	@DisplayName("Grant")
	class GrantSpec {
		@Test
		void bareConnectionIsAFullGrant() {
			Grant g = Grant.parse("openai");
			assertEquals("openai", g.connection());
			assertSame(GrantRule.FULL, g.rule());
			assertEquals("openai", g.describe());
		}

		@Test
		void connectionWithPreset() {
			Grant g = Grant.parse("github:read");
			assertEquals("github", g.connection());
			assertEquals(GrantRule.READ, g.rule());
			assertEquals("github (read)", g.describe());
		}

		@Test
		void connectionWithMethodsAndPaths() {
			Grant g = Grant.parse("openai:GET,POST:/v1/chat/**");
			assertEquals("openai", g.connection());
			assertEquals(Set.of("GET", "POST"), g.rule().methods());
			assertEquals(List.of("/v1/chat/**"), patterns(g.rule()));
			assertEquals("openai (GET,POST on /v1/chat/**)", g.describe());
		}

		@Test
		void connectionFullIsDescribedByNameOnly() {
			assertEquals("gh", Grant.parse("gh:full").describe());
			assertEquals("gh", Grant.parse(" gh :").describe());
		}

		@ParameterizedTest
		@NullAndEmptySource
		@ValueSource(strings = {"  ", ":read", "../x:read", "a b", "-openai", "open/ai:read", "github:write"})
		void invalidGrantsAreRefused(String spec) {
			AmkException e = assertThrows(AmkException.class, () -> Grant.parse(spec));
			assertEquals("invalid_argument", e.type());
		}
	}
}
