package dev.amk.cli;

import dev.amk.agents.AgentLimits;
import dev.amk.agents.ConnectionLimits;
import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The limit options of {@code amk agent create} and {@code amk agent limit}: each one given changes that limit, the
 * others stay; {@code none} removes one.
 */
final class LimitOptions {
	@Option(names = "--rpm", paramLabel = "N", description = "Requests per minute (a minute's worth may come at once), or 'none'.")
	String rpm;

	@Option(names = "--concurrent", paramLabel = "N", description = "Requests or streams running at once, or 'none'.")
	String concurrent;

	@Option(names = "--daily-usd", paramLabel = "X", description = "Estimated spend per UTC day on LLM connections, in US dollars, or 'none'.")
	String dailyUsd;

	@Option(names = "--monthly-usd", paramLabel = "X", description = "Estimated spend per UTC month on LLM connections, in US dollars, or 'none'.")
	String monthlyUsd;

	@Option(names = "--daily-tokens", paramLabel = "N", description = "Input plus output tokens per UTC day on LLM connections, or 'none'.")
	String dailyTokens;

	@Option(names = "--models", paramLabel = "GLOB,…", description = "Models the agent may name (gpt-4o*,claude-*-haiku-*), or 'none' for any.")
	String models;

	@Option(names = "--pause-on-budget", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
			description = "Revoke the agent when it passes a budget (enable it again with 'amk agent enable').")
	Boolean pauseOnBudget;

	AgentLimits.Change change(boolean clearFirst) {
		return new AgentLimits.Change(whole(rpm, "--rpm"), whole(concurrent, "--concurrent"), dollars(dailyUsd), dollars(monthlyUsd),
				whole(dailyTokens, "--daily-tokens"), models == null ? null : isNone(models) ? List.of() : AgentLimits.parseModels(models),
				pauseOnBudget, clearFirst);
	}

	/** Whether no option but --rpm and --concurrent was given: the ones a single connection can have. */
	boolean onlyRates() {
		return dailyUsd == null && monthlyUsd == null && dailyTokens == null && models == null && pauseOnBudget == null;
	}

	/** The rate options as a change to the limits on one connection (nothing at all when neither is given, nor --clear). */
	AgentLimits.Change connectionChange(String connection, boolean clearFirst) {
		Long perMinute = whole(rpm, "--rpm");
		Long atOnce = whole(concurrent, "--concurrent");
		if (perMinute == null && atOnce == null && !clearFirst) {
			return AgentLimits.Change.NOTHING;
		}
		return AgentLimits.Change.onConnection(connection, new ConnectionLimits.Change(perMinute, atOnce, clearFirst));
	}

	private static boolean isNone(String v) {
		return v.strip().equalsIgnoreCase("none");
	}

	private static Long whole(String v, String option) {
		if (v == null) {
			return null;
		}
		if (isNone(v)) {
			return AgentLimits.Change.REMOVE;
		}
		try {
			long n = Long.parseLong(v.strip());
			if (n < 1) {
				throw new NumberFormatException();
			}
			return n;
		} catch (NumberFormatException e) {
			throw new AmkException(ErrorType.INVALID_ARGUMENT, option + " takes a whole number of at least 1, or 'none'; got '" + v + "'.");
		}
	}

	private static Long dollars(String v) {
		if (v == null) {
			return null;
		}
		return isNone(v) ? AgentLimits.Change.REMOVE : AgentLimits.parseDollars(v);
	}
}
