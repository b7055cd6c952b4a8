// Serves the console on 127.0.0.1 — the page, console.js and the installed tigris-agent-kit
// package files — plus a token endpoint, POST /token, for the "Token endpoint" mode: it answers
// temporary credentials `{ accessKeyId, secretAccessKey, sessionToken, expiration }`. Here they
// come from the environment (TIGRIS_SESSION_TOKEN, optional TIGRIS_TEMP_ACCESS_KEY_ID /
// TIGRIS_TEMP_SECRET_ACCESS_KEY); a real deployment would mint them per user (an STS or OAuth
// exchange behind your login) so that no long-lived secret ever reaches the browser.
//
//   npm i tigris-agent-kit && TIGRIS_SESSION_TOKEN=… node serve.mjs [--port=8080]
import { createServer } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };
const typeOf = (f) => types[f.slice(f.lastIndexOf('.'))] ?? 'application/octet-stream';

/**
 * Credentials from the environment (see above). Temporary credentials come as a triple; when only
 * a session token is configured, placeholder key strings stand in for the pair (the requests are
 * signed with them, and the server authenticates the `x-amz-security-token`).
 */
function credentialsFromEnv() {
  return {
    accessKeyId: process.env.TIGRIS_TEMP_ACCESS_KEY_ID || 'tid_session',
    secretAccessKey: process.env.TIGRIS_TEMP_SECRET_ACCESS_KEY || 'tsec_session',
    sessionToken: process.env.TIGRIS_SESSION_TOKEN,
    expiration: new Date(Date.now() + 15 * 60_000).toISOString(),
  };
}

/**
 * Starts the server; `token()` returns the credentials POST /token answers. Resolves
 * `{ url, close, tokenRequests }` (tokenRequests: how many times /token was called).
 */
export async function startConsoleServer({ port = 0, token = credentialsFromEnv } = {}) {
  // The package as installed next to this file (node_modules/tigris-agent-kit).
  const pkgDir = dirname(createRequire(join(here, 'serve.mjs')).resolve('tigris-agent-kit/package.json'));
  const pkgFiles = new Set(readdirSync(pkgDir));
  const pages = { '/': 'index.html', '/index.html': 'index.html', '/console.js': 'console.js' };
  let tokenRequests = 0;

  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    if (req.method === 'POST' && pathname === '/token') {
      tokenRequests += 1;
      try {
        return send(200, 'application/json', JSON.stringify(await token()));
      } catch (e) {
        return send(500, 'application/json', JSON.stringify({ error: e.message }));
      }
    }
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (pages[pathname]) return send(200, typeOf(pages[pathname]), readFileSync(join(here, pages[pathname])));
    const m = /^\/node_modules\/tigris-agent-kit\/([^/]+)$/.exec(pathname);
    if (m && pkgFiles.has(m[1])) return send(200, typeOf(m[1]), readFileSync(join(pkgDir, m[1])));
    return send(404, 'text/plain', 'not found');
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    tokenRequests: () => tokenRequests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv.find((a) => a.startsWith('--port='))?.split('=')[1] ?? 8080);
  const { url } = await startConsoleServer({ port });
  console.log(`checkpoints console on ${url}`);
}
