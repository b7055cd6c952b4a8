// checkpoint / listCheckpoints / restore through the built package against tigris-local.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { put, get, remove } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const s3 = (bucket) => ({ config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey } });
const snapshotBucket = async (prefix) => dataOf(await kit.createWorkspace(uniqueName(prefix), { enableSnapshots: true, config: srv.config })).bucket;

test('checkpoint returns the server version, the name and a local Date', async () => {
  const bucket = await snapshotBucket('ck');
  const before = Date.now();
  const ck = dataOf(await kit.checkpoint(bucket, { name: 'epoch-50', config: srv.config }));
  assert.match(ck.snapshotId, /^\d{19}$/);
  assert.equal(ck.name, 'epoch-50');
  assert.ok(ck.createdAt instanceof Date);
  assert.ok(ck.createdAt.getTime() >= before && ck.createdAt.getTime() <= Date.now());
  const state = (await srv.state()).buckets.find((b) => b.name === bucket);
  assert.equal(state.snapshots.length, 1);
  const req = (await srv.requests()).filter((r) => r.path === `/${bucket}/` && r.method === 'PUT').at(-1);
  assert.equal(req.headers['x-tigris-snapshot'], 'true; name=epoch-50');
  const unnamed = dataOf(await kit.checkpoint(bucket, { config: srv.config }));
  assert.equal(unnamed.name, undefined);
  assert.ok(BigInt(unnamed.snapshotId) > BigInt(ck.snapshotId));
});

test('checkpoint of a bucket without snapshots says so', async () => {
  const bucket = dataOf(await kit.createWorkspace(uniqueName('ck-plain'), { config: srv.config })).bucket;
  const message = errorOf(await kit.checkpoint(bucket, { config: srv.config }));
  assert.match(message, new RegExp(`^Failed to checkpoint bucket "${bucket}": .*Snapshots are not enabled on bucket`));
});

test('listCheckpoints walks 25 checkpoints 10 at a time, each exactly once, newest first', async () => {
  const bucket = await snapshotBucket('ck-list');
  const made = [];
  for (let i = 0; i < 25; i++) {
    made.push(dataOf(await kit.checkpoint(bucket, { name: i % 2 ? `n${i}` : undefined, config: srv.config })));
  }
  const seen = [];
  let token;
  let pages = 0;
  do {
    const page = dataOf(await kit.listCheckpoints(bucket, { limit: 10, paginationToken: token, config: srv.config }));
    assert.ok(page.checkpoints.length <= 10);
    for (const c of page.checkpoints) {
      assert.ok(c.createdAt instanceof Date && !Number.isNaN(c.createdAt.getTime()));
      seen.push(c);
    }
    token = page.paginationToken;
    pages += 1;
  } while (token && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(seen.map((c) => c.snapshotId), made.map((c) => c.snapshotId).reverse());
  for (const c of seen) {
    const original = made.find((m) => m.snapshotId === c.snapshotId);
    assert.equal(c.name, original.name);
  }
  const reqs = (await srv.requests()).filter((r) => r.headers['x-tigris-snapshot'] === bucket);
  assert.equal(reqs.length, 3);
  assert.match(reqs[0].query, /max-buckets=10/);
  assert.match(reqs[1].query, /continuation-token=/);
});

test('restore creates a bucket at exactly the checkpoint state', async () => {
  const bucket = await snapshotBucket('ck-restore');
  assert.equal((await put('a.txt', 'original', s3(bucket))).error, undefined);
  assert.equal((await put('b.txt', 'will be deleted', s3(bucket))).error, undefined);
  const ck = dataOf(await kit.checkpoint(bucket, { config: srv.config }));
  await put('a.txt', 'overwritten', s3(bucket));
  await remove('b.txt', s3(bucket));
  await put('c.txt', 'new', s3(bucket));

  const forkName = uniqueName('ck-restored');
  assert.deepEqual(dataOf(await kit.restore(bucket, ck.snapshotId, { forkName, config: srv.config })), { bucket: forkName });
  assert.equal((await get('a.txt', 'string', s3(forkName))).data, 'original');
  assert.equal((await get('b.txt', 'string', s3(forkName))).data, 'will be deleted');
  assert.ok((await get('c.txt', 'string', s3(forkName))).error, 'later writes are invisible');
  const req = (await srv.requests()).find((r) => r.path === `/${forkName}/`);
  assert.equal(req.headers['x-tigris-fork-source-bucket'], bucket);
  assert.equal(req.headers['x-tigris-fork-source-bucket-snapshot'], ck.snapshotId);

  const before = Date.now();
  const auto = dataOf(await kit.restore(bucket, ck.snapshotId, { config: srv.config }));
  const m = new RegExp(`^${bucket}-restore-(\\d+)$`).exec(auto.bucket);
  assert.ok(m, auto.bucket);
  assert.ok(Number(m[1]) >= before && Number(m[1]) <= Date.now());
});

test('restore from a missing bucket fails with the original prefix', async () => {
  const message = errorOf(await kit.restore(uniqueName('nope'), '1751631910196672425', { forkName: uniqueName('r'), config: srv.config }));
  assert.match(message, /^Failed to restore from snapshot "1751631910196672425": /);
});
