// Agent Master Key: loaded into every Node process that `amk run` starts (NODE_OPTIONS --require).
//
// Node (22.21+, 24.5+) honours NODE_USE_ENV_PROXY=1 only for its global agents and fetch. Most SDKs make their own
// http(s).Agent (the AWS SDK for JavaScript, many HTTP clients), and those go straight to the internet unless given
// Node's own `proxyEnv` option. This gives every agent made without that option `proxyEnv: process.env`, so the
// HTTPS_PROXY and NO_PROXY that amk run set apply to them too. Nothing else changes: an agent that names its own
// proxyEnv keeps it, `instanceof http.Agent` still holds, and Node versions without the option ignore it.
'use strict';
const marker = Symbol.for('dev.amk.proxyEnvAgents');
if (!globalThis[marker] && process.env.NODE_USE_ENV_PROXY === '1') {
  globalThis[marker] = true;
  for (const name of ['node:http', 'node:https']) {
    const mod = require(name);
    const Base = mod.Agent;
    class ProxyEnvAgent extends Base {
      constructor(options) {
        super(options && Object.hasOwn(options, 'proxyEnv') ? options : { ...options, proxyEnv: process.env });
      }
      static [Symbol.hasInstance](value) {
        return value instanceof Base;
      }
    }
    Object.defineProperty(ProxyEnvAgent, 'name', { value: Base.name });
    mod.Agent = ProxyEnvAgent;
  }
  // ES modules that imported { Agent } from 'node:https' see the change too.
  require('node:module').syncBuiltinESMExports();
}
