package dev.amk.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/** The model an OpenAI- or Anthropic-style request body names: its top-level {@code "model"} string. */
public final class RequestModel {
	private static final JsonFactory JSON = new JsonFactory();

	private RequestModel() {
	}

	/**
	 * @return the model, or null when the body is a JSON object without one
	 * @throws IllegalArgumentException when the body is not one JSON object, or its {@code model} is not a string
	 */
	public static String of(byte[] body, int length) {
		try (JsonParser p = JSON.createParser(body, 0, length)) {
			if (p.nextToken() != JsonToken.START_OBJECT) {
				throw new IllegalArgumentException("not a JSON object");
			}
			String model = null;
			int seen = 0;
			JsonToken t;
			while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
				String name = p.currentName();
				JsonToken v = p.nextToken();
				if (name.equals("model")) {
					if (v != JsonToken.VALUE_STRING || seen++ > 0) {
						// A second "model" could be read differently upstream (first or last wins): refuse rather than guess.
						throw new IllegalArgumentException("\"model\" is not one string");
					}
					model = p.getText();
				} else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
					p.skipChildren();
				}
			}
			if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
				throw new IllegalArgumentException("not one JSON object");
			}
			return model;
		} catch (IOException e) {
			throw new IllegalArgumentException("not JSON", e);
		}
	}
}
