package dev.amk.providers;

import okhttp3.HttpUrl;

import java.util.List;

/**
 * Amazon Web Services, in {@code HTTPS_PROXY} mode only: every {@code *.amazonaws.com} request is signed again by
 * the broker (SigV4, {@code dev.amk.cloud}) with per-agent STS session credentials. The stored secret is the account's
 * access key (with region and role), which never leaves the broker; the nominal header injection below is never
 * applied ({@link #signsRequests()}), it only makes the tool's own {@code Authorization} the header that is dropped.
 */
public final class Aws extends BaseProvider {
	Aws() {
		super("aws", "Amazon Web Services", "https://sts.amazonaws.com", new Injection.Header("Authorization", "{secret}"), Probe.addressOnly());
	}

	@Override
	public List<OwnedHost> hosts(HttpUrl baseUrl) {
		return SpecParts.hosts(baseUrl, OwnedHost.of("*.amazonaws.com"));
	}

	@Override
	public boolean signsRequests() {
		return true;
	}

	@Override
	public boolean takesSessionPolicy() {
		return true;
	}

	@Override
	public boolean enforcesReadItself() {
		return true;
	}

	@Override
	public String accessPage() {
		return "the IAM console (https://console.aws.amazon.com/iam/)";
	}

	@Override
	public List<SetupSnippet> setupSnippets(String proxyBase, String key) {
		return List.of(new SetupSnippet("aws", "AWS CLI, boto3 and the AWS SDKs",
				"Run the tool with 'amk run AGENT -- aws …': it sets HTTPS_PROXY, AWS_CA_BUNDLE and placeholder keys; the broker signs each request.",
				List.of(new SetupSnippet.EnvVar("AWS_ACCESS_KEY_ID", "AKIAAMKPLACEHOLDER00"), new SetupSnippet.EnvVar("AWS_SECRET_ACCESS_KEY",
						"amk-placeholder")), List.of("amk run AGENT -- aws sts get-caller-identity")));
	}
}
