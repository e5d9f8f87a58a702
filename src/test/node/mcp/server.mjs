// An MCP server built with the official TypeScript SDK (Streamable HTTP), protected by the SDK's bearer-auth middleware,
// with a loopback authorization server built from the SDK's auth router (metadata, dynamic client registration,
// authorize with PKCE, token with refresh; every token bound to this server by the RFC 8707 resource indicator).
// Started by the Java tests (McpSdkTest); prints "LISTENING <mcp-port>" when ready, then one log line per event:
//   AUTH <authorization header>        every request that reached the MCP endpoint, authorised or not
//   CALL <tool name>                   every tools/call the server executed
// Endpoint /mcp answers in server-sent events; a session begun at /mcp?json=1 answers in JSON (enableJsonResponse).
import { randomUUID } from 'node:crypto';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { mcpAuthRouter, mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError, InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { z } from 'zod';

const log = (line) => process.stdout.write(line + '\n');

/** Auto-approving authorization server state: clients, codes, tokens, all in memory. */
class Provider {
  constructor(resourceOf) {
    this.resourceOf = resourceOf;
    const clients = new Map();
    this.clientsStore = {
      getClient: async (id) => clients.get(id),
      registerClient: async (c) => { clients.set(c.client_id, c); return c; },
    };
    this.codes = new Map();
    this.tokens = new Map();
    this.refreshTokens = new Map();
  }
  async authorize(client, params, res) {
    if (!client.redirect_uris.includes(params.redirectUri)) throw new Error('unregistered redirect_uri');
    const code = randomUUID();
    this.codes.set(code, { client, params });
    const target = new URL(params.redirectUri);
    target.searchParams.set('code', code);
    if (params.state !== undefined) target.searchParams.set('state', params.state);
    res.redirect(target.toString());
  }
  async challengeForAuthorizationCode(client, code) {
    const c = this.codes.get(code);
    if (!c) throw new InvalidGrantError('unknown code');
    return c.params.codeChallenge;
  }
  issue(clientId, scopes, resource) {
    if (!resource || resource.toString() !== this.resourceOf().toString()) throw new InvalidGrantError(`resource must be ${this.resourceOf()}`);
    const access = 'sdk-at-' + randomUUID();
    const refresh = 'sdk-rt-' + randomUUID();
    this.tokens.set(access, { clientId, scopes, resource, expiresAt: Date.now() + 3600_000 });
    this.refreshTokens.set(refresh, { clientId, scopes, resource });
    return { access_token: access, refresh_token: refresh, token_type: 'bearer', expires_in: 3600, scope: scopes.join(' ') };
  }
  async exchangeAuthorizationCode(client, code, _verifier, _redirectUri, resource) {
    const c = this.codes.get(code);
    if (!c || c.client.client_id !== client.client_id) throw new InvalidGrantError('bad code');
    this.codes.delete(code);
    return this.issue(client.client_id, c.params.scopes || [], resource ?? c.params.resource);
  }
  async exchangeRefreshToken(client, refreshToken, _scopes, resource) {
    const r = this.refreshTokens.get(refreshToken);
    if (!r || r.clientId !== client.client_id) throw new InvalidGrantError('bad refresh token');
    this.refreshTokens.delete(refreshToken);
    return this.issue(client.client_id, r.scopes, resource);
  }
  async verifyAccessToken(token) {
    const t = this.tokens.get(token);
    if (!t) throw new InvalidTokenError('unknown token');
    return { token, clientId: t.clientId, scopes: t.scopes, expiresAt: Math.floor(t.expiresAt / 1000), resource: t.resource };
  }
}

function buildServer() {
  const server = new McpServer({ name: 'amk-sdk-test', version: '1.0.0' });
  const called = (name) => log('CALL ' + name);
  server.registerTool('read_page', { description: 'Reads a page', inputSchema: { page: z.string() } }, async ({ page }) => {
    called('read_page');
    return { content: [{ type: 'text', text: `contents of ${page}` }] };
  });
  server.registerTool('search', { description: 'Searches', inputSchema: { q: z.string() } }, async ({ q }) => {
    called('search');
    return { content: [{ type: 'text', text: `results for ${q}` }] };
  });
  server.registerTool('delete_page', { description: 'Deletes a page', inputSchema: { page: z.string() } }, async ({ page }) => {
    called('delete_page');
    return { content: [{ type: 'text', text: `deleted ${page}` }] };
  });
  server.registerTool('Read_page', { description: 'A look-alike name', inputSchema: {} }, async () => {
    called('Read_page');
    return { content: [{ type: 'text', text: 'look-alike' }] };
  });
  // Streams: progress notifications over the request's SSE stream, 150 ms apart, then a long result.
  server.registerTool('read_report', { description: 'A long report, streamed', inputSchema: { parts: z.number() } },
    async ({ parts }, extra) => {
      called('read_report');
      const token = extra._meta?.progressToken;
      for (let i = 1; i <= parts; i++) {
        if (token !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: parts,
            message: `part ${i} at ${Date.now()}` } });
        }
        await new Promise((r) => setTimeout(r, 150));
      }
      return { content: [{ type: 'text', text: 'x'.repeat(200_000) }] };
    });
  return server;
}

const authApp = express();
const mcpApp = express();
mcpApp.use(express.json({ limit: '5mb' }));
const authListener = authApp.listen(0, '127.0.0.1');
await new Promise((r) => authListener.once('listening', r));
const mcpListener = mcpApp.listen(0, '127.0.0.1');
await new Promise((r) => mcpListener.once('listening', r));
const issuer = new URL(`http://127.0.0.1:${authListener.address().port}/`);
const mcpUrl = new URL(`http://127.0.0.1:${mcpListener.address().port}/mcp`);

const provider = new Provider(() => mcpUrl);
authApp.use(mcpAuthRouter({ provider, issuerUrl: issuer, scopesSupported: ['mcp:tools'] }));

const oauthMetadata = {
  issuer: issuer.href,
  authorization_endpoint: new URL('/authorize', issuer).href,
  token_endpoint: new URL('/token', issuer).href,
  registration_endpoint: new URL('/register', issuer).href,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
};
mcpApp.use(mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: mcpUrl, scopesSupported: ['mcp:tools'], resourceName: 'amk SDK test' }));
mcpApp.use('/mcp', (req, _res, next) => { log('AUTH ' + (req.headers.authorization ?? '(none)')); next(); });
const auth = requireBearerAuth({ verifier: provider, resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpUrl) });

// Stateful sessions, one transport per session.
const transports = new Map();
mcpApp.all('/mcp', auth, async (req, res) => {
    const id = req.headers['mcp-session-id'];
    let transport = id ? transports.get(id) : undefined;
    if (!transport) {
      if (req.method !== 'POST') { res.status(400).json({ error: 'no session' }); return; }
      transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), enableJsonResponse: req.query.json === '1',
        onsessioninitialized: (sid) => transports.set(sid, transport) });
      await buildServer().connect(transport);
    }
  await transport.handleRequest(req, res, req.body);
});

log(`LISTENING ${mcpListener.address().port}`);
process.stdin.on('end', () => process.exit(0)); // the Java test closes stdin to stop the server
process.stdin.resume();
