package dev.amk.access;

import java.util.List;

/**
 * What a request wants to reach, whatever front door it came through: a base-URL route names the connection
 * in its first path segment, an intercepted tunnel by its host, an MCP call by its server. Grants are
 * decided on this value alone.
 *
 * @param connection the connection's name
 * @param method     the HTTP method, as sent
 * @param segments   the decoded path segments below the connection's base URL
 */
public record Target(String connection, String method, List<String> segments) {
}
