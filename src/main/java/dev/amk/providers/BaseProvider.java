package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/**
 * The fixed facts most providers are made of, so that each provider class states only its hosts, snippets and
 * OAuth profile (left out: an API the broker knows nothing about, such as a custom one). A provider that fits none
 * of it implements {@link ProviderSpec} directly.
 */
abstract class BaseProvider implements ProviderSpec {
	private final String id;
	private final String displayName;
	private final String defaultBaseUrl;
	private final Injection defaultInjection;
	private final Probe probe;

	BaseProvider(String id, String displayName, String defaultBaseUrl, Injection defaultInjection, Probe probe) {
		this.id = id;
		this.displayName = displayName;
		this.defaultBaseUrl = defaultBaseUrl;
		this.defaultInjection = defaultInjection;
		this.probe = probe;
	}

	@Override
	public final String id() {
		return id;
	}

	@Override
	public final String displayName() {
		return displayName;
	}

	@Override
	public final String defaultBaseUrl() {
		return defaultBaseUrl;
	}

	@Override
	public final Injection defaultInjection() {
		return defaultInjection;
	}

	@Override
	public final Probe probe() {
		return probe;
	}

	/** Only the connection's own base URL host: what an API the broker knows nothing about owns. */
	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl);
	}

	/** A base URL and a key as most HTTP clients name them, then curl: for an API the broker knows nothing about. */
	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return SpecParts.withCurl(probe, proxyBase, key, SpecParts.anyClient(id, proxyBase, key));
	}

	@Override
	public String toString() {
		return id;
	}
}
