package dev.amk.cli;

import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;

import java.util.Iterator;
import java.util.List;

/**
 * The values of {@code --provider}, derived from the catalogue: picocli shows them in the help
 * ({@code ${COMPLETION-CANDIDATES}}) and offers them in shell completion.
 */
final class ProviderIds {
	private ProviderIds() {
	}

	/** {@code connection add}: the providers connected with a pasted key. */
	static final class WithApiKeys implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return ids(Providers.withApiKeys());
		}
	}

	/** {@code connection connect}: the providers that sign in with OAuth. */
	static final class WithOAuth implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return ids(Providers.withOAuth());
		}
	}

	private static Iterator<String> ids(List<ProviderSpec> providers) {
		return providers.stream().map(ProviderSpec::id).iterator();
	}
}
