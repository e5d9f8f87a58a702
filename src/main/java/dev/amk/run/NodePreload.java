package dev.amk.run;

import dev.amk.common.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Node preload {@code amk run} names in {@code NODE_OPTIONS}: Node applies {@code NODE_USE_ENV_PROXY} only to its
 * global agents, so an SDK that makes its own {@code https.Agent} (the AWS SDK for JavaScript, most HTTP clients) would
 * bypass the broker and reach the internet with a placeholder key. The script (resource {@value #NAME}) gives every
 * agent made without a {@code proxyEnv} option Node's own {@code proxyEnv: process.env}; it adds no proxy code of its
 * own, so where Node cannot proxy (before 22.21 / 24.5) nothing changes.
 *
 * <p>It lives in the data folder rather than in a temporary file: a run's child processes may outlive the run's
 * temporary folder, and a missing {@code --require} file stops every Node process from starting.
 */
public final class NodePreload {
	static final String NAME = "node-proxy-agents.cjs";

	private NodePreload() {
	}

	/** Writes {@code DATA/run/}{@value #NAME} unless it is already there with this version's content; returns its path. */
	public static Path install(Path dataDir) throws IOException {
		byte[] script = script();
		Path target = dataDir.resolve("run").resolve(NAME);
		if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), script)) {
			return target;
		}
		Files.createDirectories(target.getParent());
		// Another amk run may be starting at the same moment: each writes its own file and moves it into place whole.
		AtomicFiles.replace(target, script);
		return target;
	}

	static byte[] script() {
		try (InputStream in = NodePreload.class.getResourceAsStream(NAME)) {
			if (in == null) {
				throw new IllegalStateException("The resource " + NAME + " is missing from this build of amk.");
			}
			return in.readAllBytes();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * {@code inherited} (the tool's own {@code NODE_OPTIONS}, kept) with {@code --require "PRELOAD"} appended once. Node
	 * splits {@code NODE_OPTIONS} at spaces outside double quotes and reads {@code \} as an escape inside them, so the
	 * path is quoted and escaped: data folders under "Application Support" have a space.
	 */
	static String nodeOptions(String inherited, Path preload) {
		String require = "--require \"" + preload.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
		if (inherited == null || inherited.isBlank()) {
			return require;
		}
		return inherited.contains(require) ? inherited : inherited.strip() + " " + require;
	}
}
