package dev.amk.limits;

/**
 * The tokens one answer used, as the provider reported them (or estimated, see {@link #estimated}).
 *
 * @param model     the model the answer names (or the request did), null when neither said
 * @param estimated whether the counts are the broker's estimate: an OpenAI chat stream that did not ask for usage is
 *                  counted from its deltas (about four characters a token), its prompt from the request's size
 */
public record Usage(long inputTokens, long outputTokens, String model, boolean estimated) {
	public static final Usage NONE = new Usage(0, 0, null, false);

	public long totalTokens() {
		return inputTokens + outputTokens;
	}
}
