package dev.amk.doctor;

import dev.amk.agents.AgentKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A home folder laid out as a person's is after a year of trying agents: each client's configuration in its
 * real shape, with raw keys in MCP server entries, shell startup files, {@code .env} files, the AWS, gh, npm,
 * netrc and Docker credential files, and the tricky cases (comments, multi-line and quoted values, a key used
 * in several places, a symlinked dotfile, a folder that must not be entered). Keys are made up but have the
 * providers' real shapes.
 */
public final class FixtureHome {
	public final Path home;
	public final Path project;
	public final String openai = fake("sk-proj-", 48);
	public final String anthropic = fake("sk-ant-api03-", 60);
	public final String oldAnthropic = fake("sk-ant-api03-", 60);
	public final String github = fake("ghp_", 36);
	public final String gho = fake("gho_", 36);
	public final String notion = fake("ntn_", 46);
	public final String gemini = "AIza" + fake("", 35);
	public final String awsId = "AKIA" + fake("", 16).toUpperCase(java.util.Locale.ROOT);
	public final String awsSecret = fake("", 40);
	public final String stripe = fake("sk_live_", 24);
	public final String npm = fake("npm_", 36);
	public final String generic = fake("", 32);
	public final String dockerAuth = java.util.Base64.getEncoder().encodeToString(("octo:" + fake("", 20)).getBytes());
	public final String agentKey = AgentKey.generate();

	private static final Random RANDOM = new Random(16);

	public static String fake(String prefix, int length) {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		StringBuilder b = new StringBuilder(prefix);
		for (int i = 0; i < length; i++) {
			b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
		}
		return b.toString();
	}

	public FixtureHome(Path root) {
		this.home = root.resolve("home");
		this.project = home.resolve("code/shop");
		try {
			write(".claude.json", """
					{
					  "numStartups": 42,
					  "projects": {
					    "/home/me/code/shop": {
					      "mcpServers": {
					        "github": {
					          "type": "stdio",
					          "command": "docker",
					          "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server"],
					          "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "%s" }
					        }
					      }
					    }
					  }
					}
					""".formatted(github));
			write(".config/Claude/claude_desktop_config.json", """
					{
					  "mcpServers": {
					    "research": {
					      "command": "npx",
					      "args": ["-y", "openai-research-mcp"],
					      "env": {
					        "OPENAI_API_KEY": "%s"
					      }
					    },
					    "notion": {
					      "command": "npx",
					      "args": ["-y", "@notionhq/notion-mcp-server"],
					      "env": {
					        "NOTION_TOKEN": "%s"
					      }
					    }
					  }
					}
					""".formatted(openai, notion));
			write(".config/Code/User/settings.json", """
					{
					  // Old key, kept "just in case": %s
					  "editor.fontSize": 14,
					  "gemini.apiKey": "%s",
					}
					""".formatted(oldAnthropic, gemini));
			write(".codex/config.toml", """
					model = "o4-mini"
					# ANTHROPIC_API_KEY = "%s"

					[mcp_servers.claude]
					command = "npx"
					args = ["-y", "claude-tools-mcp"]
					env = { "ANTHROPIC_API_KEY" = "%s", "LOG_LEVEL" = "info" }
					""".formatted(oldAnthropic, anthropic));
			write(".config/gh/hosts.yml", """
					github.com:
					    users:
					        octo:
					            oauth_token: %s
					    oauth_token: %s
					    git_protocol: https
					    user: octo
					""".formatted(gho, gho));
			write(".aws/credentials", """
					[default]
					aws_access_key_id = %s
					aws_secret_access_key = %s
					region = eu-west-1
					""".formatted(awsId, awsSecret));
			write(".npmrc", "//registry.npmjs.org/:_authToken=%s\nfund=false\n".formatted(npm));
			write(".netrc", "machine api.github.com\n  login octo\n  password %s\n".formatted(github));
			write(".docker/config.json", """
					{"auths": {"ghcr.io": {"auth": "%s"}}, "credsStore": "desktop"}
					""".formatted(dockerAuth));
			write("dotfiles/zshrc", """
					# ~/.zshrc
					export PATH="$HOME/bin:$PATH"
					export OPENAI_API_KEY="%s"
					# export ANTHROPIC_API_KEY=%s
					export INTERNAL_SERVICE_TOKEN='%s'
					export GREETING="hello
					world"
					alias ll='ls -l'
					export EMPTY_TOKEN=""
					export HF_TOKEN=$(cat ~/.hf)
					""".formatted(openai, oldAnthropic, generic));
			Files.createSymbolicLink(home.resolve(".zshrc"), home.resolve("dotfiles/zshrc"));
			write("code/shop/.env", """
					OPENAI_API_KEY=%s
					STRIPE_SECRET_KEY="%s"
					DATABASE_URL=postgres://localhost/shop
					AMK_AGENT_KEY=%s
					EXAMPLE_API_KEY=your-api-key-here
					""".formatted(openai, stripe, agentKey));
			write("code/shop/node_modules/leftpad/.env", "OPENAI_API_KEY=%s\n".formatted(fake("sk-proj-", 48)));
			write("code/shop/.git/.env", "OPENAI_API_KEY=%s\n".formatted(fake("sk-proj-", 48)));
			// A folder symlinked to its parent: a walk that follows links must not loop.
			Files.createSymbolicLink(project.resolve("loop"), project);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public Path write(String relative, String content) throws IOException {
		Path file = home.resolve(relative);
		Files.createDirectories(file.getParent());
		Files.writeString(file, content);
		return file;
	}

	public Path file(String relative) {
		return home.resolve(relative);
	}
}
