package dev.amk.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Writes that a crash cannot leave half done and that readers never see half written: a temporary file beside the
 * target, flushed to disk, then renamed over it (and the folder flushed, where the platform can). Used for every file
 * amk writes that something else reads: the CA's certificate and bundle, settings, the Node preload, agents' configs.
 */
public final class AtomicFiles {
	/** Backups of one file within one stamp's second, at most: beyond that something is looping, not a person. */
	private static final int MAX_SAME_STAMP = 1000;

	private AtomicFiles() {
	}

	/**
	 * Replaces {@code file} (a real path, not a link) with {@code bytes}, keeping its permissions; a file that does not
	 * exist yet is created readable by its owner only. Readers see the old content or the new, never a mix.
	 */
	public static void replace(Path file, byte[] bytes) throws IOException {
		write(file, bytes, null);
	}

	/** Like {@link #replace}, with these permissions whatever the file had (where the file system has POSIX permissions). */
	public static void replace(Path file, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
		write(file, bytes, permissions);
	}

	private static void write(Path file, byte[] bytes, Set<PosixFilePermission> permissions) throws IOException {
		Path dir = file.toAbsolutePath().getParent();
		Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".amk-", ".tmp");
		try {
			if (permissions == null) {
				copyPermissions(file, temp);
			} else if (Files.getFileAttributeView(temp, PosixFileAttributeView.class) != null) {
				Files.setPosixFilePermissions(temp, permissions);
			}
			try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					ch.write(buffer);
				}
				ch.force(true);
			}
			try {
				Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
			}
			syncDirectory(dir);
		} finally {
			Files.deleteIfExists(temp);
		}
	}

	/**
	 * {@code FILE.amk-backup-STAMP} beside the file: the same bytes and permissions. An earlier backup is never
	 * overwritten: when that name is taken (two changes within the stamp's second), the copy is {@code …-STAMP-2},
	 * {@code -3} and so on, so the oldest backup, the file as the person left it, survives.
	 */
	public static Path backup(Path file, String stamp) throws IOException {
		String name = file.getFileName() + ".amk-backup-" + stamp;
		for (int n = 1; n <= MAX_SAME_STAMP; n++) {
			Path backup = file.resolveSibling(n == 1 ? name : name + "-" + n);
			try {
				Files.copy(file, backup, StandardCopyOption.COPY_ATTRIBUTES);
				return backup;
			} catch (FileAlreadyExistsException taken) {
				// the next number
			}
		}
		throw new IOException("more than " + MAX_SAME_STAMP + " backups of " + file.getFileName() + " with the stamp " + stamp
				+ " already exist; remove old ones and try again");
	}

	private static void copyPermissions(Path from, Path to) throws IOException {
		PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
		if (view != null && Files.exists(from)) {
			Set<PosixFilePermission> perms = view.readAttributes().permissions();
			Files.setPosixFilePermissions(to, perms);
		}
	}

	private static void syncDirectory(Path dir) {
		try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
			ch.force(true);
		} catch (IOException | UnsupportedOperationException e) {
			// Not every platform can open a folder (Windows): the rename itself is still atomic.
		}
	}
}
