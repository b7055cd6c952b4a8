// A coordination webhook received at the edge: a Worker (fixtures/workerd-receiver) is the
// webhook of a bucket on tigris-local, and receiveCoordinationEvents reads each delivery from
// the Worker's own Request; forged deliveries are refused without reading their body. The
// Worker runs in bare workerd (no nodejs_compat, bundled by wrangler 3 from the packed tarball)
// and, unchanged, under Deno 2's `Deno.serve` (the package's `deno` export).
import { before, after } from 'node:test';
import { put } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, project, fixturesDir, bin, requireTool, join, assert, spawnService, tempDir, cleanEnv,
} from './lib/harness.mjs';
import { serveWorker } from './lib/workerd.mjs';
import { kit } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const TOKEN = `edge-${Math.random().toString(36).slice(2)}`;

const fixture = (name) => join(fixturesDir, 'workerd-receiver', name);
const tokenModule = `export const TOKEN = ${JSON.stringify(TOKEN)};\n`;

/** The receiver at `base` is a bucket's webhook: real deliveries, then forged ones. */
async function receivesDeliveries(base) {
  const events = async () => (await fetch(`${base}/events`, { signal: AbortSignal.timeout(10_000) })).json();

  const bucket = `wkr-hook-${Date.now().toString(36)}`;
  assert.equal((await kit.createWorkspace(bucket, { config: srv.config })).error, undefined);
  assert.equal((await kit.setupCoordination(bucket, { webhookUrl: `${base}/hook`, auth: { token: TOKEN }, config: srv.config })).error, undefined);
  const s3 = { config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey } };
  for (const key of ['in/a.txt', 'in/b.txt']) assert.equal((await put(key, `body of ${key}`, s3)).error, undefined);

  let got = [];
  const end = Date.now() + 15_000;
  while (got.length < 2 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    got = await events();
  }
  assert.deepEqual(got.map((e) => [e.eventName, e.bucket, e.key, e.size]),
    [['OBJECT_CREATED_PUT', bucket, 'in/a.txt', 16], ['OBJECT_CREATED_PUT', bucket, 'in/b.txt', 16]]);
  assert.ok(got.every((e) => e.isDate && /^[0-9a-f]{64}$/.test(e.id) && /^[0-9a-f]{32}$/.test(e.eTag)), JSON.stringify(got));
  assert.notEqual(got[0].id, got[1].id);
  assert.equal((await kit.teardownCoordination(bucket, { config: srv.config })).error, undefined);

  // Forged and malformed deliveries straight to the Worker.
  const post = async (headers, body) => {
    const res = await fetch(`${base}/hook`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.json() };
  };
  const body = JSON.stringify({ events: [{ eventName: 'OBJECT_DELETED', eventTime: '2026-01-01T00:00:00Z', bucket, object: { key: 'forged' } }] });
  for (const headers of [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${btoa(`x:${TOKEN}`)}` }]) {
    const res = await post(headers, body);
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'Unauthorized');
    assert.equal(res.body.bodyUsed, false, 'a refused delivery is not read');
    assert.ok(!JSON.stringify(res.body).includes(TOKEN));
  }
  const bad = await post({ authorization: `Bearer ${TOKEN}` }, '{"events":[{"eventName":1}]}');
  assert.deepEqual([bad.status, bad.body.code, bad.body.message], [400, 'InvalidArgument', 'events[0].eventName must be a string']);
  const accepted = await fetch(`${base}/hook`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body, signal: AbortSignal.timeout(10_000) });
  assert.equal(accepted.status, 204);
  assert.deepEqual((await events()).map((e) => e.key), ['in/a.txt', 'in/b.txt', 'forged']);
  assert.equal((await kit.teardownWorkspace({ bucket }, { config: srv.config })).error, undefined);
}

runtimeTest('workerd: receiveCoordinationEvents', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`workerd ${requireTool('workerd', bin('workerd'))}`);
  const dir = project('workerd-receiver', {
    copy: { 'src/index.js': fixture('index.js') },
    files: {
      'src/token.js': tokenModule,
      'wrangler.toml': 'name = "receiver"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n',
    },
  });
  await receivesDeliveries(await serveWorker(dir, srv.config));
});

runtimeTest('deno: receiveCoordinationEvents', { timeout: 300_000 }, async (t) => {
  const deno = bin('deno');
  t.diagnostic(requireTool('deno', deno));
  const dir = project('deno-receiver', {
    copy: { 'index.js': fixture('index.js'), 'deno-serve.ts': fixture('deno-serve.ts') },
    files: { 'token.js': tokenModule },
  });
  const env = cleanEnv({ DENO_DIR: tempDir('deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' });
  const child = spawnService(deno, ['run', '--allow-net=127.0.0.1', '--deny-read', '--no-prompt', 'deno-serve.ts'], { cwd: dir, env });
  try {
    const end = Date.now() + 60_000;
    let port;
    while (!port && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      port = /\{"port":(\d+)\}/.exec(child.out())?.[1];
    }
    assert.ok(port, `Deno.serve did not listen\n${child.err()}`);
    await receivesDeliveries(`http://127.0.0.1:${port}`);
  } finally {
    await child.stop();
  }
});
