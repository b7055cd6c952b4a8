// listForks / mergeFork / rebaseFork / deleteCheckpoint and teardownForks' deleteSnapshot through
// the built package against tigris-local: promote or discard, rebase, paging (also when the
// server ignores `X-Tigris-Fork`), the snapshots merge and rebase leave, validation before any
// request and a retried snapshot deletion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { put, get, list, remove } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const s3 = (bucket, creds) => ({ config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey, ...creds } });
const ok = async (p) => assert.equal((await p).error, undefined);
async function baseWith(objects) {
  const bucket = dataOf(await kit.createWorkspace(uniqueName('lc'), { enableSnapshots: true, config: srv.config })).bucket;
  for (const [k, v] of Object.entries(objects)) await ok(put(k, v, s3(bucket)));
  return bucket;
}
/** Every key of `bucket` with its body, as an object. */
async function contents(bucket) {
  const listed = await list(s3(bucket));
  assert.equal(listed.error, undefined);
  const out = {};
  for (const item of listed.data.items) out[item.name] = (await get(item.name, 'string', s3(bucket))).data;
  return out;
}
const bucketState = async (name) => (await srv.state()).buckets.find((b) => b.name === name);
const snapshotsOf = async (name) => (await bucketState(name)).snapshots.map((s) => s.version);
const requestCount = async () => (await srv.requests()).length;

/** Walks every page of listForks(base, { limit }); returns the pages. */
async function walk(base, limit) {
  const pages = [];
  let paginationToken;
  do {
    const page = dataOf(await kit.listForks(base, { limit, paginationToken, config: srv.config }));
    pages.push(page);
    paginationToken = page.paginationToken;
  } while (paginationToken && pages.length < 10);
  return pages;
}

test('promote or discard: merge fork 1, tear all three down with their snapshot, release the merge snapshot', async () => {
  const base = await baseWith({ 'keep.txt': 'keep', 'del-0.txt': 'd0', 'del-1.txt': 'd1', 'del-2.txt': 'd2' });
  const prefix = uniqueName('pod');
  const set = dataOf(await kit.createForks(base, 3, { prefix, credentials: { role: 'Editor' }, config: srv.config }));
  for (const [i, fork] of set.forks.entries()) {
    await ok(put(`new-${i}.txt`, `fork ${i}`, s3(fork.bucket, fork.credentials)));
    await ok(remove(`del-${i}.txt`, s3(fork.bucket, fork.credentials)));
  }
  const merged = dataOf(await kit.mergeFork(set.forks[1].bucket, base, { config: srv.config }));
  assert.match(merged.snapshotId, /^\d+$/);
  assert.deepEqual(await contents(base), { 'keep.txt': 'keep', 'del-0.txt': 'd0', 'del-2.txt': 'd2', 'new-1.txt': 'fork 1' });

  const listed = dataOf(await kit.listCheckpoints(base, { config: srv.config })).checkpoints.map((c) => c.snapshotId);
  assert.ok(listed.includes(merged.snapshotId), 'the merge snapshot is an ordinary checkpoint of the base');

  dataOf(await kit.teardownForks(set, { deleteSnapshot: true, config: srv.config }));
  const state = await srv.state();
  assert.deepEqual(state.buckets.filter((b) => b.name.startsWith(`${prefix}-`)), [], 'no fork bucket');
  assert.deepEqual(state.keys.filter((k) => k.name.startsWith(`${prefix}-`)), [], 'no fork key');
  const left = await snapshotsOf(base);
  assert.ok(!left.includes(set.snapshotId), 'the createForks snapshot is gone');
  assert.ok(left.includes(merged.snapshotId), 'the merge snapshot stays until deleteCheckpoint');
  assert.deepEqual(await contents(base), { 'keep.txt': 'keep', 'del-0.txt': 'd0', 'del-2.txt': 'd2', 'new-1.txt': 'fork 1' }, 'the base stays');

  dataOf(await kit.deleteCheckpoint(base, merged.snapshotId, { config: srv.config }));
  assert.ok(!(await snapshotsOf(base)).includes(merged.snapshotId), 'deleteCheckpoint releases it');
  const again = await kit.deleteCheckpoint(base, merged.snapshotId, { config: srv.config });
  assert.match(errorOf(again), new RegExp(`^Failed to delete checkpoint ${merged.snapshotId} of "${base}": Unable to delete bucket snapshot `));
  assert.equal(again.error.code, 'NotFound', 'a first attempt answered 404 is an error');
});

test('teardownForks with deleteSnapshot skips the snapshot when a fork stays', async () => {
  const base = await baseWith({ 'a.txt': 'a' });
  const prefix = uniqueName('skip');
  const set = dataOf(await kit.createForks(base, 2, { prefix, config: srv.config }));
  await srv.fault({ method: 'DELETE', path: `/${prefix}-0/`, times: 10, action: { status: 403, body: '<Error><Code>AccessDenied</Code><Message>no</Message></Error>' } });
  const res = await kit.teardownForks(set, { deleteSnapshot: true, config: srv.config });
  assert.equal(errorOf(res), `Fork teardown completed with errors:\nFailed to delete fork "${prefix}-0": Unable to remove bucket no\nSkipped deleting snapshot ${set.snapshotId} of "${base}": a fork could not be deleted`);
  assert.equal(res.error.code, 'PartialFailure');
  assert.ok((await snapshotsOf(base)).includes(set.snapshotId));
  await srv.reset();
});

test('rebase: the fork sees the base changes made after the fork and keeps its own', async () => {
  const base = await baseWith({ 'shared.txt': 'v1', 'gone.txt': 'g' });
  const set = dataOf(await kit.createForks(base, 1, { prefix: uniqueName('rb'), config: srv.config }));
  const fork = set.forks[0].bucket;
  await ok(put('mine.txt', 'fork', s3(fork)));
  await ok(put('late.txt', 'base', s3(base)));
  await ok(put('shared.txt', 'v2', s3(base)));
  await ok(remove('gone.txt', s3(base)));
  assert.deepEqual(await contents(fork), { 'shared.txt': 'v1', 'gone.txt': 'g', 'mine.txt': 'fork' }, 'before: the fork point');
  const rebased = dataOf(await kit.rebaseFork(fork, { config: srv.config }));
  assert.deepEqual(await contents(fork), { 'shared.txt': 'v2', 'late.txt': 'base', 'mine.txt': 'fork' });
  assert.deepEqual(await contents(base), { 'shared.txt': 'v2', 'late.txt': 'base' }, 'the base is unchanged');
  const listed = dataOf(await kit.listCheckpoints(base, { config: srv.config })).checkpoints.map((c) => c.snapshotId);
  assert.ok(listed.includes(rebased.snapshotId), 'the rebase snapshot is a checkpoint of the base');
  const [info] = dataOf(await kit.listForks(base, { config: srv.config })).forks;
  assert.equal(info.snapshotId, rebased.snapshotId, 'the fork now descends from that snapshot');
  dataOf(await kit.teardownForks(set, { config: srv.config }));
});

test('listForks over 25 forks with limit 10 walks three pages, every fork once, lineage right', async () => {
  const base = await baseWith({ 'a.txt': 'a' });
  await baseWith({});
  const prefix = uniqueName('many');
  const before = Date.now();
  const set = dataOf(await kit.createForks(base, 25, { prefix, config: srv.config }));
  const pages = await walk(base, 10);
  assert.deepEqual(pages.map((p) => p.forks.length), [10, 10, 5]);
  assert.equal(pages[2].paginationToken, undefined);
  const forks = pages.flatMap((p) => p.forks);
  assert.deepEqual(forks.map((f) => f.bucket).sort(), set.forks.map((f) => f.bucket).sort());
  for (const f of forks) {
    assert.deepEqual(Object.keys(f), ['bucket', 'baseBucket', 'snapshotId', 'createdAt']);
    assert.equal(f.baseBucket, base);
    assert.equal(f.snapshotId, set.snapshotId);
    assert.ok(f.createdAt instanceof Date && f.createdAt.getTime() >= before - 1000 && f.createdAt.getTime() <= Date.now() + 1000, String(f.createdAt));
  }
  assert.deepEqual(dataOf(await kit.listForks(set.forks[0].bucket, { config: srv.config })), { forks: [], paginationToken: undefined }, 'a fork without forks');
  assert.deepEqual(dataOf(await kit.listForks(uniqueName('nobody'), { config: srv.config })).forks, [], 'an unknown bucket');
  dataOf(await kit.teardownForks(set, { deleteSnapshot: true, config: srv.config }));
  assert.deepEqual(dataOf(await kit.listForks(base, { config: srv.config })).forks, []);
});

test('a server that ignores X-Tigris-Fork: the lineage listing is paged through and filtered', async () => {
  await srv.reset();
  const base = await baseWith({ 'a.txt': 'a' });
  const other = await baseWith({ 'b.txt': 'b' });
  const prefix = uniqueName('gw');
  const set = dataOf(await kit.createForks(base, 25, { prefix, config: srv.config }));
  const strangers = dataOf(await kit.createForks(other, 2, { prefix: uniqueName('gx'), config: srv.config }));
  // The gateway answers the fork listing with the plain bucket listing (no ForkInfo).
  const plain = JSON.stringify({ Buckets: { Bucket: [{ Name: base, CreationDate: new Date().toISOString() }] } });
  await srv.fault({ method: 'GET', path: '/', header: 'x-tigris-fork', times: 100, action: { status: 200, body: plain } });
  const seq = Math.max(0, ...(await srv.requests()).map((e) => e.seq));
  const pages = await walk(base, 10);
  assert.deepEqual(pages.map((p) => p.forks.length), [10, 10, 5]);
  const forks = pages.flatMap((p) => p.forks);
  assert.deepEqual(forks.map((f) => f.bucket), set.forks.map((f) => f.bucket).sort(), 'every fork once, in name order, none of the other base');
  assert.ok(forks.every((f) => f.baseBucket === base && f.snapshotId === set.snapshotId && !Number.isNaN(f.createdAt.getTime())));
  const fallback = (await srv.requests()).filter((e) => e.seq > seq && /IncludeForkInfo=true/.test(e.query));
  assert.ok(fallback.length >= 3, 'each page came from the IncludeForkInfo listing');
  assert.ok(fallback.every((e) => e.method === 'GET' && e.path === '/' && !('x-tigris-fork' in e.headers)));
  await srv.reset();
  void strangers;
});

test('createdAt falls back to CreationDate when ForkCreatedAt is missing', async () => {
  const created = '2026-01-02T03:04:05.678Z';
  const body = JSON.stringify({ Buckets: { Bucket: [
    { Name: 'lc-fork-a', CreationDate: created, ForkInfo: { HasChildren: false, Parents: [{ BucketName: 'lc-base', Snapshot: '17' }] } },
    { Name: 'lc-fork-b', CreationDate: created, ForkInfo: { HasChildren: false, Parents: [{ BucketName: 'lc-base', Snapshot: '18', ForkCreatedAt: '2026-02-03T04:05:06Z' }] } },
  ] }, ContinuationToken: 'lc-fork-b' });
  await srv.fault({ method: 'GET', path: '/', header: 'x-tigris-fork', times: 1, action: { status: 200, body } });
  const page = dataOf(await kit.listForks('lc-base', { limit: 2, config: srv.config }));
  assert.deepEqual(page.forks.map((f) => [f.bucket, f.baseBucket, f.snapshotId, f.createdAt.toISOString()]), [
    ['lc-fork-a', 'lc-base', '17', created],
    ['lc-fork-b', 'lc-base', '18', '2026-02-03T04:05:06.000Z'],
  ]);
  assert.equal(page.paginationToken, 'lc-fork-b');
  await srv.reset();
});

test('mergeFork of a bucket that is not a direct fork is InvalidArgument and changes nothing', async () => {
  const base = await baseWith({ 'a.txt': 'a' });
  const stranger = await baseWith({ 'x.txt': 'x' });
  const snapshots = await snapshotsOf(base);
  const res = await kit.mergeFork(stranger, base, { config: srv.config });
  assert.equal(errorOf(res), `Failed to merge fork "${stranger}" into "${base}": Bucket ${stranger} is not a direct fork of bucket ${base}`);
  assert.equal(res.error.code, 'InvalidArgument');
  assert.deepEqual(await contents(base), { 'a.txt': 'a' });
  assert.deepEqual(await snapshotsOf(base), snapshots);
  const rebase = await kit.rebaseFork(base, { config: srv.config });
  assert.equal(errorOf(rebase), `Failed to rebase fork "${base}": Bucket ${base} is not a fork`);
  assert.equal(rebase.error.code, 'InvalidArgument');
});

test('invalid arguments are refused before any request', async () => {
  const cases = [
    [() => kit.listForks('Base', { config: srv.config }), 'Failed to list forks of "Base": Invalid bucket name "Base": may contain only lowercase letters, digits, dots and hyphens'],
    [() => kit.listForks('base', { limit: 0, config: srv.config }), 'options.limit must be a positive integer'],
    [() => kit.listForks('base', { paginationToken: 5, config: srv.config }), 'options.paginationToken must be a string'],
    [() => kit.mergeFork('ab', 'base', { config: srv.config }), 'Failed to merge fork "ab" into "base": Invalid bucket name "ab": must be between 3 and 63 characters long'],
    [() => kit.mergeFork('fork', undefined, { config: srv.config }), 'baseBucket must be a string'],
    [() => kit.rebaseFork('-fork', { config: srv.config }), 'Failed to rebase fork "-fork": Invalid bucket name "-fork": must start and end with a letter or digit'],
    [() => kit.deleteCheckpoint('base', '', { config: srv.config }), 'Failed to delete checkpoint  of "base": Invalid snapshot id'],
    [() => kit.deleteCheckpoint('base', '1\r\n2', { config: srv.config }), 'Failed to delete checkpoint 1\r\n2 of "base": Invalid snapshot id'],
    [() => kit.deleteCheckpoint('base', 17, { config: srv.config }), 'snapshotId must be a string'],
    [() => kit.teardownForks({ baseBucket: 'base', snapshotId: '1', forks: [] }, { deleteSnapshot: 'yes', config: srv.config }), 'options.deleteSnapshot must be a boolean'],
  ];
  const count = await requestCount();
  for (const [call, message] of cases) {
    const res = await call();
    assert.equal(errorOf(res), message);
    assert.equal(res.error.code, 'InvalidArgument');
  }
  assert.equal(await requestCount(), count, 'no request was sent');
});

test('a deleteCheckpoint whose answer is lost is retried and counts as done', async () => {
  const base = await baseWith({ 'a.txt': 'a' });
  const ck = dataOf(await kit.checkpoint(base, { config: srv.config }));
  await srv.fault({ method: 'DELETE', path: `/${base}/`, header: 'x-tigris-snapshot-version', times: 1, action: { drop: 'after' } });
  dataOf(await kit.deleteCheckpoint(base, ck.snapshotId, { config: srv.config }));
  assert.ok(!(await snapshotsOf(base)).includes(ck.snapshotId));
  const attempts = (await srv.requests()).filter((e) => e.method === 'DELETE' && e.headers['x-tigris-snapshot-version'] === ck.snapshotId);
  assert.deepEqual(attempts.map((e) => [Boolean(e.fault), e.status]), [[true, null], [false, 404]], 'the dropped attempt deleted it, the retry was answered 404');
});
