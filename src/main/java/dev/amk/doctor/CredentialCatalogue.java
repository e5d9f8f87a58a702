package dev.amk.doctor;

import dev.amk.agents.AgentKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credential formats the doctor recognises: keys whose shape alone says what they are (a known prefix),
 * and the names under which unrecognisable secrets are usually assigned ({@code *_API_KEY}, {@code *_TOKEN}…),
 * which count only when the value looks random enough to be a real key.
 */
final class CredentialCatalogue {
	/** A shape recognised anywhere in a file. {@code prefix} is what a preview may show. */
	record Format(String provider, String kind, String prefix, Pattern pattern) {
	}

	/** One credential found in a piece of text: where it starts and ends, and what it is. */
	record Match(int start, int end, String secret, String provider, String kind, String prefix) {
	}

	// Most specific first: a span taken by an earlier format is not matched again by a later one.
	private static final List<Format> FORMATS = List.of(
			format("anthropic", "api_key", "sk-ant-", "sk-ant-[A-Za-z0-9_-]{20,}"),
			format("openai", "api_key", "sk-proj-", "sk-proj-[A-Za-z0-9_-]{20,}"),
			format("openai", "api_key", "sk-svcacct-", "sk-svcacct-[A-Za-z0-9_-]{20,}"),
			format("openai", "api_key", "sk-admin-", "sk-admin-[A-Za-z0-9_-]{20,}"),
			format("openai", "api_key", "sk-", "sk-[A-Za-z0-9]{32,}"),
			format("stripe", "api_key", "sk_live_", "sk_live_[A-Za-z0-9]{16,}"),
			format("stripe", "api_key", "rk_live_", "rk_live_[A-Za-z0-9]{16,}"),
			format("gemini", "api_key", "AIza", "AIza[A-Za-z0-9_-]{35}"),
			format("github", "access_token", "github_pat_", "github_pat_[A-Za-z0-9_]{22,}"),
			format("github", "access_token", "ghp_", "ghp_[A-Za-z0-9]{30,}"),
			format("github", "access_token", "gho_", "gho_[A-Za-z0-9]{30,}"),
			format("github", "access_token", "ghu_", "ghu_[A-Za-z0-9]{30,}"),
			format("github", "access_token", "ghs_", "ghs_[A-Za-z0-9]{30,}"),
			format("github", "access_token", "ghr_", "ghr_[A-Za-z0-9]{30,}"),
			format("slack", "access_token", "xox", "xox[abposre]-[A-Za-z0-9-]{10,}"),
			format("aws", "aws_access_key_id", "AKIA", "AKIA[0-9A-Z]{16}"),
			format("aws", "aws_access_key_id", "ASIA", "ASIA[0-9A-Z]{16}"),
			format("linear", "api_key", "lin_api_", "lin_api_[A-Za-z0-9]{20,}"),
			format("notion", "api_key", "ntn_", "ntn_[A-Za-z0-9]{30,}"),
			format("notion", "api_key", "secret_", "secret_[A-Za-z0-9]{40,}"),
			format("huggingface", "access_token", "hf_", "hf_[A-Za-z0-9]{30,}"),
			format("npm", "access_token", "npm_", "npm_[A-Za-z0-9]{30,}"),
			// Our own keys, and placeholders written like them (amk_YOUR_KEY): told apart by AgentKey's checksum.
			format("amk", "agent_key", "amk_", "amk_[A-Za-z0-9_]{4,}"));

	/** Names under which a secret is assigned (lower case: whole names, then endings); the value still has to look like one. */
	private static final java.util.Set<String> SECRET_NAMES = java.util.Set.of("token", "secret", "password", "passwd", "apikey", "api_key");
	private static final List<String> SECRET_NAME_ENDINGS = List.of("apikey", "api_key", "api-key", "_token", "-token", ".token", "secretkey",
			"secret_key", "secret-key", "_secret", "-secret", "accesskey", "access_key", "access-key", "password", "passwd", "_authtoken", "_auth");
	private static final Pattern PLACEHOLDER = Pattern.compile(
			"(?i).*(your|xxxx|\\.\\.\\.|…|<|>|\\{\\{|changeme|example|placeholder|dummy|redacted|replace|insert|todo|test[_-]?key|fake).*");
	private static final Pattern REFERENCE = Pattern.compile("^(\\$|%|\\{env:|\\$\\{|op://|keychain:).*");

	private CredentialCatalogue() {
	}

	private static Format format(String provider, String kind, String prefix, String regex) {
		// Tried only where the prefix starts a word (see find); it must also end where a word does.
		return new Format(provider, kind, prefix, Pattern.compile(regex + "(?![A-Za-z0-9_])"));
	}

	/**
	 * Every recognisable credential in {@code text}, in order, never two over the same characters. Each format's
	 * literal prefix is located with {@link String#indexOf} (fast even over Claude Code's multi-megabyte history
	 * file) and only there is its pattern tried.
	 */
	static List<Match> find(String text) {
		List<Match> found = new ArrayList<>();
		for (Format f : FORMATS) {
			String literal = f.prefix();
			for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + 1)) {
				if (at > 0 && isWordChar(text.charAt(at - 1))) {
					continue; // 'mask-…' is not an OpenAI key
				}
				Matcher m = f.pattern().matcher(text).region(at, text.length());
				if (!m.lookingAt()) {
					continue;
				}
				int s = at;
				int e = m.end();
				if (found.stream().noneMatch(o -> s < o.end() && o.start() < e)) {
					found.add(new Match(s, e, m.group(), f.provider(), f.kind(), f.prefix()));
				}
				at = e - 1;
			}
		}
		found.sort(java.util.Comparator.comparingInt(Match::start));
		return found;
	}

	/** True when {@code value} contains any format's prefix: only such values, and secret-named ones, need a closer look. */
	static boolean hasKnownPrefix(String value) {
		for (Format f : FORMATS) {
			if (value.contains(f.prefix())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isWordChar(char c) {
		return c == '_' || c < 128 && Character.isLetterOrDigit(c);
	}

	/** The format of a single value, when its whole text is a recognisable credential. */
	static Match recognise(String value) {
		List<Match> m = find(value);
		return m.size() == 1 && m.getFirst().start() == 0 && m.getFirst().end() == value.length() ? m.getFirst() : null;
	}

	static boolean isSecretName(String name) {
		if (name == null) {
			return false;
		}
		String n = name.toLowerCase(Locale.ROOT);
		if (SECRET_NAMES.contains(n)) {
			return true;
		}
		for (String ending : SECRET_NAME_ENDINGS) {
			if (n.endsWith(ending)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a value assigned under a secret-sounding name is a real secret rather than a placeholder, a
	 * reference to another variable, or a word: long enough and random enough.
	 */
	static boolean looksLikeSecret(String value) {
		if (value == null || value.length() < 16 || value.length() > 512 || value.chars().anyMatch(Character::isWhitespace)) {
			return false;
		}
		if (PLACEHOLDER.matcher(value).matches() || REFERENCE.matcher(value).matches() || value.contains("://")
				|| AgentKey.looksLikeAgentKey(value)) {
			return false;
		}
		return entropy(value) >= 3.0;
	}

	/** Shannon entropy in bits per character: about 4.7 for random base62 text, under 3 for words and repeats. */
	static double entropy(String s) {
		int[] counts = new int[128];
		int other = 0;
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c < 128) {
				counts[c]++;
			} else {
				other++;
			}
		}
		double h = 0;
		for (int n : counts) {
			h -= term(n, s.length());
		}
		return h - term(other, s.length());
	}

	private static double term(int n, int total) {
		if (n == 0) {
			return 0;
		}
		double p = (double) n / total;
		return p * Math.log(p) / Math.log(2);
	}

	/** Words in a variable's name that say whose key it holds ({@code OPENAI_API_KEY} → openai), then name prefixes. */
	private static final List<Map.Entry<String, String>> NAME_WORDS = List.of(Map.entry("ANTHROPIC", "anthropic"),
			Map.entry("CLAUDE", "anthropic"), Map.entry("OPENAI", "openai"), Map.entry("GEMINI", "gemini"), Map.entry("GOOGLE_API_KEY", "gemini"),
			Map.entry("GOOGLE_GENERATIVE", "gemini"), Map.entry("SLACK", "slack"), Map.entry("NOTION", "notion"), Map.entry("LINEAR", "linear"),
			Map.entry("HUGGING", "huggingface"), Map.entry("STRIPE", "stripe"));
	private static final List<Map.Entry<String, String>> NAME_PREFIXES = List.of(Map.entry("GITHUB", "github"), Map.entry("GH_", "github"),
			Map.entry("AWS", "aws"), Map.entry("HF_", "huggingface"));
	/** netrc machines whose passwords are known providers' tokens. */
	private static final List<Map.Entry<String, String>> HOSTS = List.of(Map.entry("github.com", "github"), Map.entry("huggingface.co", "huggingface"),
			Map.entry("openai.com", "openai"), Map.entry("anthropic.com", "anthropic"));

	/** The provider a variable's name points at, or null. */
	static String providerOfName(String name) {
		if (name == null) {
			return null;
		}
		String n = name.toUpperCase(Locale.ROOT);
		return NAME_WORDS.stream().filter(w -> n.contains(w.getKey())).map(Map.Entry::getValue).findFirst()
				.orElseGet(() -> NAME_PREFIXES.stream().filter(p -> n.startsWith(p.getKey())).map(Map.Entry::getValue).findFirst().orElse(null));
	}

	static boolean looksLikePlaceholder(String value) {
		return PLACEHOLDER.matcher(value).matches() || REFERENCE.matcher(value).matches();
	}

	/** The provider a netrc machine name belongs to, or null. */
	static String providerOfHost(String host) {
		String h = host.toLowerCase(Locale.ROOT);
		return HOSTS.stream().filter(e -> h.endsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
	}

	/** An amk_ value that is not a working key's shape: a placeholder in documentation or a template. */
	static boolean isAgentKeyPlaceholder(String value) {
		return AgentKey.shape(value) != AgentKey.Shape.VALID;
	}
}
