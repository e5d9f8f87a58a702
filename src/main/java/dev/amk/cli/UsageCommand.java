package dev.amk.cli;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimits;
import dev.amk.limits.PriceTable;
import dev.amk.limits.UsageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code amk usage}: what each agent used of its LLM connections, per UTC day, as the broker read it from the answers. */
@Command(name = "usage", description = {"Requests, tokens and estimated cost per agent per day (UTC), read from LLM answers.",
		"Costs are estimates from the bundled price table (or prices.json in the data folder)."})
final class UsageCommand extends AmkCommand.Leaf {
	@Option(names = "--agent", paramLabel = "NAME", description = "Only this agent.")
	String agent;

	@Option(names = "--days", paramLabel = "N", defaultValue = "30", description = "How many days back, today included (default: ${DEFAULT-VALUE}).")
	int days;

	@Override
	public Integer call() {
		if (days < 1) {
			throw new dev.amk.common.AmkException(dev.amk.common.ErrorType.INVALID_ARGUMENT, "--days takes a whole number of at least 1.");
		}
		Map<Long, String> names = new HashMap<>();
		for (Agent a : ctx().agents().list()) {
			names.put(a.id(), a.name());
		}
		Long only = agent == null ? null : ctx().agents().get(agent).id();
		LocalDate from = LocalDate.ofInstant(ctx().clock().instant(), ZoneOffset.UTC).minusDays(days - 1L);
		List<UsageStore.Day> rows = ctx().audit().database().read(c -> UsageStore.since(c, from)).stream()
				.filter(d -> only == null || d.agentId() == only).toList();
		String pricesAsOf = PriceTable.load(ctx().dataDir().resolve("prices.json")).asOf();
		if (json()) {
			List<Map<String, Object>> out = new ArrayList<>();
			for (UsageStore.Day d : rows) {
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("day", d.day().toString());
				m.put("agent", names.get(d.agentId()));
				m.put("agent_id", d.agentId());
				m.put("requests", d.requests());
				m.put("input_tokens", d.inputTokens());
				m.put("output_tokens", d.outputTokens());
				m.put("tokens", d.totalTokens());
				m.put("cost_usd", BigDecimal.valueOf(d.costMicroUsd()).movePointLeft(6).stripTrailingZeros().toPlainString());
				m.put("estimated_requests", d.estimatedRequests());
				m.put("unpriced_requests", d.unpricedRequests());
				out.add(m);
			}
			Map<String, Object> root = new LinkedHashMap<>();
			root.put("prices_as_of", pricesAsOf);
			root.put("usage", out);
			Output.printJson(ctx().out(), root);
			return 0;
		}
		if (rows.isEmpty()) {
			ctx().out().println("No LLM usage recorded " + (agent == null ? "" : "for '" + agent + "' ") + "in the last " + days + " days.");
			ctx().out().flush();
			return 0;
		}
		List<List<String>> table = new ArrayList<>();
		for (UsageStore.Day d : rows) {
			List<String> notes = new ArrayList<>();
			if (d.estimatedRequests() > 0) {
				notes.add(d.estimatedRequests() + " estimated");
			}
			if (d.unpricedRequests() > 0) {
				notes.add(d.unpricedRequests() + " unpriced");
			}
			table.add(List.of(d.day().toString(), names.getOrDefault(d.agentId(), "(deleted #" + d.agentId() + ")"), Long.toString(d.requests()),
					Long.toString(d.inputTokens()), Long.toString(d.outputTokens()), AgentLimits.dollars(d.costMicroUsd()), String.join(", ", notes)));
		}
		Output.printTable(ctx().out(), List.of("DAY", "AGENT", "REQUESTS", "INPUT", "OUTPUT", "EST. COST", "NOTES"), table);
		ctx().out().println("Prices as of " + pricesAsOf + "; costs are estimates.");
		ctx().out().flush();
		return 0;
	}
}
