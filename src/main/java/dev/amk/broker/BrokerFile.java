package dev.amk.broker;

import dev.amk.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code broker.json} in the data folder: the port and pid of the running broker, so that commands such as
 * {@code amk agent create} can print setup lines with the right port.
 */
public final class BrokerFile {
	private BrokerFile() {
	}

	static Path path(Path dataDir) {
		return dataDir.resolve("broker.json");
	}

	public static void write(Path dataDir, int port) {
		try {
			Files.writeString(path(dataDir), Json.write(Map.of("port", port, "pid", ProcessHandle.current().pid())));
		} catch (IOException e) {
			// Only a convenience for other commands; the broker runs without it.
		}
	}

	static void delete(Path dataDir) {
		try {
			Files.deleteIfExists(path(dataDir));
		} catch (IOException ignored) {
			// stale file: readers check the pid
		}
	}

	/** The running broker's port, if one is running for this data folder. */
	public static Optional<Integer> runningPort(Path dataDir) {
		try {
			Map<String, Object> m = Json.readObject(Files.readString(path(dataDir)));
			long pid = ((Number) m.get("pid")).longValue();
			boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
			return alive ? Optional.of(((Number) m.get("port")).intValue()) : Optional.empty();
		} catch (IOException | RuntimeException e) {
			return Optional.empty();
		}
	}
}
