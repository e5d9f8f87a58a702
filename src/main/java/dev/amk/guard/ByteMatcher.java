package dev.amk.guard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An Aho-Corasick automaton over bytes: every pattern is found in one pass over the input, whatever their number,
 * and the pass can stop and resume at any byte (its whole memory is one {@code int} state), so that a stream read
 * chunk by chunk is searched exactly as if it were one array. The state's {@linkplain #depth depth} is how many of
 * the last bytes are the beginning of some pattern: the bounded overlap a caller must keep back to never pass on a
 * pattern's first half.
 *
 * <p>Hand-written rather than a library: the well-kept Java ones (org.ahocorasick) search {@code String}s whole and
 * cannot resume in the middle of a stream or say how much of a pattern has been seen, which is exactly what a
 * streamed body needs. Stored compactly: sorted edge arrays per state, plus one dense table for the root, where
 * nearly every byte of ordinary traffic is decided.
 */
final class ByteMatcher {
	static final int ROOT = 0;
	static final int NO_MATCH = -1;

	private final int[] rootNext = new int[256];
	/**
	 * Complete transitions of the root's children (depth 1), 256 per child: ordinary text keeps falling into one of
	 * them (a base64 form can start with almost any letter) and straight out again, so deciding there in one look-up
	 * instead of a search and a failure walk halves the cost per byte. At most 256 × 256 ints; filled after the
	 * failure links exist. {@code slot[state]} is the state's row, or -1.
	 */
	private int[] depthOneNext;
	private int[] slot;
	private final int[] edgeStart;
	private final byte[] edgeByte;
	private final int[] edgeTarget;
	private final int[] fail;
	private final int[] depth;
	/** The pattern that ends at each state, or the nearest one along its failure links; -1 when none does. */
	private final int[] match;
	private final int longest;

	private ByteMatcher(int[] edgeStart, byte[] edgeByte, int[] edgeTarget, int[] fail, int[] depth, int[] match, int longest) {
		this.edgeStart = edgeStart;
		this.edgeByte = edgeByte;
		this.edgeTarget = edgeTarget;
		this.fail = fail;
		this.depth = depth;
		this.match = match;
		this.longest = longest;
		for (int b = 0; b < 256; b++) {
			int t = child(ROOT, (byte) b);
			rootNext[b] = t < 0 ? ROOT : t;
		}
	}

	/** An automaton finding each of {@code patterns} (none empty); a match reports the pattern's index in the list. */
	static ByteMatcher of(List<byte[]> patterns) {
		List<TreeMap<Integer, Integer>> children = new ArrayList<>();
		List<Integer> depths = new ArrayList<>();
		List<Integer> ends = new ArrayList<>();
		children.add(new TreeMap<>());
		depths.add(0);
		ends.add(NO_MATCH);
		int longest = 0;
		for (int p = 0; p < patterns.size(); p++) {
			byte[] pattern = patterns.get(p);
			longest = Math.max(longest, pattern.length);
			int state = ROOT;
			for (byte b : pattern) {
				int key = b & 0xFF;
				Integer next = children.get(state).get(key);
				if (next == null) {
					next = children.size();
					children.add(new TreeMap<>());
					depths.add(depths.get(state) + 1);
					ends.add(NO_MATCH);
					children.get(state).put(key, next);
				}
				state = next;
			}
			if (ends.get(state) == NO_MATCH) {
				ends.set(state, p);
			}
		}
		int states = children.size();
		int[] edgeStart = new int[states + 1];
		int edges = 0;
		for (int s = 0; s < states; s++) {
			edgeStart[s] = edges;
			edges += children.get(s).size();
		}
		edgeStart[states] = edges;
		byte[] edgeByte = new byte[edges];
		int[] edgeTarget = new int[edges];
		for (int s = 0; s < states; s++) {
			int i = edgeStart[s];
			for (var e : children.get(s).entrySet()) { // ascending by unsigned byte value
				edgeByte[i] = (byte) (int) e.getKey();
				edgeTarget[i] = e.getValue();
				i++;
			}
		}
		int[] depth = depths.stream().mapToInt(Integer::intValue).toArray();
		int[] match = ends.stream().mapToInt(Integer::intValue).toArray();
		int[] fail = new int[states];
		// Breadth first, so that a state's failure target (shallower) is final before the state is.
		ArrayDeque<Integer> queue = new ArrayDeque<>();
		for (int i = edgeStart[ROOT]; i < edgeStart[ROOT + 1]; i++) {
			fail[edgeTarget[i]] = ROOT;
			queue.add(edgeTarget[i]);
		}
		ByteMatcher partial = new ByteMatcher(edgeStart, edgeByte, edgeTarget, fail, depth, match, longest);
		int[] slot = new int[states];
		java.util.Arrays.fill(slot, -1);
		int[] dense = new int[(edgeStart[ROOT + 1] - edgeStart[ROOT]) * 256];
		while (!queue.isEmpty()) {
			int s = queue.poll();
			for (int i = edgeStart[s]; i < edgeStart[s + 1]; i++) {
				int t = edgeTarget[i];
				fail[t] = partial.next(fail[s], edgeByte[i]);
				if (match[t] == NO_MATCH) {
					match[t] = match[fail[t]];
				}
				queue.add(t);
			}
		}
		// Failure links are final now; depth-1 rows are computed with the sparse walk, then switched on.
		for (int i = edgeStart[ROOT]; i < edgeStart[ROOT + 1]; i++) {
			int child = edgeTarget[i];
			int row = i - edgeStart[ROOT];
			for (int b = 0; b < 256; b++) {
				dense[row * 256 + b] = partial.next(child, (byte) b);
			}
			slot[child] = row;
		}
		partial.depthOneNext = dense;
		partial.slot = slot;
		return partial;
	}

	/** The state after reading {@code b} in {@code state}. */
	int next(int state, byte b) {
		if (slot != null) {
			int row = slot[state];
			if (row >= 0) {
				return depthOneNext[(row << 8) | (b & 0xFF)];
			}
		}
		int s = state;
		while (s != ROOT) {
			int t = child(s, b);
			if (t >= 0) {
				return t;
			}
			s = fail[s];
		}
		return rootNext[b & 0xFF];
	}

	/** The index of a pattern ending at {@code state}, or {@link #NO_MATCH}. */
	int match(int state) {
		return match[state];
	}

	/** How many of the bytes read last are the start of some pattern (at most the longest pattern's length). */
	int depth(int state) {
		return depth[state];
	}

	int longest() {
		return longest;
	}

	int stateCount() {
		return depth.length;
	}

	private int child(int state, byte b) {
		int from = edgeStart[state];
		int to = edgeStart[state + 1];
		int n = to - from;
		if (n == 0) {
			return -1;
		}
		if (n == 1) {
			return edgeByte[from] == b ? edgeTarget[from] : -1;
		}
		// Edges are sorted by unsigned value; search by the same order.
		int key = b & 0xFF;
		int lo = from;
		int hi = to - 1;
		while (lo <= hi) {
			int mid = (lo + hi) >>> 1;
			int v = edgeByte[mid] & 0xFF;
			if (v < key) {
				lo = mid + 1;
			} else if (v > key) {
				hi = mid - 1;
			} else {
				return edgeTarget[mid];
			}
		}
		return -1;
	}

	@Override
	public String toString() {
		return "ByteMatcher[" + stateCount() + " states, longest " + longest + "]"; // never the patterns: they are secrets
	}
}
