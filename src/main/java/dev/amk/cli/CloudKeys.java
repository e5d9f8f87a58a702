package dev.amk.cli;

import dev.amk.cloud.AwsAccount;
import dev.amk.cloud.AwsProfiles;
import dev.amk.cloud.GcpServiceAccount;
import dev.amk.common.AmkException;
import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;

import java.nio.file.Path;

/** The secrets of cloud connections, as {@code connection add} reads them: AWS keys from stdin lines or a credentials profile. */
final class CloudKeys {
	private CloudKeys() {
	}

	static void refuseAwsOptionsFor(ProviderSpec provider, String region, String roleArn, String fromProfile) {
		if (provider != Providers.AWS && (region != null || roleArn != null || fromProfile != null)) {
			throw AmkException.invalid("--region, --role-arn and --from-profile are for --provider aws only.");
		}
	}

	/** The AWS connection's keychain item: the keys from stdin (id, secret, optional token on lines) or from a profile. */
	static String awsSecret(CliContext ctx, String name, String region, String roleArn, String fromProfile) {
		java.io.Console console = System.console();
		AwsAccount account;
		if (fromProfile != null) {
			account = AwsProfiles.read(credentialsFile(ctx), fromProfile, region, roleArn);
		} else if (ctx.interactive() && console != null) {
			// On a terminal: the key id is not secret and is shown; the secret is not echoed.
			String id = console.readLine("AWS access key id for %s: ", name);
			char[] secret = console.readPassword("AWS secret access key: ");
			if (id == null || secret == null) {
				throw AmkException.invalid("No AWS keys were entered.");
			}
			account = AwsAccount.fromLines(id + "\n" + new String(secret), region, roleArn);
		} else {
			account = AwsAccount.fromLines(SecretInput.read(ctx, "AWS keys for " + name), region, roleArn);
		}
		return account.toSecret();
	}

	/** The gcp connection's keychain item: the service-account key file's JSON, from stdin, kept on one line. */
	static String gcpSecret(CliContext ctx, String name) {
		return GcpServiceAccount.fromJson(SecretInput.read(ctx, "Service-account key JSON for " + name)).toSecret();
	}

	static String profileRemovalHint(CliContext ctx, String profile) {
		return AwsProfiles.removalHint(credentialsFile(ctx), profile);
	}

	private static Path credentialsFile(CliContext ctx) {
		String home = ctx.env().getOrDefault("HOME", System.getProperty("user.home"));
		return AwsProfiles.credentialsFile(ctx.env(), Path.of(home));
	}
}
