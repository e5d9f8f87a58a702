package dev.amk.doctor;

import dev.amk.common.AtomicFiles;
import dev.amk.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the last fix changed, for {@code amk doctor --undo}: each file, its backup and a hash of what was
 * written (so a file edited since is not overwritten), and the names of the connections and agents it made.
 * Lives in the data folder; holds no secret and no key.
 */
record FixManifest(String time, List<FileRecord> files, List<String> connections, List<String> agents) {
	record FileRecord(Path file, Path backup, String writtenSha256) {
	}

	static Path path(Path dataDir) {
		return dataDir.resolve("doctor").resolve("last-fix.json");
	}

	void save(Path dataDir) throws IOException {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("time", time);
		json.put("files", files.stream().map(f -> {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("file", f.file().toString());
			m.put("backup", f.backup().toString());
			m.put("written_sha256", f.writtenSha256());
			return m;
		}).toList());
		json.put("connections", connections);
		json.put("agents", agents);
		Path p = path(dataDir);
		Files.createDirectories(p.getParent());
		AtomicFiles.replace(p, Json.writePretty(json).getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	@SuppressWarnings("unchecked")
	static FixManifest load(Path dataDir) throws IOException {
		Map<String, Object> json = Json.readObject(Files.readString(path(dataDir)));
		List<FileRecord> files = new ArrayList<>();
		for (Object o : (List<Object>) json.get("files")) {
			Map<String, Object> m = (Map<String, Object>) o;
			files.add(new FileRecord(Path.of((String) m.get("file")), Path.of((String) m.get("backup")), (String) m.get("written_sha256")));
		}
		return new FixManifest((String) json.get("time"), files, (List<String>) json.get("connections"), (List<String>) json.get("agents"));
	}
}
