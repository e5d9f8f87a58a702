// The official TypeScript SDK's client through the broker: connects to AMK_URL with only the agent key (AMK_KEY),
// lists tools, calls a granted tool, a denied one and a streamed one; prints one JSON object with what it saw.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = new URL(process.env.AMK_URL);
const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${process.env.AMK_KEY}` } } });
const client = new Client({ name: 'amk-sdk-client', version: '1.0.0' });
const out = {};
await client.connect(transport);
out.tools = (await client.listTools()).tools.map((t) => t.name);
out.read = (await client.callTool({ name: 'read_page', arguments: { page: 'home' } })).content[0].text;
try {
  await client.callTool({ name: process.env.AMK_DENIED_TOOL ?? 'delete_page', arguments: { page: 'home' } });
  out.denied = 'not denied';
} catch (e) {
  out.denied = { code: e.code, data: e.data };
}
const progress = [];
const report = await client.callTool({ name: 'read_report', arguments: { parts: 5 } }, undefined, {
  onprogress: (p) => progress.push({ at: Date.now(), progress: p.progress }),
});
out.reportLength = report.content[0].text.length;
out.progress = progress;
await transport.terminateSession();
await client.close();
process.stdout.write(JSON.stringify(out) + '\n');
