// `error.code`: one real failure of every code the package produces this round, through the
// built package against tigris-local (faults injected through its /_local/faults hook where the
// server would not fail by itself). The message stays the original's; the error stays a plain
// `Error` (`instanceof Error`, `name === "Error"`); the code is the addition (README "Error
// codes"). `Unauthorized` belongs to the webhook receiver, an export that does not exist yet, so
// nothing can produce it; it is in the d.ts union already so that it does not change when that
// export arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kit, uniqueName, dataOf } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';

const CODES = ['InvalidArgument', 'SnapshotsNotEnabled', 'BucketAlreadyExists', 'NotFound', 'AccessDenied',
  'Conflict', 'Timeout', 'NetworkError', 'ServerError', 'PartialFailure', 'Unauthorized', 'Aborted'];
const NOT_YET = ['Unauthorized'];

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const seen = new Set();
/** Asserts `res` failed with `code` and a message starting with `prefix`; returns the error. */
function failed(res, code, prefix) {
  assert.ok(!('data' in res), `expected an error, got ${JSON.stringify(res.data)}`);
  const { error } = res;
  assert.ok(error instanceof Error, 'an Error');
  assert.equal(error.name, 'Error');
  assert.equal(error.code, code, error.message);
  assert.ok(error.message.startsWith(prefix), error.message);
  seen.add(code);
  return error;
}

const xml = (code, message) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

test('InvalidArgument: refused before any request (argument or incomplete config)', async () => {
  const before = (await srv.requests()).length;
  failed(await kit.createWorkspace('Bad_Name', { config: srv.config }), 'InvalidArgument', 'Failed to create workspace bucket "Bad_Name": Invalid bucket name');
  failed(await kit.createForks('valid-src', 0, { config: srv.config }), 'InvalidArgument', 'count must be a positive integer');
  failed(await kit.createWorkspace('cfg-missing', { config: { endpoint: srv.endpoint, accessKeyId: 'tid_x', secretAccessKey: '' } }),
    'InvalidArgument', 'Failed to create workspace bucket "cfg-missing": Tigris Config incomplete: secretAccessKey is missing.');
  failed(await kit.checkpoint(42), 'InvalidArgument', 'bucket must be a string');
  assert.equal((await srv.requests()).length, before, 'no request sent');
});

test('SnapshotsNotEnabled, BucketAlreadyExists, NotFound, PartialFailure: the server refuses', async () => {
  const plain = uniqueName('codes-plain');
  dataOf(await kit.createWorkspace(plain, { config: srv.config }));
  failed(await kit.checkpoint(plain, { config: srv.config }), 'SnapshotsNotEnabled', `Failed to checkpoint bucket "${plain}": Unable to create bucket snapshot Snapshots are not enabled`);
  failed(await kit.createWorkspace(plain, { config: srv.config }), 'BucketAlreadyExists', `Failed to create workspace bucket "${plain}": Unable to create bucket `);
  const missing = uniqueName('codes-missing');
  failed(await kit.restore(missing, '1', { forkName: uniqueName('codes-fork'), config: srv.config }), 'NotFound', `Failed to restore from snapshot "1": `);
  failed(await kit.teardownWorkspace({ bucket: missing }, { config: srv.config }), 'PartialFailure', 'Workspace teardown completed with errors:\n');
  dataOf(await kit.teardownWorkspace({ bucket: plain }, { config: srv.config }));
});

test('AccessDenied: a wrong secret, and a failing credentialProvider', async () => {
  failed(await kit.createWorkspace(uniqueName('codes-denied'), { config: { ...srv.config, secretAccessKey: 'tsec_wrong_secret' } }),
    'AccessDenied', 'Failed to create workspace bucket "');
  const credentialProvider = async () => { throw new Error('vault sealed'); };
  const { accessKeyId, secretAccessKey, ...rest } = srv.config;
  void accessKeyId; void secretAccessKey;
  failed(await kit.createWorkspace(uniqueName('codes-provider'), { config: { ...rest, credentialProvider } }),
    'AccessDenied', 'Failed to create workspace bucket "');
});

test('Conflict, ServerError, Timeout, NetworkError: injected answers and missing responses', async () => {
  const name = uniqueName('codes-fault');
  await srv.fault({ method: 'PUT', path: `/${name}/`, times: 1, nth: 1, action: { status: 409, body: xml('OperationAborted', 'A conflicting operation is in progress') } });
  failed(await kit.createWorkspace(name, { config: srv.config }), 'Conflict',
    `Failed to create workspace bucket "${name}": Unable to create bucket A conflicting operation is in progress`);
  await srv.fault({ method: 'PUT', path: `/${name}/`, times: 50, nth: 1, action: { status: 500, body: xml('InternalError', 'injected') } });
  failed(await kit.createWorkspace(name, { config: srv.config }), 'ServerError', `Failed to create workspace bucket "${name}": Unable to create bucket injected`);
  await srv.reset();
  await srv.fault({ method: 'PUT', path: `/${name}/`, times: 50, nth: 1, action: { delay_ms: 400 } });
  failed(await kit.createWorkspace(name, { config: { ...srv.config, requestTimeoutMs: 50 } }), 'Timeout',
    `Failed to create workspace bucket "${name}": Unable to create bucket Request timed out`);
  await srv.reset();
  // Nothing listens on port 9 of 127.0.0.1: the connection is refused on every attempt.
  failed(await kit.createWorkspace(name, { config: { ...srv.config, endpoint: 'http://127.0.0.1:9' } }), 'NetworkError',
    `Failed to create workspace bucket "${name}": Unable to create bucket `);
});

test('"Failed to create any forks" carries the code of the first fork\'s failure', async () => {
  const base = uniqueName('codes-base');
  dataOf(await kit.createWorkspace(base, { enableSnapshots: true, config: srv.config }));
  const prefix = uniqueName('codes-fk');
  await srv.fault({ method: 'PUT', path: `/${prefix}-0/`, times: 1, nth: 1, action: { status: 403, body: xml('AccessDenied', 'Access Denied') } });
  const error = failed(await kit.createForks(base, 2, { prefix, concurrency: 1, config: srv.config }), 'AccessDenied', 'Failed to create any forks');
  assert.equal(error.message, 'Failed to create any forks');
  dataOf(await kit.teardownWorkspace({ bucket: base }, { config: srv.config }));
});

test('Aborted: the call\'s signal aborted before the request', async () => {
  const name = uniqueName('codes-aborted');
  failed(await kit.createWorkspace(name, { signal: AbortSignal.abort(), config: srv.config }), 'Aborted',
    `Failed to create workspace bucket "${name}": Aborted`);
});

test('every code of the union is produced above, except the ones of later exports', () => {
  assert.deepEqual(CODES.filter((c) => !seen.has(c)), NOT_YET);
});
