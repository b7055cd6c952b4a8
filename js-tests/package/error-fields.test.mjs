// What an error carries beyond the original's `message` and `name`: `status` and `serverCode`
// when a server answer caused it, and a `toJSON`, so `JSON.stringify(result)` shows the error
// instead of `{"error":{}}` — with nothing secret in it. Also the addressing rules a local user
// meets first: a `localhost` endpoint works from Node (path-style), and an endpoint with a path
// is refused before any request with a message that shows no user-info or query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kit, uniqueName, dataOf } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';
import { CANARY } from '../../stress/lib/canary.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('a server answer puts its status and code on the error; the message stays the original one', async () => {
  const missing = uniqueName('fields-missing');
  const { error } = await kit.teardownWorkspace({ bucket: missing }, { config: srv.config });
  assert.equal(error.code, 'PartialFailure');
  assert.equal(error.status, undefined, 'an aggregated failure has no single answer');

  const plain = uniqueName('fields-plain');
  dataOf(await kit.createWorkspace(plain, { config: srv.config }));
  const again = (await kit.createWorkspace(plain, { config: srv.config })).error;
  assert.equal(again.code, 'BucketAlreadyExists');
  assert.equal(again.status, 409);
  assert.equal(again.serverCode, 'BucketAlreadyOwnedByYou');
  assert.ok(again.message.startsWith(`Failed to create workspace bucket "${plain}": Unable to create bucket `), again.message);
  const snap = (await kit.checkpoint(plain, { config: srv.config })).error;
  assert.equal(snap.code, 'SnapshotsNotEnabled');
  assert.equal(typeof snap.status, 'number');
  assert.ok(snap.status >= 400 && snap.status < 500, `status ${snap.status}`);
  assert.equal(typeof snap.serverCode, 'string');
  dataOf(await kit.teardownWorkspace({ bucket: plain }, { config: srv.config }));

  const denied = (await kit.createWorkspace(uniqueName('fields-denied'), { config: { ...srv.config, secretAccessKey: 'tsec_wrong_secret_value' } })).error;
  assert.equal(denied.code, 'AccessDenied');
  assert.equal(denied.status, 403);
  assert.equal(denied.serverCode, 'SignatureDoesNotMatch');

  const refused = (await kit.createWorkspace('Bad_Name', { config: srv.config })).error;
  assert.equal(refused.code, 'InvalidArgument');
  assert.ok(!('status' in refused) && !('serverCode' in refused), 'no answer, no status');
});

test('JSON.stringify of an error result shows name, message, code, status and serverCode — no secret', async () => {
  const plain = uniqueName('fields-json');
  dataOf(await kit.createWorkspace(plain, { config: srv.config }));
  const result = await kit.createWorkspace(plain, { config: srv.config });
  const json = JSON.parse(JSON.stringify(result));
  assert.deepEqual(json, {
    error: {
      name: 'Error', message: result.error.message, code: 'BucketAlreadyExists', status: 409, serverCode: 'BucketAlreadyOwnedByYou',
    },
  });
  assert.equal(typeof result.error.toJSON, 'function');
  assert.ok(!Object.keys(result.error).includes('toJSON'), 'toJSON is not enumerable');
  assert.ok(result.error instanceof Error);
  assert.equal(result.error.name, 'Error');
  const invalid = JSON.parse(JSON.stringify(await kit.checkpoint(42)));
  assert.deepEqual(invalid, { error: { name: 'Error', message: 'bucket must be a string', code: 'InvalidArgument' } });

  const wrong = await kit.createWorkspace(uniqueName('fields-secret'), { config: { ...srv.config, secretAccessKey: CANARY.rootSecret + 'x' } });
  const text = JSON.stringify(wrong);
  assert.match(text, /"code":"AccessDenied"/);
  assert.ok(!text.includes(CANARY.rootSecret), 'the secret is not in the JSON');
  dataOf(await kit.teardownWorkspace({ bucket: plain }, { config: srv.config }));
});

test('a localhost endpoint is addressed path-style and works from Node', async () => {
  const port = new URL(srv.endpoint).port;
  const config = { ...srv.config, endpoint: `http://localhost:${port}`, iamEndpoint: `http://localhost:${port}` };
  const name = uniqueName('fields-localhost');
  const before = (await srv.requests()).length;
  const ws = dataOf(await kit.createWorkspace(name, { enableSnapshots: true, credentials: { role: 'Editor' }, config }));
  const cp = dataOf(await kit.checkpoint(name, { name: 'v1', config }));
  assert.ok(cp.snapshotId);
  dataOf(await kit.teardownWorkspace(ws, { config }));
  const mine = (await srv.requests()).slice(before).filter((r) => (r.path ?? '').includes(name));
  assert.ok(mine.length >= 3, `requests for the bucket logged (${mine.length})`);
  for (const r of mine) assert.ok(r.path.startsWith(`/${name}`), `path-style: ${r.method} ${r.path}`);
  const state = await srv.state();
  assert.equal(state.buckets.some((b) => b.name === name), false, 'torn down');
});

test('an endpoint with a path is refused before any request, showing no user-info or query', async () => {
  const before = (await srv.requests()).length;
  const port = new URL(srv.endpoint).port;
  const { error } = await kit.createWorkspace(uniqueName('fields-path'), {
    config: { ...srv.config, endpoint: `http://127.0.0.1:${port}/tigris/v1?token=${CANARY.sessionToken}` },
  });
  assert.equal(error.code, 'InvalidArgument');
  assert.ok(error.message.endsWith(`Invalid endpoint URL "http://127.0.0.1:${port}/tigris/v1": a path is not supported`), error.message);
  assert.ok(!error.message.includes(CANARY.sessionToken));
  const userInfo = (await kit.createWorkspace(uniqueName('fields-userinfo'), {
    config: { ...srv.config, endpoint: `http://user:${CANARY.rootSecret}@127.0.0.1:${port}/` },
  })).error;
  assert.equal(userInfo.code, 'InvalidArgument');
  assert.ok(!userInfo.message.includes(CANARY.rootSecret), userInfo.message);
  assert.equal((await srv.requests()).length, before, 'no request sent');
});
