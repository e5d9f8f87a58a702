package dev.amk.testing;

import dev.amk.cli.Cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An {@code amk} command run in the background against a broker's data folder, its stdout read line by line while it
 * runs: for commands that print a URL first and then wait ({@code amk mcp add --no-browser}).
 */
public final class StreamingCli {
	public final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
	public final StringWriter err = new StringWriter();
	public final CompletableFuture<Integer> exit;

	public StreamingCli(BrokerFixture broker, String... args) {
		Writer out = new Writer() {
			private final StringBuilder line = new StringBuilder();

			@Override
			public synchronized void write(char[] c, int off, int len) {
				for (int i = off; i < off + len; i++) {
					if (c[i] == '\n') {
						lines.add(line.toString());
						line.setLength(0);
					} else {
						line.append(c[i]);
					}
				}
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		exit = CompletableFuture.supplyAsync(() -> Cli.run(args, Map.of("AMK_HOME", broker.home.toString()), new ByteArrayInputStream(new byte[0]),
				false, new PrintWriter(out, true), new PrintWriter(err, true), broker.clock, () -> broker.secrets));
	}
}
