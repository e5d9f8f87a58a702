package dev.amk.limits;

import java.util.List;

/** The LLM APIs whose answers carry token usage the broker can read, by provider id; everything else is not metered. */
public enum LlmApi {
	OPENAI, ANTHROPIC, GEMINI, NONE;

	public static LlmApi of(String providerId) {
		return switch (providerId) {
			case "openai" -> OPENAI;
			case "anthropic" -> ANTHROPIC;
			case "gemini" -> GEMINI;
			default -> NONE;
		};
	}

	/**
	 * Where a request names its model: OpenAI and Anthropic in the JSON body's {@code model}; Gemini in the path
	 * ({@code /v1beta/models/NAME:generateContent}), except its OpenAI-compatible endpoints under {@code /openai/}, which
	 * take a body like OpenAI's.
	 */
	boolean modelInBody(List<String> segments) {
		return switch (this) {
			case OPENAI, ANTHROPIC -> true;
			case GEMINI -> segments.contains("openai");
			case NONE -> false;
		};
	}

	/** The model a Gemini path names ({@code models/NAME:action}, {@code tunedModels/NAME:action}), or null when it names none. */
	static String modelInPath(List<String> segments) {
		for (int i = 0; i + 1 < segments.size(); i++) {
			String s = segments.get(i);
			if (s.equals("models") || s.equals("tunedModels")) {
				String name = segments.get(i + 1);
				int colon = name.indexOf(':');
				return colon < 0 ? name : name.substring(0, colon);
			}
		}
		return null;
	}
}
