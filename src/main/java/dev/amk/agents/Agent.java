package dev.amk.agents;

import java.time.Instant;
import java.util.List;

/** An agent identity as the registry holds it: no key, only its hash's owner and a display prefix. */
public record Agent(long id, String name, String keyPrefix, Instant createdAt, Instant keyIssuedAt, Instant revokedAt, Instant expiresAt,
		Instant lastUsedAt, List<Grant> grants) {

	public enum Status {
		ACTIVE, REVOKED, EXPIRED;

		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}

	public Status status(Instant now) {
		if (revokedAt != null) {
			return Status.REVOKED;
		}
		if (expiresAt != null && !now.isBefore(expiresAt)) {
			return Status.EXPIRED;
		}
		return Status.ACTIVE;
	}

	/** "openai · github (read)", or "nothing" for an agent without grants. */
	public String reach() {
		return grants.isEmpty() ? "nothing" : String.join(" · ", grants.stream().map(Grant::describe).toList());
	}
}
