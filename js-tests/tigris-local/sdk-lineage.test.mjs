// The official @tigrisdata/storage@3.21.0 and @tigrisdata/iam@2.6.0 against tigris-local for the
// calls that read the JSON bucket listing or change a fork's lineage: listBuckets, listForks,
// mergeFork, rebaseFork, deleteBucketSnapshot (forks made from it keep working), plus remove,
// getPresignedUrl (get and put) and listAccessKeys. Every result is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createBucket, createBucketSnapshot, listBucketSnapshots, deleteBucketSnapshot, listBuckets,
  listForks, mergeFork, rebaseFork, removeBucket, getBucketInfo, put, get, head, list, remove,
  getPresignedUrl,
} from '@tigrisdata/storage';
import { createAccessKey, listAccessKeys, removeAccessKey } from '@tigrisdata/iam';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { unique } from './lib.mjs';

let srv;
let config;
before(async () => { srv = await startTigrisLocal(); config = srv.config; });
after(async () => { await srv?.stop(); });

const inBucket = (bucket, creds) => ({ config: { ...config, ...creds, bucket } });
const ok = (res) => { assert.equal(res.error, undefined, res.error?.message); return res.data; };
const text = async (key, bucket) => {
  const res = await get(key, 'string', inBucket(bucket));
  return res.error ? null : res.data;
};

test('listBuckets: the JSON listing with type, visibility and pagination', async () => {
  const names = ['lb-a', 'lb-b', 'lb-c'].map(unique);
  ok(await createBucket(names[0], { config }));
  ok(await createBucket(names[1], { access: 'public', config }));
  ok(await createBucket(names[2], { enableSnapshot: true, config }));
  const all = ok(await listBuckets({ config }));
  const mine = all.buckets.filter((b) => names.includes(b.name));
  assert.deepEqual(mine.map((b) => b.name), names);
  assert.deepEqual(mine.map((b) => b.type), ['Regular', 'Regular', 'Snapshot']);
  assert.deepEqual(mine.map((b) => b.visibility), ['private', 'public', 'private']);
  assert.ok(mine.every((b) => b.creationDate instanceof Date && !Number.isNaN(b.creationDate.getTime())));
  assert.deepEqual(all.owner, { name: 'tigris-local', id: 'local' });
  assert.equal(all.paginationToken, undefined);
  // page through everything two at a time: every bucket exactly once, in name order
  const seen = [];
  let token;
  do {
    const page = ok(await listBuckets({ limit: 2, paginationToken: token, config }));
    assert.ok(page.buckets.length <= 2);
    seen.push(...page.buckets.map((b) => b.name));
    token = page.paginationToken;
  } while (token);
  assert.deepEqual(seen, all.buckets.map((b) => b.name));
  assert.deepEqual([...seen].sort(), seen);
  // a scoped key sees only its buckets
  const key = ok(await createAccessKey(unique('lister'), { bucketsRole: [{ bucket: names[1], role: 'ReadOnly' }], config }));
  const scoped = ok(await listBuckets({ config: { ...config, accessKeyId: key.id, secretAccessKey: key.secret } }));
  assert.deepEqual(scoped.buckets.map((b) => b.name), [names[1]]);
  ok(await removeAccessKey(key.id, { config }));
});

test('listForks: direct forks with their lineage; unknown source lists none', async () => {
  const src = unique('lf-src');
  ok(await createBucket(src, { enableSnapshot: true, config }));
  const v = ok(await createBucketSnapshot(src, { config })).snapshotVersion;
  const [f1, f2] = [unique('lf-f1'), unique('lf-f2')];
  ok(await createBucket(f1, { sourceBucketName: src, sourceBucketSnapshot: v, config }));
  ok(await createBucket(f2, { sourceBucketName: src, config }));
  const grandchild = unique('lf-gc');
  ok(await createBucket(grandchild, { sourceBucketName: f1, config }));
  const { forks } = ok(await listForks(src, { config }));
  assert.deepEqual(forks.map((f) => f.name).sort(), [f1, f2].sort(), 'direct forks only');
  const one = forks.find((f) => f.name === f1);
  assert.equal(one.snapshot, v);
  assert.ok(one.forkCreatedAt instanceof Date && one.forkCreatedAt.getTime() > 0);
  assert.equal(one.snapshotCreatedAt.getTime(), Math.floor(Number(BigInt(v) / 1_000_000n)));
  assert.equal(one.forkInfo.hasChildren, true, 'f1 has a fork of its own');
  assert.equal(forks.find((f) => f.name === f2).forkInfo.hasChildren, false);
  assert.deepEqual(ok(await listForks(f1, { config })).forks.map((f) => f.name), [grandchild]);
  assert.deepEqual(ok(await listForks(unique('nobody'), { config })).forks, []);
  // listBuckets with fork info agrees
  const withInfo = ok(await listBuckets({ config })).buckets.find((b) => b.name === f1);
  assert.equal(withInfo.name, f1);
});

test('mergeFork applies the fork\'s changes to its base and lists a new snapshot', async () => {
  const base = unique('mg-base');
  ok(await createBucket(base, { enableSnapshot: true, config }));
  for (const k of ['keep', 'change', 'drop']) ok(await put(`${k}.txt`, `base ${k}`, inBucket(base)));
  const fork = unique('mg-fork');
  ok(await createBucket(fork, { sourceBucketName: base, config }));
  ok(await put('change.txt', 'fork change', inBucket(fork)));
  ok(await put('new.txt', 'fork new', inBucket(fork)));
  ok(await remove('drop.txt', inBucket(fork)));
  ok(await put('keep.txt', 'base moved on', inBucket(base)));
  const { snapshotVersion } = ok(await mergeFork(fork, base, { config }));
  assert.match(snapshotVersion, /^\d{19}$/);
  assert.equal(await text('change.txt', base), 'fork change');
  assert.equal(await text('new.txt', base), 'fork new');
  assert.equal(await text('drop.txt', base), null, 'the fork deleted it');
  assert.equal(await text('keep.txt', base), 'base moved on', 'untouched by the fork');
  const snaps = ok(await listBucketSnapshots(base, { config })).snapshots;
  assert.equal(snaps[0].version, snapshotVersion);
  // only a direct fork merges, and the error is the server's JSON Message
  const other = unique('mg-other');
  ok(await createBucket(other, { enableSnapshot: true, config }));
  assert.match((await mergeFork(other, base, { config })).error.message, /is not a direct fork of bucket/);
});

test('rebaseFork moves the fork onto its base\'s present; the fork\'s changes stay', async () => {
  const base = unique('rb-base');
  ok(await createBucket(base, { enableSnapshot: true, config }));
  ok(await put('a.txt', 'a0', inBucket(base)));
  ok(await put('b.txt', 'b0', inBucket(base)));
  const fork = unique('rb-fork');
  ok(await createBucket(fork, { sourceBucketName: base, config }));
  ok(await put('a.txt', 'fork a', inBucket(fork)));
  ok(await put('a.txt', 'a1', inBucket(base)));
  ok(await put('b.txt', 'b1', inBucket(base)));
  assert.equal(await text('b.txt', fork), 'b0');
  const { snapshotVersion } = ok(await rebaseFork(fork, { config }));
  assert.match(snapshotVersion, /^\d{19}$/);
  assert.equal(await text('a.txt', fork), 'fork a');
  assert.equal(await text('b.txt', fork), 'b1');
  const info = ok(await getBucketInfo(fork, { config }));
  assert.equal(info.forkInfo.parents[0].snapshot, snapshotVersion);
  assert.equal(ok(await listBucketSnapshots(base, { config })).snapshots[0].version, snapshotVersion);
  assert.match((await rebaseFork(base, { config })).error.message, /is not a fork/);
});

test('deleteBucketSnapshot removes exactly that snapshot; forks made from it keep working', async () => {
  const b = unique('ds');
  ok(await createBucket(b, { enableSnapshot: true, config }));
  ok(await put('k.txt', 'at v1', inBucket(b)));
  const v1 = ok(await createBucketSnapshot(b, { config })).snapshotVersion;
  const v2 = ok(await createBucketSnapshot(b, { name: 'second', config })).snapshotVersion;
  const fork = unique('ds-fork');
  ok(await createBucket(fork, { sourceBucketName: b, sourceBucketSnapshot: v1, config }));
  ok(await put('k.txt', 'later', inBucket(b)));
  assert.deepEqual(ok(await deleteBucketSnapshot(b, v1, { config })), { snapshotVersion: v1 });
  assert.deepEqual(ok(await listBucketSnapshots(b, { config })).snapshots.map((s) => s.version), [v2]);
  assert.equal(await text('k.txt', fork), 'at v1');
  assert.match((await deleteBucketSnapshot(b, v1, { config })).error.message, /^Unable to delete bucket snapshot/);
});

test('remove, head, list and getPresignedUrl (get and put)', async () => {
  const b = unique('ps');
  ok(await createBucket(b, { config }));
  ok(await put('doc.txt', 'presigned body', inBucket(b)));
  const getUrl = ok(await getPresignedUrl('doc.txt', { operation: 'get', expiresIn: 120, ...inBucket(b) }));
  assert.equal(getUrl.expiresIn, 120);
  const res = await fetch(getUrl.url);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'presigned body');
  const putUrl = ok(await getPresignedUrl('up.txt', { operation: 'put', ...inBucket(b) }));
  assert.equal((await fetch(putUrl.url, { method: 'PUT', body: 'uploaded with a presigned PUT' })).status, 200);
  assert.equal(await text('up.txt', b), 'uploaded with a presigned PUT');
  assert.equal(ok(await head('up.txt', inBucket(b))).size, 'uploaded with a presigned PUT'.length);
  assert.deepEqual(ok(await list(inBucket(b))).items.map((i) => i.name), ['doc.txt', 'up.txt']);
  ok(await remove('doc.txt', inBucket(b)));
  assert.equal(await text('doc.txt', b), null);
  assert.deepEqual(ok(await list(inBucket(b))).items.map((i) => i.name), ['up.txt']);
  ok(await removeBucket(b, { force: true, config }));
});

test('listAccessKeys lists minted keys with their roles, page by page', async () => {
  const b = unique('keys');
  ok(await createBucket(b, { config }));
  const made = [];
  for (const role of ['Editor', 'ReadOnly', 'Editor']) {
    made.push(ok(await createAccessKey(unique(`k-${role}`), { bucketsRole: [{ bucket: b, role }], config })));
  }
  const all = ok(await listAccessKeys({ config }));
  assert.equal(all.hasMore, false);
  for (const m of made) {
    const k = all.accessKeys.find((a) => a.id === m.id);
    assert.equal(k.name, m.name);
    assert.equal(k.status, 'active');
    assert.ok(k.createdAt instanceof Date && k.createdAt.getTime() > 0);
    assert.equal(k.roles[0].bucket, b);
  }
  assert.ok(all.accessKeys.every((k) => !('secret' in k) || k.secret === undefined), 'no secrets listed');
  const first = ok(await listAccessKeys({ limit: 1, config }));
  assert.equal(first.accessKeys.length, 1);
  assert.equal(first.hasMore, true);
  const second = ok(await listAccessKeys({ limit: 1, paginationToken: first.paginationToken, config }));
  assert.notEqual(second.accessKeys[0].id, first.accessKeys[0].id);
  for (const m of made) ok(await removeAccessKey(m.id, { config }));
  const after = ok(await listAccessKeys({ config }));
  assert.ok(made.every((m) => !after.accessKeys.some((k) => k.id === m.id)));
});
