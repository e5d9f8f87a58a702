package dev.amk.ui.connections;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.List;

/** One connected account as the view shows it. Properties change on the FX thread only. */
public final class ConnectionRow {
	/** Shown until the connection has been tested in this session. */
	static final String NOT_TESTED = "Not tested";

	private final long id;
	private final StringProperty name = new SimpleStringProperty();
	private final StringProperty provider = new SimpleStringProperty();
	private final StringProperty baseUrl = new SimpleStringProperty();
	private final StringProperty auth = new SimpleStringProperty();
	private final ObjectProperty<List<String>> agents = new SimpleObjectProperty<>(List.of());
	private final StringProperty status = new SimpleStringProperty(NOT_TESTED);
	/** The keychain item behind the row; when it changes (a new secret), an earlier test result no longer holds. */
	String secretRef;

	ConnectionRow(long id) {
		this.id = id;
	}

	public long id() {
		return id;
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
}
