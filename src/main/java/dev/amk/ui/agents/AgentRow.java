package dev.amk.ui.agents;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.time.Instant;

/** One agent as the views show it. Properties change on the FX thread only. */
public final class AgentRow {
	private final long id;
	private final StringProperty name = new SimpleStringProperty();
	private final StringProperty reach = new SimpleStringProperty();
	private final StringProperty status = new SimpleStringProperty();
	private final BooleanProperty active = new SimpleBooleanProperty();
	private final ObjectProperty<Instant> lastSeen = new SimpleObjectProperty<>();
	private final LongProperty requestsToday = new SimpleLongProperty();
	private final LongProperty deniedToday = new SimpleLongProperty();
	private final StringProperty keyPrefix = new SimpleStringProperty();
	private final StringProperty usage = new SimpleStringProperty("");
	private final StringProperty parentName = new SimpleStringProperty();
	private final ObjectProperty<Instant> expiresAt = new SimpleObjectProperty<>();

	AgentRow(long id) {
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

	/** "openai · github (read)". */
	public StringProperty reachProperty() {
		return reach;
	}

	/** active, revoked or expired. */
	public StringProperty statusProperty() {
		return status;
	}

	/** True while the agent's key works. The view's switch reflects it; flipping the switch asks the model. */
	public BooleanProperty activeProperty() {
		return active;
	}

	public boolean isActive() {
		return active.get();
	}

	public ObjectProperty<Instant> lastSeenProperty() {
		return lastSeen;
	}

	public LongProperty requestsTodayProperty() {
		return requestsToday;
	}

	public LongProperty deniedTodayProperty() {
		return deniedToday;
	}

	/** Today's LLM usage and the agent's limits ("3,000 tokens · $0.12 of $5.00 today · 60 rpm"), or empty. */
	public StringProperty usageProperty() {
		return usage;
	}

	public StringProperty keyPrefixProperty() {
		return keyPrefix;
	}

	/** For the key of an {@code amk run}, the agent it runs as (the row it is listed under); null for an agent. */
	public StringProperty parentNameProperty() {
		return parentName;
	}

	/** Whether this row is an {@code amk run}'s key: revoked or deleted on its own, never enabled again, edited or rotated. */
	public boolean isRunKey() {
		return parentName.get() != null;
	}

	/** When the key stops working (a run key: the end of its lease, which its run keeps moving on); null: never. */
	public ObjectProperty<Instant> expiresAtProperty() {
		return expiresAt;
	}
}
