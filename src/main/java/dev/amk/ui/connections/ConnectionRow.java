package dev.amk.ui.connections;

import dev.amk.providers.ProviderSpec;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Instant;
import java.util.List;

/** One connected account as the view shows it. Properties change on the FX thread only. */
public final class ConnectionRow {
	/** Shown until the connection has been tested in this session. */
	static final String NOT_TESTED = "Not tested";

	private final long id;
	private final ProviderSpec kind;
	private final boolean oauth;
	private final StringProperty name = new SimpleStringProperty();
	private final StringProperty provider = new SimpleStringProperty();
	private final StringProperty baseUrl = new SimpleStringProperty();
	private final StringProperty auth = new SimpleStringProperty();
	private final ObjectProperty<List<String>> agents = new SimpleObjectProperty<>(List.of());
	private final StringProperty status = new SimpleStringProperty(NOT_TESTED);
	private final StringProperty identity = new SimpleStringProperty();
	private final ObjectProperty<List<String>> scopes = new SimpleObjectProperty<>(List.of());
	private final ObjectProperty<Instant> expiresAt = new SimpleObjectProperty<>();
	private final BooleanProperty needsReconnect = new SimpleBooleanProperty();
	private final StringProperty statusDetail = new SimpleStringProperty();
	/** The keychain item behind the row; when it changes (a new secret), an earlier test result no longer holds. */
	String secretRef;

	ConnectionRow(long id, ProviderSpec provider, boolean oauth) {
		this.id = id;
		this.kind = provider;
		this.oauth = oauth;
	}

	public long id() {
		return id;
	}

	/** The provider; a connection never changes it. */
	public ProviderSpec provider() {
		return kind;
	}

	/** Signed in with OAuth (tokens that the broker renews) rather than connected with an API key. */
	public boolean isOAuth() {
		return oauth;
	}

	public StringProperty nameProperty() {
		return name;
	}

	public String name() {
		return name.get();
	}

	/** The provider's display name, such as "OpenAI". */
	public StringProperty providerProperty() {
		return provider;
	}

	/** The upstream the secret is sent to. */
	public StringProperty baseUrlProperty() {
		return baseUrl;
	}

	/** How the secret is sent, such as "header Authorization: Bearer {secret}". */
	public StringProperty authProperty() {
		return auth;
	}

	/** Names of the agents holding a grant on this connection, sorted. */
	public ObjectProperty<List<String>> agentsProperty() {
		return agents;
	}

	public List<String> agents() {
		return agents.get();
	}

	/** "Not tested", "Testing…", or the short outcome of the last test, such as "Works" or "Key refused". */
	public StringProperty statusProperty() {
		return status;
	}

	public String status() {
		return status.get();
	}

	/** OAuth: whose account it is, such as "octocat" or an email address; null when the provider did not say. */
	public StringProperty identityProperty() {
		return identity;
	}

	/** OAuth: the scopes the provider granted (or, when it did not say, the ones asked for). */
	public ObjectProperty<List<String>> scopesProperty() {
		return scopes;
	}

	/** OAuth: when the current access token expires; null when the provider gave it no lifetime. */
	public ObjectProperty<Instant> expiresAtProperty() {
		return expiresAt;
	}

	/** OAuth: the provider refused to renew the sign-in; agents are refused until the person reconnects. */
	public BooleanProperty needsReconnectProperty() {
		return needsReconnect;
	}

	public boolean needsReconnect() {
		return needsReconnect.get();
	}

	/** OAuth: why it needs reconnecting, in the broker's words; null otherwise. */
	public StringProperty statusDetailProperty() {
		return statusDetail;
	}
}
