package dev.amk.proxy;

import dev.amk.audit.AuditEvent;
import dev.amk.audit.AuditLog;
import dev.amk.audit.Decision;
import dev.amk.common.ErrorType;
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
import java.time.Clock;

/**
 * Requests Jetty's parser rejects before our handler runs (ambiguous framing, smuggling attempts, oversize
 * headers, a missing Host, sloppy HTTP) still get the contract's JSON error, and their audit row: with no agent
 * (no key was read) and, for a path, only what names a connection and is safe to keep. The text is ours and
 * fixed: nothing from the offending request is echoed back.
 */
final class JsonErrorHandler extends ErrorHandler {
	/** Set on a request whose row {@link ProxyHandler} already recorded, so that an error page Jetty adds is not audited twice. */
	static final String AUDITED = "dev.amk.audited";

	private final AuditLog audit;
	private final Clock clock;

	JsonErrorHandler(AuditLog audit, Clock clock) {
		this.audit = audit;
		this.clock = clock;
	}

	@Override
	public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
		fields.put(HttpHeader.CONTENT_TYPE, "application/json");
		fields.put(HttpHeader.CACHE_CONTROL, "no-store");
		return ByteBuffer.wrap(body(status, false).getBytes(StandardCharsets.UTF_8));
	}

	@Override
	protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
		boolean badHost = code == 400 && isBadHost(cause);
		int status = badHost ? ErrorType.BAD_HOST.httpStatus() : code;
		response.setStatus(status);
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
		if (request.getAttribute(AUDITED) == null) {
			ErrorType type = badHost ? ErrorType.BAD_HOST : isClientError(status) ? ErrorType.BAD_REQUEST : ErrorType.INTERNAL_ERROR;
			RequestTarget target = safeTarget(request);
			long ticket = audit.record(new AuditEvent(0, clock.instant(), null, null, target == null ? null : target.auditedConnection(),
					request.getMethod(), target == null ? null : target.rawRestPath(), status, Decision.refusing(type), type.type(), 0, 0, 0));
			audit.awaitWritten(ticket);
		}
		response.write(true, ByteBuffer.wrap(body(status, badHost).getBytes(StandardCharsets.UTF_8)), callback);
	}

	/** Jetty refuses a Host value it cannot parse before the broker's own check: the same failure, so the same answer (421). */
	private static boolean isBadHost(Throwable cause) {
		String text = cause == null ? null : cause.getMessage();
		return text != null && text.contains("HostPort");
	}

	/** 505 (HTTP/0.9, HTTP/2.0 over this port) is the client's doing too. */
	private static boolean isClientError(int status) {
		return status < 500 || status == 505;
	}

	/** The request's route if it is one the broker could follow (a valid connection name, no tricks), else none: it is attacker text. */
	private static RequestTarget safeTarget(Request request) {
		String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
		if (path == null) {
			return null;
		}
		try {
			RequestTarget target = RequestTarget.parse(path);
			return target.auditedConnection() == null ? null : target;
		} catch (RequestTarget.Refused e) {
			return null;
		}
	}

	private static String body(int status, boolean badHost) {
		if (badHost) {
			return Json.error(ErrorType.BAD_HOST.type(), "This broker answers only to 127.0.0.1, localhost or [::1] with its port."
					+ " Point your agent at http://127.0.0.1:PORT/CONNECTION/…");
		}
		if (isClientError(status)) {
			String message = switch (status) {
				case 413 -> "The request is too large.";
				case 414 -> "The request target is too long.";
				case 431 -> "The request headers are too large.";
				case 505 -> "Only HTTP/1.1 (and 1.0) are spoken here.";
				default -> "The request is malformed or its framing is ambiguous (HTTP " + status + " " + HttpStatus.getMessage(status)
						+ "). Use a standard HTTP client.";
			};
			return Json.error("bad_request", message);
		}
		return Json.error("internal_error", "The broker could not handle this request (HTTP " + status + ").");
	}
}
