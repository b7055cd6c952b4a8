// createForks / teardownForks through the built package against tigris-local: isolation,
// scoped keys, dependency rules, the partial-failure contract and leak audits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { put, get, removeBucket } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const rootCreds = () => ({ accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey });
const s3 = (bucket, creds = rootCreds()) => ({ config: { bucket, endpoint: srv.endpoint, ...creds } });
async function baseWith(objects) {
  const bucket = dataOf(await kit.createWorkspace(uniqueName('base'), { enableSnapshots: true, config: srv.config })).bucket;
  for (const [k, v] of Object.entries(objects)) assert.equal((await put(k, v, s3(bucket))).error, undefined);
  return bucket;
}
const forkBuckets = async (prefix) => (await srv.state()).buckets.filter((b) => b.name.startsWith(`${prefix}-`)).map((b) => b.name).sort();
const keysFor = async (prefix) => (await srv.state()).keys.filter((k) => k.name.startsWith(`${prefix}-`));

test('forks hold the base data and are isolated from each other and from the base', async () => {
  const base = await baseWith({ 'data.json': '{"v":1}' });
  const prefix = uniqueName('iso');
  const set = dataOf(await kit.createForks(base, 3, { prefix, credentials: { role: 'Editor' }, config: srv.config }));
  assert.equal(set.baseBucket, base);
  assert.match(set.snapshotId, /^\d{19}$/);
  assert.deepEqual(set.forks.map((f) => f.bucket), [0, 1, 2].map((i) => `${prefix}-${i}`));
  for (const f of set.forks) {
    assert.match(f.credentials.accessKeyId, /^tid_/);
    assert.equal((await get('data.json', 'string', s3(f.bucket, f.credentials))).data, '{"v":1}');
  }
  const [f0, f1] = set.forks;
  assert.equal((await put('mine.txt', 'fork0', s3(f0.bucket, f0.credentials))).error, undefined);
  assert.ok((await get('mine.txt', 'string', s3(f1.bucket, f1.credentials))).error, 'invisible in fork 1');
  assert.ok((await get('mine.txt', 'string', s3(base))).error, 'invisible in the base');
  await put('late.txt', 'after the snapshot', s3(base));
  for (const f of set.forks) assert.ok((await get('late.txt', 'string', s3(f.bucket))).error, 'base writes after the snapshot are invisible');
  assert.ok((await get('data.json', 'string', s3(f1.bucket, f0.credentials))).error, "a fork's key cannot read a sibling");

  assert.ok((await removeBucket(base, { force: true, config: s3(base).config })).error, 'a source with live forks cannot be deleted');
  dataOf(await kit.teardownForks(set, { config: srv.config }));
  assert.deepEqual(await forkBuckets(prefix), []);
  assert.deepEqual(await keysFor(prefix), []);
  const state = (await srv.state()).buckets.find((b) => b.name === base);
  assert.ok(state.snapshots.length >= 1, 'the snapshot stays');
  assert.equal((await removeBucket(base, { force: true, config: s3(base).config })).error, undefined, 'after teardown the base can go');
});

test('default prefix is `${base}-fork-${Date.now()}`', async () => {
  const base = await baseWith({});
  const before = Date.now();
  const set = dataOf(await kit.createForks(base, 2, { config: srv.config }));
  const m = new RegExp(`^${base}-fork-(\\d+)-0$`).exec(set.forks[0].bucket);
  assert.ok(m, set.forks[0].bucket);
  assert.ok(Number(m[1]) >= before && Number(m[1]) <= Date.now());
  assert.equal(set.forks[1].bucket, `${base}-fork-${m[1]}-1`);
  assert.ok(set.forks.every((f) => !('credentials' in f)));
  dataOf(await kit.teardownForks(set, { config: srv.config }));
});

for (const concurrency of [1, 16]) {
  test(`the 3rd fork failing gives exactly forks 0 and 1 and leaks nothing (concurrency ${concurrency})`, async () => {
    const base = await baseWith({ 'x.txt': 'x' });
    const prefix = uniqueName(`partial${concurrency}`);
    await srv.fault({ method: 'PUT', path: `/${prefix}-2/`, times: 20, action: { status: 409, body: '<Error><Code>BucketAlreadyExists</Code><Message>The requested bucket name is not available.</Message></Error>' } });
    const set = dataOf(await kit.createForks(base, 6, { prefix, concurrency, credentials: { role: 'ReadOnly' }, config: srv.config }));
    assert.deepEqual(set.forks.map((f) => f.bucket), [`${prefix}-0`, `${prefix}-1`]);
    assert.match(set.snapshotId, /^\d{19}$/);
    assert.ok(set.forks.every((f) => f.credentials?.accessKeyId));
    assert.deepEqual(await forkBuckets(prefix), [`${prefix}-0`, `${prefix}-1`]);
    assert.deepEqual((await keysFor(prefix)).map((k) => k.name).sort(), [`${prefix}-0-key`, `${prefix}-1-key`]);
    dataOf(await kit.teardownForks(set, { config: srv.config }));
    assert.deepEqual(await forkBuckets(prefix), []);
    assert.deepEqual(await keysFor(prefix), []);
  });
}

test('a failed key leaves that fork without credentials and no top-level error', async () => {
  const base = await baseWith({});
  const prefix = uniqueName('nokey');
  await srv.fault({ method: 'POST', path: '/', nth: 2, times: 20, action: { status: 500 } });
  const set = dataOf(await kit.createForks(base, 3, { prefix, concurrency: 1, credentials: { role: 'Editor' }, config: srv.config }));
  const keys = (await keysFor(prefix)).map((k) => k.name);
  await srv.reset();
  assert.equal(set.forks.length, 3);
  assert.match(set.forks[0].credentials.accessKeyId, /^tid_/);
  assert.equal(set.forks[1].credentials, undefined);
  assert.ok(!('credentials' in set.forks[1]));
  assert.deepEqual(keys, [`${prefix}-0-key`], 'no key exists for the forks without credentials');
});

test('zero successful forks is an error', async () => {
  const base = await baseWith({});
  const prefix = uniqueName('zero');
  await srv.fault({ method: 'PUT', path: `/${prefix}-0/`, times: 20, action: { status: 409, body: '<Error><Code>BucketAlreadyExists</Code><Message>taken</Message></Error>' } });
  assert.equal(errorOf(await kit.createForks(base, 3, { prefix, config: srv.config })), 'Failed to create any forks');
  assert.deepEqual(await forkBuckets(prefix), []);
});

test('invalid counts fail before any request', async () => {
  const base = await baseWith({});
  const before = (await srv.requests()).length;
  for (const count of [0, -1, 1.5, NaN, Infinity, '3', null, undefined, 2 ** 40]) {
    errorOf(await kit.createForks(base, count, { config: srv.config }));
  }
  assert.equal((await srv.requests()).length, before);
});

test('a snapshot failure names the base bucket', async () => {
  const plain = dataOf(await kit.createWorkspace(uniqueName('plainbase'), { config: srv.config })).bucket;
  assert.match(errorOf(await kit.createForks(plain, 2, { config: srv.config })),
    new RegExp(`^Failed to snapshot bucket "${plain}": .*Snapshots are not enabled on bucket`));
});

test('teardown with one failure reports it and still deletes every other fork', async () => {
  const base = await baseWith({});
  const prefix = uniqueName('td');
  const set = dataOf(await kit.createForks(base, 4, { prefix, credentials: { role: 'Editor' }, config: srv.config }));
  await srv.fault({ method: 'DELETE', path: `/${prefix}-1/`, times: 20, action: { status: 500, body: '<Error><Code>InternalError</Code><Message>disk on fire</Message></Error>' } });
  const message = errorOf(await kit.teardownForks(set, { config: srv.config }));
  assert.equal(message, `Fork teardown completed with errors:\nFailed to delete fork "${prefix}-1": Unable to remove bucket disk on fire`);
  assert.deepEqual(await forkBuckets(prefix), [`${prefix}-1`]);
  assert.deepEqual(await keysFor(prefix), []);
  await srv.reset();
});
