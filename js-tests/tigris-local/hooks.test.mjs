// The /_local/ test hooks (log with masking, faults, reset, state), session-token mode,
// virtual-hosted addressing, CORS and --latency-ms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createBucket, createBucketSnapshot, getBucketInfo, put, get, removeBucket } from '@tigrisdata/storage';
import { createAccessKey } from '@tigrisdata/iam';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { unique, signedRequest, rawRequest, xmlCode, until } from './lib.mjs';

let srv;
before(async () => { srv = await startTigrisLocal({ sessionToken: 'sess-token-123' }); });
after(async () => { await srv?.stop(); });
const ok = (res) => { assert.equal(res.error, undefined, res.error?.message); return res.data; };

test('the request log masks secrets and records status and fault', async () => {
  const b = unique('log');
  ok(await createBucket(b, { config: srv.config }));
  const key = ok(await createAccessKey(unique('log-key'), { bucketsRole: [{ bucket: b, role: 'Editor' }], config: srv.config }));
  const log = await srv.requests();
  const create = log.find((r) => r.path === `/${b}/`);
  assert.equal(create.method, 'PUT');
  assert.equal(create.headers.authorization, '******');
  assert.equal(create.status, 200);
  assert.equal(create.fault, null);
  assert.match(create.body, /<CreateBucketConfiguration/);
  const iam = log.filter((r) => r.query.includes('CreateAccessKeyWithBucketsRole')).at(-1);
  assert.match(iam.body, /^Req=/);
  assert.ok(!JSON.stringify(log).includes(key.secret));
  assert.ok(!log.some((r) => r.path.startsWith('/_local/')), 'hook calls are not logged');
});

test('faults: status with body, nth/times, delay, drop before and after', async () => {
  const b = unique('fault');
  await srv.fault({ method: 'PUT', path: `/${b}/`, action: { status: 409, body: '<Error><Code>BucketAlreadyExists</Code><Message>taken</Message></Error>' } });
  assert.equal((await createBucket(b, { config: srv.config })).error.message, 'Unable to create bucket taken');
  ok(await createBucket(b, { config: srv.config }));
  const faulted = (await srv.requests()).filter((r) => r.path === `/${b}/`);
  assert.equal(faulted[0].status, 409);
  assert.equal(faulted[0].fault.action.status, 409);
  assert.equal(faulted[1].fault, null);

  await srv.fault({ method: 'GET', path: `/${b}/*`, nth: 2, times: 2, action: { status: 403, body: '<Error><Code>AccessDenied</Code><Message>nope</Message></Error>' } });
  ok(await put('k', 'v', { config: { ...srv.config, bucket: b } }));
  const outcomes = [];
  for (let i = 0; i < 4; i++) outcomes.push((await get('k', 'string', { config: { ...srv.config, bucket: b } })).error ? 'x' : 'ok');
  assert.deepEqual(outcomes, ['ok', 'x', 'x', 'ok']);

  await srv.fault({ path: `/${b}/slow`, header: 'x-amz-date', action: { delay_ms: 300 } });
  const t0 = Date.now();
  ok(await put('slow', 'v', { config: { ...srv.config, bucket: b } }));
  assert.ok(Date.now() - t0 >= 290);

  await srv.fault({ method: 'PUT', path: `/${b}/before`, action: { drop: 'before' } });
  await assert.rejects(signedRequest(srv, { method: 'PUT', path: `/${b}/before`, body: 'x' }));
  await srv.fault({ method: 'PUT', path: `/${b}/after`, action: { drop: 'after' } });
  await assert.rejects(signedRequest(srv, { method: 'PUT', path: `/${b}/after`, body: 'x' }));
  assert.equal((await get('before', 'string', { config: { ...srv.config, bucket: b } })).error.message, 'File not found in Tigris Storage');
  assert.equal(ok(await get('after', 'string', { config: { ...srv.config, bucket: b } })), 'x', 'drop "after" acted first');
  const dropped = (await srv.requests()).filter((r) => r.path === `/${b}/after`)[0];
  assert.deepEqual(dropped.fault.action, { drop: 'after' });

  const bad = await fetch(`${srv.endpoint}/_local/faults`, { method: 'POST', body: '{"action":{"explode":1}}' });
  assert.equal(bad.status, 400);
});

test('state lists buckets, snapshots, parents, notifications and keys; reset clears all but root', async () => {
  const b = unique('state');
  ok(await createBucket(b, { enableSnapshot: true, config: srv.config }));
  const v = ok(await createBucketSnapshot(b, { name: 'one', config: srv.config })).snapshotVersion;
  const f = unique('state-fork');
  ok(await createBucket(f, { sourceBucketName: b, sourceBucketSnapshot: v, config: srv.config }));
  const state = await srv.state();
  const sb = state.buckets.find((x) => x.name === b);
  assert.deepEqual(sb.snapshots, [{ version: v, name: 'one' }]);
  assert.equal(sb.objects, 0);
  assert.deepEqual(state.buckets.find((x) => x.name === f).parents, [{ bucket: b, snapshot: v }]);
  assert.ok(Array.isArray(state.keys));
  await srv.reset();
  const empty = await srv.state();
  assert.deepEqual(empty, { buckets: [], keys: [] });
  assert.deepEqual(await srv.requests(), []);
  ok(await createBucket(unique('after-reset'), { config: srv.config }));
});

test('session-token mode: token = admin on the JSON and S3 transports; a wrong token is refused', async () => {
  const tokenConfig = { endpoint: srv.endpoint, iamEndpoint: srv.endpoint, sessionToken: 'sess-token-123', organizationId: 'org_local' };
  const b = unique('sess');
  ok(await createBucket(b, { config: tokenConfig }));
  ok(await getBucketInfo(b, { config: tokenConfig }));
  ok(await put('t.txt', 'token write', { config: { ...tokenConfig, bucket: b } }));
  assert.equal(ok(await get('t.txt', 'string', { config: { ...tokenConfig, bucket: b } })), 'token write');
  const reqs = (await srv.requests()).filter((r) => r.path.startsWith(`/${b}`));
  assert.ok(reqs.every((r) => r.headers['x-amz-security-token'] === '******'), 'the token is masked in the log');
  // ownership: the same namespace re-creating gets BucketAlreadyOwnedByYou, another one BucketAlreadyExists
  assert.match((await createBucket(b, { config: tokenConfig })).error.message, /already own it/);
  const otherOrg = await createBucket(b, { config: { ...tokenConfig, organizationId: 'org_other' } });
  assert.match(otherOrg.error.message, /^Unable to create bucket The requested bucket name is not available/);
  assert.match((await createBucket(b, { config: srv.config })).error.message, /not available/, 'the root key is another namespace');
  const wrong = { ...tokenConfig, sessionToken: 'wrong' };
  assert.ok((await getBucketInfo(b, { config: wrong })).error);
  assert.ok((await createBucket(unique('sess-wrong'), { config: wrong })).error);
  assert.ok(!srv.stderr().includes('sess-token-123'));
  ok(await removeBucket(b, { force: true, config: srv.config }));
});

test('virtual-hosted addressing: <bucket>.localhost:<port>', async () => {
  const b = unique('vhost');
  const { port } = new URL(srv.endpoint);
  const host = `${b}.localhost:${port}`;
  const created = await signedRequest(srv, { method: 'PUT', path: '/', host });
  assert.equal(created.status, 200);
  const putRes = await signedRequest(srv, { method: 'PUT', path: '/dir/a%20b.txt', host, query: { 'x-id': 'PutObject' }, body: 'virtual' });
  assert.equal(putRes.status, 200);
  assert.equal(ok(await get('dir/a b.txt', 'string', { config: { ...srv.config, bucket: b } })), 'virtual');
  const listed = await signedRequest(srv, { path: '/', host, query: { 'list-type': '2', prefix: 'dir/' } });
  assert.match(listed.body, /<Key>dir\/a b.txt<\/Key>/);
});

test('CORS: preflight for any path and exposed headers on every response', async () => {
  const pre = await rawRequest(srv, { method: 'OPTIONS', path: '/some-bucket/key', headers: { origin: 'http://app.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-custom' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'http://app.test');
  assert.match(pre.headers['access-control-allow-methods'], /PATCH/);
  for (const h of ['authorization', 'x-tigris-snapshot', 'x-tigris-fork-source-bucket-snapshot', 'tigris-force-delete', 'x-amz-checksum-crc32', 'x-custom']) {
    assert.ok(pre.headers['access-control-allow-headers'].split(', ').includes(h), h);
  }
  const err = await rawRequest(srv, { path: '/', headers: { origin: 'http://app.test' } });
  assert.equal(xmlCode(err.body), 'AccessDenied');
  assert.equal(err.headers['access-control-allow-origin'], 'http://app.test');
  assert.equal(err.headers['access-control-expose-headers'], 'X-Tigris-Snapshot-Version, ETag');
});

test('--latency-ms delays responses; hooks are refused without --test-hooks', async () => {
  const slow = await startTigrisLocal({ latencyMs: 150, extraArgs: [] });
  try {
    const t0 = Date.now();
    await rawRequest(slow, { path: '/' });
    assert.ok(Date.now() - t0 >= 140);
  } finally {
    await slow.stop();
  }
  // without --test-hooks (spawned directly: the helper always enables them)
  const bin = process.env.TIGRIS_LOCAL_BIN || fileURLToPath(new URL('../../target/release/tigris-local', import.meta.url));
  const child = spawn(bin, ['--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const [line] = await once(createInterface({ input: child.stdout }), 'line');
    const endpoint = line.replace('tigris-local listening on ', '');
    const res = await fetch(`${endpoint}/_local/state`);
    assert.equal(res.status, 403);
    assert.match((await res.json()).Message, /--test-hooks/);
  } finally {
    child.kill();
  }
});

test('a server started by a process killed with SIGKILL exits by itself', async () => {
  const helper = new URL('../helpers/tigris-local.mjs', import.meta.url).href;
  const script = `const { startTigrisLocal } = await import(${JSON.stringify(helper)});
const srv = await startTigrisLocal();
console.log(srv.endpoint);
process.kill(process.pid, 'SIGKILL');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  await once(child, 'exit');
  const gone = await until(async () => {
    try { await fetch(`${line}/_local/state`); return false; } catch { return true; }
  }, 5000);
  assert.ok(gone, 'the orphaned server stopped');
});
