// setupCoordination / teardownCoordination through the built package, with tigris-local
// delivering real webhooks to receivers on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { put } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit, uniqueName, dataOf, errorOf } from '../helpers/kit.mjs';

let srv;
before(async () => { srv = await startTigrisLocal({ webhookTimeoutMs: 500 }); });
after(async () => { await srv?.stop(); });

const s3 = (bucket) => ({ config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey } });
const workspace = async (p) => dataOf(await kit.createWorkspace(uniqueName(p), { config: srv.config })).bucket;

/** A receiver that records deliveries; `answer(n)` gives the status for the n-th (1-based) delivery, or 'hang'. */
async function receiver(answer = () => 200) {
  const deliveries = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(body) });
      const a = answer(deliveries.length);
      if (a !== 'hang') res.writeHead(a).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    deliveries,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  };
}
const until = async (cond, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};
const keysOf = (deliveries) => deliveries.flatMap((d) => d.body.events.map((e) => e.object.key));

test('only matching keys fire, with the documented fields and Bearer auth', async () => {
  const bucket = await workspace('co-bearer');
  const rx = await receiver();
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, filter: 'WHERE `key` REGEXP "^results/"', auth: { token: 'tok-123' }, config: srv.config }));
  const patch = (await srv.requests()).filter((r) => r.method === 'PATCH' && r.path === `/${bucket}`).at(-1);
  assert.equal(patch.body, JSON.stringify({ object_notifications: { enabled: true, web_hook: rx.url, filter: 'WHERE `key` REGEXP "^results/"', auth: { token: '******' } } }), 'the token is masked in the log');
  await put('scratch/a.txt', 'a', s3(bucket));
  await put('results/b.json', '{"ok":true}', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 1));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(keysOf(rx.deliveries), ['results/b.json']);
  const [event] = rx.deliveries[0].body.events;
  assert.equal(event.eventName, 'OBJECT_CREATED_PUT');
  assert.equal(event.bucket, bucket);
  assert.equal(event.object.size, 11);
  assert.ok(!Number.isNaN(Date.parse(event.eventTime)));
  assert.equal(rx.deliveries[0].headers.authorization, 'Bearer tok-123');
  await rx.close();
});

test('Basic auth arrives as configured; no filter means every event', async () => {
  const bucket = await workspace('co-basic');
  const rx = await receiver();
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, auth: { username: 'u', password: 'p w' }, config: srv.config }));
  await put('any.txt', 'x', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 1));
  assert.equal(rx.deliveries[0].headers.authorization, `Basic ${Buffer.from('u:p w').toString('base64')}`);
  await rx.close();
});

test('a receiver answering 500 twice gets the event again until it acknowledges', async () => {
  const bucket = await workspace('co-retry');
  const rx = await receiver((n) => (n <= 2 ? 500 : 200));
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, config: srv.config }));
  await put('r.txt', 'x', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 3, 15000), `deliveries: ${rx.deliveries.length}`);
  assert.deepEqual(keysOf(rx.deliveries), ['r.txt', 'r.txt', 'r.txt']);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(rx.deliveries.length, 3, 'no delivery after the acknowledgement');
  await rx.close();
});

test('a hanging receiver does not block S3 writes', async () => {
  const bucket = await workspace('co-hang');
  const rx = await receiver(() => 'hang');
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, config: srv.config }));
  const started = Date.now();
  for (let i = 0; i < 5; i++) assert.equal((await put(`h${i}.txt`, 'x', s3(bucket))).error, undefined);
  assert.ok(Date.now() - started < 2000, 'writes return while the webhook hangs');
  await rx.close();
});

test('after teardown no event is delivered and the objects are intact', async () => {
  const bucket = await workspace('co-teardown');
  const rx = await receiver();
  dataOf(await kit.setupCoordination(bucket, { webhookUrl: rx.url, config: srv.config }));
  await put('before.txt', 'x', s3(bucket));
  assert.ok(await until(() => rx.deliveries.length >= 1));
  assert.deepEqual(await kit.teardownCoordination(bucket, { config: srv.config }), { data: undefined });
  const patch = (await srv.requests()).filter((r) => r.method === 'PATCH' && r.path === `/${bucket}`).at(-1);
  assert.equal(patch.body, '{"object_notifications":{}}');
  await put('after.txt', 'y', s3(bucket));
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(keysOf(rx.deliveries), ['before.txt']);
  const state = (await srv.state()).buckets.find((b) => b.name === bucket);
  assert.equal(state.objects, 2);
  assert.ok(!state.notifications || Object.keys(state.notifications).length === 0);
  await rx.close();
});

test('invalid options fail before any request, with the SDK texts', async () => {
  const bucket = await workspace('co-invalid');
  const before = (await srv.requests()).length;
  const prefix = `Failed to setup coordination on "${bucket}": `;
  const cases = [
    [{ webhookUrl: '' }, 'Notification URL is required'],
    [{ webhookUrl: 'not a url' }, 'Notification URL is not a valid URL'],
    [{ webhookUrl: 'ftp://127.0.0.1/x' }, 'Notification URL must use http or https'],
    [{ webhookUrl: 'http://127.0.0.1/x', auth: { token: 't', username: 'u', password: 'p' } }, 'Only one of auth.token or auth.username and auth.password can be provided'],
    [{ webhookUrl: 'http://127.0.0.1/x', auth: { username: 'u' } }, 'Auth must include either token or username and password'],
    [{ webhookUrl: 'http://127.0.0.1/x', auth: {} }, 'Auth must include either token or username and password'],
    [{ webhookUrl: 'http://127.0.0.1/x', auth: { token: '' } }, 'Auth token must not be empty'],
  ];
  for (const [options, text] of cases) {
    assert.equal(errorOf(await kit.setupCoordination(bucket, { ...options, config: srv.config })), prefix + text, JSON.stringify(options));
  }
  errorOf(await kit.setupCoordination(bucket, undefined));
  assert.equal((await srv.requests()).length, before);
});
