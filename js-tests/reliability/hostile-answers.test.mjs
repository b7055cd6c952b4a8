// The fuzz's hostile answers: every export is called against a 127.0.0.1 server that answers each
// request with a randomly drawn hostile answer (any status incl. redirects and 429, lying
// Content-Length, a connection cut mid-body, garbage or deeply nested XML/JSON, a body that never
// ends, no answer at all). Every call must resolve to exactly one of { data } / { error } with an
// `error.code` of the documented union; nothing throws, rejects or hangs past the deadlines, and
// no request ever goes to a redirect's Location.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { kit } from '../helpers/kit.mjs';
import { checkResult } from '../../stress/lib/fuzz.mjs';

const CALLS = Number(process.env.HOSTILE_ANSWER_CALLS ?? 200);
const CODES = new Set(['InvalidArgument', 'SnapshotsNotEnabled', 'BucketAlreadyExists', 'NotFound', 'AccessDenied',
  'Conflict', 'Timeout', 'NetworkError', 'ServerError', 'PartialFailure', 'Unauthorized', 'Aborted']);

/** A small seeded PRNG (mulberry32) so a failing seed can be replayed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.HOSTILE_ANSWER_SEED ?? (Date.now() % 2 ** 31));
const rand = prng(seed);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const nested = (tag, depth) => `<${tag}>`.repeat(depth) + `</${tag}>`.repeat(depth);

const BODIES = [
  () => '',
  () => Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 2048) }, () => Math.floor(rand() * 256))),
  () => `<?xml version="1.0"?>${nested('a', 1 + Math.floor(rand() * 20_000))}`,
  () => `<Error><Code>${pick(['AccessDenied', 'NoSuchBucket', 'BucketAlreadyExists', 'SlowDown', '', '&amp;'])}</Code><Message>${'x'.repeat(Math.floor(rand() * 5000))}</Message>`,
  () => `<ListAllMyBucketsResult><Buckets>${'<Bucket><Name>s;n=1</Name><CreationDate>not-a-date</CreationDate></Bucket>'.repeat(Math.floor(rand() * 50))}`,
  () => '['.repeat(1 + Math.floor(rand() * 20_000)),
  () => JSON.stringify({ Code: 42, Message: null, CreateAccessKeyResult: { AccessKey: { AccessKeyId: [], SecretAccessKey: {} } }, status: 'error' }),
  () => '{"AccessKeyId":"tid_x","SecretAccessKey":',
];

/** Answers one request with a hostile answer; `hits` counts what reached this server. */
function hostile(req, res, target) {
  const kind = rand();
  if (kind < 0.05) return; // never answers: the request deadline must end it
  if (kind < 0.12) { res.socket.destroy(); return; }
  const status = pick([200, 200, 204, 301, 302, 307, 308, 400, 403, 404, 409, 429, 500, 503, 599]);
  const body = pick(BODIES)();
  const headers = { 'content-type': pick(['application/xml', 'application/json', 'text/html', '']) };
  if (status >= 300 && status < 400) headers.location = `${target}/elsewhere`;
  if (rand() < 0.3) headers['x-tigris-snapshot-version'] = pick(['', '1', 'v; name="', 'x'.repeat(300)]);
  if (kind < 0.17) { // lying Content-Length, then cut
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body) + 1000) });
    res.write(body);
    setTimeout(() => res.socket?.destroy(), 5);
    return;
  }
  if (kind < 0.2) { // a body that never ends (bounded: the client must stop reading first)
    res.writeHead(200, headers);
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x3c);
    const timer = setInterval(() => {
      if (res.destroyed || sent > 64 * 1024 * 1024) { clearInterval(timer); res.destroy(); return; }
      sent += chunk.length;
      res.write(chunk);
    }, 1);
    res.on('close', () => clearInterval(timer));
    return;
  }
  res.writeHead(status, headers);
  res.end(body);
}

let server;
let elsewhere;
let elsewhereHits = 0;
let hits = 0;
let endpoint;
before(async () => {
  elsewhere = http.createServer((req, res) => { elsewhereHits += 1; res.end('<ok/>'); });
  await new Promise((r) => elsewhere.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${elsewhere.address().port}`;
  server = http.createServer((req, res) => {
    hits += 1;
    req.resume();
    req.on('end', () => hostile(req, res, target));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  server?.closeAllConnections();
  elsewhere?.closeAllConnections();
  await Promise.all([server, elsewhere].map((s) => new Promise((r) => (s ? s.close(r) : r()))));
});

/** One plausible call of each export, all against the hostile endpoint. */
function calls(config) {
  const n = `hostile-${Math.floor(rand() * 1e9)}`;
  return [
    () => kit.createForks(n, 1 + Math.floor(rand() * 3), { config, credentials: rand() < 0.5 ? { role: 'Editor' } : undefined }),
    () => kit.teardownForks({ baseBucket: n, snapshotId: '1', forks: [{ bucket: `${n}-f0` }] }, { config }),
    () => kit.createWorkspace(n, { config, ttl: rand() < 0.5 ? { days: 1 } : undefined, credentials: { role: 'ReadOnly' } }),
    () => kit.teardownWorkspace({ bucket: n, credentials: { accessKeyId: 'tid_x', secretAccessKey: 'tsec_x' } }, { config }),
    () => kit.checkpoint(n, { config, name: rand() < 0.5 ? 'cp' : undefined }),
    () => kit.restore(n, '1', { config }),
    () => kit.listCheckpoints(n, { config, limit: 1 + Math.floor(rand() * 10) }),
    () => kit.setupCoordination(n, { config, webhookUrl: 'https://example.invalid/hook' }),
    () => kit.teardownCoordination(n, { config }),
  ];
}

test(`${CALLS} calls against hostile answers resolve to { data } or { error } with a code`, { timeout: 300_000 }, async () => {
  const config = { endpoint, iamEndpoint: endpoint, accessKeyId: 'tid_hostile', secretAccessKey: 'tsec_hostile_canary', requestTimeoutMs: 300 };
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  let errors = 0;
  try {
    for (let done = 0; done < CALLS; done += 10) {
      const batch = Array.from({ length: Math.min(10, CALLS - done) }, () => pick(calls(config))());
      for (const res of await Promise.all(batch)) {
        const wrong = checkResult(res);
        assert.equal(wrong, undefined, `seed ${seed}: ${wrong}`);
        if (res.error) {
          errors += 1;
          assert.ok(CODES.has(res.error.code), `seed ${seed}: code ${res.error.code} for ${res.error.message.slice(0, 200)}`);
          assert.ok(!res.error.message.includes('tsec_hostile_canary'), `seed ${seed}: the secret leaked`);
        }
      }
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, [], `seed ${seed}: unhandled rejections`);
  assert.ok(hits >= CALLS, `seed ${seed}: only ${hits} requests reached the hostile server`);
  assert.ok(errors > 0, `seed ${seed}: hostile answers produced no error at all`);
  assert.equal(elsewhereHits, 0, `seed ${seed}: a redirect was followed`);
});
