// The built package (pkg/, as `npm run build` leaves it), loaded through its Node ESM entry, and
// small assertions on `TigrisResponse` values shared by the JS suites.
import assert from 'node:assert/strict';

/** The package's exports, loaded from pkg/node.mjs. */
export const kit = await import(new URL('../../pkg/node.mjs', import.meta.url).href);

/** The names `index.d.ts` declares as exported functions, in file order. */
export const declaredFunctions = ['createForks', 'teardownForks', 'createWorkspace', 'teardownWorkspace',
  'checkpoint', 'restore', 'listCheckpoints', 'setupCoordination', 'teardownCoordination', 'receiveCoordinationEvents',
  'listForks', 'mergeFork', 'rebaseFork', 'deleteCheckpoint', 'presign'];

let counter = 0;
/** A bucket name unique within this process run, valid under the S3 rules. */
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${counter}`;
}

/** Asserts `res` is `{ data }` (no `error` key) and returns the data. */
export function dataOf(res) {
  assert.equal(typeof res, 'object');
  assert.ok(res !== null);
  assert.ok(!('error' in res), `expected data, got error: ${res.error?.message}`);
  assert.ok(Object.hasOwn(res, 'data'), 'a success has an own `data` key');
  return res.data;
}

/** Asserts `res` is `{ error: Error }` (no `data` key) and returns the message. */
export function errorOf(res) {
  assert.equal(typeof res, 'object');
  assert.ok(res !== null);
  assert.ok(!('data' in res), `expected an error, got data: ${JSON.stringify(res.data)}`);
  assert.ok(res.error instanceof Error, 'error is an Error');
  return res.error.message;
}
