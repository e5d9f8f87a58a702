package dev.amk.cli;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;

import java.util.Map;

/**
 * How the command line names the fields a service refuses: by their flags, so that "needs a base URL" reads
 * "needs --base-url". The services write each rule once; this is the only place that knows the flags.
 */
final class CliWording implements InvalidInput.Wording {
	static final CliWording INSTANCE = new CliWording();

	private static final InvalidInput.Wording FLAGS = new InvalidInput.FieldNames(Map.ofEntries(
			Map.entry(Field.NAME, "NAME"), Map.entry(Field.PROVIDER, "--provider"), Map.entry(Field.SECRET, "stdin"),
			Map.entry(Field.BASE_URL, "--base-url"), Map.entry(Field.HEADER, "--header"), Map.entry(Field.FORMAT, "--format"),
			Map.entry(Field.QUERY_PARAMETER, "--query-param"), Map.entry(Field.BASIC_USER, "--basic-user"),
			Map.entry(Field.GRANT, "--grant"), Map.entry(Field.METHODS, "--grant"), Map.entry(Field.PATHS, "--grant"),
			Map.entry(Field.EXPIRY, "--expires"), Map.entry(Field.CLIENT_ID, "--client-id"), Map.entry(Field.CLIENT_SECRET, "--client-secret-stdin"),
			Map.entry(Field.SCOPES, "--scopes"), Map.entry(Field.AUTHORIZE_URL, "--authorize-url"), Map.entry(Field.TOKEN_URL, "--token-url"),
			Map.entry(Field.DEVICE_URL, "--device-url"), Map.entry(Field.REVOKE_URL, "--revoke-url"), Map.entry(Field.DEVICE, "--device"),
			Map.entry(Field.PORT, "--port"), Map.entry(Field.HOST_MAP, "--host-map"), Map.entry(Field.ALLOW_HOST, "--allow-host"),
			Map.entry(Field.AWS_ACCESS_KEY_ID, "the first line of stdin"), Map.entry(Field.AWS_SECRET_ACCESS_KEY, "the second line of stdin"),
			Map.entry(Field.AWS_SESSION_TOKEN, "the third line of stdin"), Map.entry(Field.REGION, "--region"), Map.entry(Field.ROLE_ARN, "--role-arn"),
			Map.entry(Field.SERVICE_ACCOUNT_KEY, "stdin")));

	private CliWording() {
	}

	@Override
	public String name(Field field) {
		return FLAGS.name(field);
	}

	/** Three rules are explained with the command line's own usage: how the secret is piped, and the custom API's flags. */
	@Override
	public String message(InvalidInput e) {
		return switch (e.field()) {
			case SECRET -> switch (e.problem()) {
				case MISSING -> "The secret is empty. Pipe it on stdin, for example: printf %s \"$KEY\" | amk connection add …";
				case MALFORMED -> "The secret contains a line break or NUL; only one trailing newline is removed. Check that stdin holds just the key.";
				default -> e.message(this);
			};
			case HEADER -> e.problem() == InvalidInput.Problem.MISSING
					? "Say how the custom API takes its key: --header NAME [--format 'Bearer {secret}'], --query-param NAME, or --basic-user USER."
					: e.message(this);
			default -> e.message(this);
		};
	}

	/** What a failed command prints: a refused input in the CLI's words, anything else as the service said it. */
	static String message(Throwable failure) {
		return InvalidInput.wordedBy(failure, INSTANCE);
	}
}
