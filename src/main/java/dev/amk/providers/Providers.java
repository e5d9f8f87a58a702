package dev.amk.providers;

import dev.amk.common.InvalidInput;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalogue: every provider the broker knows, in the order people see them. Adding a provider means one
 * class in this package, one line in {@link #ALL}, and its test; the CLI's help, completions and checks and the
 * app's pickers and Connect buttons follow from this list.
 */
public final class Providers {
	public static final ProviderSpec OPENAI = new OpenAi();
	public static final ProviderSpec ANTHROPIC = new Anthropic();
	public static final ProviderSpec GEMINI = new Gemini();
	public static final ProviderSpec GITHUB = new GitHub();
	public static final ProviderSpec GOOGLE = new Google();
	public static final ProviderSpec SLACK = new Slack();
	public static final ProviderSpec NOTION = new Notion();
	public static final ProviderSpec LINEAR = new Linear();
	public static final ProviderSpec AWS = new Aws();
	public static final ProviderSpec GCP = new Gcp();
	public static final ProviderSpec CUSTOM = new Custom();
	public static final ProviderSpec OAUTH = new GenericOAuth();
	public static final ProviderSpec MCP = new Mcp();

	private static final List<ProviderSpec> ALL = List.of(OPENAI, ANTHROPIC, GEMINI, GITHUB, GOOGLE, SLACK, NOTION, LINEAR, AWS, GCP, CUSTOM, OAUTH, MCP);

	private Providers() {
	}

	/** Every provider, API keys first, in the order the app and the CLI list them. */
	public static List<ProviderSpec> all() {
		return ALL;
	}

	/** The providers {@code connection add} takes: those a person connects by pasting a key. */
	public static List<ProviderSpec> withApiKeys() {
		return ALL.stream().filter(ProviderSpec::takesApiKey).toList();
	}

	/** The providers {@code connection connect} takes, in the order of the app's Connect buttons. */
	public static List<ProviderSpec> withOAuth() {
		return ALL.stream().filter(p -> p.oauth().isPresent()).toList();
	}

	/** The provider stored or typed as {@code id} (any case); an unknown one is an error that lists the known ones. */
	public static ProviderSpec byId(String id) {
		return find(id).orElseThrow(() -> new InvalidInput(InvalidInput.Field.PROVIDER, InvalidInput.Problem.MALFORMED, "Unknown provider '" + id + "'. Choose one of: "
				+ String.join(", ", ALL.stream().map(ProviderSpec::id).toList()) + "."));
	}

	public static Optional<ProviderSpec> find(String id) {
		String wanted = id == null ? "" : id.toLowerCase(Locale.ROOT);
		return ALL.stream().filter(p -> p.id().equals(wanted)).findFirst();
	}

	/** How {@code provider} signs in; an API-key-only provider is an error that says how to connect it instead. */
	public static OAuthProfile oauthOf(ProviderSpec provider) {
		return provider.oauth().orElseThrow(() -> new InvalidInput(InvalidInput.Field.PROVIDER, InvalidInput.Problem.UNSUPPORTED, provider.displayName()
				+ " does not connect with OAuth."
				+ " Connect it with an API key: amk connection add NAME --provider " + provider.id() + " (the key on stdin). OAuth providers: "
				+ String.join(", ", withOAuth().stream().map(ProviderSpec::id).toList()) + "."));
	}

	/** "github, google, slack, notion, linear or oauth": ids for a sentence in help and error messages. */
	public static String idsInWords(List<ProviderSpec> providers) {
		List<String> ids = providers.stream().map(ProviderSpec::id).toList();
		return ids.size() < 2 ? String.join("", ids) : String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.getLast();
	}
}
