// createWorkspace / teardownWorkspace through the built package against a real tigris-local
// that verifies every signature: options, scoped keys, teardown, injected failures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { put, get } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const bucketState = async (name) => (await srv.state()).buckets.find((b) => b.name === name);
const keyState = async (id) => (await srv.state()).keys.find((k) => k.id === id);
const requestsFor = async (name) => (await srv.requests()).filter((r) => r.path.includes(name));

function storageConfig(bucket, credentials) {
  return {
    bucket,
    endpoint: srv.endpoint,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
  };
}

test('a plain workspace is a private bucket and nothing else', async () => {
  const name = uniqueName('ws-plain');
  const ws = dataOf(await kit.createWorkspace(name, { config: srv.config }));
  assert.deepEqual(ws, { bucket: name });
  assert.ok(!('credentials' in ws));
  const b = await bucketState(name);
  assert.equal(b.type, 0);
  const reqs = await requestsFor(name);
  assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), [`PUT /${name}/`]);
  assert.equal(reqs[0].headers['x-amz-acl'], undefined);
  assert.equal(reqs[0].headers['x-amz-acl-public-list-objects-enabled'], 'false');
  assert.equal((await srv.state()).keys.filter((k) => k.name === `${name}-key`).length, 0);
  assert.deepEqual(await kit.teardownWorkspace(ws, { config: srv.config }), { data: undefined });
  assert.equal(await bucketState(name), undefined);
});

for (const access of ['public', 'private']) {
  for (const role of ['Editor', 'ReadOnly']) {
    test(`workspace with access=${access}, ttl, credentials ${role}`, async () => {
      const name = uniqueName(`ws-${access}-${role.toLowerCase()}`);
      const ws = dataOf(await kit.createWorkspace(name, {
        access, ttl: { days: 2 }, credentials: { role }, config: srv.config,
      }));
      assert.equal(ws.bucket, name);
      assert.match(ws.credentials.accessKeyId, /^tid_/);
      assert.match(ws.credentials.secretAccessKey, /^tsec_/);
      const create = (await requestsFor(name)).find((r) => r.method === 'PUT');
      assert.equal(create.headers['x-amz-acl'], access === 'public' ? 'public-read' : undefined);
      const key = await keyState(ws.credentials.accessKeyId);
      assert.equal(key.name, `${name}-key`);
      assert.deepEqual(key.buckets_role, [{ bucket: name, role }]);
      const info = await bucketState(name);
      assert.ok(JSON.stringify(info).includes('"days":2'), 'the TTL rule is stored');

      // The scoped key writes into its own bucket (Editor) or is refused (ReadOnly).
      const wrote = await put('hello.txt', 'hi', { config: storageConfig(name, ws.credentials) });
      if (role === 'Editor') {
        assert.equal(wrote.error, undefined, wrote.error?.message);
        const read = await get('hello.txt', 'string', { config: storageConfig(name, ws.credentials) });
        assert.equal(read.data, 'hi');
      } else {
        assert.ok(wrote.error, 'a ReadOnly key cannot write');
      }
      dataOf(await kit.teardownWorkspace(ws, { config: srv.config }));
      assert.equal(await bucketState(name), undefined);
      assert.equal(await keyState(ws.credentials.accessKeyId), undefined);
      const after = await put('again.txt', 'x', { config: storageConfig(name, ws.credentials) });
      assert.ok(after.error, 'the revoked key is refused');
    });
  }
}

test('an Editor key cannot write into another bucket', async () => {
  const mine = dataOf(await kit.createWorkspace(uniqueName('ws-mine'), { credentials: { role: 'Editor' }, config: srv.config }));
  const other = dataOf(await kit.createWorkspace(uniqueName('ws-other'), { config: srv.config }));
  const res = await put('x.txt', 'x', { config: storageConfig(other.bucket, mine.credentials) });
  assert.ok(res.error, 'writing into a foreign bucket is refused');
  assert.equal((await bucketState(other.bucket)).objects, 0);
  dataOf(await kit.teardownWorkspace(mine, { config: srv.config }));
  dataOf(await kit.teardownWorkspace(other, { config: srv.config }));
});

test('enableSnapshots makes a snapshot bucket; TTL refused there still returns the workspace', async () => {
  const name = uniqueName('ws-snap');
  const ws = dataOf(await kit.createWorkspace(name, { enableSnapshots: true, ttl: { days: 1 }, config: srv.config }));
  assert.deepEqual(ws, { bucket: name });
  assert.equal((await bucketState(name)).type, 1);
  const create = (await requestsFor(name)).find((r) => r.method === 'PUT');
  assert.equal(create.headers['x-tigris-enable-snapshot'], 'true');
  assert.ok((await requestsFor(name)).some((r) => r.method === 'PATCH'), 'the TTL call was made');
  dataOf(await kit.teardownWorkspace(ws, { config: srv.config }));
});

test('a failing TTL call (beyond every retry) still returns the workspace, without the rule', async () => {
  const name = uniqueName('ws-ttlfail');
  await srv.fault({ method: 'PATCH', path: `/${name}*`, times: 20, action: { status: 500 } });
  const ws = dataOf(await kit.createWorkspace(name, { ttl: { days: 1 }, config: srv.config }));
  assert.deepEqual(ws, { bucket: name });
  const patches = (await requestsFor(name)).filter((r) => r.method === 'PATCH');
  assert.ok(patches.length >= 3, `the PATCH was retried (saw ${patches.length})`);
  assert.ok(!JSON.stringify(await bucketState(name)).includes('"days":1'), 'no TTL rule stored');
  dataOf(await kit.teardownWorkspace(ws, { config: srv.config }));
});

test('a failing key call still returns the workspace, without credentials and without a key', async () => {
  const name = uniqueName('ws-keyfail');
  await srv.fault({ method: 'POST', path: '/', times: 20, action: { status: 503 } });
  const ws = dataOf(await kit.createWorkspace(name, { credentials: { role: 'Editor' }, config: srv.config }));
  assert.deepEqual(ws, { bucket: name });
  const attempts = (await srv.requests()).filter((r) => r.method === 'POST' && r.query?.includes('CreateAccessKeyWithBucketsRole'));
  assert.ok(attempts.length >= 3, `the key call was retried (saw ${attempts.length})`);
  assert.equal((await srv.state()).keys.filter((k) => k.name === `${name}-key`).length, 0);
  await srv.reset(); // clears the remaining fault (and every bucket)
});

test('a retried key creation after a dropped response mints exactly one key', async () => {
  const name = uniqueName('ws-keydrop');
  await srv.fault({ method: 'POST', path: '/', times: 1, action: { drop: 'after' } });
  const ws = dataOf(await kit.createWorkspace(name, { credentials: { role: 'Editor' }, config: srv.config }));
  assert.match(ws.credentials?.accessKeyId ?? '', /^tid_/);
  const keys = (await srv.state()).keys.filter((k) => k.name === `${name}-key`);
  assert.equal(keys.length, 1);
  assert.equal(keys[0].id, ws.credentials.accessKeyId);
  dataOf(await kit.teardownWorkspace(ws, { config: srv.config }));
  assert.equal((await srv.state()).keys.filter((k) => k.name === `${name}-key`).length, 0);
});

test('a retried bucket creation after a dropped response succeeds once', async () => {
  const name = uniqueName('ws-bucketdrop');
  await srv.fault({ method: 'PUT', path: `/${name}/`, times: 1, action: { drop: 'after' } });
  const ws = dataOf(await kit.createWorkspace(name, { config: srv.config }));
  assert.equal(ws.bucket, name);
  assert.equal((await srv.state()).buckets.filter((b) => b.name === name).length, 1);
  dataOf(await kit.teardownWorkspace(ws, { config: srv.config }));
});

test('a name collision gives the original message and creates nothing', async () => {
  const name = uniqueName('ws-taken');
  dataOf(await kit.createWorkspace(name, { config: srv.config }));
  const message = errorOf(await kit.createWorkspace(name, { credentials: { role: 'Editor' }, config: srv.config }));
  assert.match(message, new RegExp(`^Failed to create workspace bucket "${name}": `));
  assert.equal((await srv.state()).keys.filter((k) => k.name === `${name}-key`).length, 0);
  dataOf(await kit.teardownWorkspace({ bucket: name }, { config: srv.config }));
});

test('teardown aggregates every failure in the original format', async () => {
  const name = uniqueName('ws-tdfail');
  const ws = dataOf(await kit.createWorkspace(name, { credentials: { role: 'Editor' }, config: srv.config }));
  await srv.fault({ method: 'POST', path: '/', times: 20, action: { status: 500, body: '{"Code":"InternalError","Message":"iam is down"}' } });
  await srv.fault({ method: 'DELETE', path: `/${name}/`, times: 20, action: { status: 500 } });
  const message = errorOf(await kit.teardownWorkspace(ws, { config: srv.config }));
  await srv.reset();
  const lines = message.split('\n');
  assert.equal(lines[0], 'Workspace teardown completed with errors:');
  assert.match(lines[1], new RegExp(`^Failed to remove access key for "${name}": iam is down$`));
  assert.match(lines[2], new RegExp(`^Failed to delete workspace "${name}": `));
  assert.equal(lines.length, 3);
});

test('missing credentials fail clearly without any request', async () => {
  const before = (await srv.requests()).length;
  const message = errorOf(await kit.createWorkspace(uniqueName('ws-nocreds'), { config: { endpoint: srv.endpoint } }));
  assert.match(message, /accessKeyId is missing/);
  assert.equal((await srv.requests()).length, before);
});
