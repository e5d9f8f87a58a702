package dev.amk.approvals.mac;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

/**
 * Objective-C reply blocks of type {@code void (^)(BOOL success, NSError *error)} built by hand in native memory after
 * the Clang block ABI (https://clang.llvm.org/docs/Block-ABI-Apple.html), so that JNA can pass one to
 * {@code evaluatePolicy:localizedReason:reply:} without a native helper library.
 *
 * <p>Each block is a <em>global</em> block ({@code BLOCK_IS_GLOBAL}, {@code isa} the runtime's
 * {@code _NSConcreteGlobalBlock}): {@code Block_copy} returns it as is and {@code Block_release} does nothing, so the
 * block runtime never copies or frees memory JNA owns. Each evaluation gets its own block, kept for the life of the
 * process as a compiler's global blocks are (32 bytes per approval; the framework may read its flags even after the
 * reply), so a late reply to an abandoned prompt completes its own, finished future and never a newer one. All blocks
 * share one JNA callback as {@code invoke}, which finds the evaluation by the block's address.
 */
final class ReplyBlocks {
	/** Block flags: {@code BLOCK_IS_GLOBAL | BLOCK_HAS_SIGNATURE}. */
	static final int FLAGS = (1 << 28) | (1 << 30);
	/** isa, flags, reserved, invoke, descriptor: 8 + 4 + 4 + 8 + 8 bytes. */
	static final int SIZE = 32;

	/** The reply: whether the person authenticated, and LocalAuthentication's error code when not (an LAError, -2: cancelled). */
	record Result(boolean success, long errorCode) {
	}

	/** The block's function, called by the framework on a queue of its own: {@code (block, BOOL success, NSError *error)}. */
	public interface Invoke extends Callback {
		void invoke(Pointer block, byte success, Pointer error);
	}

	private final Pointer isa;
	private final Memory descriptor;
	private final Map<Long, CompletableFuture<Result>> pending = new ConcurrentHashMap<>();
	private final List<Memory> kept = new CopyOnWriteArrayList<>(); // never freed: see the class comment
	private final ToLongFunction<Pointer> errorCode;
	private final Invoke invoke;

	/**
	 * @param isa       {@code _NSConcreteGlobalBlock}'s address
	 * @param arm64     BOOL is C's {@code bool} on arm64 and a {@code signed char} on x86-64 (the type signature differs)
	 * @param errorCode reads {@code -[NSError code]}
	 */
	ReplyBlocks(Pointer isa, boolean arm64, ToLongFunction<Pointer> errorCode) {
		this.isa = isa;
		this.errorCode = errorCode;
		this.invoke = (block, success, error) -> {
			CompletableFuture<Result> f = pending.remove(Pointer.nativeValue(block));
			if (f != null) {
				// Fail closed: approved only with YES and no error.
				f.complete(new Result(success != 0 && error == null, error == null ? 0 : errorCode.applyAsLong(error)));
			}
		};
		Memory signature = cString(arm64 ? "v@?B@" : "v@?c@");
		kept.add(signature);
		descriptor = new Memory(24);
		descriptor.setLong(0, 0); // reserved
		descriptor.setLong(8, SIZE);
		descriptor.setPointer(16, signature);
	}

	/** A new block whose reply completes {@code reply}. */
	Memory newBlock(CompletableFuture<Result> reply) {
		Memory block = new Memory(SIZE);
		block.setPointer(0, isa);
		block.setInt(8, FLAGS);
		block.setInt(12, 0);
		block.setPointer(16, CallbackReference.getFunctionPointer(invoke));
		block.setPointer(24, descriptor);
		kept.add(block);
		pending.put(Pointer.nativeValue(block), reply);
		return block;
	}

	/** Stops waiting for {@code block}'s reply: one arriving later is dropped. */
	void forget(Pointer block) {
		pending.remove(Pointer.nativeValue(block));
	}

	static Memory cString(String s) {
		byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
		Memory m = new Memory(bytes.length + 1L);
		m.write(0, bytes, 0, bytes.length);
		m.setByte(bytes.length, (byte) 0);
		return m;
	}
}
