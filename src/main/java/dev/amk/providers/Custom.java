package dev.amk.providers;

/** Any HTTP API that takes a key: the person gives its base URL and says how the key is sent. */
public final class Custom extends BaseProvider {
	Custom() {
		super("custom", "Custom HTTP API", null, null, Probe.addressOnly());
	}

	/** "api.example.com": the person named the API by its address, so messages do too. */
	@Override
	public String upstreamName(String host) {
		return host;
	}
}
