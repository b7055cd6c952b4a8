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

/** docs/protocol.md §9.6, independently: 3–63 of [a-z0-9.-], alphanumeric ends, no `..`, not an IPv4
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
  listForks: () => kit.listForks(name, { config }),
  'mergeFork(fork)': () => kit.mergeFork(name, 'valid-src', { config }),
  'mergeFork(baseBucket)': () => kit.mergeFork('valid-fork', name, { config }),
  rebaseFork: () => kit.rebaseFork(name, { config }),
  deleteCheckpoint: () => kit.deleteCheckpoint(name, '1', { config }),
  presign: () => kit.presign(name, 'key', { config }),
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

// With two invalid inputs the error reported is the one the original reports: the JS types and
// `config` first, then the values in each function's own order (e.g. the bucket name before
// `ttl.days` or `limit`, `count` before `concurrency` before the base name).
test('with two invalid inputs, the same error wins as in the original', async () => {
  const bad = 'Bad_Name';
  const rule = `Invalid bucket name "${bad}": may contain only lowercase letters, digits, dots and hyphens`;
  const badConfig = (config) => ({ ...config, requestTimeoutMs: 0 });
  const cases = (config) => [
    ['createWorkspace: name before ttl.days', () => kit.createWorkspace(bad, { ttl: { days: 0 }, config }),
      `Failed to create workspace bucket "${bad}": ${rule}`],
    ['createWorkspace: name before a fractional ttl.days', () => kit.createWorkspace(bad, { ttl: { days: 1.5 }, config }),
      `Failed to create workspace bucket "${bad}": ${rule}`],
    ['createWorkspace: a ttl.days that is no number before the name', () => kit.createWorkspace(bad, { ttl: { days: 'x' }, config }),
      'options.ttl.days must be a positive integer'],
    ['createWorkspace: config before the name', () => kit.createWorkspace(bad, { ttl: { days: 0 }, config: badConfig(config) }),
      'options.config.requestTimeoutMs must be a positive integer'],
    ['listCheckpoints: bucket before limit', () => kit.listCheckpoints(bad, { limit: 0, config }),
      `Failed to list checkpoints for "${bad}": ${rule}`],
    ['listCheckpoints: bucket before a limit above the maximum', () => kit.listCheckpoints(bad, { limit: 2 ** 40, config }),
      `Failed to list checkpoints for "${bad}": ${rule}`],
    ['listCheckpoints: a limit that is no number before the bucket', () => kit.listCheckpoints(bad, { limit: '5', config }),
      'options.limit must be a positive integer'],
    ['listCheckpoints: config before the bucket', () => kit.listCheckpoints(bad, { config: badConfig(config) }),
      'options.config.requestTimeoutMs must be a positive integer'],
    ['createForks: count over 1000 before concurrency', () => kit.createForks('valid-src', 1001, { concurrency: 0, config }),
      'count must be at most 1000'],
    ['createForks: a huge count before concurrency', () => kit.createForks('valid-src', 2 ** 40, { concurrency: -1, config }),
      'count must be at most 1000'],
    ['createForks: a count that is no integer before concurrency', () => kit.createForks('valid-src', 1.5, { concurrency: 0, config }),
      'count must be a positive integer'],
    ['createForks: count over 1000 before the base name', () => kit.createForks(bad, 1001, { config }),
      'count must be at most 1000'],
    ['createForks: concurrency before the base name', () => kit.createForks(bad, 2, { concurrency: 0, config }),
      'options.concurrency must be a positive integer'],
    ['createForks: base name before the fork names', () => kit.createForks(bad, 2, { prefix: 'UPPER', config }),
      `Failed to snapshot bucket "${bad}": ${rule}`],
    ['createForks: config before count', () => kit.createForks('valid-src', 1001, { config: badConfig(config) }),
      'options.config.requestTimeoutMs must be a positive integer'],
    ['teardownForks: concurrency before an invalid fork name', () => kit.teardownForks({ baseBucket: 'valid-src', snapshotId: '1', forks: [{ bucket: bad }] }, { concurrency: 0, config }),
      'options.concurrency must be a positive integer'],
    ['checkpoint: bucket before the checkpoint name', () => kit.checkpoint(bad, { name: 'caf\u00e9', config }),
      `Failed to checkpoint bucket "${bad}": ${rule}`],
    ['restore: bucket before the snapshot id and the fork name', () => kit.restore(bad, 'x\ny', { forkName: 'UPPER', config }),
      `Failed to restore from snapshot "x\ny": ${rule}`],
    ['restore: snapshot id before the fork name', () => kit.restore('valid-src', 'x\ny', { forkName: 'UPPER', config }),
      'Failed to restore from snapshot "x\ny": Invalid snapshot id'],
    ['setupCoordination: bucket before the webhook URL and auth', () => kit.setupCoordination(bad, { webhookUrl: 'ftp://x/', auth: {}, config }),
      `Failed to setup coordination on "${bad}": ${rule}`],
    ['setupCoordination: config before the bucket', () => kit.setupCoordination(bad, { config: badConfig(config) }),
      'options.config.requestTimeoutMs must be a positive integer'],
    ['teardownCoordination: config before the bucket', () => kit.teardownCoordination(bad, { config: badConfig(config) }),
      'options.config.requestTimeoutMs must be a positive integer'],
    ['presign: bucket before the key, method, expiresIn and contentType', () => kit.presign(bad, '', { method: 'POST', expiresIn: 0, contentType: 't', config }),
      `Failed to presign "" in "${bad}": ${rule}`],
    ['presign: key before method', () => kit.presign('valid-src', '', { method: 'POST', expiresIn: 0, config }),
      'key must be a non-empty string of at most 1024 bytes'],
    ['presign: method before expiresIn', () => kit.presign('valid-src', 'k', { method: 'get', expiresIn: 0, config }),
      'options.method must be "GET", "PUT", "HEAD" or "DELETE"'],
    ['presign: expiresIn before contentType', () => kit.presign('valid-src', 'k', { expiresIn: 604801, contentType: 't', config }),
      'options.expiresIn must be an integer from 1 to 604800'],
    ['presign: an expiresIn that is no number before the bucket', () => kit.presign(bad, 'k', { expiresIn: '60', config }),
      'options.expiresIn must be a positive integer'],
    ['presign: config before the bucket', () => kit.presign(bad, 'k', { config: badConfig(config) }),
      'options.config.requestTimeoutMs must be a positive integer'],
  ];
  const before = (await srv.requests()).length;
  const expected = [];
  const actual = [];
  for (const [what, call, message] of cases(srv.config)) {
    const res = await call();
    expected.push(`${what}: ${message} (InvalidArgument)`);
    actual.push(`${what}: ${res.error?.message} (${res.error?.code})`);
  }
  assert.deepEqual(actual, expected);
  assert.deepEqual((await srv.requests()).slice(before), [], 'no request sent');
});
