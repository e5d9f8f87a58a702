package dev.amk.proxy;

import dev.amk.common.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Requests Jetty's parser rejects before our handler runs (ambiguous framing, smuggling attempts, oversize
 * headers, a missing Host) still get the contract's JSON error. The text is ours and fixed: nothing from
 * the offending request is echoed back.
 */
final class JsonErrorHandler extends ErrorHandler {
	@Override
	public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
		fields.put(HttpHeader.CONTENT_TYPE, "application/json");
		fields.put(HttpHeader.CACHE_CONTROL, "no-store");
		return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
	}

	@Override
	protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
		response.write(true, ByteBuffer.wrap(body(code).getBytes(StandardCharsets.UTF_8)), callback);
	}

	private static String body(int status) {
		if (status >= 400 && status < 500) {
			String message = switch (status) {
				case 413 -> "The request is too large.";
				case 414 -> "The request target is too long.";
				case 431 -> "The request headers are too large.";
				default -> "The request is malformed or its framing is ambiguous (HTTP " + status + " " + HttpStatus.getMessage(status)
						+ "). Use a standard HTTP client.";
			};
			return Json.error("bad_request", message);
		}
		return Json.error("internal_error", "The broker could not handle this request (HTTP " + status + ").");
	}
}
