package dev.amk.approvals.mac;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reply block as the framework sees it, on any OS: its memory laid out after the Clang block ABI, and its invoke
 * function called through its native pointer the way the framework calls it (a stand-in isa; no Objective-C here).
 */
class ReplyBlocksTest {
	private final Memory isa = new Memory(16);
	private final ReplyBlocks blocks = new ReplyBlocks(isa, true, error -> error.getLong(0));

	/** Calls the block as {@code block->invoke(block, success, error)}, as the framework does. */
	private static void reply(Pointer block, boolean success, Pointer error) {
		Function.getFunction(block.getPointer(16)).invoke(void.class, new Object[] {block, (byte) (success ? 1 : 0), error});
	}

	@Test
	@DisplayName("the layout: isa, BLOCK_IS_GLOBAL | BLOCK_HAS_SIGNATURE, invoke, a descriptor of size 32 with the type signature")
	void layout() {
		Memory block = blocks.newBlock(new CompletableFuture<>());
		assertEquals(isa, block.getPointer(0));
		assertEquals((1 << 28) | (1 << 30), block.getInt(8));
		assertEquals(0, block.getInt(12));
		assertTrue(Pointer.nativeValue(block.getPointer(16)) != 0, "invoke");
		Pointer descriptor = block.getPointer(24);
		assertEquals(0, descriptor.getLong(0));
		assertEquals(32, descriptor.getLong(8));
		assertEquals("v@?B@", descriptor.getPointer(16).getString(0), "arm64: BOOL is bool");
		assertEquals("v@?c@", new ReplyBlocks(isa, false, e -> 0).newBlock(new CompletableFuture<>()).getPointer(24).getPointer(16).getString(0),
				"x86-64: BOOL is signed char");
	}

	@Test
	@DisplayName("YES without an error approves; NO, or YES with an error, does not (the error's code is kept)")
	void replies() throws Exception {
		CompletableFuture<ReplyBlocks.Result> yes = new CompletableFuture<>();
		reply(blocks.newBlock(yes), true, null);
		assertTrue(yes.get(5, TimeUnit.SECONDS).success());

		CompletableFuture<ReplyBlocks.Result> no = new CompletableFuture<>();
		Memory cancelled = new Memory(8);
		cancelled.setLong(0, -2); // LAErrorUserCancel
		reply(blocks.newBlock(no), false, cancelled);
		assertFalse(no.get(5, TimeUnit.SECONDS).success());
		assertEquals(-2, no.get().errorCode());

		CompletableFuture<ReplyBlocks.Result> odd = new CompletableFuture<>();
		reply(blocks.newBlock(odd), true, cancelled);
		assertFalse(odd.get(5, TimeUnit.SECONDS).success(), "an error wins over YES");
	}

	@Test
	@DisplayName("each prompt has its own block: a late reply to a forgotten one answers nothing, and never a newer prompt")
	void lateReply() throws Exception {
		CompletableFuture<ReplyBlocks.Result> abandoned = new CompletableFuture<>();
		Memory old = blocks.newBlock(abandoned);
		blocks.forget(old);
		CompletableFuture<ReplyBlocks.Result> current = new CompletableFuture<>();
		Memory fresh = blocks.newBlock(current);
		reply(old, true, null);
		assertFalse(abandoned.isDone());
		assertFalse(current.isDone(), "the late YES did not approve the newer prompt");
		reply(fresh, false, null);
		assertFalse(current.get(5, TimeUnit.SECONDS).success());
	}
}
