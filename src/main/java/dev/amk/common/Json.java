package dev.amk.common;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** One shared, thread-safe JSON codec (jackson-jr: small and quick to load, which matters for a CLI). */
public final class Json {
	// Nulls are written: the contract promises keys such as an audit row's "agent" even when their value is null.
	private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);
	private static final JSON PRETTY = COMPACT.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

	private Json() {
	}

	public static String write(Object value) {
		try {
			return COMPACT.asString(value);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static String writePretty(Object value) {
		try {
			return PRETTY.asString(value);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static Map<String, Object> readObject(String json) {
		try {
			return COMPACT.mapFrom(json);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static Object read(String json) {
		try {
			return COMPACT.anyFrom(json);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The contract's error body: {@code {"error": {"type": ..., "message": ...}}}. */
	public static String error(String type, String message) {
		java.util.LinkedHashMap<String, Object> inner = new java.util.LinkedHashMap<>();
		inner.put("type", type);
		inner.put("message", message);
		return write(Map.of("error", inner));
	}
}
