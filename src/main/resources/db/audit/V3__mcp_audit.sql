-- MCP traffic: the JSON-RPC method of the request (tools/call, tools/list, initialize…; a batch lists its methods)
-- and, for a tool call, the tool's name. Null for any other request. Names only: never arguments or results.
ALTER TABLE audit ADD COLUMN mcp_method TEXT;
ALTER TABLE audit ADD COLUMN tool TEXT
