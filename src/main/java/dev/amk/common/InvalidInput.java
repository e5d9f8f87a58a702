package dev.amk.common;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A service refusing what a person typed: which field, what is wrong with it, and a message that says what to
 * fix. The service writes the rule and the message once; where the message refers to a field it asks a
 * {@link Wording} for the field's name, so the CLI says {@code --base-url} and the app "Base URL" for the same
 * rule, and neither front door has to check the input again to be able to word it. {@link #getMessage()} uses
 * {@link #NEUTRAL} names, for logs and for callers that have no wording of their own.
 */
public final class InvalidInput extends AmkException {
	/** The inputs a person gives the services, whichever front door they type them into. */
	public enum Field {
		NAME, PROVIDER,
		/** Named as where the secret is read from ("stdin", "the API key field"). */
		SECRET, BASE_URL, HEADER, FORMAT, QUERY_PARAMETER, BASIC_USER,
		GRANT, METHODS, PATHS, EXPIRY,
		CLIENT_ID, CLIENT_SECRET, SCOPES, AUTHORIZE_URL, TOKEN_URL, DEVICE_URL, REVOKE_URL, DEVICE,
		PORT,
		/** {@code --host-map HOST=URL}: an intercepted host sent to another upstream. */
		HOST_MAP,
		/** {@code --allow-host PATTERN}: a host an agent may reach through a blind tunnel. */
		ALLOW_HOST,
		/** An AWS connection's keys, each where the front door takes it (lines of stdin, the app's own fields). */
		AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, REGION, ROLE_ARN,
		/** A Google Cloud service-account key file's JSON. */
		SERVICE_ACCOUNT_KEY
	}

	/** What is wrong with the field's value. */
	public enum Problem {
		/** Nothing was given, and nothing can stand in for it. */
		MISSING,
		/** Not in the form the field takes. */
		MALFORMED,
		/** Well formed, but it would put a credential at risk or cannot be sent (plain http, control characters). */
		UNSAFE,
		/** At odds with another field or with what is stored (a duplicate grant, a key for a sign-in provider). */
		CONFLICT,
		/** Asked of something that does not offer it (device sign-in of a provider without one). */
		UNSUPPORTED
	}

	/** How a front door names the fields in its messages. */
	public interface Wording {
		/** The field as a noun phrase that fits "needs …" and "without …", such as "--base-url" or "a Base URL". */
		String name(Field field);

		/** The whole message; a front door overrides it for the few rules it explains in its own terms. */
		default String message(InvalidInput e) {
			return e.message(this);
		}
	}

	/** Names that assume no front door: what {@link #getMessage()} says. */
	public static final Wording NEUTRAL = new FieldNames(Map.ofEntries(
			Map.entry(Field.NAME, "a name"), Map.entry(Field.PROVIDER, "a provider"), Map.entry(Field.SECRET, "its own field"),
			Map.entry(Field.BASE_URL, "a base URL"), Map.entry(Field.HEADER, "a header name"), Map.entry(Field.FORMAT, "a header format"),
			Map.entry(Field.QUERY_PARAMETER, "a query parameter"), Map.entry(Field.BASIC_USER, "an HTTP Basic user"),
			Map.entry(Field.GRANT, "grant"), Map.entry(Field.METHODS, "the methods"), Map.entry(Field.PATHS, "the paths"),
			Map.entry(Field.EXPIRY, "the expiry"), Map.entry(Field.CLIENT_ID, "a client id"), Map.entry(Field.CLIENT_SECRET, "a client secret"),
			Map.entry(Field.SCOPES, "the scopes"), Map.entry(Field.AUTHORIZE_URL, "an authorize URL"), Map.entry(Field.TOKEN_URL, "a token URL"),
			Map.entry(Field.DEVICE_URL, "a device authorization URL"), Map.entry(Field.REVOKE_URL, "a revocation URL"),
			Map.entry(Field.DEVICE, "device sign-in"), Map.entry(Field.PORT, "a port"),
			Map.entry(Field.HOST_MAP, "a host map"), Map.entry(Field.ALLOW_HOST, "an allowed host"),
			Map.entry(Field.AWS_ACCESS_KEY_ID, "the access key id"), Map.entry(Field.AWS_SECRET_ACCESS_KEY, "the secret access key"),
			Map.entry(Field.AWS_SESSION_TOKEN, "the session token"), Map.entry(Field.REGION, "the region"), Map.entry(Field.ROLE_ARN, "the role ARN"),
			Map.entry(Field.SERVICE_ACCOUNT_KEY, "the service-account key")));

	private final Field field;
	private final Problem problem;
	private final transient Function<Wording, String> text;

	/** A message that refers to fields: {@code text} is given the front door's wording and asks it for their names. */
	public InvalidInput(Field field, Problem problem, Function<Wording, String> text) {
		super(ErrorType.INVALID_ARGUMENT, text.apply(NEUTRAL));
		this.field = field;
		this.problem = problem;
		this.text = text;
	}

	/** A message that names no field, the same at every front door. */
	public InvalidInput(Field field, Problem problem, String message) {
		this(field, problem, wording -> message);
	}

	public Field field() {
		return field;
	}

	public Problem problem() {
		return problem;
	}

	/** The message with the fields named as {@code wording} names them. */
	public String message(Wording wording) {
		return text == null ? getMessage() : text.apply(wording);
	}

	/** The same refusal with {@code edit} applied to its message, however it is worded (to redact what was typed). */
	public InvalidInput edited(UnaryOperator<String> edit) {
		InvalidInput edited = new InvalidInput(field, problem, wording -> edit.apply(message(wording)));
		edited.setStackTrace(getStackTrace());
		return edited;
	}

	/** What {@code failure} tells a person at a front door that names fields with {@code wording}. */
	public static String wordedBy(Throwable failure, Wording wording) {
		return failure instanceof InvalidInput invalid ? wording.message(invalid) : failure.getMessage();
	}

	/** A wording that is a table of names; every field must have one, so a new field cannot go unworded. */
	public record FieldNames(Map<Field, String> names) implements Wording {
		public FieldNames {
			EnumMap<Field, String> all = new EnumMap<>(Field.class);
			all.putAll(names);
			for (Field f : Field.values()) {
				if (!all.containsKey(f)) {
					throw new IllegalArgumentException("no name for " + f);
				}
			}
			names = Map.copyOf(all);
		}

		@Override
		public String name(Field field) {
			return names.get(field);
		}
	}
}
