package dev.amk.testing;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** An upstream for tests that only need requests to go through: every request gets 200 with {@code {}}. */
public final class EmptyJsonUpstream extends Dispatcher {
	@Override
	public MockResponse dispatch(RecordedRequest request) {
		return new MockResponse.Builder().body("{}").build();
	}
}
