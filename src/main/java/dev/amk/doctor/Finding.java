package dev.amk.doctor;

import java.nio.file.Path;

/**
 * One place a credential was found. Holds no secret: the {@code fingerprint} names it, the {@code preview}
 * shows at most a known prefix and its last four characters.
 *
 * @param kind      {@code api_key}, {@code access_token}, {@code aws_access_key_id}, {@code aws_secret_access_key},
 *                  {@code password} or {@code agent_key}
 * @param provider  the service it is for ({@code openai}, {@code aws}, …), or null when unknown
 * @param variable  the name it is assigned to, or null (a value in a list, a word in a comment)
 * @param inComment found in a comment: still readable by anyone who reads the file, but no program uses it
 * @param note      what a person should know besides the table (an agent key placeholder, a comment), or null
 */
public record Finding(Path file, int line, String kind, String provider, String fingerprint, String preview, String variable,
		Consumer consumer, FileFormat format, boolean inComment, String note) {

	/** True for a real credential; false for our own agent keys, which belong in agent configs. */
	public boolean isRawSecret() {
		return !"agent_key".equals(kind);
	}
}
