// The package against a hostile or broken endpoint, in Node: an endless response body is refused
// at the size cap without the process growing, a redirect is an error and its target gets
// nothing, and a polluted `Object.prototype` changes no request. Every server here is a
// 127.0.0.1 one this file starts and stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { kit, dataOf, errorOf, uniqueName } from '../helpers/kit.mjs';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';

const MiB = 1024 * 1024;

/** Starts a 127.0.0.1 HTTP server; resolves `{ url, requests, close }` (`requests` counts). */
async function serve(handler) {
  const server = createServer((req, res) => { counter.requests += 1; handler(req, res); });
  const counter = { requests: 0 };
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); };
  return Object.assign(counter, { url: `http://127.0.0.1:${server.address().port}`, close });
}

/** A config for `endpoint` with throwaway keys (nothing here reaches a real server). */
const configFor = (endpoint) => ({ endpoint, iamEndpoint: endpoint, accessKeyId: 'tid_x', secretAccessKey: 'tsec_x', requestTimeoutMs: 60_000 });

test('an endless response body is refused at the 16 MiB cap and the process stays small', { timeout: 120_000 }, async () => {
  let sent = 0;
  let closed;
  const connectionClosed = new Promise((resolve) => { closed = resolve; });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const srv = await serve((req, res) => {
    if (req.url.startsWith('/warm-up')) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.on('close', closed);
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) { res.once('drain', pump); return; }
      }
    };
    pump();
  });
  try {
    // One small exchange first, so what is measured is the body, not loading Node's fetch.
    errorOf(await kit.listCheckpoints('warm-up', { config: configFor(srv.url) }));
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
    const res = await kit.listCheckpoints('endless-body', { config: configFor(srv.url) });
    clearInterval(sampler);
    const grown = Math.max(peak, process.memoryUsage.rss()) - before;
    console.log(`# endless body: RSS grew ${(grown / MiB).toFixed(1)} MiB at most; ${(sent / MiB).toFixed(1)} MiB sent before the client stopped reading`);
    assert.match(errorOf(res), /16 MiB/);
    assert.equal(res.error.code, 'ServerError');
    assert.equal(srv.requests, 2, 'a refused body is not retried');
    assert.ok(grown < 64 * MiB, `RSS grew ${grown} B`);
    await connectionClosed; // the client cancelled the stream (else this test times out)
    assert.ok(sent < 256 * MiB, `${sent} B were sent`);
  } finally {
    await srv.close();
  }
});

test('a redirect is an error and nothing reaches its Location', { timeout: 60_000 }, async () => {
  const target = await serve((req, res) => { res.writeHead(200, { 'content-type': 'application/xml' }); res.end('<ListAllMyBucketsResult/>'); });
  let status = 307;
  const redirector = await serve((req, res) => { res.writeHead(status, { location: `${target.url}${req.url}` }); res.end(); });
  try {
    for (status of [301, 302, 303, 307, 308]) {
      const sent = redirector.requests;
      const listed = await kit.listCheckpoints('redirected', { config: configFor(redirector.url) });
      assert.match(errorOf(listed), new RegExp(`\\b${status}\\b`));
      assert.equal(listed.error.code, 'ServerError');
      assert.equal(redirector.requests - sent, 1, `a ${status} is not retried`);
    }
    status = 307;
    // A request with a body (the bucket creation) is not re-sent either.
    const created = await kit.createWorkspace(uniqueName('redirected'), { config: configFor(redirector.url) });
    assert.match(errorOf(created), /\b307\b/);
    assert.equal(created.error.code, 'ServerError');
    console.log(`# redirect: ${redirector.requests} requests to the redirecting server, ${target.requests} to its Location`);
    assert.equal(target.requests, 0, 'the redirect target got a request');
  } finally {
    await Promise.all([target.close(), redirector.close()]);
  }
});

/** One logged request as compared between runs: method, path and query with the bucket names
 *  and timestamps replaced, the header names (without the date-dependent ones) and the status. */
function shape(entry, names) {
  let path = `${entry.path}?${entry.query}`;
  for (const [name, as] of names) path = path.split(name).join(as);
  path = path.replace(/\d{6,}/g, 'N');
  const headers = Object.keys(entry.headers).filter((h) => h !== 'content-length').sort().join(',');
  return `${entry.method} ${path} ${entry.status} ${headers}`;
}

test('a polluted Object.prototype is ignored by every option, config and credential read', { timeout: 60_000 }, async () => {
  const srv = await startTigrisLocal();
  const decoy = await serve((req, res) => { res.writeHead(500); res.end(); });
  const env = { TIGRIS_STORAGE_ENDPOINT: srv.endpoint, TIGRIS_IAM_ENDPOINT: srv.endpoint, TIGRIS_STORAGE_ACCESS_KEY_ID: srv.accessKeyId, TIGRIS_STORAGE_SECRET_ACCESS_KEY: srv.secretAccessKey };
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const pollution = {
    endpoint: decoy.url, iamEndpoint: decoy.url, mgmtEndpoint: decoy.url, sessionToken: 'polluted-token',
    accessKeyId: 'polluted-id', secretAccessKey: 'polluted-secret', organizationId: 'polluted-org',
    requestTimeoutMs: 1, config: { endpoint: decoy.url }, prefix: 'polluted', enableSnapshots: true,
    access: 'public', ttl: { days: 1 }, name: 'polluted',
  };
  // The same calls, clean and then polluted: the package must send the same requests.
  const run = async (tag) => {
    const base = uniqueName(`proto-${tag}`);
    const provider = { credentialProvider: () => ({ accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey }), endpoint: srv.endpoint };
    const from = (await srv.requests()).length;
    const results = [
      await kit.createWorkspace(base, { enableSnapshots: true }),
      await kit.createWorkspace(`${base}-plain`),
      await kit.createForks(base, 1, {}),
      await kit.checkpoint(base),
      await kit.listCheckpoints(base, { config: provider }),
    ];
    const log = (await srv.requests()).slice(from);
    return { base, results, log };
  };
  try {
    Object.assign(process.env, env);
    const clean = await run('clean');
    let polluted;
    try {
      Object.assign(Object.prototype, pollution);
      polluted = await run('dirty');
    } finally {
      for (const key of Object.keys(pollution)) delete Object.prototype[key];
    }
    for (const r of [...clean.results, ...polluted.results]) dataOf(r);
    const forks = dataOf(polluted.results[2]);
    assert.equal(forks.forks.length, 1);
    assert.ok(forks.forks[0].bucket.startsWith(`${polluted.base}-fork-`), forks.forks[0].bucket);
    assert.equal(decoy.requests, 0, 'a request went to the polluted endpoint');
    assert.ok(polluted.log.every((e) => e.status === 200 && !('x-amz-security-token' in e.headers)));
    const names = (run) => [[run.base, 'BASE']];
    assert.deepEqual(polluted.log.map((e) => shape(e, names(polluted))), clean.log.map((e) => shape(e, names(clean))));
    console.log(`# polluted prototype: ${polluted.log.length} requests, the same as the clean run's`);
  } finally {
    for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    await decoy.close();
    await srv.stop();
  }
});
