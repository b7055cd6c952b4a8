// Bucket names (docs/protocol.md §9.6) are validated client-side: every export refuses an invalid name with
// a clear `Invalid bucket name "…": <rule>` error before sending any request, and names at the
// limits of the rules do reach the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kit } from '../helpers/kit.mjs';
import { startServer } from '../../stress/lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const INVALID = ['', 'ab', 'a'.repeat(64), 'My-Bucket', 'my_bucket', 'bücket', 'with space', '-abc', 'abc-', '.abc', 'abc.',
  'a..b', '192.168.5.4', 'xn--abc', 'abc-s3alias', 'a/b', 'abc\n', '\u0000abc', '😀😀😀', 'x'.repeat(1 << 20)];

/** Spec §9.6, independently: 3–63 of [a-z0-9.-], alphanumeric ends, no `..`, not an IPv4
 * address, no `xn--` prefix, no `-s3alias` suffix. */
const validName = (n) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(n) && !n.includes('..')
  && !/^\d+\.\d+\.\d+\.\d+$/.test(n) && !n.startsWith('xn--') && !n.endsWith('-s3alias');

const calls = (name, config) => ({
  createWorkspace: () => kit.createWorkspace(name, { config }),
  checkpoint: () => kit.checkpoint(name, { config }),
  restore: () => kit.restore(name, '1', { forkName: 'valid-fork', config }),
  'restore(forkName)': () => kit.restore('valid-src', '1', { forkName: name, config }),
  listCheckpoints: () => kit.listCheckpoints(name, { config }),
  createForks: () => kit.createForks(name, 2, { config }),
  'createForks(prefix)': () => kit.createForks('valid-src', 2, { prefix: name, config }),
  setupCoordination: () => kit.setupCoordination(name, { webhookUrl: 'http://127.0.0.1:9/', config }),
  teardownCoordination: () => kit.teardownCoordination(name, { config }),
  teardownWorkspace: () => kit.teardownWorkspace({ bucket: name }, { config }),
  teardownForks: () => kit.teardownForks({ baseBucket: 'valid-src', snapshotId: '1', forks: [{ bucket: name }] }, { config }),
});

test('invalid bucket names are refused before any request, by every export', async () => {
  let checked = 0;
  for (const name of INVALID) {
    for (const [what, call] of Object.entries(calls(name, srv.config))) {
      // prefixes get `-0` appended, so some invalid prefixes make valid names ('ab' → 'ab-0')
      if (what === 'createForks(prefix)' && validName(`${name}-0`) && validName(`${name}-1`)) continue;
      assert.ok(!validName(name));
      const before = (await srv.requests()).length;
      const res = await call();
      assert.ok(res.error instanceof Error, `${what}(${JSON.stringify(name.slice(0, 20))}) resolved to data`);
      assert.match(res.error.message, /Invalid bucket name "/, `${what}: ${res.error.message.slice(0, 200)}`);
      assert.ok(res.error.message.length < 500, `${what}: a ${res.error.message.length}-char message`);
      const sent = (await srv.requests()).slice(before);
      assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), [], `${what}(${JSON.stringify(name.slice(0, 20))}) sent requests`);
      checked += 1;
    }
  }
  assert.ok(checked > 200, `${checked} cases`);
});

test('names at the limits of the rules are accepted and reach the server', async () => {
  for (const name of ['abc', 'a'.repeat(63), 'a.b-c', '1.2.3', '1.2.3.4a', 'xn-abc', 's3alias-abc']) {
    const ws = await kit.createWorkspace(name, { config: srv.config });
    assert.deepEqual(ws, { data: { bucket: name } }, `${name}: ${ws.error?.message}`);
    assert.deepEqual(await kit.teardownWorkspace(ws.data, { config: srv.config }), { data: undefined });
  }
  assert.deepEqual((await srv.state()).buckets, []);
});

test('checkpoint names that cannot travel in a header are refused before any request; printable ASCII names round-trip', async () => {
  const ws = await kit.createWorkspace('ck-names', { enableSnapshots: true, config: srv.config });
  assert.ok(ws.data, ws.error?.message);
  const before = (await srv.requests()).length;
  for (const name of ['café', 'line\nbreak', 'cr\rlf', 'tab\there', 'nul\u0000', '😀', 'del\u007f', 'ÿ']) {
    const res = await kit.checkpoint('ck-names', { name, config: srv.config });
    assert.equal(res.error?.message, 'Failed to checkpoint bucket "ck-names": Invalid checkpoint name: only printable ASCII characters are allowed', JSON.stringify(name));
  }
  assert.deepEqual((await srv.requests()).slice(before), [], 'no request sent');
  const name = 'run 7; epoch=50 ~ "ok"!';
  const ck = await kit.checkpoint('ck-names', { name, config: srv.config });
  assert.equal(ck.data?.name, name, ck.error?.message);
  const list = await kit.listCheckpoints('ck-names', { config: srv.config });
  assert.deepEqual(list.data?.checkpoints.map((c) => [c.snapshotId, c.name]), [[ck.data.snapshotId, name]]);
  assert.deepEqual(await kit.teardownWorkspace(ws.data, { config: srv.config }), { data: undefined });
});

test('requestTimeoutMs must be a positive integer of milliseconds, checked before any request', async () => {
  const before = (await srv.requests()).length;
  for (const requestTimeoutMs of [0, -1, 1.5, NaN, Infinity, 2 ** 31, '100', true, {}]) {
    const res = await kit.listCheckpoints('valid-bucket', { config: { ...srv.config, requestTimeoutMs } });
    assert.equal(res.error?.message, 'options.config.requestTimeoutMs must be a positive integer', String(requestTimeoutMs));
  }
  assert.deepEqual((await srv.requests()).slice(before), [], 'no request sent');
  const ok = await kit.createWorkspace('timeout-ok', { config: { ...srv.config, requestTimeoutMs: 2 ** 31 - 1 } });
  assert.deepEqual(ok, { data: { bucket: 'timeout-ok' } });
  assert.deepEqual(await kit.teardownWorkspace(ok.data, { config: srv.config }), { data: undefined });
});
