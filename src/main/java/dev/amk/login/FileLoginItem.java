package dev.amk.login;

import dev.amk.common.AmkException;
import dev.amk.common.ErrorType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A login item that is one file the OS reads at login: enabling writes it, disabling deletes it. */
abstract class FileLoginItem implements LoginItem {
	private final Path file;

	FileLoginItem(Path file) {
		this.file = file;
	}

	/** The file's content for {@code command}. */
	abstract String content(List<String> command);

	@Override
	public void enable(List<String> command) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, content(command));
		} catch (IOException e) {
			throw new AmkException(ErrorType.LOGIN_ITEM_FAILED, "Could not write " + file + ": " + e.getMessage()
					+ ". Check that the folder is writable.", e);
		}
	}

	@Override
	public void disable() {
		try {
			Files.deleteIfExists(file);
		} catch (IOException e) {
			throw new AmkException(ErrorType.LOGIN_ITEM_FAILED, "Could not remove " + file + ": " + e.getMessage() + ". Remove it by hand.", e);
		}
	}

	@Override
	public boolean update(List<String> command) {
		try {
			if (!Files.exists(file) || Files.readString(file).equals(content(command))) {
				return false;
			}
		} catch (IOException e) {
			// unreadable: rewrite it
		}
		enable(command);
		return true;
	}

	@Override
	public boolean isEnabled() {
		return Files.exists(file);
	}

	@Override
	public Path location() {
		return file;
	}
}
