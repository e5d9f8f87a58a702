package dev.amk.testing;

/**
 * Closes what a test's set-up opened, in the order given. Skips what the set-up never got to open (a skipped
 * assumption, a failed start), so that the report shows the set-up's failure rather than a NullPointerException
 * from the tear-down; and closes everything else even when one close fails (the first failure is thrown, the
 * others ride along as suppressed).
 *
 * <pre>{@code Teardown.closeAll(app == null ? null : app::stop, broker, upstream);}</pre>
 */
public final class Teardown {
	private Teardown() {
	}

	public static void closeAll(AutoCloseable... resources) throws Exception {
		Throwable first = null;
		for (AutoCloseable resource : resources) {
			if (resource == null) {
				continue;
			}
			try {
				resource.close();
			} catch (Exception | Error e) {
				if (first == null) {
					first = e;
				} else {
					first.addSuppressed(e);
				}
			}
		}
		if (first instanceof Exception e) {
			throw e;
		}
		if (first instanceof Error e) {
			throw e;
		}
	}
}
