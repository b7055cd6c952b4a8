// The official @tigrisdata/storage@3.21.0 and @tigrisdata/iam@2.6.0 against tigris-local: every
// call listed in docs/protocol.md §1, roles of minted keys, forks, snapshot reads and a webhook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  createBucket, createBucketSnapshot, listBucketSnapshots, removeBucket, getBucketInfo,
  setBucketTtl, setBucketNotifications, put, get, list, head, deleteBucketSnapshot,
} from '@tigrisdata/storage';
import { createAccessKey, removeAccessKey } from '@tigrisdata/iam';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { unique, until } from './lib.mjs';

let srv;
let config;
before(async () => { srv = await startTigrisLocal({ webhookTimeoutMs: 500 }); config = srv.config; });
after(async () => { await srv?.stop(); });

const inBucket = (bucket, creds) => ({ config: { ...config, ...creds, bucket } });
const ok = (res) => { assert.equal(res.error, undefined, res.error?.message); return res.data; };
const bucketState = async (name) => (await srv.state()).buckets.find((b) => b.name === name);
const lastRequest = async (pred) => (await srv.requests()).filter(pred).at(-1);

test('createBucket: plain, public, private and snapshot-enabled', async () => {
  const [plain, pub, priv, snap] = ['plain', 'pub', 'priv', 'snap'].map(unique);
  assert.deepEqual(ok(await createBucket(plain, { config })), { isSnapshotEnabled: false, hasForks: false });
  ok(await createBucket(pub, { access: 'public', config }));
  ok(await createBucket(priv, { access: 'private', config }));
  assert.equal(ok(await createBucket(snap, { enableSnapshot: true, config })).isSnapshotEnabled, true);
  const pubReq = await lastRequest((r) => r.path === `/${pub}/`);
  assert.equal(pubReq.headers['x-amz-acl'], 'public-read');
  assert.equal(pubReq.status, 200);
  assert.equal((await lastRequest((r) => r.path === `/${priv}/`)).headers['x-amz-acl'], undefined);
  assert.equal((await bucketState(snap)).type, 1);
  assert.equal((await bucketState(plain)).type, 0);
  // idempotency the clients rely on
  assert.match((await createBucket(plain, { config })).error.message, /^Unable to create bucket .*already own it/);
  const again = await lastRequest((r) => r.path === `/${plain}/`);
  assert.equal(again.status, 409);
  // invalid names are refused by the server
  assert.match((await createBucket('Bad_Name', { config })).error.message, /not valid/);
});

test('getBucketInfo reports type, fork info and sizes', async () => {
  const snap = unique('info');
  ok(await createBucket(snap, { enableSnapshot: true, config }));
  ok(await put('a.txt', 'hello', inBucket(snap)));
  const info = ok(await getBucketInfo(snap, { config }));
  assert.equal(info.isSnapshotEnabled, true);
  assert.deepEqual(info.forkInfo, { hasChildren: false, parents: [] });
  assert.equal(info.sizeInfo.numberOfObjects, 1);
  assert.equal(info.sizeInfo.size, 5);
  const fork = unique('info-fork');
  const v = ok(await createBucketSnapshot(snap, { config })).snapshotVersion;
  ok(await createBucket(fork, { sourceBucketName: snap, sourceBucketSnapshot: v, config }));
  const finfo = ok(await getBucketInfo(fork, { config }));
  assert.equal(finfo.isSnapshotEnabled, true, 'forks are snapshot-type buckets');
  assert.equal(finfo.forkInfo.parents[0].bucketName, snap);
  assert.equal(finfo.forkInfo.parents[0].snapshot, v);
  assert.ok(!Number.isNaN(finfo.forkInfo.parents[0].forkCreatedAt.getTime()));
  assert.equal(ok(await getBucketInfo(snap, { config })).forkInfo.hasChildren, true);
  assert.match((await getBucketInfo(unique('missing'), { config })).error.message, /^The specified bucket does not exist/);
  ok(await removeBucket(fork, { force: true, config }));
});

test('snapshots: versions increase, names survive, pagination is newest first', async () => {
  const b = unique('snaps');
  ok(await createBucket(b, { enableSnapshot: true, config }));
  const made = [];
  for (let i = 0; i < 5; i++) {
    const name = i % 2 === 0 ? `my snapshot ${i}` : undefined;
    made.push({ version: ok(await createBucketSnapshot(b, { name, config })).snapshotVersion, name });
  }
  for (let i = 1; i < made.length; i++) assert.ok(BigInt(made[i].version) > BigInt(made[i - 1].version));
  assert.match(made[0].version, /^\d{19}$/);
  const all = ok(await listBucketSnapshots(b, { config }));
  assert.deepEqual(all.snapshots.map((s) => s.version), made.map((m) => m.version).reverse());
  assert.equal(all.snapshots[0].name, 'my snapshot 4');
  assert.equal(all.snapshots[1].name, undefined);
  assert.equal(all.paginationToken, undefined);
  const seen = [];
  let token;
  let pages = 0;
  do {
    const page = ok(await listBucketSnapshots(b, { limit: 2, paginationToken: token, config }));
    seen.push(...page.snapshots.map((s) => s.version));
    token = page.paginationToken;
    pages += 1;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, made.map((m) => m.version).reverse());
  // deleteBucketSnapshot (DELETE bucket + X-Tigris-Snapshot-Version) removes exactly that one
  ok(await deleteBucketSnapshot(b, made[0].version, { config }));
  assert.deepEqual(ok(await listBucketSnapshots(b, { config })).snapshots.map((s) => s.version), made.slice(1).map((m) => m.version).reverse());
  const plain = unique('nosnap');
  ok(await createBucket(plain, { config }));
  assert.equal((await createBucketSnapshot(plain, { config })).error.message, `Unable to create bucket snapshot Snapshots are not enabled on bucket ${plain}`);
});

test('put/get, head, list and a multipart upload with Expect: 100-continue', async () => {
  const b = unique('objects');
  ok(await createBucket(b, { config }));
  ok(await put('dir/my file (1).txt', 'spaces and parens', inBucket(b)));
  assert.equal(ok(await get('dir/my file (1).txt', 'string', inBucket(b))), 'spaces and parens');
  assert.equal(ok(await head('dir/my file (1).txt', inBucket(b))).size, 17);
  assert.equal((await get('nope.txt', 'string', inBucket(b))).error.message, 'File not found in Tigris Storage');
  assert.equal(ok(await put('empty.txt', '', inBucket(b))).size, 0, 'an empty put is followed by a HEAD');
  // the presigned GET URL that put() returns works; a tampered one does not
  const { url } = ok(await put('shared.txt', 'via presigned url', inBucket(b)));
  const viaUrl = await fetch(url);
  assert.equal(viaUrl.status, 200);
  assert.equal(await viaUrl.text(), 'via presigned url');
  assert.equal((await fetch(url.replace('shared.txt', 'empty.txt'))).status, 403);
  assert.equal(ok(await get('empty.txt', 'string', inBucket(b))), '');
  const big = 'x'.repeat(6 * 1024 * 1024) + 'end';
  ok(await put('big.bin', big, inBucket(b)));
  const bigReqs = (await srv.requests()).filter((r) => r.path === `/${b}/big.bin`);
  assert.ok(bigReqs.some((r) => r.query.includes('uploads')), 'multipart was used');
  assert.ok(bigReqs.some((r) => r.headers.expect === '100-continue'), 'Expect: 100-continue was sent and handled');
  assert.equal(ok(await get('big.bin', 'string', inBucket(b))), big);
  const listed = ok(await list({ ...inBucket(b), delimiter: '/' }));
  assert.deepEqual(listed.items.map((i) => i.name), ['big.bin', 'empty.txt', 'shared.txt']);
  assert.deepEqual(listed.commonPrefixes, ['dir/']);
  assert.equal(listed.hasMore, false);
});

test('minted Editor key writes its bucket only; ReadOnly cannot write; deleted keys stop at once', async () => {
  const b = unique('roles');
  const other = unique('roles-other');
  ok(await createBucket(b, { enableSnapshot: true, config }));
  ok(await createBucket(other, { config }));
  ok(await put('seed.txt', 'seed', inBucket(b)));
  const editor = ok(await createAccessKey(unique('editor'), { bucketsRole: [{ bucket: b, role: 'Editor' }], config }));
  assert.match(editor.id, /^tid_/);
  assert.match(editor.secret, /^tsec_/);
  const ed = { accessKeyId: editor.id, secretAccessKey: editor.secret };
  ok(await put('by-editor.txt', 'from editor', inBucket(b, ed)));
  assert.equal(ok(await get('by-editor.txt', 'string', inBucket(b, ed))), 'from editor');
  assert.match((await put('x.txt', 'no', inBucket(other, ed))).error.message, /Access Denied/);
  assert.match((await createBucket(unique('by-editor'), { config: { ...config, ...ed } })).error.message, /Access Denied/);
  assert.match((await createAccessKey('nested', { bucketsRole: [], config: { ...config, ...ed } })).error.message, /Access Denied/);
  ok(await createBucketSnapshot(b, { config: { ...config, ...ed } }));
  ok(await listBucketSnapshots(b, { config: { ...config, ...ed } }));
  assert.match((await createBucket(unique('editor-fork'), { sourceBucketName: b, config: { ...config, ...ed } })).error.message, /Access Denied/);

  const reader = ok(await createAccessKey(unique('reader'), { bucketsRole: [{ bucket: b, role: 'ReadOnly' }], config }));
  const ro = { accessKeyId: reader.id, secretAccessKey: reader.secret };
  assert.equal(ok(await get('seed.txt', 'string', inBucket(b, ro))), 'seed');
  assert.match((await put('ro.txt', 'no', inBucket(b, ro))).error.message, /Access Denied/);
  assert.match((await createBucketSnapshot(b, { config: { ...config, ...ro } })).error.message, /Access Denied/);
  ok(await listBucketSnapshots(b, { config: { ...config, ...ro } }));
  assert.match((await removeBucket(b, { force: true, config: { ...config, ...ro } })).error.message, /Access Denied/);

  const keys = (await srv.state()).keys;
  assert.deepEqual(keys.find((k) => k.id === editor.id).buckets_role, [{ bucket: b, role: 'Editor' }]);
  ok(await removeAccessKey(editor.id, { config }));
  assert.match((await put('after.txt', 'no', inBucket(b, ed))).error.message, /does not exist/);
  assert.equal((await srv.state()).keys.find((k) => k.id === editor.id), undefined);
  assert.equal((await removeAccessKey(editor.id, { config })).error.message, `The Access Key with id ${editor.id} cannot be found.`);
  assert.equal((await get('seed.txt', 'string', inBucket(b))).data, 'seed', 'nothing lost');
});

test('forks are copy-on-write and isolated; snapshot reads see the past', async () => {
  const src = unique('cow');
  ok(await createBucket(src, { enableSnapshot: true, config }));
  ok(await put('data.json', '{"v":1}', inBucket(src)));
  ok(await put('gone.txt', 'will be deleted', inBucket(src)));
  const v1 = ok(await createBucketSnapshot(src, { name: 'before', config })).snapshotVersion;
  ok(await put('data.json', '{"v":2}', inBucket(src)));
  const [f0, f1] = [unique('cow-f0'), unique('cow-f1')];
  ok(await createBucket(f0, { sourceBucketName: src, sourceBucketSnapshot: v1, config }));
  ok(await createBucket(f1, { sourceBucketName: src, sourceBucketSnapshot: v1, config }));
  assert.equal(ok(await get('data.json', 'string', inBucket(f0))), '{"v":1}');
  ok(await put('only-f0.txt', 'mine', inBucket(f0)));
  ok(await put('data.json', '{"v":"f0"}', inBucket(f0)));
  assert.equal((await get('only-f0.txt', 'string', inBucket(f1))).error.message, 'File not found in Tigris Storage');
  assert.equal(ok(await get('data.json', 'string', inBucket(f1))), '{"v":1}');
  assert.equal(ok(await get('data.json', 'string', inBucket(src))), '{"v":2}');
  // deleting in the source does not reach the forks or the snapshot
  const { remove } = await import('@tigrisdata/storage');
  ok(await remove('gone.txt', inBucket(src)));
  assert.equal(ok(await get('gone.txt', 'string', inBucket(f1))), 'will be deleted');
  assert.equal(ok(await get('gone.txt', 'string', { ...inBucket(src), snapshotVersion: v1 })), 'will be deleted');
  assert.equal(ok(await get('data.json', 'string', { ...inBucket(src), snapshotVersion: v1 })), '{"v":1}');
  const past = ok(await list({ ...inBucket(src), snapshotVersion: v1 }));
  assert.deepEqual(past.items.map((i) => i.name).sort(), ['data.json', 'gone.txt']);
  // fork of a fork, "now"
  const g = unique('cow-g');
  ok(await createBucket(g, { sourceBucketName: f0, config }));
  assert.equal(ok(await get('only-f0.txt', 'string', inBucket(g))), 'mine');
  // the source cannot go while forks depend on it; LIFO teardown works
  const refused = await removeBucket(src, { force: true, config });
  assert.match(refused.error.message, /^Unable to remove bucket The bucket .* cannot be deleted while forks depend on it/);
  assert.equal((await lastRequest((r) => r.method === 'DELETE' && r.path === `/${src}/`)).status, 409);
  assert.equal(ok(await get('data.json', 'string', inBucket(src))), '{"v":2}', 'the refused delete lost nothing');
  for (const b of [g, f0, f1, src]) ok(await removeBucket(b, { force: true, config }));
  assert.match((await getBucketInfo(f0, { config })).error.message, /^The specified bucket does not exist/);
});

test('removeBucket needs force for a non-empty bucket', async () => {
  const b = unique('rm');
  ok(await createBucket(b, { config }));
  ok(await put('k', 'v', inBucket(b)));
  assert.match((await removeBucket(b, { config })).error.message, /^Unable to remove bucket The bucket you tried to delete is not empty/);
  ok(await removeBucket(b, { force: true, config }));
  assert.equal(await bucketState(b), undefined);
  assert.match((await removeBucket(b, { force: true, config })).error.message, /does not exist/);
});

test('setBucketTtl: stored on regular buckets, refused on snapshot buckets', async () => {
  const b = unique('ttl');
  ok(await createBucket(b, { config }));
  assert.deepEqual(ok(await setBucketTtl(b, { ttlConfig: { enabled: true, days: 3 }, config })), { bucket: b, updated: true });
  const patch = await lastRequest((r) => r.method === 'PATCH' && r.path === `/${b}`);
  assert.equal(patch.status, 200);
  const rules = ok(await getBucketInfo(b, { config })).settings.lifecycleRules;
  assert.equal(rules.length, 1);
  assert.equal(rules[0].expiration.days, 3);
  const s = unique('ttl-snap');
  ok(await createBucket(s, { enableSnapshot: true, config }));
  assert.match((await setBucketTtl(s, { ttlConfig: { enabled: true, days: 1 }, config })).error.message, /not supported on snapshot-enabled bucket/);
});

test('TTL expires objects by age (--day-seconds)', async () => {
  const fast = await startTigrisLocal({ daySeconds: 1 });
  try {
    const c = fast.config;
    const b = unique('expire');
    ok(await createBucket(b, { config: c }));
    ok(await setBucketTtl(b, { ttlConfig: { enabled: true, days: 1 }, config: c }));
    ok(await put('old.txt', 'x', { config: { ...c, bucket: b } }));
    assert.ok(await until(async () => (await get('old.txt', 'string', { config: { ...c, bucket: b } })).error, 5000), 'expired within a few "days"');
  } finally {
    await fast.stop();
  }
});

/** A webhook receiver on 127.0.0.1 recording deliveries; `answer(n)` gives the status of the n-th. */
async function receiver(answer = () => 200) {
  const deliveries = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { deliveries.push({ headers: req.headers, body: JSON.parse(body) }); res.writeHead(answer(deliveries.length)).end(); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, deliveries, close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } };
}

test('setBucketNotifications: a filtered webhook is delivered with auth and retried; clear stops it', async () => {
  const b = unique('hook');
  ok(await createBucket(b, { config }));
  const rx = await receiver((n) => (n === 1 ? 503 : 200));
  ok(await setBucketNotifications(b, { notificationConfig: { enabled: true, url: rx.url, filter: 'WHERE `key` REGEXP "^results/"', auth: { token: 'tok-1' } }, config }));
  const state = await bucketState(b);
  assert.equal(state.notifications.auth.token, '******', 'state masks the token');
  ok(await put('scratch/a.txt', 'a', inBucket(b)));
  ok(await put('results/b.json', '{"ok":true}', inBucket(b)));
  assert.ok(await until(() => rx.deliveries.length >= 2), `deliveries: ${rx.deliveries.length}`);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rx.deliveries.length, 2, 'one failed attempt, one acknowledged retry');
  const [event] = rx.deliveries[1].body.events;
  assert.equal(event.eventName, 'OBJECT_CREATED_PUT');
  assert.equal(event.eventSource, 'tigris');
  assert.equal(event.bucket, b);
  assert.deepEqual(event.object, { key: 'results/b.json', size: 11, eTag: event.object.eTag });
  assert.match(event.object.eTag, /^[0-9a-f]{32}$/);
  assert.equal(rx.deliveries[1].headers.authorization, 'Bearer tok-1');
  ok(await setBucketNotifications(b, { notificationConfig: {}, config }));
  assert.equal((await lastRequest((r) => r.method === 'PATCH' && r.path === `/${b}`)).body, '{"object_notifications":{}}');
  ok(await put('results/c.json', '{}', inBucket(b)));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rx.deliveries.length, 2);
  assert.equal((await bucketState(b)).notifications, null);
  assert.ok(!srv.stderr().includes('tok-1'), 'the token never reaches the log');
  await rx.close();
});

test('deletions fire OBJECT_DELETED with Basic auth', async () => {
  const b = unique('hook-del');
  ok(await createBucket(b, { config }));
  ok(await put('doomed.txt', 'x', inBucket(b)));
  const rx = await receiver();
  ok(await setBucketNotifications(b, { notificationConfig: { enabled: true, url: rx.url, filter: 'WHERE `Event-Type` = "OBJECT_DELETED"', auth: { username: 'u', password: 'p w' } }, config }));
  ok(await put('kept.txt', 'x', inBucket(b)));
  const { remove } = await import('@tigrisdata/storage');
  ok(await remove('doomed.txt', inBucket(b)));
  assert.ok(await until(() => rx.deliveries.length >= 1));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(rx.deliveries.map((d) => d.body.events[0].eventName), ['OBJECT_DELETED']);
  assert.equal(rx.deliveries[0].headers.authorization, `Basic ${Buffer.from('u:p w').toString('base64')}`);
  await rx.close();
});

test('no secret reaches stderr', async () => {
  const key = ok(await createAccessKey(unique('leak'), { bucketsRole: [], config }));
  const err = srv.stderr();
  for (const secret of [srv.secretAccessKey, key.secret]) assert.ok(!err.includes(secret), 'secret in stderr');
  const log = JSON.stringify(await srv.requests());
  assert.ok(!log.includes(srv.secretAccessKey) && !log.includes(key.secret));
  assert.ok(!/Signature=[0-9a-f]{64}/.test(log), 'authorization headers are masked');
});
