package dev.amk.proxy;

import dev.amk.common.ErrorType;
import dev.amk.limits.AgentControls;
import dev.amk.limits.RequestModel;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Checks the model a request body names against the agent's model list, before anything goes upstream. Only for an
 * agent with a model list, on a connection whose API names the model in the body (OpenAI, Anthropic): the body is
 * read, at most {@link #LIMIT}, and then forwarded byte for byte as it came. A larger body, a compressed one or one
 * that is not a JSON object is refused {@code model_denied}: the broker cannot say which model it asks for.
 */
final class ModelGate {
	/** Chat requests are text; 1 MiB holds a long conversation. Larger ones (images inline) need no model list, or a smaller body. */
	static final int LIMIT = 1 << 20;

	/**
	 * The request to forward (its body replayed when it was read) and the body's size when known (-1 otherwise).
	 */
	record Checked(Request request, long bodyBytes) {
	}

	private ModelGate() {
	}

	static Checked check(Request request, AgentControls.Admission admission) throws Refused, ExchangeBroken {
		long length = request.getLength();
		if (!admission.checksModelInBody()) {
			return new Checked(request, length);
		}
		boolean hasBody = length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
		if (!hasBody) {
			return new Checked(request, 0); // names no model: nothing to check (listing models, for one)
		}
		String coding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
		if (coding != null && !coding.strip().equalsIgnoreCase("identity")) {
			throw denied("The request body is compressed (" + coding.strip() + "), so the broker cannot read which model it asks for; this agent"
					+ " may only use " + admission.allowedModels() + ". Send it uncompressed.", true);
		}
		if (length > LIMIT) {
			throw denied("The request body is larger than 1 MiB, so the broker does not read it for its model; this agent may only use "
					+ admission.allowedModels() + ". Send a smaller request, or remove the model list.", true);
		}
		byte[] body = read(request);
		String model;
		try {
			model = RequestModel.of(body, body.length);
		} catch (IllegalArgumentException e) {
			throw denied("The request body is not one JSON object with a single \"model\" string, so the broker cannot tell which model it asks"
					+ " for; this agent may only use " + admission.allowedModels() + ".", false);
		}
		try {
			admission.checkBodyModel(model);
		} catch (AgentControls.Denied d) {
			throw Refused.by(d);
		}
		return new Checked(new Replayed(request, body), body.length);
	}

	private static Refused denied(String message, boolean bodyUnread) {
		// An unread body leaves the connection's framing in doubt: close it after the answer.
		return bodyUnread ? Refused.closingConnection(ErrorType.MODEL_DENIED, message) : Refused.of(ErrorType.MODEL_DENIED, message);
	}

	private static byte[] read(Request request) throws Refused, ExchangeBroken {
		byte[] buf = new byte[8192];
		int len = 0;
		try {
			InputStream in = Request.asInputStream(request);
			while (true) {
				if (len == buf.length) {
					if (len > LIMIT) {
						throw denied("The request body is larger than 1 MiB, so the broker does not read it for its model. Send a smaller request,"
								+ " or remove the agent's model list.", true);
					}
					buf = Arrays.copyOf(buf, Math.min(LIMIT + 1, len * 2));
				}
				int n = in.read(buf, len, buf.length - len);
				if (n == -1) {
					return Arrays.copyOf(buf, len);
				}
				len += n;
			}
		} catch (IOException e) {
			throw ExchangeBroken.clientClosed(e);
		}
	}

	/** The agent's request with its body, already read, given again to whoever reads it next. */
	private static final class Replayed extends Request.Wrapper {
		private Content.Chunk next;

		Replayed(Request wrapped, byte[] body) {
			super(wrapped);
			this.next = Content.Chunk.from(ByteBuffer.wrap(body), true);
		}

		@Override
		public Content.Chunk read() {
			Content.Chunk c = next;
			next = Content.Chunk.EOF;
			return c;
		}

		@Override
		public void demand(Runnable demandCallback) {
			demandCallback.run();
		}

		@Override
		public void fail(Throwable failure) {
			next = Content.Chunk.from(failure);
		}
	}
}
