package dev.amk.ui.common;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;

import java.util.Map;

/**
 * How the app names the fields a service refuses: by the labels of its dialogs ("Base URL", "API key",
 * "Client ID"), so a message points at the box to fix. The rules themselves are the services'; the dialogs
 * do not check input again, they show the service's refusal in these words.
 */
public final class FieldLabels implements InvalidInput.Wording {
	public static final FieldLabels INSTANCE = new FieldLabels();

	private static final InvalidInput.Wording LABELS = new InvalidInput.FieldNames(Map.ofEntries(
			Map.entry(Field.NAME, "a Name"), Map.entry(Field.PROVIDER, "a Provider"), Map.entry(Field.SECRET, "the API key field"),
			Map.entry(Field.BASE_URL, "a Base URL"), Map.entry(Field.HEADER, "a Header"), Map.entry(Field.FORMAT, "a header Value"),
			Map.entry(Field.QUERY_PARAMETER, "a query parameter"), Map.entry(Field.BASIC_USER, "an HTTP Basic user"),
			Map.entry(Field.GRANT, "grant"), Map.entry(Field.METHODS, "the Methods"), Map.entry(Field.PATHS, "the Paths"),
			Map.entry(Field.EXPIRY, "the Expires choice"), Map.entry(Field.CLIENT_ID, "a Client ID"),
			Map.entry(Field.CLIENT_SECRET, "a Client secret"), Map.entry(Field.SCOPES, "the Scopes"),
			Map.entry(Field.AUTHORIZE_URL, "an Authorize URL"), Map.entry(Field.TOKEN_URL, "a Token URL"),
			Map.entry(Field.DEVICE_URL, "a device authorization URL"), Map.entry(Field.REVOKE_URL, "a revocation URL"),
			Map.entry(Field.DEVICE, "'Sign in with a code instead'"), Map.entry(Field.PORT, "a Port"),
			Map.entry(Field.HOST_MAP, "a Host map"), Map.entry(Field.ALLOW_HOST, "an Allowed host"),
			Map.entry(Field.AWS_ACCESS_KEY_ID, "the Key ID field"), Map.entry(Field.AWS_SECRET_ACCESS_KEY, "the Secret key field"),
			Map.entry(Field.AWS_SESSION_TOKEN, "the Token field"), Map.entry(Field.REGION, "the Region field"),
			Map.entry(Field.ROLE_ARN, "the Role ARN field"), Map.entry(Field.SERVICE_ACCOUNT_KEY, "the Key file field")));

	private FieldLabels() {
	}

	@Override
	public String name(Field field) {
		return LABELS.name(field);
	}

	/**
	 * Two refusals are said as instructions for the form: an empty key field, and the endpoints of a generic OAuth
	 * API (the dialog has no device URL field, so the service's "or device sign-in with a device URL" does not apply).
	 */
	@Override
	public String message(InvalidInput e) {
		if (e.problem() == InvalidInput.Problem.MISSING) {
			if (e.field() == Field.SECRET) {
				return "Paste the API key first.";
			}
			if (e.field() == Field.TOKEN_URL) {
				return "Fill in the authorize URL and the token URL: the API's OAuth documentation lists both.";
			}
		}
		return e.message(this);
	}

	/** What a failed action tells a person in the app: a refused input in the dialogs' words, anything else as said. */
	public static String message(Throwable failure) {
		return InvalidInput.wordedBy(failure, INSTANCE);
	}
}
