package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/**
 * Google Cloud with a service-account key, in {@code HTTPS_PROXY} mode: the broker mints access tokens with the
 * key ({@code dev.amk.cloud.GcpTokens}, JWT bearer grant) for the grant's scopes and puts them in each
 * {@code *.googleapis.com} request. A host a more specific provider owns ({@code generativelanguage.googleapis.com}:
 * Gemini) goes to that provider when the agent holds both grants.
 */
public final class Gcp extends BaseProvider {
	Gcp() {
		super("gcp", "Google Cloud", "https://cloudresourcemanager.googleapis.com", new Injection.Header("Authorization", "Bearer {secret}"),
				Probe.addressOnly());
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("*.googleapis.com"));
	}

	@Override
	public boolean signsRequests() {
		return true;
	}

	@Override
	public boolean takesTokenScopes() {
		return true;
	}

	@Override
	public boolean enforcesReadItself() {
		return true;
	}

	@Override
	public String accessPage() {
		return "the Google Cloud console (IAM & Admin → Service accounts → Keys)";
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return List.of(new SetupSnippet("gcp", "gcloud, Google Cloud SDKs and REST",
				"Run the tool with 'amk run AGENT -- …': it sets HTTPS_PROXY and the CA bundle; the broker adds a token to each *.googleapis.com call.",
				List.of(), List.of("amk run AGENT -- curl https://storage.googleapis.com/storage/v1/b?project=PROJECT")));
	}
}
