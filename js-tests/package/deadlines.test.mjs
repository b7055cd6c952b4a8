// Deadlines that hold: `callTimeoutMs` bounds one Tigris operation (its credentials, attempts and
// waits), `deadlineMs` the whole exported call. Against a black-hole server (it accepts the
// connection and never answers) and a `credentialProvider` that never resolves, the call fails
// with `error.code` "Timeout" not before its deadline and within 1.5 s after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { kit, uniqueName } from '../helpers/kit.mjs';

let hole;
let endpoint;
const sockets = new Set();
before(async () => {
  hole = createServer((socket) => { sockets.add(socket); socket.on('error', () => {}); socket.on('close', () => sockets.delete(socket)); });
  await new Promise((resolve) => hole.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${hole.address().port}`;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => hole.close(resolve));
});

const keys = { accessKeyId: 'tid_deadline', secretAccessKey: 'tsec_deadline_secret' };

/** Runs `call`, asserts a Timeout error, returns the elapsed milliseconds. */
async function timedOut(call, prefix) {
  const started = performance.now();
  const res = await call();
  const elapsed = performance.now() - started;
  assert.ok(!('data' in res), `expected an error, got ${JSON.stringify(res.data)}`);
  assert.equal(res.error.code, 'Timeout', res.error.message);
  assert.ok(res.error.message.startsWith(prefix), res.error.message);
  return elapsed;
}

test('callTimeoutMs bounds one operation against a server that never answers', async () => {
  const name = uniqueName('deadline-call');
  const elapsed = await timedOut(
    () => kit.createWorkspace(name, { config: { ...keys, endpoint, iamEndpoint: endpoint, callTimeoutMs: 1500 } }),
    `Failed to create workspace bucket "${name}": Unable to create bucket Request timed out`,
  );
  assert.ok(elapsed >= 1500 - 5, `not before callTimeoutMs (${elapsed} ms)`);
  assert.ok(elapsed <= 1500 + 1500, `within callTimeoutMs + 1.5 s (${elapsed} ms)`);
});

test('a credentialProvider that never resolves fails by callTimeoutMs', async () => {
  const credentialProvider = () => new Promise(() => {});
  const elapsed = await timedOut(
    () => kit.checkpoint('deadline-provider', { config: { endpoint, iamEndpoint: endpoint, credentialProvider, callTimeoutMs: 1000 } }),
    'Failed to checkpoint bucket "deadline-provider": ',
  );
  assert.ok(elapsed >= 1000 - 5 && elapsed <= 2500, `${elapsed} ms`);
});

test('deadlineMs bounds the whole call, whatever callTimeoutMs allows', async () => {
  const elapsed = await timedOut(
    () => kit.listCheckpoints('deadline-whole', { config: { ...keys, endpoint, iamEndpoint: endpoint, deadlineMs: 1200 } }),
    'Failed to list checkpoints for "deadline-whole": ',
  );
  assert.ok(elapsed >= 1200 - 5 && elapsed <= 2700, `${elapsed} ms`);
});

test('the new fields are validated like requestTimeoutMs', async () => {
  for (const key of ['callTimeoutMs', 'deadlineMs']) {
    const { error } = await kit.listCheckpoints('deadline-bad', { config: { ...keys, endpoint, [key]: 0.5 } });
    assert.equal(error.code, 'InvalidArgument');
    assert.equal(error.message, `options.config.${key} must be a positive integer`);
  }
});
