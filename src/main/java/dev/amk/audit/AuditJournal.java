package dev.amk.audit;

import dev.amk.db.Database;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The audit rows that are answered but not yet committed to {@code audit.db}, in a memory-mapped ring file
 * ({@code audit.journal}) beside it. Writing a row here is a copy into memory the kernel owns: once the copy is
 * done, the row survives the broker being killed (only a power loss can lose it, as with the WAL's
 * {@code synchronous=NORMAL}), so an answer's last byte need not wait for a SQLite commit. The audit writer
 * commits rows in batches and moves the journal's tail past them in the same breath as it records, in
 * {@code audit_journal}, the last sequence number committed; whoever opens the audit log after a crash copies
 * the rows beyond that number into the database ({@link #recoverOrphaned}).
 *
 * <p>The live broker holds an exclusive lock on the file, so a command run beside it never replays rows the
 * broker is about to commit itself; the operating system drops the lock when the process dies, however it dies.
 *
 * <p>Layout: a 64-byte header (magic, capacity, the tail's absolute position and sequence number), then the ring of
 * records {@code [int length][int crc32c][long seq][payload]}, each padded to 8 bytes; a length of {@code -1} says
 * "continue at the ring's start". A torn or stale record fails its checksum or breaks the run of consecutive sequence
 * numbers, which ends recovery there. Not thread-safe: {@link AuditLog} appends under its enqueue lock, and only its
 * writer thread {@linkplain #release releases}.
 */
final class AuditJournal implements AutoCloseable {
	static final String FILE_NAME = "audit.journal";
	static final int DEFAULT_CAPACITY = 4 << 20;
	private static final long MAGIC = 0x414d4b4a524e4c31L; // "AMKJRNL1"
	private static final int HEADER = 64;
	private static final int AT_CAPACITY = 8;
	private static final int AT_TAIL_POSITION = 16;
	private static final int AT_TAIL_SEQ = 24;
	private static final int RECORD_HEAD = 16;
	private static final int WRAP = -1;
	private static final System.Logger LOG = System.getLogger(AuditJournal.class.getName());

	private final FileChannel channel;
	private final FileLock lock;
	private final MappedByteBuffer map;
	private final int capacity;
	private final CRC32C crc = new CRC32C();
	private byte[] scratch = new byte[512];
	/** Absolute position (bytes written since the journal was opened) of the next record. */
	private long head;
	/** Absolute position up to which every record is committed; the writer thread moves it. */
	private volatile long tail;
	private long nextSeq;

	private AuditJournal(FileChannel channel, FileLock lock, MappedByteBuffer map, int capacity, long nextSeq) {
		this.channel = channel;
		this.lock = lock;
		this.map = map;
		this.capacity = capacity;
		this.nextSeq = nextSeq;
		writeHeader(0, nextSeq);
	}

	/**
	 * Opens the journal for the broker that is about to write audit rows, after replaying whatever a killed broker
	 * left in it.
	 *
	 * @return the journal, or null when it cannot be used (another live broker holds it, or the file cannot be mapped):
	 *         the caller then waits for each commit instead, which keeps the same guarantee at a higher cost
	 */
	static AuditJournal openForWriting(Database db, int capacity) {
		Path file = fileOf(db);
		FileChannel channel = null;
		try {
			channel = open(file);
			FileLock lock = tryLock(channel);
			if (lock == null) {
				LOG.log(System.Logger.Level.WARNING, "Another broker holds " + file + "; answers will wait for their audit rows' commits");
				channel.close();
				return null;
			}
			long lastCommitted = replay(channel, db);
			channel.truncate(0); // stale records from before must not look like the tail's successors
			MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) capacity);
			return new AuditJournal(channel, lock, map, capacity, lastCommitted + 1);
		} catch (IOException | SQLException | RuntimeException e) {
			LOG.log(System.Logger.Level.WARNING, "The audit journal " + file + " is unusable (" + e.getClass().getSimpleName()
					+ "); answers will wait for their audit rows' commits");
			closeQuietly(channel);
			return null;
		}
	}

	/**
	 * Copies the rows a killed broker answered but had not committed into the database, unless a live broker holds the
	 * journal. Cheap when there is nothing to do: called whenever the audit log is opened for reading.
	 */
	static void recoverOrphaned(Database db) {
		Path file = fileOf(db);
		if (!Files.exists(file)) {
			return;
		}
		try (FileChannel channel = open(file)) {
			FileLock lock = tryLock(channel);
			if (lock == null) {
				return;
			}
			try (lock) {
				replay(channel, db);
			}
		} catch (IOException | SQLException | RuntimeException e) {
			LOG.log(System.Logger.Level.WARNING, "Could not replay the audit journal " + file + " (" + e.getClass().getSimpleName()
					+ "); it is kept and tried again next time");
		}
	}

	/**
	 * Appends a row.
	 *
	 * @return its sequence number, or 0 when the ring is full (the writer is more than a ring behind) and the row was not
	 *         journaled
	 */
	long append(AuditEvent event) {
		int length = encode(event);
		int size = align(RECORD_HEAD + length);
		if (size > capacity / 4) {
			return 0;
		}
		long position = head;
		int offset = offset(position);
		boolean wraps = offset + size > HEADER + capacity;
		long end = wraps ? position + (HEADER + capacity - offset) + size : position + size;
		if (end - tail > capacity) {
			return 0;
		}
		if (wraps) {
			map.putInt(offset, WRAP);
			position += HEADER + capacity - offset;
			offset = HEADER;
		}
		long seq = nextSeq++;
		crc.reset();
		crc.update(longBytes(seq));
		crc.update(scratch, 0, length);
		map.put(offset + RECORD_HEAD, scratch, 0, length);
		map.putLong(offset + 8, seq);
		map.putInt(offset + 4, (int) crc.getValue());
		map.putInt(offset, length); // last: a record is whole once its length is there
		head = end;
		return seq;
	}

	/** The absolute position after the last appended record: what {@link #release} takes once that record is committed. */
	long head() {
		return head;
	}

	/** The sequence number the next appended record takes. */
	long nextSeq() {
		return nextSeq;
	}

	/** Records committed up to {@code position}; {@code nextSeq} is the sequence number of the record there. Writer thread only. */
	void release(long position, long nextSeqAtPosition) {
		tail = position;
		writeHeader(position, nextSeqAtPosition);
	}

	private void writeHeader(long tailPosition, long tailSeq) {
		map.putLong(0, MAGIC);
		map.putInt(AT_CAPACITY, capacity);
		map.putLong(AT_TAIL_SEQ, tailSeq);
		map.putLong(AT_TAIL_POSITION, tailPosition);
	}

	@Override
	public void close() {
		closeQuietly(channel); // also releases the lock; the mapping goes with the garbage collector
	}

	// --- Replay ---------------------------------------------------------------------------------------------------

	/** Commits the journal's rows beyond the database's last journaled sequence number. @return that number afterwards */
	private static long replay(FileChannel channel, Database db) throws IOException, SQLException {
		long lastCommitted = db.read(AuditJournal::lastCommittedSeq);
		if (channel.size() < HEADER) {
			return lastCommitted;
		}
		MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
		if (map.getLong(0) != MAGIC) {
			return lastCommitted;
		}
		int capacity = map.getInt(AT_CAPACITY);
		if (capacity <= 0 || HEADER + (long) capacity > channel.size()) {
			return lastCommitted;
		}
		List<AuditEvent> rows = new ArrayList<>();
		long expected = map.getLong(AT_TAIL_SEQ);
		long position = map.getLong(AT_TAIL_POSITION);
		CRC32C crc = new CRC32C();
		for (long walked = 0; walked < capacity; ) {
			int offset = HEADER + (int) Math.floorMod(position, capacity);
			if (offset + 4 > HEADER + capacity) {
				break;
			}
			int length = map.getInt(offset);
			if (length == WRAP) {
				long skip = HEADER + capacity - offset;
				position += skip;
				walked += skip;
				continue;
			}
			int size = align(RECORD_HEAD + length);
			if (length <= 0 || offset + size > HEADER + capacity || map.getLong(offset + 8) != expected) {
				break;
			}
			byte[] payload = new byte[length];
			map.get(offset + RECORD_HEAD, payload);
			crc.reset();
			crc.update(longBytes(expected));
			crc.update(payload);
			if ((int) crc.getValue() != map.getInt(offset + 4)) {
				break;
			}
			if (expected > lastCommitted) {
				rows.add(decode(payload));
			}
			expected++;
			position += size;
			walked += size;
		}
		if (rows.isEmpty()) {
			return lastCommitted;
		}
		long last = expected - 1;
		db.inTransaction(c -> {
			AuditStore.append(c, rows);
			markCommitted(c, last);
			return null;
		});
		LOG.log(System.Logger.Level.INFO, "Recovered " + rows.size() + " audit rows answered before the broker stopped");
		return last;
	}

	static long lastCommittedSeq(Connection c) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM audit_journal WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
			return rs.next() ? rs.getLong(1) : 0;
		}
	}

	static void markCommitted(Connection c, long seq) throws SQLException {
		try (PreparedStatement ps = c.prepareStatement("UPDATE audit_journal SET last_seq = ? WHERE id = 1 AND last_seq < ?")) {
			ps.setLong(1, seq);
			ps.setLong(2, seq);
			ps.executeUpdate();
		}
	}

	// --- Encoding: every field of AuditEvent but its id ----------------------------------------------------------------

	private int encode(AuditEvent e) {
		ByteBuffer out;
		while (true) {
			out = ByteBuffer.wrap(scratch);
			if (tryEncode(e, out)) {
				return out.position();
			}
			scratch = new byte[scratch.length * 2];
		}
	}

	private static boolean tryEncode(AuditEvent e, ByteBuffer out) {
		try {
			out.putLong(e.time().toEpochMilli());
			out.putLong(e.agentId() == null ? Long.MIN_VALUE : e.agentId());
			putString(out, e.agent());
			putString(out, e.connection());
			putString(out, e.method());
			putString(out, e.path());
			out.putInt(e.status());
			out.put((byte) e.decision().ordinal());
			putString(out, e.reason());
			out.putLong(e.latencyMs());
			out.putLong(e.bytesIn());
			out.putLong(e.bytesOut());
			putString(out, e.mcpMethod());
			putString(out, e.tool());
			return true;
		} catch (java.nio.BufferOverflowException full) {
			return false;
		}
	}

	static AuditEvent decode(byte[] payload) {
		ByteBuffer in = ByteBuffer.wrap(payload);
		Instant time = Instant.ofEpochMilli(in.getLong());
		long agentId = in.getLong();
		String agent = getString(in);
		String connection = getString(in);
		String method = getString(in);
		String path = getString(in);
		int status = in.getInt();
		Decision decision = Decision.values()[in.get()];
		String reason = getString(in);
		long latencyMs = in.getLong();
		long bytesIn = in.getLong();
		long bytesOut = in.getLong();
		return new AuditEvent(0, time, agentId == Long.MIN_VALUE ? null : agentId, agent, connection, method, path, status, decision, reason,
				latencyMs, bytesIn, bytesOut, getString(in), getString(in));
	}

	private static void putString(ByteBuffer out, String s) {
		if (s == null) {
			out.putInt(-1);
			return;
		}
		byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
		out.putInt(bytes.length);
		out.put(bytes);
	}

	private static String getString(ByteBuffer in) {
		int length = in.getInt();
		if (length < 0) {
			return null;
		}
		String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
		in.position(in.position() + length);
		return s;
	}

	// --- Plumbing -------------------------------------------------------------------------------------------------

	private int offset(long position) {
		return HEADER + (int) (position % capacity);
	}

	private static int align(int n) {
		return (n + 7) & ~7;
	}

	private static byte[] longBytes(long v) {
		return ByteBuffer.allocate(8).putLong(v).array();
	}

	static Path fileOf(Database db) {
		return db.file().resolveSibling(FILE_NAME);
	}

	private static FileChannel open(Path file) throws IOException {
		FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			try {
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			} catch (IOException | UnsupportedOperationException ignored) {
				// the data folder is private (0700) already; this is defence in depth
			}
		}
		return channel;
	}

	private static FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		} catch (OverlappingFileLockException heldHere) {
			return null; // a broker in this very process (tests) holds it
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			} catch (IOException ignored) {
				// nothing to do
			}
		}
	}
}
