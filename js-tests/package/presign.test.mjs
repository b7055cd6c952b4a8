// presign through the built package against tigris-local: GET, PUT (with and without a signed
// content type), HEAD and DELETE URLs used with plain fetch, for awkward keys, path-style and
// virtual-hosted; scoped keys (Editor works on its bucket only, ReadOnly cannot PUT), session
// tokens, expiry and tampering refused by the server; every validation message with its code,
// before any request; hostile arguments resolve, never throw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, fetch as undiciFetch } from 'undici';
import { get as storageGet } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf } from '../helpers/kit.mjs';

let srv;
let bucket;
before(async () => {
  srv = await startTigrisLocal({ sessionToken: 'tok_presign_session', extraArgs: ['--base-host', 's3.localhost'] });
  bucket = dataOf(await kit.createWorkspace(uniqueName('ps'), { config: srv.config })).bucket;
});
after(async () => { await srv?.stop(); });

const port = () => new URL(srv.endpoint).port;
/** `<bucket>.s3.localhost` names do not resolve: this fetch connects every host to 127.0.0.1. */
const loopback = new Agent({
  connect: {
    lookup: (_host, opts, cb) => (opts?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
  },
});
/** Uses a presigned URL with plain fetch (any host resolved to loopback); returns status and body. */
async function use(url, init = {}) {
  const res = await undiciFetch(url, { ...init, dispatcher: loopback });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
const signed = async (b, key, options = {}) => dataOf(await kit.presign(b, key, { config: srv.config, ...options }));
const requestCount = async () => (await srv.requests()).length;

const KEYS = ['plain.txt', 'dir/sub/file.txt', 'with space.txt', 'plus+sign', 'per%cent', 'quest?ion', 'hash#tag',
  'ünïcödé/😀.bin', 'semi;colon=eq&amp', "quote'\"", 'tilde~star*paren()', 'a//double/slash', ' lead and trail ',
  'brackets[]{}', 'back\\slash', 'caret^pipe|', 'comma,colon:at@', 'dollar$bang!', 'x'.repeat(1024)];

test('GET, PUT, HEAD and DELETE URLs work with plain fetch, for awkward keys', async () => {
  for (const key of KEYS) {
    const body = `body of ${key}`;
    const put = await signed(bucket, key, { method: 'PUT' });
    assert.equal(put.method, 'PUT');
    assert.equal((await use(put.url, { method: 'PUT', body })).status, 200, key);
    const viaSdk = await storageGet(key, 'string', { config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey } });
    assert.equal(viaSdk.data, body, `the official SDK reads it under the exact key ${JSON.stringify(key.slice(0, 40))}`);
    const get = await signed(bucket, key);
    assert.equal(get.method, 'GET', 'GET is the default');
    assert.deepEqual([(await use(get.url)).status, (await use(get.url)).body], [200, body], key);
    const head = await signed(bucket, key, { method: 'HEAD' });
    const h = await use(head.url, { method: 'HEAD' });
    assert.deepEqual([h.status, h.headers.get('content-length')], [200, String(Buffer.byteLength(body))], key);
    const del = await signed(bucket, key, { method: 'DELETE' });
    assert.equal((await use(del.url, { method: 'DELETE' })).status, 204, key);
    assert.equal((await use(get.url)).status, 404, `${key} is gone`);
  }
});

test('the URL and its expiry: parameters, expiresAt, the default hour, nothing sent', async () => {
  const before = await requestCount();
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const r = await signed(bucket, 'k', { expiresIn: 90 });
  const t1 = Date.now();
  assert.deepEqual(Object.keys(r), ['url', 'method', 'expiresAt']);
  assert.ok(r.expiresAt instanceof Date);
  const u = new URL(r.url);
  assert.equal(`${u.origin}${u.pathname}`, `${srv.endpoint}/${bucket}/k`, 'path-style on a localhost endpoint');
  const q = Object.fromEntries(u.searchParams);
  assert.deepEqual(Object.keys(q).sort(), ['X-Amz-Algorithm', 'X-Amz-Content-Sha256', 'X-Amz-Credential', 'X-Amz-Date',
    'X-Amz-Expires', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'x-id']);
  assert.deepEqual([q['X-Amz-Expires'], q['X-Amz-SignedHeaders'], q['x-id'], q['X-Amz-Content-Sha256']], ['90', 'host', 'GetObject', 'UNSIGNED-PAYLOAD']);
  const d = q['X-Amz-Date'];
  const signedAt = Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
  assert.ok(signedAt >= t0 && signedAt <= t1, 'signed now');
  assert.equal(r.expiresAt.getTime(), signedAt + 90_000, 'expiresAt = signing time + expiresIn');
  assert.match(q['X-Amz-Credential'], /^tid_local\/\d{8}\/auto\/s3\/aws4_request$/);
  assert.equal(new URL((await signed(bucket, 'k')).url).searchParams.get('X-Amz-Expires'), '3600', 'an hour by default');
  assert.equal(new URL((await signed(bucket, 'k', { method: 'HEAD' })).url).searchParams.get('x-id'), null, 'HEAD has no x-id');
  assert.equal(await requestCount(), before, 'presign sends nothing');
});

test('a signed content type: the upload must send it', async () => {
  const r = await signed(bucket, 'typed.json', { method: 'PUT', contentType: 'application/json' });
  assert.equal(new URL(r.url).searchParams.get('X-Amz-SignedHeaders'), 'content-type;host');
  const other = await use(r.url, { method: 'PUT', body: '{}', headers: { 'content-type': 'text/plain' } });
  assert.equal(other.status, 403, 'another content type is refused');
  assert.match(other.body, /SignatureDoesNotMatch/);
  assert.equal((await use(r.url, { method: 'PUT', body: '{}' })).status, 403, 'no content type is refused');
  assert.equal((await use(r.url, { method: 'PUT', body: '{"a":1}', headers: { 'content-type': 'application/json' } })).status, 200);
  const got = await use((await signed(bucket, 'typed.json')).url);
  assert.deepEqual([got.body, got.headers.get('content-type')], ['{"a":1}', 'application/json']);
});

test('virtual-hosted: an endpoint whose host takes bucket names addresses the bucket in the host', async () => {
  const config = { ...srv.config, endpoint: `http://s3.localhost:${port()}` };
  const key = 'vh/a b+c.txt';
  const put = dataOf(await kit.presign(bucket, key, { method: 'PUT', config }));
  assert.equal(new URL(put.url).host, `${bucket}.s3.localhost:${port()}`);
  assert.equal(new URL(put.url).pathname, '/vh/a%20b%2Bc.txt');
  assert.equal((await use(put.url, { method: 'PUT', body: 'virtual' })).status, 200);
  const get = dataOf(await kit.presign(bucket, key, { config }));
  assert.deepEqual([(await use(get.url)).status, (await use(get.url)).body], [200, 'virtual']);
  const pathStyle = await use((await signed(bucket, key)).url);
  assert.equal(pathStyle.body, 'virtual', 'the same object, path-style');
});

test('scoped keys: Editor works on its own bucket only; ReadOnly cannot PUT', async () => {
  const editor = dataOf(await kit.createWorkspace(uniqueName('ps-ed'), { credentials: { role: 'Editor' }, config: srv.config }));
  const reader = dataOf(await kit.createWorkspace(uniqueName('ps-ro'), { credentials: { role: 'ReadOnly' }, config: srv.config }));
  const as = (ws) => ({ config: { ...srv.config, ...ws.credentials } });
  const put = dataOf(await kit.presign(editor.bucket, 'mine.txt', { method: 'PUT', ...as(editor) }));
  assert.match(put.url, new RegExp(`X-Amz-Credential=${editor.credentials.accessKeyId}%2F`));
  assert.equal((await use(put.url, { method: 'PUT', body: 'mine' })).status, 200);
  assert.equal((await use(dataOf(await kit.presign(editor.bucket, 'mine.txt', as(editor))).url)).body, 'mine');
  const elsewhere = await use(dataOf(await kit.presign(bucket, 'not-mine.txt', { method: 'PUT', ...as(editor) })).url, { method: 'PUT', body: 'x' });
  assert.equal(elsewhere.status, 403, 'the Editor key on another bucket');
  const seed = await signed(reader.bucket, 'r.txt', { method: 'PUT' });
  assert.equal((await use(seed.url, { method: 'PUT', body: 'seeded' })).status, 200);
  const refused = await use(dataOf(await kit.presign(reader.bucket, 'r.txt', { method: 'PUT', ...as(reader) })).url, { method: 'PUT', body: 'x' });
  assert.equal(refused.status, 403, 'a ReadOnly PUT');
  assert.equal((await use(dataOf(await kit.presign(reader.bucket, 'r.txt', as(reader))).url)).body, 'seeded', 'a ReadOnly GET');
});

test('session tokens travel in the URL, signed (tigris-local checks the token of headers only)', async () => {
  const withToken = (sessionToken) => ({ config: { ...srv.config, sessionToken } });
  const put = dataOf(await kit.presign(bucket, 'tok.txt', { method: 'PUT', ...withToken('tok_presign_session') }));
  assert.equal(new URL(put.url).searchParams.get('X-Amz-Security-Token'), 'tok_presign_session');
  assert.equal((await use(put.url, { method: 'PUT', body: 'token' })).status, 200);
  const swapped = put.url.replace('tok_presign_session', 'tok_presign_sessioN');
  assert.equal((await use(swapped, { method: 'PUT', body: 'x' })).status, 403, 'the token is signed');
});

test('credentials from a credentialProvider sign the URL', async () => {
  let calls = 0;
  const credentialProvider = async () => { calls += 1; return { accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey }; };
  const r = dataOf(await kit.presign(bucket, 'prov.txt', { method: 'PUT', config: { endpoint: srv.endpoint, credentialProvider } }));
  assert.equal(calls, 1);
  assert.equal((await use(r.url, { method: 'PUT', body: 'p' })).status, 200);
  const failing = await kit.presign(bucket, 'prov.txt', { config: { endpoint: srv.endpoint, credentialProvider: async () => { throw new Error('vault down'); } } });
  assert.equal(failing.error.code, 'AccessDenied');
  assert.match(failing.error.message, /^Failed to presign "prov.txt" in "ps-.*": credentialProvider failed: vault down$/);
  const started = Date.now();
  const hanging = await kit.presign(bucket, 'prov.txt', { config: { endpoint: srv.endpoint, callTimeoutMs: 200, credentialProvider: () => new Promise(() => {}) } });
  assert.equal(hanging.error?.code, 'Timeout', 'a provider that never answers is bounded by callTimeoutMs');
  assert.ok(Date.now() - started < 5000);
});

test('an expired URL and a tampered one are refused', async () => {
  const put = await signed(bucket, 'exp.txt', { method: 'PUT' });
  assert.equal((await use(put.url, { method: 'PUT', body: 'e' })).status, 200);
  const short = await signed(bucket, 'exp.txt', { expiresIn: 1 });
  await new Promise((r) => setTimeout(r, 2100));
  const expired = await use(short.url);
  assert.equal(expired.status, 403);
  assert.match(expired.body, /expired/);
  const get = await signed(bucket, 'exp.txt');
  const sig = new URL(get.url).searchParams.get('X-Amz-Signature');
  const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
  for (const [what, url] of [
    ['signature', get.url.replace(sig, flipped)],
    ['key', get.url.replace('/exp.txt?', '/exp.txT?')],
    ['expiry', get.url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601')],
    ['method', null],
  ]) {
    const res = url ? await use(url) : await use(get.url, { method: 'DELETE' });
    assert.equal(res.status, 403, what);
  }
  assert.equal((await use(get.url)).body, 'e', 'the untampered URL still works');
});

test('every validation message and code, before any request', async () => {
  const before = await requestCount();
  const config = srv.config;
  const cases = [
    [() => kit.presign(42, 'k'), 'bucket must be a string'],
    [() => kit.presign(bucket, 42), 'key must be a string'],
    [() => kit.presign(bucket, undefined), 'key must be a string'],
    [() => kit.presign(bucket, 'k', 'GET'), 'options must be an object'],
    [() => kit.presign(bucket, 'k', { method: 1, config }), 'options.method must be a string'],
    [() => kit.presign(bucket, 'k', { expiresIn: '60', config }), 'options.expiresIn must be a positive integer'],
    [() => kit.presign(bucket, 'k', { contentType: 5, config }), 'options.contentType must be a string'],
    [() => kit.presign('Bad', 'k', { config }), 'Failed to presign "k" in "Bad": Invalid bucket name "Bad": may contain only lowercase letters, digits, dots and hyphens'],
    [() => kit.presign('ab', 'k', { config }), 'Failed to presign "k" in "ab": Invalid bucket name "ab": must be between 3 and 63 characters long'],
    [() => kit.presign(bucket, '', { config }), 'key must be a non-empty string of at most 1024 bytes'],
    [() => kit.presign(bucket, 'x'.repeat(1025), { config }), 'key must be a non-empty string of at most 1024 bytes'],
    [() => kit.presign(bucket, 'é'.repeat(513), { config }), 'key must be a non-empty string of at most 1024 bytes'],
    ...['get', 'POST', 'PATCH', '', ' GET'].map((method) => [() => kit.presign(bucket, 'k', { method, config }), 'options.method must be "GET", "PUT", "HEAD" or "DELETE"']),
    ...[0, -1, 1.5, 604801, NaN, Infinity].map((expiresIn) => [() => kit.presign(bucket, 'k', { expiresIn, config }), 'options.expiresIn must be an integer from 1 to 604800']),
    ...['GET', 'HEAD', 'DELETE', undefined].map((method) => [() => kit.presign(bucket, 'k', { method, contentType: 'text/plain', config }), 'options.contentType is only allowed with method "PUT"']),
    [() => kit.presign(bucket, 'k', { config: { endpoint: srv.endpoint } }), /^Failed to presign "k" in "ps-[^"]+": Tigris Config incomplete: accessKeyId is missing/],
    [() => kit.presign(bucket, 'k', { config: { ...config, endpoint: 'not a url' } }), /^Failed to presign "k" in "ps-[^"]+": .*Invalid URL/],
  ];
  for (const [call, message] of cases) {
    const res = await call();
    assert.ok(res.error instanceof Error && !('data' in res), String(message));
    if (typeof message === 'string') assert.equal(res.error.message, message);
    else assert.match(res.error.message, message);
    assert.equal(res.error.code, 'InvalidArgument', res.error.message);
  }
  assert.ok(dataOf(await kit.presign(bucket, 'é'.repeat(512), { config })).url, '1024 bytes of key are allowed');
  assert.ok(dataOf(await kit.presign(bucket, 'k', { expiresIn: 604800, config })).url, 'seven days are allowed');
  assert.equal(await requestCount(), before, 'nothing sent');
});

test('hostile arguments resolve to an error, never throw', async () => {
  const trap = () => { throw new Error('trap'); };
  const throwing = new Proxy({}, { get: trap, getOwnPropertyDescriptor: trap, has: trap, ownKeys: trap });
  const getters = Object.defineProperties({}, Object.fromEntries(['method', 'expiresIn', 'contentType', 'config']
    .map((k) => [k, { get: trap, enumerable: true }])));
  const args = [[], [undefined, undefined, undefined], [Symbol('s'), 'k'], [bucket, Symbol('k')], [bucket, 'k', throwing],
    [bucket, 'k', getters], [bucket, 'k', { method: { toString: trap } }], [bucket, 'k', { expiresIn: 10n }],
    [bucket, 'k', { config: throwing }], [bucket, 'k'.repeat(1 << 20)], [bucket, '\u0000\ud800', { config: srv.config }],
    [bucket, 'k', { config: { ...srv.config, credentialProvider: () => throwing } }]];
  for (const a of args) {
    let res;
    assert.doesNotThrow(() => { res = kit.presign(...a); });
    assert.ok(res instanceof Promise);
    const out = await res;
    assert.equal(Reflect.ownKeys(out).length, 1);
    assert.ok('error' in out || 'data' in out);
    if (out.error) assert.ok(out.error instanceof Error && out.error.message.length < 500, out.error.message);
  }
  const lone = dataOf(await kit.presign(bucket, 'a\ud800b', { config: srv.config }));
  assert.match(lone.url, /\/a%EF%BF%BDb\?/, 'a lone surrogate is sent as U+FFFD, as TextEncoder does');
});
