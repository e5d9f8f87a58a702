import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Lists the Mach-O files inside jars, one "JAR<TAB>ENTRY" a line: the native code that notarization requires to be
 * signed, chosen by content rather than by name (jkeychain's JNI library is osxkeychain.so, not a .dylib).
 * Run as a source file: java packaging/macos/MachOEntries.java JAR... (packaging/lib.sh, amk_pkg_macho_entries).
 *
 * <p>The magic numbers are Apple's, from mach-o/loader.h (MH_MAGIC, MH_MAGIC_64 and their byte-swapped forms) and
 * mach-o/fat.h (FAT_MAGIC, FAT_MAGIC_64, a universal binary). FAT_MAGIC, 0xCAFEBABE, is also a Java class file's
 * magic; the next four bytes tell them apart, as file(1)'s magic does: a universal binary's architecture count
 * (a handful) against a class file's minor and major version (major 45 or more, so 45 or more as one number).
 */
public final class MachOEntries {
	private MachOEntries() {
	}

	public static void main(String[] jars) throws IOException {
		for (String jar : jars) {
			try (ZipFile zip = new ZipFile(Path.of(jar).toFile())) {
				for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
					ZipEntry entry = e.nextElement();
					if (!entry.isDirectory()) {
						try (InputStream in = zip.getInputStream(entry)) {
							if (isMachO(in.readNBytes(8))) {
								System.out.println(jar + "\t" + entry.getName());
							}
						}
					}
				}
			}
		}
	}

	static boolean isMachO(byte[] head) {
		if (head.length < 8) {
			return false;
		}
		long magic = u32(head, 0);
		if (magic == 0xFEEDFACEL || magic == 0xCEFAEDFEL || magic == 0xFEEDFACFL || magic == 0xCFFAEDFEL) {
			return true; // a thin Mach-O, either byte order
		}
		if (magic == 0xCAFEBABEL || magic == 0xCAFEBABFL) {
			long next = u32(head, 4); // fat headers are big-endian on disk
			return next > 0 && next < 45;
		}
		return false;
	}

	private static long u32(byte[] b, int at) {
		return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
	}
}
