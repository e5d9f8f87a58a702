package dev.amk.providers;

/** How an OAuth client proves itself at the token endpoint (RFC 6749 §2.3.1). The value is stored in the registry. */
public enum ClientAuth {
	/** client_id (and client_secret) as form fields: what most providers document. */
	POST("post"),
	/** HTTP Basic with client_id:client_secret: what Notion requires. */
	BASIC("basic");

	private final String column;

	ClientAuth(String column) {
		this.column = column;
	}

	public String column() {
		return column;
	}

	public static ClientAuth fromColumn(String column) {
		return "basic".equals(column) ? BASIC : POST;
	}
}
