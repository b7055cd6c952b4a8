// Cancellation: every options object takes `signal`. On abort the call starts no new step,
// cancels its in-flight request and waits for no retry; when nothing the caller asked for exists
// yet it resolves `{ error }` with code "Aborted" and `<the workflow's prefix>: Aborted`. An
// already-aborted signal fails before any request. Against tigris-local, with delays and
// failures injected through its fault hook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kit, uniqueName, dataOf } from '../helpers/kit.mjs';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

const xml = (code, message) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
const requestsFor = async (name) => (await srv.requests()).filter((r) => (r.path ?? '').includes(name));

/** Asserts an Aborted error with exactly `message`. */
function aborted(res, message) {
  assert.ok(!('data' in res), `expected an error, got ${JSON.stringify(res.data)}`);
  assert.ok(res.error instanceof Error);
  assert.equal(res.error.code, 'Aborted', res.error.message);
  assert.equal(res.error.message, message);
}

test('an already-aborted signal fails before any request (and before the credentialProvider)', async () => {
  const name = uniqueName('abort-before');
  let provided = 0;
  const { accessKeyId, secretAccessKey, ...rest } = srv.config;
  const credentialProvider = async () => { provided += 1; return { accessKeyId, secretAccessKey }; };
  aborted(await kit.createWorkspace(name, { signal: AbortSignal.abort(), config: { ...rest, credentialProvider } }),
    `Failed to create workspace bucket "${name}": Aborted`);
  aborted(await kit.checkpoint(name, { signal: AbortSignal.abort(), config: srv.config }), `Failed to checkpoint bucket "${name}": Aborted`);
  assert.equal(provided, 0, 'the provider was not called');
  assert.deepEqual(await requestsFor(name), [], 'no request sent');
});

test('abort during a request cancels it at once; teardown leaves nothing behind', async () => {
  const name = uniqueName('abort-during');
  await srv.fault({ method: 'PUT', path: `/${name}/`, times: 1, action: { delay_ms: 3000 } });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const started = performance.now();
  const res = await kit.createWorkspace(name, { signal: controller.signal, config: srv.config });
  const elapsed = performance.now() - started;
  aborted(res, `Failed to create workspace bucket "${name}": Aborted`);
  assert.ok(elapsed < 1500, `resolved ${Math.round(elapsed)} ms after the start, not after the server's delay`);
  assert.equal((await requestsFor(name)).length, 1, 'one request, not retried');
  await new Promise((resolve) => setTimeout(resolve, 3200));
  dataOf(await kit.teardownWorkspace({ bucket: name }, { config: srv.config }).then((r) => (r.error?.code === 'PartialFailure' ? { data: undefined } : r)));
  assert.equal((await srv.state()).buckets.some((b) => b.name === name), false, 'nothing left');
});

test('abort while failed attempts are retried: no further attempt, no wait to the end', async () => {
  // Every listing answers 503, so the call alternates attempts and backoff waits (4 attempts,
  // waits drawn from 0–100, 0–200 and 0–400 ms). Aborted after 30 ms, it stops in whichever it
  // is in; the chance that all four attempts and three waits fit in 30 ms is below 0.1 %.
  const name = uniqueName('abort-wait');
  await srv.fault({ method: 'GET', path: '/', times: 1000, action: { status: 503, body: xml('SlowDown', 'injected') } });
  const before = (await srv.requests()).length;
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  aborted(await kit.listCheckpoints(name, { signal: controller.signal, config: srv.config }), `Failed to list checkpoints for "${name}": Aborted`);
  const attempts = (await srv.requests()).slice(before).filter((r) => r.method === 'GET' && r.path === '/').length;
  assert.ok(attempts >= 1 && attempts < 4, `${attempts} attempts`);
  await srv.reset();
});

test('a late abort changes nothing; a non-signal is refused', async () => {
  const name = uniqueName('abort-late');
  const controller = new AbortController();
  const ws = dataOf(await kit.createWorkspace(name, { signal: controller.signal, config: srv.config }));
  controller.abort();
  dataOf(await kit.teardownWorkspace(ws, { config: srv.config }));
  const { error } = await kit.createWorkspace(name, { signal: { aborted: 'no' }, config: srv.config });
  assert.equal(error.code, 'InvalidArgument');
  assert.equal(error.message, 'options.signal must be an AbortSignal');
});

test('with atomic, an abort rolls everything back and resolves Aborted', async () => {
  const base = uniqueName('abort-atomic');
  dataOf(await kit.createWorkspace(base, { enableSnapshots: true, config: srv.config }));
  const names = async () => (await srv.state()).buckets.map((b) => b.name).sort();
  const keys = async () => (await srv.state()).keys.map((k) => k.id).sort();
  const [bucketsBefore, keysBefore] = [await names(), await keys()];
  const prefix = `${base}-f`;
  await srv.fault({ method: 'PUT', path: `/${prefix}-1/`, times: 1, action: { delay_ms: 1500 } });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const res = await kit.createForks(base, 3, { prefix, atomic: true, concurrency: 1, credentials: { role: 'ReadOnly' }, signal: controller.signal, config: srv.config });
  assert.ok(!('data' in res), `expected an error, got ${JSON.stringify(res.data)}`);
  assert.equal(res.error.code, 'Aborted', res.error.message);
  await new Promise((resolve) => setTimeout(resolve, 1800));
  const left = (await names()).filter((n) => !bucketsBefore.includes(n));
  assert.deepEqual(left, [], `the rollback left nothing (or named it: ${res.error.message})`);
  assert.deepEqual(await keys(), keysBefore, 'no key left');
  const base0 = (await srv.state()).buckets.find((b) => b.name === base);
  assert.equal(base0.snapshots.length, 0, 'the snapshot this call took was deleted');
  dataOf(await kit.teardownWorkspace({ bucket: base }, { config: srv.config }));
});
