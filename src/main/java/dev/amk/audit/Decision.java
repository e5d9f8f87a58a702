package dev.amk.audit;

import dev.amk.common.ErrorType;

/** What became of a request, as an audit row's {@code decision} says it. */
public enum Decision {
	/** Forwarded upstream (whatever the upstream answered, and even if the agent left before the end). */
	ALLOWED("allowed"),
	/** Refused by the broker: the request was malformed, or the agent may not make it. */
	DENIED("denied"),
	/** The broker or the upstream failed. */
	ERROR("error");

	private final String wire;

	Decision(String wire) {
		this.wire = wire;
	}

	/** The string stored in {@code audit.db} and printed by {@code amk audit}. */
	public String wire() {
		return wire;
	}

	/** The decision a refusal of this type records: the broker's or the upstream's failures are errors, the rest denials. */
	public static Decision refusing(ErrorType type) {
		return type.isServerSide() ? ERROR : DENIED;
	}

	public static Decision fromWire(String wire) {
		for (Decision d : values()) {
			if (d.wire.equals(wire)) {
				return d;
			}
		}
		throw new IllegalArgumentException("unknown audit decision: " + wire);
	}

	@Override
	public String toString() {
		return wire;
	}
}
