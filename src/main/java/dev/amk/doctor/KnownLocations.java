package dev.amk.doctor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Where agents, SDK users' shells and developer tools keep credentials, per operating system. */
public final class KnownLocations {
	private KnownLocations() {
	}

	/** The files to read under {@code home} on the OS named {@code osName} (as in {@code os.name}). */
	public static List<Location> under(Path home, String osName) {
		String os = osName.toLowerCase(Locale.ROOT);
		boolean mac = os.contains("mac");
		boolean windows = os.contains("win");
		// Electron apps keep their settings in the OS's application-data folder.
		Path appData = mac ? home.resolve("Library/Application Support") : windows ? home.resolve("AppData/Roaming") : home.resolve(".config");
		List<Location> all = new ArrayList<>();
		all.add(new Location(home.resolve(".claude.json"), FileFormat.JSON, "claude-code", "Claude Code"));
		all.add(new Location(home.resolve(".claude/settings.json"), FileFormat.JSON, "claude-code", "Claude Code"));
		all.add(new Location(home.resolve(".claude/settings.local.json"), FileFormat.JSON, "claude-code", "Claude Code"));
		all.add(new Location(appData.resolve("Claude/claude_desktop_config.json"), FileFormat.JSON, "claude-desktop", "Claude Desktop"));
		all.add(new Location(home.resolve(".codex/config.toml"), FileFormat.TOML, "codex", "Codex"));
		all.add(new Location(home.resolve(".cursor/mcp.json"), FileFormat.JSON, "cursor", "Cursor"));
		all.add(new Location(appData.resolve("Code/User/settings.json"), FileFormat.JSON, "vscode", "VS Code"));
		all.add(new Location(appData.resolve("Code/User/mcp.json"), FileFormat.JSON, "vscode", "VS Code"));
		all.add(new Location(home.resolve(".gemini/settings.json"), FileFormat.JSON, "gemini-cli", "Gemini CLI"));
		all.add(new Location(home.resolve(".continue/config.json"), FileFormat.JSON, "continue", "Continue"));
		all.add(new Location(home.resolve(".continue/config.yaml"), FileFormat.YAML, "continue", "Continue"));
		all.add(new Location(home.resolve(".aider.conf.yml"), FileFormat.YAML, "aider", "Aider"));
		all.add(new Location(home.resolve(".env"), FileFormat.DOTENV, "home-env", "~/.env (Aider and others)"));
		all.add(new Location(home.resolve(".config/gh/hosts.yml"), FileFormat.YAML, "gh", "GitHub CLI"));
		all.add(new Location(home.resolve(".aws/credentials"), FileFormat.INI, "aws", "AWS CLI and SDKs"));
		all.add(new Location(home.resolve(".npmrc"), FileFormat.INI, "npm", "npm"));
		all.add(new Location(home.resolve(windows ? "_netrc" : ".netrc"), FileFormat.NETRC, "netrc", "netrc (curl, git, pip)"));
		all.add(new Location(home.resolve(".docker/config.json"), FileFormat.JSON, "docker", "Docker"));
		for (String rc : List.of(".zshrc", ".zshenv", ".zprofile", ".bashrc", ".bash_profile", ".profile")) {
			all.add(new Location(home.resolve(rc), FileFormat.SHELL, rc.substring(1).replace('_', '-'), "shell (~/" + rc + ")"));
		}
		all.add(new Location(home.resolve(".config/fish/config.fish"), FileFormat.SHELL, "fish", "fish shell"));
		return List.copyOf(all);
	}

	/** A {@code .env}-style file met while walking a folder the person named. */
	static Location envFile(Path file) {
		Path dir = file.toAbsolutePath().getParent();
		String folder = dir == null || dir.getFileName() == null ? "root" : dir.getFileName().toString();
		return new Location(file, FileFormat.DOTENV, "env-" + folder, file.getFileName() + " in " + folder);
	}
}
