package dev.amk.doctor;

/** How a scanned file is written, which decides how it is read and how it may be rewritten. */
public enum FileFormat {
	/** JSON, with comments and trailing commas allowed (VS Code's and Claude's files are JSONC). */
	JSON,
	TOML,
	YAML,
	/** {@code [section]} and {@code key = value} lines: ~/.aws/credentials, ~/.npmrc. */
	INI,
	/** sh, bash, zsh and fish startup files. */
	SHELL,
	/** {@code .env} files: {@code NAME=value}, optionally exported, quoted or spanning lines. */
	DOTENV,
	/** ~/.netrc: {@code machine M login L password P} tokens. */
	NETRC
}
