package dev.amk.cli;

import dev.amk.common.AmkException;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a secret from stdin, never from argv (where every process on the machine can see it). On a
 * terminal it prompts without echo; from a pipe it takes everything and removes one trailing newline.
 */
final class SecretInput {
	private static final int MAX_BYTES = 64 * 1024;

	private SecretInput() {
	}

	static String read(CliContext ctx, String prompt) {
		Console console = System.console();
		if (ctx.interactive() && console != null) {
			char[] typed = console.readPassword("%s: ", prompt);
			if (typed == null) {
				throw AmkException.invalid("No secret was entered.");
			}
			return new String(typed);
		}
		return stripOneNewline(readAll(ctx.in()));
	}

	static String stripOneNewline(String s) {
		if (s.endsWith("\r\n")) {
			return s.substring(0, s.length() - 2);
		}
		if (s.endsWith("\n")) {
			return s.substring(0, s.length() - 1);
		}
		return s;
	}

	private static String readAll(InputStream in) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buf = new byte[4096];
			int n;
			while ((n = in.read(buf)) != -1) {
				out.write(buf, 0, n);
				if (out.size() > MAX_BYTES) {
					throw AmkException.invalid("stdin holds more than 64 KiB; pipe only the secret.");
				}
			}
			return out.toString(StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw AmkException.invalid("Could not read the secret from stdin: " + e.getMessage());
		}
	}
}
