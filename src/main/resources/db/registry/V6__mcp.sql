-- Per-tool grants on MCP servers (amk agent create … --grant 'NAME:tools=GLOB,GLOB'): null grants every tool,
-- else the comma-separated tool-name patterns the agent may call. Methods and paths stay as they were.
ALTER TABLE grants ADD COLUMN tools TEXT
