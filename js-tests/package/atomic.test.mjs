// `atomic` on createForks / createWorkspace / restore, and restore's scoped key, through the built
// package against tigris-local: a fault injected on one fork or one key (first, middle, last; one
// at a time and 16 at a time) gives `{ error }` and leaves `/_local/state` exactly as it was
// before the call; a bucket the caller already had is never deleted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { put, get } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const s3 = (bucket, credentials = srv.config) => ({
  config: { bucket, endpoint: srv.endpoint, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
});
const xmlError = (code, message) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
const jsonError = (code, message) => JSON.stringify({ Code: code, Message: message });
/** The error of a `{ error }` result (with its code). */
const failure = (res) => { errorOf(res); return res.error; };

/** A snapshot-enabled base bucket holding one object. */
async function base(prefix) {
  const name = dataOf(await kit.createWorkspace(uniqueName(prefix), { enableSnapshots: true, config: srv.config })).bucket;
  assert.equal((await put('seed.txt', 'seed', s3(name))).error, undefined);
  return name;
}

const COUNT = 6;
const INDICES = [0, 3, COUNT - 1];

for (const concurrency of [1, 16]) {
  for (const k of INDICES) {
    test(`a refused fork ${k} of ${COUNT} (concurrency ${concurrency}) leaves the state exactly as before`, async () => {
      const baseBucket = await base('at-fork');
      const prefix = uniqueName('atf');
      const before = await srv.state();
      await srv.fault({ method: 'PUT', path: `/${prefix}-${k}/`, times: 1, action: { status: 409, body: xmlError('BucketAlreadyExists', 'injected refusal') } });
      const error = failure(await kit.createForks(baseBucket, COUNT, { prefix, concurrency, atomic: true, credentials: { role: 'Editor' }, config: srv.config }));
      assert.equal(error.message.split('\n')[0], k === 0 ? 'Failed to create any forks' : `Failed to create fork "${prefix}-${k}": Unable to create bucket injected refusal`);
      assert.equal(error.message.split('\n').length, 1, 'nothing left behind');
      assert.equal(error.code, 'BucketAlreadyExists');
      assert.deepEqual(await srv.state(), before);
    });

    test(`a refused key ${k} of ${COUNT} (concurrency ${concurrency}) leaves the state exactly as before`, async () => {
      const baseBucket = await base('at-key');
      const prefix = uniqueName('atk');
      const before = await srv.state();
      // The k+1-th key creation (the IAM POST) is refused; a 403 is not retried.
      await srv.fault({ method: 'POST', path: '/', nth: k + 1, times: 1, action: { status: 403, body: jsonError('AccessDenied', 'injected denial') } });
      const error = failure(await kit.createForks(baseBucket, COUNT, { prefix, concurrency, atomic: true, credentials: { role: 'ReadOnly' }, config: srv.config }));
      assert.match(error.message, new RegExp(`^Failed to create access key for "${prefix}-\\d+": injected denial$`));
      assert.equal(error.code, 'AccessDenied');
      if (concurrency === 1) assert.ok(error.message.startsWith(`Failed to create access key for "${prefix}-${k}"`));
      assert.deepEqual(await srv.state(), before);
    });
  }

  test(`a fork made by a lost attempt is rolled back too (concurrency ${concurrency})`, async () => {
    const baseBucket = await base('at-lost');
    const prefix = uniqueName('atl');
    const before = await srv.state();
    // Fork 1 is made but its answer is lost (the retry hears BucketAlreadyOwnedByYou); fork 4
    // answers 500 on every attempt, so its outcome is unknown until its lineage is checked.
    await srv.fault({ method: 'PUT', path: `/${prefix}-1/`, times: 1, action: { drop: 'after' } });
    await srv.fault({ method: 'PUT', path: `/${prefix}-4/`, times: 50, action: { status: 500, body: xmlError('InternalError', 'injected 500') } });
    const error = failure(await kit.createForks(baseBucket, COUNT, { prefix, concurrency, atomic: true, config: srv.config }));
    assert.equal(error.message, `Failed to create fork "${prefix}-4": Unable to create bucket injected 500`);
    assert.equal(error.code, 'ServerError');
    const lineage = (await srv.requests()).filter((r) => r.method === 'GET' && r.query?.includes('metadata'));
    assert.ok(lineage.some((r) => r.path.startsWith(`/${prefix}-1`)), 'the lost fork was checked');
    assert.deepEqual(await srv.state(), before);
  });
}

test('without atomic, createForks keeps the original partial result', async () => {
  const baseBucket = await base('at-plain');
  const prefix = uniqueName('atp');
  await srv.fault({ method: 'PUT', path: `/${prefix}-2/`, times: 1, action: { status: 409, body: xmlError('BucketAlreadyExists', 'taken') } });
  const set = dataOf(await kit.createForks(baseBucket, 4, { prefix, concurrency: 1, config: srv.config }));
  assert.deepEqual(set.forks.map((f) => f.bucket), [`${prefix}-0`, `${prefix}-1`]);
  dataOf(await kit.teardownForks(set, { config: srv.config }));
});

test('a reused prefix: the fork the caller already had is not deleted', async () => {
  const baseBucket = await base('at-reuse');
  const prefix = uniqueName('atr');
  const older = dataOf(await kit.createForks(baseBucket, 1, { prefix, config: srv.config }));
  const before = await srv.state();
  // The first attempt at fork 0 is dropped before the server acts: the retry's
  // BucketAlreadyOwnedByYou then comes from the older fork, whose lineage is another snapshot.
  await srv.fault({ method: 'PUT', path: `/${prefix}-0/`, times: 1, action: { drop: 'before' } });
  const error = failure(await kit.createForks(baseBucket, 3, { prefix, atomic: true, config: srv.config }));
  assert.equal(error.message, 'Failed to create any forks');
  assert.equal(error.code, 'BucketAlreadyExists');
  assert.deepEqual(await srv.state(), before, 'the older fork and its snapshot stay; the new ones are gone');
  dataOf(await kit.teardownForks(older, { config: srv.config }));
});

test('a successful atomic createForks is the usual result', async () => {
  const baseBucket = await base('at-ok');
  const set = dataOf(await kit.createForks(baseBucket, 3, { atomic: true, credentials: { role: 'Editor' }, config: srv.config }));
  assert.equal(set.forks.length, 3);
  for (const fork of set.forks) assert.equal((await get('seed.txt', 'string', s3(fork.bucket, fork.credentials))).data, 'seed');
  dataOf(await kit.teardownForks(set, { config: srv.config }));
});

test('atomic createWorkspace with TTL on a snapshot-enabled bucket fails and leaves nothing', async () => {
  const name = uniqueName('at-ws');
  const before = await srv.state();
  const logged = (await srv.requests()).length;
  const error = failure(await kit.createWorkspace(name, { enableSnapshots: true, ttl: { days: 1 }, credentials: { role: 'Editor' }, atomic: true, config: srv.config }));
  assert.match(error.message, new RegExp(`^Failed to set TTL on workspace "${name}": .+`));
  assert.equal(error.message.split('\n').length, 1);
  assert.equal(error.code, 'InvalidArgument');
  assert.deepEqual(await srv.state(), before);
  const sent = (await srv.requests()).slice(logged).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(sent, [`PUT /${name}/`, `GET /${name}`, `PATCH /${name}`, `DELETE /${name}/`], 'no key is minted after the TTL failed');
});

test('atomic createWorkspace rolls back a key failure: key-less bucket removed', async () => {
  const name = uniqueName('at-wsk');
  const before = await srv.state();
  await srv.fault({ method: 'POST', path: '/', times: 1, action: { status: 403, body: jsonError('AccessDenied', 'no keys today') } });
  const error = failure(await kit.createWorkspace(name, { credentials: { role: 'Editor' }, atomic: true, config: srv.config }));
  assert.equal(error.message, `Failed to create access key for "${name}": no keys today`);
  assert.deepEqual(await srv.state(), before);
});

test('restore with credentials: the key works on the restored bucket only; teardownWorkspace releases both', async () => {
  const source = await base('at-rs');
  const ck = dataOf(await kit.checkpoint(source, { config: srv.config }));
  const forkName = uniqueName('at-rsd');
  const restored = dataOf(await kit.restore(source, ck.snapshotId, { forkName, credentials: { role: 'Editor' }, config: srv.config }));
  assert.deepEqual(Object.keys(restored), ['bucket', 'credentials']);
  assert.equal(restored.bucket, forkName);
  const key = (await srv.state()).keys.find((k) => k.id === restored.credentials.accessKeyId);
  assert.equal(key.name, `${forkName}-key`);
  assert.deepEqual(key.buckets_role, [{ bucket: forkName, role: 'Editor' }]);
  assert.equal((await get('seed.txt', 'string', s3(forkName, restored.credentials))).data, 'seed');
  assert.equal((await put('mine.txt', 'x', s3(forkName, restored.credentials))).error, undefined);
  assert.ok((await put('theirs.txt', 'x', s3(source, restored.credentials))).error, 'refused on the source bucket');
  dataOf(await kit.teardownWorkspace(restored, { config: srv.config }));
  const st = await srv.state();
  assert.equal(st.buckets.find((b) => b.name === forkName), undefined);
  assert.equal(st.keys.find((k) => k.id === restored.credentials.accessKeyId), undefined);

  const plain = dataOf(await kit.restore(source, ck.snapshotId, { config: srv.config }));
  assert.deepEqual(Object.keys(plain), ['bucket'], 'no credentials unless asked');
  dataOf(await kit.teardownWorkspace(plain, { config: srv.config }));
  assert.equal((await srv.state()).buckets.find((b) => b.name === plain.bucket), undefined);
});

test('restore key failure: the bucket without credentials, or with atomic nothing', async () => {
  const source = await base('at-rk');
  const ck = dataOf(await kit.checkpoint(source, { config: srv.config }));
  const refuse = () => srv.fault({ method: 'POST', path: '/', times: 1, action: { status: 403, body: jsonError('AccessDenied', 'no keys today') } });
  await refuse();
  const kept = dataOf(await kit.restore(source, ck.snapshotId, { forkName: uniqueName('at-rk1'), credentials: { role: 'ReadOnly' }, config: srv.config }));
  assert.deepEqual(Object.keys(kept), ['bucket']);
  dataOf(await kit.teardownWorkspace(kept, { config: srv.config }));

  const before = await srv.state();
  await refuse();
  const forkName = uniqueName('at-rk2');
  const error = failure(await kit.restore(source, ck.snapshotId, { forkName, credentials: { role: 'ReadOnly' }, atomic: true, config: srv.config }));
  assert.equal(error.message, `Failed to create access key for "${forkName}": no keys today`);
  assert.equal(error.code, 'AccessDenied');
  assert.deepEqual(await srv.state(), before);
});

test('atomic must be a boolean', async () => {
  const message = errorOf(await kit.createWorkspace(uniqueName('at-bad'), { atomic: 'yes', config: srv.config }));
  assert.equal(message, 'options.atomic must be a boolean');
  assert.equal(errorOf(await kit.restore('abc', '1', { atomic: 1, config: srv.config })), 'options.atomic must be a boolean');
  assert.equal(errorOf(await kit.createForks('abc', 1, { atomic: 0, config: srv.config })), 'options.atomic must be a boolean');
});
