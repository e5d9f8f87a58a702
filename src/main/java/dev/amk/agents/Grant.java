package dev.amk.agents;

import dev.amk.common.InvalidInput;
import dev.amk.common.Names;

/** One connection an agent may reach, and how. */
public record Grant(String connection, GrantRule rule) {
	/** Parses the CLI's {@code CONN[:PRESET|METHODS[:PATHS]|tools=GLOB,…]}. */
	public static Grant parse(String spec) {
		if (spec == null || spec.isBlank()) {
			throw new InvalidInput(InvalidInput.Field.GRANT, InvalidInput.Problem.MISSING, w -> "A grant names a connection: " + w.name(InvalidInput.Field.GRANT)
					+ " CONN, " + w.name(InvalidInput.Field.GRANT) + " CONN:read or " + w.name(InvalidInput.Field.GRANT) + " CONN:GET,POST:/v1/**.");
		}
		int colon = spec.indexOf(':');
		String conn = colon < 0 ? spec.trim() : spec.substring(0, colon).trim();
		String rest = colon < 0 ? null : spec.substring(colon + 1);
		return new Grant(Names.requireValid(InvalidInput.Field.GRANT, "connection", conn), GrantRule.parse(rest));
	}

	/** "openai" for a full grant, else "github (read)". */
	public String describe() {
		return rule.preset() == GrantRule.Preset.FULL && !rule.limitsTools() ? connection : connection + " (" + rule.describe() + ")";
	}
}
