// workerd (bare, from npm; no nodejs_compat): examples/worker bundled by wrangler 3
// (`wrangler deploy --dry-run --outdir`) from the packed tarball, served by a capnp config
// whose outbound network is loopback only. POST provisions a workspace with a scoped key and
// returns the key; DELETE tears it down. POST /uploads hands out a presigned PUT URL into a
// bucket whose notifications go to the Worker's POST /events, which records each event. Checked
// through GET /_local/state and the request log, and the subrequests of each Worker request are
// counted against the free plan's limit of 50.
import { before, after } from 'node:test';
import { readFileSync as read } from 'node:fs';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, logMark, requestsSince, project, examplesDir, bin, requireTool, join, writeFileSync, assert, bucketIn, keyIn, keyBuckets,
} from './lib/harness.mjs';
import { wranglerBundle, serveWorkerd } from './lib/workerd.mjs';
import { workerdConfig } from '../../examples/worker/workerd-local.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
const webhookToken = `hook-${Math.random().toString(36).slice(2)}`;

runtimeTest('workerd (wrangler 3 bundle, no nodejs_compat)', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`workerd ${requireTool('workerd', bin('workerd'))}, wrangler ${requireTool('workerd', bin('wrangler'))}`);
  const ex = join(examplesDir, 'worker');
  const dir = project('workerd', {
    copy: { src: join(ex, 'src'), 'wrangler.toml': join(ex, 'wrangler.toml'), 'workerd-local.mjs': join(ex, 'workerd-local.mjs') },
  });
  assert.doesNotMatch(read(join(dir, 'wrangler.toml'), 'utf8'), /^\s*compatibility_flags/m, 'the example sets no compatibility flags');

  let base;
  await t.test('wrangler 3 bundles the workerd entry and its wasm module', async () => {
    const files = await wranglerBundle(dir);
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `one wasm module emitted (${files})`);
    const bundle = read(join(dir, 'dist', 'index.js'), 'utf8');
    assert.match(bundle, new RegExp(`import \\w+ from "\\./${wasm[0].replace('.', '\\.')}"`), 'the bundle imports the compiled wasm module');
    assert.doesNotMatch(bundle, /from "node:|require\("node:|readFileSync/, 'nothing Node-specific in the bundle');
    assert.match(bundle, /node_modules\/tigris-agent-kit\/workerd\.mjs/, 'the workerd export condition was used');

    const vars = {
      TIGRIS_STORAGE_ENDPOINT: srv.config.endpoint,
      TIGRIS_IAM_ENDPOINT: srv.config.iamEndpoint ?? srv.config.endpoint,
      TIGRIS_STORAGE_ACCESS_KEY_ID: srv.config.accessKeyId,
      TIGRIS_STORAGE_SECRET_ACCESS_KEY: srv.config.secretAccessKey,
      ADMIN_TOKEN: adminToken,
      WEBHOOK_TOKEN: webhookToken,
      BUCKET_PREFIX: 'wkr',
    };
    const config = workerdConfig({ dist: join(dir, 'dist'), configDir: dir, vars, address: '127.0.0.1:0', allow: ['local'] });
    assert.doesNotMatch(config, /compatibilityFlags|nodejs_compat/);
    writeFileSync(join(dir, 'workerd.capnp'), config);
    base = (await serveWorkerd(join(dir, 'workerd.capnp'), { cwd: dir })).url;
  });

  const call = async (method, path, body, auth = adminToken) => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.json() };
  };
  const subrequestsOf = async (fn) => {
    const mark = await logMark(srv);
    const result = await fn();
    return { result, subrequests: (await requestsSince(srv, mark)).length };
  };

  await t.test('requests without the admin token are refused', async () => {
    assert.ok(base, 'workerd is serving');
    const { subrequests, result } = await subrequestsOf(() => call('POST', '/workspaces', {}, 'nope'));
    assert.equal(result.status, 401);
    assert.equal(subrequests, 0);
  });

  let ws;
  await t.test('POST /workspaces provisions a bucket and a scoped key, and returns the key', async () => {
    const { result, subrequests } = await subrequestsOf(() => call('POST', '/workspaces', { role: 'Editor' }));
    assert.equal(result.status, 201, JSON.stringify(result.body));
    ws = result.body;
    assert.match(ws.bucket, /^wkr-/);
    assert.match(ws.accessKeyId, /^tid_/);
    assert.ok(ws.secretAccessKey);
    assert.ok(subrequests <= 8, `2 calls, at most 4 attempts each: within the 50-subrequest limit (${subrequests})`);
    t.diagnostic(`POST made ${subrequests} subrequests`);
    const state = await srv.state();
    assert.ok(bucketIn(state, ws.bucket), 'the bucket exists on the server');
    const key = keyIn(state, ws.accessKeyId);
    assert.ok(key, 'the key exists on the server');
    assert.deepEqual(keyBuckets(key), [ws.bucket], 'the key is scoped to the workspace only');
    assert.match(JSON.stringify(key.buckets_role), /Editor/);
  });

  await t.test('two workspaces at once stay separate', async () => {
    const [a, b] = await Promise.all([call('POST', '/workspaces', { role: 'ReadOnly' }), call('POST', '/workspaces', {})]);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.bucket, b.body.bucket);
    const state = await srv.state();
    assert.deepEqual(keyBuckets(keyIn(state, a.body.accessKeyId)), [a.body.bucket]);
    assert.match(JSON.stringify(keyIn(state, a.body.accessKeyId).buckets_role), /ReadOnly/);
    for (const w of [a.body, b.body]) {
      const del = await call('DELETE', `/workspaces/${w.bucket}`, { accessKeyId: w.accessKeyId });
      assert.equal(del.status, 200, JSON.stringify(del.body));
    }
  });

  await t.test('a failing Tigris is retried, still within the limits', async () => {
    const slowDown = { status: 503, body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' };
    // Two 503s on the bucket create: retried, then the workspace is made.
    await srv.fault({ method: 'PUT', path: '/wkr-*', times: 2, action: slowDown });
    const retried = await subrequestsOf(() => call('POST', '/workspaces', {}));
    assert.equal(retried.result.status, 201, JSON.stringify(retried.result.body));
    assert.equal(retried.subrequests, 4, '3 attempts at the bucket + 1 key');
    const del = await call('DELETE', `/workspaces/${retried.result.body.bucket}`, { accessKeyId: retried.result.body.accessKeyId });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    // A bucket create that keeps failing: the attempts are capped and the caller gets an error.
    await srv.fault({ method: 'PUT', path: '/wkr-*', times: 4, action: slowDown });
    const failed = await subrequestsOf(() => call('POST', '/workspaces', {}));
    assert.equal(failed.result.status, 502);
    assert.match(failed.result.body.error, /Failed to create workspace bucket/);
    assert.equal(failed.subrequests, 4, 'at most 4 attempts');
    assert.equal((await srv.state()).buckets.some((b) => b.name.startsWith('wkr-') && b.name !== ws?.bucket), false, 'nothing left behind');
  });

  await t.test('POST /uploads: a presigned PUT URL, and its upload arrives at POST /events once per event id', async () => {
    assert.ok(base, 'workerd is serving');
    const { result, subrequests } = await subrequestsOf(() => call('POST', '/uploads', { filename: 'report.txt', contentType: 'text/plain' }));
    assert.equal(result.status, 201, JSON.stringify(result.body));
    const up = result.body;
    assert.equal(up.method, 'PUT');
    assert.equal(up.key, 'uploads/report.txt');
    assert.ok(Date.parse(up.expiresAt) > Date.now(), 'expiresAt is in the future');
    assert.equal(subrequests, 3, 'bucket, notification settings read + write; the URL costs no request');
    // Whoever holds the URL uploads with plain fetch, no key; the signed content type is required.
    const wrongType = await fetch(up.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: 'x' });
    assert.equal(wrongType.status, 403, 'another content type breaks the signature');
    const body = 'hello from a browser';
    const put = await fetch(up.uploadUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body });
    assert.equal(put.status, 200, await put.text());
    // Tigris (here tigris-local) delivers the event to the Worker, which records it.
    const recorded = [];
    for (let i = 0; i < 150 && recorded.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      recorded.push(...(await srv.requests()).filter((r) => r.method === 'PUT' && r.status === 200
        && r.path.startsWith(`/${up.bucket}/processed/`)));
    }
    assert.equal(recorded.length, 1, 'one event recorded');
    const id = /processed\/([0-9a-f]+)\.json$/.exec(recorded[0].path)?.[1];
    assert.ok(id, `recorded under its event id (${recorded[0].path})`);
    const { kit } = await import('../helpers/kit.mjs');
    const read = await kit.presign(up.bucket, `processed/${id}.json`, { config: srv.config });
    const event = await (await fetch(read.data.url)).json();
    assert.equal(event.id, id);
    assert.equal(event.bucket, up.bucket);
    assert.equal(event.key, 'uploads/report.txt');
    assert.equal(event.size, body.length);
    assert.match(event.eventName, /^OBJECT_CREATED/);
    assert.equal((await srv.state()).buckets.find((b) => b.name === up.bucket)?.objects, 2, 'the upload and its record, nothing else');
    // A delivery without the webhook token is refused before anything is read or written.
    const forged = await subrequestsOf(() => fetch(`${base}/events/${up.bucket}`, {
      method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ events: [] }),
    }));
    assert.equal(forged.result.status, 401);
    assert.equal(forged.subrequests, 0);
    const del = await call('DELETE', `/workspaces/${up.bucket}`, {});
    assert.equal(del.status, 200, JSON.stringify(del.body));
  });

  await t.test('DELETE /workspaces/<bucket> revokes the key and deletes the bucket', async () => {
    assert.ok(ws, 'a workspace was provisioned');
    const { result, subrequests } = await subrequestsOf(() => call('DELETE', `/workspaces/${ws.bucket}`, { accessKeyId: ws.accessKeyId }));
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.deepEqual(result.body, { deleted: ws.bucket });
    assert.ok(subrequests <= 8, `2 calls, at most 4 attempts each: within the 50-subrequest limit (${subrequests})`);
    t.diagnostic(`DELETE made ${subrequests} subrequests`);
    const state = await srv.state();
    assert.equal(bucketIn(state, ws.bucket), undefined, 'the bucket is gone');
    assert.equal(keyIn(state, ws.accessKeyId), undefined, 'the key is gone');
    assert.equal(state.buckets.some((b) => b.name.startsWith('wkr-')), false, 'no workspace of the Worker is left');
  });
});
