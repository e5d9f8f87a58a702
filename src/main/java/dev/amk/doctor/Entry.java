package dev.amk.doctor;

import java.util.List;

/**
 * A value assigned in a configuration file, as its format reads it.
 *
 * @param name            the key or variable it is assigned to (null for a value in a list)
 * @param line            1-based line where the value starts
 * @param path            the keys leading to it, outermost first, ending with {@code name} ({@code mcpServers, github, env, GITHUB_TOKEN})
 * @param inComment       the assignment is commented out
 * @param credentialField the file's own format says this field holds a credential (a netrc password, a Docker
 *                        registry auth, an npm auth token), so no randomness check is needed
 */
record Entry(String name, String value, int line, List<String> path, boolean inComment, boolean credentialField) {
}
