package dev.amk.broker;

import dev.amk.common.AmkException;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The broker as a long-running process ({@code amk serve}, {@code amk app}): it logs to a file in the data
 * folder, reads every secret up front, tells other commands its port through {@code broker.json}, and on
 * Ctrl+C, SIGTERM or Quit stops taking requests, finishes the running ones and flushes the audit log before the
 * process exits.
 */
public final class BrokerProcess {
	private final Broker broker;
	private final List<String> warnings;
	private final CountDownLatch stopped;

	private BrokerProcess(Broker broker, List<String> warnings, CountDownLatch stopped) {
		this.broker = broker;
		this.warnings = warnings;
		this.stopped = stopped;
	}

	/**
	 * Starts the broker and returns once it serves. With {@code readSecrets}, every secret is read first (throws
	 * if the keychain itself cannot be reached, after stopping what had started); the menu-bar app reads them itself
	 * once its icon shows, since on macOS each read may wait for a Keychain prompt.
	 */
	public static BrokerProcess start(Broker.Options options, boolean readSecrets) {
		Logging.toFile(options.dataDir().resolve("logs"));
		Broker broker = Broker.start(options);
		CountDownLatch stopped = new CountDownLatch(1);
		Thread hook = new Thread(() -> {
			broker.close();
			BrokerFile.delete(options.dataDir());
			stopped.countDown();
		}, "amk-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
		List<String> warnings;
		try {
			// A keychain prompt (macOS) appears now rather than in the middle of an agent's request,
			// and a missing keychain is reported before anyone relies on the broker.
			warnings = readSecrets ? broker.preloadSecrets() : List.of();
		} catch (AmkException e) {
			Runtime.getRuntime().removeShutdownHook(hook);
			hook.run();
			throw e;
		}
		BrokerFile.write(options.dataDir(), broker.port());
		return new BrokerProcess(broker, warnings, stopped);
	}

	public Broker broker() {
		return broker;
	}

	/** One line per connection that answers 503 until it is fixed (secret missing, sign-in to renew). */
	public List<String> warnings() {
		return warnings;
	}

	/** Blocks until the process is stopping and the broker has stopped (the shutdown hook ran). */
	public void awaitStop() throws InterruptedException {
		stopped.await();
	}
}
