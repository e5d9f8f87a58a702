package dev.amk.approvals;

import dev.amk.common.Json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A request body as a person deciding on it should read it: JSON pretty-printed, other text as it is, binary data
 * as its size; the values of fields named like credentials, and anything shaped like a key or token, masked; long
 * bodies cut, saying how much was left out.
 */
public final class BodySummary {
	static final int MAX_CHARS = 8_000;
	static final String MASK = "••••••••";
	private static final Pattern SENSITIVE_NAME = Pattern.compile("(?i).*(pass(word)?|secret|token|api[_-]?key|authorization|credential|private[_-]?key).*");
	/** Agent keys and the common prefixes of provider keys and tokens. */
	private static final Pattern KEY_SHAPED = Pattern.compile(
			"\\b(amk_[0-9A-Za-z]{20,}|sk-[0-9A-Za-z_\\-]{16,}|gh[pousr]_[0-9A-Za-z]{20,}|github_pat_[0-9A-Za-z_]{20,}|xox[abposr]-[0-9A-Za-z\\-]{10,}"
					+ "|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\\-]{20,}|eyJ[0-9A-Za-z_\\-]{10,}\\.[0-9A-Za-z_\\-]{10,}\\.[0-9A-Za-z_\\-]*)");

	private BodySummary() {
	}

	public static String of(byte[] body, String contentType) {
		if (body == null || body.length == 0) {
			return "(no body)";
		}
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
		} catch (CharacterCodingException binary) {
			return "(" + body.length + " bytes of binary data" + (contentType == null ? "" : ", " + contentType) + ")";
		}
		String shown = readable(text);
		if (shown.length() > MAX_CHARS) {
			shown = shown.substring(0, MAX_CHARS) + "\n… (" + (shown.length() - MAX_CHARS) + " more characters not shown)";
		}
		return shown;
	}

	private static String readable(String text) {
		String trimmed = text.strip();
		if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
			try {
				return Json.writePretty(masked(Json.read(trimmed)));
			} catch (RuntimeException notJson) {
				// shown as text
			}
		}
		return maskKeys(text);
	}

	private static Object masked(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> out = new LinkedHashMap<>();
			map.forEach((k, v) -> out.put(String.valueOf(k), SENSITIVE_NAME.matcher(String.valueOf(k)).matches() && v != null
					&& !(v instanceof Map) && !(v instanceof List) ? MASK : masked(v)));
			return out;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(BodySummary::masked).toList();
		}
		if (value instanceof String s) {
			return maskKeys(s);
		}
		return value;
	}

	private static String maskKeys(String s) {
		return KEY_SHAPED.matcher(s).replaceAll(m -> m.group().startsWith("amk_") ? "amk_" + MASK : MASK);
	}
}
