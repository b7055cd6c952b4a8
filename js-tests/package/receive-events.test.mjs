// receiveCoordinationEvents through the built package: real deliveries from tigris-local to a
// node:http receiver on 127.0.0.1, read from Node's { headers, body } and from a WHATWG Request
// built from them; the Authorization check; malformed and oversized bodies; fuzzed requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { put, remove } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf } from '../helpers/kit.mjs';

const TOKEN = 'rx-SECRET-token-3f9a';
const USER = 'agent';
const PASSWORD = 'rx-SECRET-pass:word';
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let srv;
before(async () => { srv = await startTigrisLocal({ webhookTimeoutMs: 2000, webhookMaxAttempts: 3 }); });
after(async () => { await srv?.stop(); });

const s3 = (bucket) => ({ config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey } });
const workspace = async (p) => dataOf(await kit.createWorkspace(uniqueName(p), { config: srv.config })).bucket;
const until = async (cond, ms = 10000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};

/** A receiver that keeps every delivery as Node gives it ({ headers, body }) and answers
 * `answer(n)` to the n-th (1-based), after `delayMs(n)`. */
async function receiver({ answer = () => 200, delayMs = () => 0 } = {}) {
  const deliveries = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const n = deliveries.length;
      setTimeout(() => res.writeHead(answer(n)).end(), delayMs(n));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    deliveries,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}

/** The WHATWG Request a Worker would receive for `delivery`. */
const asRequest = (delivery, headers = delivery.headers) => new Request(`http://127.0.0.1${delivery.url}`, {
  method: delivery.method,
  headers: Object.entries(headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
  body: delivery.body,
});

const receive = (request, options) => kit.receiveCoordinationEvents(request, options);
const eventsOf = async (request, options) => dataOf(await receive(request, options));
/** Asserts `res` is `{ error }` with `code` and returns the error. */
function failure(res, code) {
  assert.ok(res && typeof res === 'object' && !('data' in res), `expected an error, got ${JSON.stringify(res)}`);
  assert.ok(res.error instanceof Error);
  assert.equal(res.error.code, code, res.error.message);
  const shown = `${res.error.message} ${JSON.stringify(res.error)} ${JSON.stringify(res)}`;
  for (const secret of [TOKEN, PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) {
    assert.ok(!shown.includes(secret), `the secret leaked: ${shown}`);
  }
  return res.error;
}

test('a real delivery (Bearer) parses into events with their fields, from { headers, body } and from a Request', async () => {
  const bucket = await workspace('rx-bearer');
  const rx = await receiver();
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, auth: { token: TOKEN }, config: srv.config }));
  const before = Date.now();
  await put('results/a.json', '{"ok":true}', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 1), 'no delivery');
  const [delivery] = rx.deliveries;
  const auth = { auth: { token: TOKEN } };
  const fromNode = await eventsOf({ headers: delivery.headers, body: delivery.body.toString() }, auth);
  const fromBytes = await eventsOf({ headers: delivery.headers, body: new Uint8Array(delivery.body) }, auth);
  const fromRequest = await eventsOf(asRequest(delivery), auth);
  assert.deepEqual(fromBytes, fromNode);
  assert.deepEqual(fromRequest, fromNode);
  assert.equal(fromNode.length, 1);
  const [event] = fromNode;
  const sent = JSON.parse(delivery.body).events[0];
  assert.deepEqual(Object.keys(event), ['id', 'eventName', 'eventTime', 'bucket', 'key', 'size', 'eTag']);
  assert.equal(event.eventName, 'OBJECT_CREATED_PUT');
  assert.equal(event.bucket, bucket);
  assert.equal(event.key, 'results/a.json');
  assert.equal(event.size, 11);
  assert.equal(event.eTag, sent.object.eTag);
  assert.equal(event.eTag, createHash('md5').update('{"ok":true}').digest('hex'));
  assert.ok(event.eventTime instanceof Date);
  assert.equal(event.eventTime.getTime(), Date.parse(sent.eventTime));
  assert.ok(Math.abs(event.eventTime.getTime() - before) < 10_000);
  assert.match(event.id, /^[0-9a-f]{64}$/);
  await rx.close();
});

test('a batched delivery yields every event in order; a delete has its own event and id', async () => {
  const bucket = await workspace('rx-batch');
  // The first delivery is held for 500 ms: the writes made meanwhile go out together next.
  const rx = await receiver({ delayMs: (n) => (n === 1 ? 500 : 0) });
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, auth: { username: USER, password: PASSWORD }, config: srv.config }));
  await put('first.txt', 'x', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 1));
  for (let i = 0; i < 5; i++) await put(`batch/${i}.txt`, 'y'.repeat(i), s3(bucket));
  await remove('first.txt', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 2));
  await new Promise((r) => setTimeout(r, 300));
  const options = { auth: { username: USER, password: PASSWORD } };
  const all = [];
  for (const d of rx.deliveries) all.push(...await eventsOf({ headers: d.headers, body: d.body }, options));
  assert.ok(rx.deliveries.some((d) => JSON.parse(d.body).events.length > 1), 'some delivery carried several events');
  assert.deepEqual(all.map((e) => e.key), ['first.txt', 'batch/0.txt', 'batch/1.txt', 'batch/2.txt', 'batch/3.txt', 'batch/4.txt', 'first.txt']);
  assert.deepEqual(all.slice(1, 6).map((e) => e.size), [0, 1, 2, 3, 4]);
  assert.deepEqual(all.map((e) => e.eventName), [...Array(6).fill('OBJECT_CREATED_PUT'), 'OBJECT_DELETED']);
  assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'distinct events have distinct ids');
  const batched = rx.deliveries.at(-1);
  assert.deepEqual(await eventsOf(asRequest(batched), options), await eventsOf({ headers: batched.headers, body: batched.body }, options));
  await rx.close();
});

test('a redelivery (the first attempt answered 500) yields the same ids', async () => {
  const bucket = await workspace('rx-retry');
  const rx = await receiver({ answer: (n) => (n === 1 ? 500 : 200) });
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, auth: { token: TOKEN }, config: srv.config }));
  await put('again.txt', 'z', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 2, 15000), `deliveries: ${rx.deliveries.length}`);
  const [first, second] = await Promise.all(rx.deliveries.slice(0, 2).map((d) => eventsOf({ headers: d.headers, body: d.body }, { auth: { token: TOKEN } })));
  assert.equal(first.length, 1);
  assert.deepEqual(second, first);
  assert.equal(second[0].id, first[0].id);
  await rx.close();
});

test('wrong, missing and mixed-up credentials are Unauthorized, and the body is not read', async () => {
  const body = '{"events":[]}';
  const bearer = { auth: { token: TOKEN } };
  const pair = { auth: { username: USER, password: PASSWORD } };
  const cases = [
    [{ authorization: `Bearer ${TOKEN}x` }, bearer],
    [{ authorization: `Bearer ${TOKEN.slice(0, -1)}` }, bearer],
    [{ authorization: 'Bearer ' }, bearer],
    [{ authorization: TOKEN }, bearer],
    [{}, bearer],
    [{ authorization: basic(USER, PASSWORD) }, bearer],
    [{ authorization: `Basic ${TOKEN}` }, bearer],
    [{ authorization: basic(USER, `${PASSWORD}!`) }, pair],
    [{ authorization: basic('agent2', PASSWORD) }, pair],
    [{ authorization: `Bearer ${PASSWORD}` }, pair],
    [{ authorization: `Bearer ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` }, pair],
    [{ authorization: 'Basic !!!' }, pair],
    [{}, pair],
    [{ authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] }, bearer],
    [{ Authorization: `Bearer ${TOKEN}`, authorization: `Bearer ${TOKEN}` }, bearer],
  ];
  for (const [headers, options] of cases) {
    const e = failure(await receive({ headers, body }, options), 'Unauthorized');
    assert.match(e.message, /Authorization header/);
    failure(await receive(new Request('http://x/', { method: 'POST', headers: Object.entries(headers).flatMap(([k, v]) => [v].flat().map((x) => [k, x])), body }), options), 'Unauthorized');
  }
  // A refused Request keeps its body unread.
  const request = new Request('http://x/', { method: 'POST', body });
  failure(await receive(request, bearer), 'Unauthorized');
  assert.equal(request.bodyUsed, false);
  // Names in any case, a one-element string[], a Headers object, spaces around the value.
  for (const headers of [{ AUTHORIZATION: `Bearer ${TOKEN}` }, { authorization: [`Bearer ${TOKEN}`] }, new Headers({ Authorization: ` bearer ${TOKEN} ` })]) {
    assert.deepEqual(await eventsOf({ headers, body }, bearer), []);
  }
  assert.deepEqual(await eventsOf({ headers: { authorization: basic(USER, PASSWORD) }, body }, pair), []);
  // Without auth no check is made at all.
  assert.deepEqual(await eventsOf({ headers: {}, body }), []);
  assert.deepEqual(await eventsOf({ body }), []);
});

test('invalid options are InvalidArgument with messages naming the option', async () => {
  const request = { headers: {}, body: '{"events":[]}' };
  for (const [options, message] of [
    [42, 'options must be an object'],
    [{ auth: 'tok' }, 'options.auth must be an object'],
    [{ auth: { token: 7 } }, 'options.auth.token must be a string'],
    [{ auth: { username: USER, password: 1 } }, 'options.auth.password must be a string'],
    [{ auth: {} }, 'Auth must include either token or username and password'],
    [{ auth: { token: ' ' } }, 'Auth token must not be empty'],
    [{ auth: { token: TOKEN, username: USER, password: PASSWORD } }, 'Only one of auth.token or auth.username and auth.password can be provided'],
    [{ auth: { get token() { throw new Error(TOKEN); } } }, 'options.auth.token could not be read'],
  ]) {
    assert.equal(failure(await receive(request, options), 'InvalidArgument').message, message);
  }
});

test('malformed and oversized bodies are InvalidArgument naming what is wrong', async () => {
  const event = { eventName: 'OBJECT_CREATED_PUT', eventTime: '2026-01-02T03:04:05.678Z', bucket: 'b', object: { key: 'k', size: 1, eTag: '"e"' } };
  const cases = [
    ['', 'the delivery body is not JSON'],
    ['{"events":', 'the delivery body is not JSON'],
    ['{"events":{}}', 'the delivery body has no events array'],
    [JSON.stringify({ events: [{ ...event, bucket: undefined }] }), 'events[0].bucket must be a string'],
    [JSON.stringify({ events: [event, { ...event, eventTime: 'soon' }] }), 'events[1].eventTime must be an RFC 3339 date-time'],
    [JSON.stringify({ events: [{ ...event, object: { key: 'k', size: -1 } }] }), 'events[0].object.size must be a non-negative integer'],
    [JSON.stringify({ events: [{ ...event, object: { size: 1 } }] }), 'events[0].object.key must be a string'],
  ];
  for (const [body, message] of cases) {
    assert.equal(failure(await receive({ headers: {}, body }), 'InvalidArgument').message, message);
  }
  const ok = JSON.stringify({ events: [event] });
  const [parsed] = await eventsOf({ headers: {}, body: ok });
  assert.deepEqual({ ...parsed, id: 'x' }, { id: 'x', eventName: event.eventName, eventTime: new Date(event.eventTime), bucket: 'b', key: 'k', size: 1, eTag: '"e"' });
  // Exactly 1 MiB is read; one byte more is refused (as a string, as bytes, as a Request).
  const atLimit = ok.padEnd(1 << 20, ' ');
  assert.equal((await eventsOf({ headers: {}, body: atLimit })).length, 1);
  const over = `${atLimit} `;
  const bigMessage = 'the delivery body is over 1 MiB';
  assert.equal(failure(await receive({ headers: {}, body: over }), 'InvalidArgument').message, bigMessage);
  assert.equal(failure(await receive({ headers: {}, body: new TextEncoder().encode(over) }), 'InvalidArgument').message, bigMessage);
  assert.equal(failure(await receive(new Request('http://x/', { method: 'POST', body: over })), 'InvalidArgument').message, bigMessage);
  assert.equal(failure(await receive({ headers: {}, body: 'é'.repeat(600_000) }), 'InvalidArgument').message, bigMessage, 'the limit counts UTF-8 bytes');
  assert.equal(failure(await receive({ headers: {}, body: 'x'.repeat(50 << 20) }), 'InvalidArgument').message, bigMessage);
});

test('requests that cannot be read are InvalidArgument, never a throw', async () => {
  const used = new Request('http://x/', { method: 'POST', body: '{"events":[]}' });
  await used.text();
  const trap = () => { throw new Error(TOKEN); };
  const proxy = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
  for (const request of [undefined, null, 42, 'x', Symbol('s'), {}, { headers: {}, body: 42 }, { headers: {}, body: new ArrayBuffer(2) }, used, proxy]) {
    const e = failure(await receive(request), 'InvalidArgument');
    assert.match(e.message, /^request\.body could not be read/);
  }
  for (const request of [undefined, null, 42, {}, { headers: null, body: '' }, proxy, { headers: proxy, body: '' }]) {
    const e = failure(await receive(request, { auth: { token: TOKEN } }), 'InvalidArgument');
    assert.match(e.message, /^request\.headers could not be read/);
  }
});

test('1,000 fuzzed requests resolve to { data } or { error }, never throw, never leak the secret', async () => {
  const headerValue = fc.oneof(fc.string(), fc.constant(`Bearer ${TOKEN}`), fc.constant(basic(USER, PASSWORD)),
    fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined), fc.integer());
  const headers = fc.oneof(fc.dictionary(fc.constantFrom('authorization', 'Authorization', 'x', 'content-type'), headerValue), fc.anything());
  const eventValue = fc.record({ eventName: fc.oneof(fc.string(), fc.anything()), eventTime: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()), bucket: fc.string(), object: fc.oneof(fc.record({ key: fc.string(), size: fc.oneof(fc.nat(), fc.double()), eTag: fc.string() }), fc.anything()) }, { requiredKeys: [] });
  const body = fc.oneof(fc.string(), fc.uint8Array(), fc.json(), fc.array(eventValue).map((events) => JSON.stringify({ events })), fc.anything());
  const options = fc.oneof(fc.constant(undefined), fc.constant({ auth: { token: TOKEN } }), fc.constant({ auth: { username: USER, password: PASSWORD } }), fc.anything());
  const asWhatwg = fc.boolean();
  let data = 0;
  await fc.assert(fc.asyncProperty(headers, body, options, asWhatwg, async (h, b, o, whatwg) => {
    let request = { headers: h, body: b };
    if (whatwg && (typeof b === 'string' || b instanceof Uint8Array)) {
      try { request = new Request('http://x/', { method: 'POST', headers: h, body: b }); } catch { /* headers a Request refuses: keep the object */ }
    }
    let res;
    try { res = await receive(request, o); } catch (e) { assert.fail(`threw ${e}`); }
    assert.equal(Object.keys(res).length, 1);
    if ('data' in res) { assert.ok(Array.isArray(res.data)); data += 1; return; }
    failure(res, res.error.code);
    assert.ok(['InvalidArgument', 'Unauthorized'].includes(res.error.code));
  }), { numRuns: 1000 });
  assert.ok(data > 0, 'some fuzzed requests were accepted');
});
