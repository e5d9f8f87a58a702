package dev.amk.limits;

import dev.amk.common.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What tokens cost, per model: the table bundled with this release ({@code /limits/prices.json}, dated by its
 * {@code as_of}) with the person's own {@code prices.json} in the data folder laid over it (same shape; an entry
 * with the same {@code match} replaces the bundled one). A model is priced by the longest {@code match} it begins
 * with, so {@code gpt-4o-mini-2024-07-18} finds {@code gpt-4o-mini}, not {@code gpt-4o}. Estimates only: batch,
 * cached-input and long-context rates are not modelled.
 */
public final class PriceTable {
	private static final System.Logger LOG = System.getLogger(PriceTable.class.getName());

	/** US dollars per million tokens, which is also micro-dollars per token. */
	public record Price(String match, double input, double output) {
		public long costMicroUsd(long inputTokens, long outputTokens) {
			return Math.round(inputTokens * input + outputTokens * output);
		}
	}

	private final String asOf;
	private final List<Price> longestFirst;

	private PriceTable(String asOf, List<Price> prices) {
		this.asOf = asOf;
		this.longestFirst = prices.stream().sorted(Comparator.comparingInt((Price p) -> p.match().length()).reversed()).toList();
	}

	/** The bundled table. */
	public static PriceTable bundled() {
		try (InputStream in = PriceTable.class.getResourceAsStream("/limits/prices.json")) {
			if (in == null) {
				throw new IllegalStateException("the bundled price table is missing");
			}
			return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
		} catch (IOException e) {
			throw new IllegalStateException("the bundled price table is unreadable", e);
		}
	}

	/** The bundled table with {@code override} laid over it when that file exists; a broken override is logged and ignored. */
	public static PriceTable load(Path override) {
		PriceTable bundled = bundled();
		if (override == null || !Files.isRegularFile(override)) {
			return bundled;
		}
		try {
			return parse(Files.readString(override), bundled);
		} catch (IOException | RuntimeException e) {
			LOG.log(System.Logger.Level.WARNING, "Ignoring " + override + " (using the bundled prices of " + bundled.asOf + "): " + e.getMessage());
			return bundled;
		}
	}

	@SuppressWarnings("unchecked")
	private static PriceTable parse(String json, PriceTable under) {
		Map<String, Object> root = Json.readObject(json);
		Map<String, Price> byMatch = new LinkedHashMap<>();
		if (under != null) {
			under.longestFirst.forEach(p -> byMatch.put(p.match(), p));
		}
		Object models = root.get("models");
		if (!(models instanceof List<?> list)) {
			throw new IllegalArgumentException("no \"models\" list");
		}
		for (Object o : list) {
			Map<String, Object> m = (Map<String, Object>) o;
			String match = ((String) m.get("match")).strip().toLowerCase(Locale.ROOT);
			double in = ((Number) m.get("input")).doubleValue();
			double out = ((Number) m.get("output")).doubleValue();
			if (match.isEmpty() || in < 0 || out < 0) {
				throw new IllegalArgumentException("an entry needs a match and prices of at least 0");
			}
			byMatch.put(match, new Price(match, in, out));
		}
		String asOf = root.get("as_of") instanceof String s ? s : under == null ? "unknown" : under.asOf;
		return new PriceTable(asOf, new ArrayList<>(byMatch.values()));
	}

	/** The date the prices were taken. */
	public String asOf() {
		return asOf;
	}

	/** The price of {@code model} ({@code models/} prefixes and case ignored), or null when the table does not know it. */
	public Price of(String model) {
		if (model == null) {
			return null;
		}
		String m = model.toLowerCase(Locale.ROOT);
		if (m.startsWith("models/")) {
			m = m.substring("models/".length());
		}
		for (Price p : longestFirst) {
			if (m.startsWith(p.match())) {
				return p;
			}
		}
		return null;
	}
}
