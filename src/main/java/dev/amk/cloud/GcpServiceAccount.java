package dev.amk.cloud;

import dev.amk.common.InvalidInput;
import dev.amk.common.InvalidInput.Field;
import dev.amk.common.InvalidInput.Problem;
import dev.amk.common.Json;
import okhttp3.HttpUrl;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Google Cloud service-account key (the JSON file the console downloads), as the keychain item of a {@code gcp}
 * connection: only the fields that mint tokens are kept, on one line. {@link #toString()} never shows the key.
 */
public record GcpServiceAccount(String clientEmail, String privateKeyId, String privateKeyPem, String tokenUri, String projectId) {
	static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

	public GcpServiceAccount {
		if (clientEmail == null || !clientEmail.contains("@") || privateKeyPem == null || !privateKeyPem.contains("PRIVATE KEY")) {
			throw new InvalidInput(Field.SERVICE_ACCOUNT_KEY, Problem.MALFORMED, w -> "Give a service-account key file (JSON with"
					+ " client_email and private_key) in " + w.name(Field.SERVICE_ACCOUNT_KEY) + ".");
		}
		tokenUri = tokenUri == null || tokenUri.isBlank() ? GOOGLE_TOKEN_URI : tokenUri;
		HttpUrl url = HttpUrl.parse(tokenUri);
		// The key file names where its assertion goes: only Google's own token hosts, never somewhere the file was edited to.
		if (url == null || !url.isHttps() || !(url.host().equals("oauth2.googleapis.com") || url.host().endsWith(".googleapis.com"))) {
			String given = tokenUri;
			throw new InvalidInput(Field.SERVICE_ACCOUNT_KEY, Problem.UNSAFE, w -> "The key's token_uri must be https://oauth2.googleapis.com/token"
					+ " (it is " + given + "): the key signs a request only for Google's own token endpoint. Check " + w.name(Field.SERVICE_ACCOUNT_KEY) + ".");
		}
		privateKey(privateKeyPem); // fails now rather than on the first request
	}

	public static GcpServiceAccount fromJson(String json) {
		if (json == null || json.isBlank()) {
			throw new InvalidInput(Field.SERVICE_ACCOUNT_KEY, Problem.MISSING, w -> "Give the service-account key file the Google Cloud console"
					+ " downloaded (IAM & Admin → Service accounts → Keys) in " + w.name(Field.SERVICE_ACCOUNT_KEY) + ".");
		}
		Map<String, Object> m;
		try {
			m = Json.readObject(json);
		} catch (RuntimeException e) {
			throw new InvalidInput(Field.SERVICE_ACCOUNT_KEY, Problem.MALFORMED, w -> "The service-account key is not JSON. Give the key"
					+ " file the Google Cloud console downloaded, whole, in " + w.name(Field.SERVICE_ACCOUNT_KEY) + ".");
		}
		if (m.containsKey("type") && !"service_account".equals(m.get("type"))) {
			Object type = m.get("type");
			throw new InvalidInput(Field.SERVICE_ACCOUNT_KEY, Problem.MALFORMED, "The key file is of type '" + type + "'; the broker takes"
					+ " service-account keys (type service_account), which the Google Cloud console downloads under IAM & Admin → Service accounts → Keys.");
		}
		return new GcpServiceAccount((String) m.get("client_email"), (String) m.get("private_key_id"), (String) m.get("private_key"),
				(String) m.get("token_uri"), (String) m.get("project_id"));
	}

	public String toSecret() {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("type", "service_account");
		m.put("client_email", clientEmail);
		if (privateKeyId != null) {
			m.put("private_key_id", privateKeyId);
		}
		m.put("private_key", privateKeyPem);
		m.put("token_uri", tokenUri);
		if (projectId != null) {
			m.put("project_id", projectId);
		}
		return Json.write(m);
	}

	PrivateKey privateKey() {
		return privateKey(privateKeyPem);
	}

	private static PrivateKey privateKey(String pem) {
		try {
			String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
		} catch (Exception e) {
			throw new InvalidInput(Field.SERVICE_ACCOUNT_KEY, Problem.MALFORMED, "The service-account key's private_key is not an RSA key in"
					+ " PKCS#8 PEM form. Download a new JSON key from the Google Cloud console.");
		}
	}

	@Override
	public String toString() {
		return "GcpServiceAccount[" + clientEmail + "]";
	}
}
