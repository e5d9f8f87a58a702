package dev.amk.approvals.mac;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code [[[LAContext alloc] init] evaluatePolicy:LAPolicyDeviceOwnerAuthentication localizedReason:… reply:…]} through
 * JNA and the Objective-C runtime ({@code objc_msgSend}), with the reply block from {@link ReplyBlocks}: nothing native
 * to build, sign or ship. Loaded on first use (initialisation-on-demand holder); called only on macOS.
 */
final class LocalAuthentication {
	/** {@code LAPolicyDeviceOwnerAuthentication}: Touch ID (or a paired Watch), falling back to the login password. */
	private static final long POLICY_DEVICE_OWNER_AUTHENTICATION = 2;

	private LocalAuthentication() {
	}

	private static final class Native {
		static final Native INSTANCE = new Native();

		final Function msgSend;
		final Function getClass;
		final Function registerName;
		final ReplyBlocks blocks;

		private Native() {
			NativeLibrary objc = NativeLibrary.getInstance("objc");
			// Loading the frameworks registers their classes with the runtime: objc_getClass("LAContext") finds nothing before.
			NativeLibrary.getInstance("/System/Library/Frameworks/Foundation.framework/Foundation");
			NativeLibrary.getInstance("/System/Library/Frameworks/LocalAuthentication.framework/LocalAuthentication");
			msgSend = objc.getFunction("objc_msgSend");
			getClass = objc.getFunction("objc_getClass");
			registerName = objc.getFunction("sel_registerName");
			Pointer isa = NativeLibrary.getInstance("System").getGlobalVariableAddress("_NSConcreteGlobalBlock");
			blocks = new ReplyBlocks(isa, Platform.isARM(), error -> Pointer.nativeValue(send(error, "code")));
		}

		Pointer cls(String name) {
			Pointer p = (Pointer) getClass.invoke(Pointer.class, new Object[] {name});
			if (p == null) {
				throw new IllegalStateException("the Objective-C class " + name + " is not there");
			}
			return p;
		}

		/**
		 * objc_msgSend called with the method's own, fixed prototype (JNA calls it non-variadic): on arm64 a variadic call
		 * would put the arguments on the stack where the method does not look.
		 */
		Object message(Class<?> returns, Pointer receiver, String selector, Object... args) {
			Object[] all = new Object[args.length + 2];
			all[0] = receiver;
			all[1] = registerName.invoke(Pointer.class, new Object[] {selector});
			System.arraycopy(args, 0, all, 2, args.length);
			return msgSend.invoke(returns, all);
		}

		Pointer send(Pointer receiver, String selector, Object... args) {
			return (Pointer) message(Pointer.class, receiver, selector, args);
		}
	}

	/** Shows the system prompt and waits for the reply, at most {@code wait}; on timeout the prompt is withdrawn. */
	static TouchIdPresence.Outcome authenticate(String reason, Duration wait) throws InterruptedException, ExecutionException {
		Native n = Native.INSTANCE;
		Pointer context = n.send(n.send(n.cls("LAContext"), "alloc"), "init");
		Pointer text = n.send(n.send(n.cls("NSString"), "alloc"), "initWithUTF8String:", ReplyBlocks.cString(reason));
		CompletableFuture<ReplyBlocks.Result> reply = new CompletableFuture<>();
		Memory block = n.blocks.newBlock(reply);
		try {
			n.message(void.class, context, "evaluatePolicy:localizedReason:reply:", POLICY_DEVICE_OWNER_AUTHENTICATION, text, block);
			ReplyBlocks.Result result = reply.get(wait.toMillis(), TimeUnit.MILLISECONDS);
			if (!result.success()) {
				System.getLogger(LocalAuthentication.class.getName()).log(System.Logger.Level.INFO, "LocalAuthentication answered no (LAError "
						+ result.errorCode() + ")");
			}
			return result.success() ? TouchIdPresence.Outcome.CONFIRMED : TouchIdPresence.Outcome.NOT_CONFIRMED;
		} catch (TimeoutException e) {
			n.message(void.class, context, "invalidate"); // withdraws the prompt; its late reply is dropped
			return TouchIdPresence.Outcome.TIMED_OUT;
		} finally {
			n.blocks.forget(block);
			n.message(void.class, text, "release");
			n.message(void.class, context, "release");
		}
	}
}
