// Chromium (Debian package, headless, driven by playwright-core): examples/browser-console
// served from the packed tarball on 127.0.0.1, cross-origin to a tigris-local started with
// --session-token. The test types temporary credentials into the page, clicks list / take /
// restore, reads the DOM, and checks snapshots and restored buckets through GET /_local/state —
// once with an access key pair, once with a credentialProvider fetching a sessionToken from the
// page's token endpoint (and once with a rejected token, shown as an error in the page).
import { before, after } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, logMark, requestsSince, project, examplesDir, installedPkg, launchChromium, requireTool, chromiumPath, join, assert, bucketIn, parentNames, onCleanup,
} from './lib/harness.mjs';
import { abortNames, assertAborted, assertProbeLeftNothing } from './lib/abort.mjs';
import { abortProbe } from './fixtures/abort-probe.js';

const sessionToken = `session-${Math.random().toString(36).slice(2)}`;
let srv;
before(async () => { srv = await startTigrisLocal({ sessionToken }); });
after(async () => { await srv?.stop(); });

runtimeTest('chromium (browser console, playwright-core)', { timeout: 300_000 }, async (t) => {
  t.diagnostic(requireTool('chromium', chromiumPath));
  const ex = join(examplesDir, 'browser-console');
  const dir = project('chromium', { copy: Object.fromEntries(['index.html', 'console.js', 'serve.mjs'].map((f) => [f, join(ex, f)])) });
  const kit = await import(pathToFileURL(join(installedPkg(dir), 'node.mjs')).href);

  // The token endpoint answers temporary credentials with the session token tigris-local accepts.
  let token = sessionToken;
  const { startConsoleServer } = await import(pathToFileURL(join(dir, 'serve.mjs')).href);
  const site = await startConsoleServer({
    token: () => ({ accessKeyId: 'tid_temporary', secretAccessKey: 'tsec_temporary', sessionToken: token, expiration: new Date(Date.now() + 900_000).toISOString() }),
  });
  onCleanup(site.close);

  // A snapshot-enabled bucket to administer, made from Node with the root key.
  const bucket = `console-${Date.now().toString(36)}`;
  const made = await kit.createWorkspace(bucket, { enableSnapshots: true, config: srv.config });
  assert.ok(made.data, made.error?.message);
  const restoredBuckets = [];
  onCleanup(async () => {
    for (const b of [...restoredBuckets, bucket]) await kit.teardownWorkspace({ bucket: b }, { config: srv.config });
  });

  const context = await launchChromium();
  const offLoopback = [];
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => { offLoopback.push(route.request().url()); return route.abort(); });
  const page = await context.newPage();
  const fail = (e) => { throw new Error(`${e.message}\nbrowser logs:\n${context.logs.join('\n')}`); };

  /** Clicks `selector`, waits for the action to finish, returns the status text. */
  const click = async (selector) => {
    await page.click(selector);
    await page.waitForFunction(() => /^(done|error)/.test(document.getElementById('status').textContent), null, { timeout: 60_000 }).catch(fail);
    return page.textContent('#status');
  };
  const rows = () => page.$$eval('#checkpoints tbody tr', (trs) => trs.map((tr) => ({ id: tr.dataset.snapshotId, name: tr.children[1].textContent, created: tr.children[2].textContent })));
  const result = async () => JSON.parse(await page.textContent('#result'));

  await t.test('the page loads the package (browser entry + wasm) and is ready', async () => {
    await page.goto(site.url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout: 60_000 }).catch(fail);
    await page.fill('#endpoint', srv.endpoint);
    await page.fill('#bucket', bucket);
  });

  let fromKeys;
  await t.test('access key pair: list (empty), take a checkpoint, restore it', async () => {
    await page.check('#auth-keys');
    await page.fill('#accessKeyId', srv.accessKeyId);
    await page.fill('#secretAccessKey', srv.secretAccessKey);
    assert.match(await click('#list'), /^done: 0 checkpoint\(s\)/);
    assert.deepEqual(await rows(), []);

    await page.fill('#checkpointName', 'from-keys');
    assert.match(await click('#take'), /^done: checkpoint \S+ taken/);
    fromKeys = (await result()).snapshotId;
    assert.ok(fromKeys, 'the page shows the snapshot id');
    assert.deepEqual((await rows()).map((r) => [r.id, r.name]), [[fromKeys, 'from-keys']]);
    let state = await srv.state();
    assert.deepEqual(bucketIn(state, bucket).snapshots.map((s) => [s.version, s.name]), [[fromKeys, 'from-keys']], 'the snapshot is on the server');

    const forkName = `${bucket}-restored-keys`;
    await page.fill('#forkName', forkName);
    assert.equal(await click(`button.restore[data-snapshot-id="${fromKeys}"]`), `done: restored ${fromKeys} into ${forkName}`);
    restoredBuckets.push(forkName);
    assert.deepEqual(await result(), { snapshotId: fromKeys, bucket: forkName });
    state = await srv.state();
    const restored = bucketIn(state, forkName);
    assert.ok(restored, 'the restored bucket exists on the server');
    assert.deepEqual(restored.parents, [{ bucket, snapshot: fromKeys }], 'forked from the bucket at that checkpoint');
  });

  await t.test('credentialProvider: a sessionToken from the token endpoint', async () => {
    await page.check('#auth-provider');
    await page.fill('#accessKeyId', '');
    await page.fill('#secretAccessKey', '');
    await page.fill('#organizationId', 'local-org');
    const before = site.tokenRequests();
    const mark = await logMark(srv);

    await page.fill('#checkpointName', 'from-token');
    assert.match(await click('#take'), /^done: checkpoint \S+ taken/);
    const fromToken = (await result()).snapshotId;
    assert.ok(site.tokenRequests() > before, 'the provider fetched credentials from the token endpoint');
    assert.equal(await page.textContent('#token-calls'), String(site.tokenRequests()));
    const sent = await requestsSince(srv, mark);
    assert.ok(sent.length > 0);
    for (const r of sent) {
      const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      assert.ok('x-amz-security-token' in headers, `${r.method} ${r.path} carries the session token`);
    }
    assert.deepEqual((await rows()).map((r) => r.name).sort(), ['from-keys', 'from-token']);
    assert.deepEqual(bucketIn(await srv.state(), bucket).snapshots.map((s) => s.name).sort(), ['from-keys', 'from-token']);

    assert.match(await click('#list'), /^done: 2 checkpoint\(s\)/);
    const forkName = `${bucket}-restored-token`;
    await page.fill('#forkName', forkName);
    assert.equal(await click(`button.restore[data-snapshot-id="${fromToken}"]`), `done: restored ${fromToken} into ${forkName}`);
    restoredBuckets.push(forkName);
    const restored = bucketIn(await srv.state(), forkName);
    assert.ok(restored, 'the restored bucket exists on the server');
    assert.deepEqual(parentNames(restored), [bucket]);
    assert.equal(restored.parents[0].snapshot, fromToken);
  });

  await t.test('a rejected token is shown as an error in the page and changes nothing', async () => {
    token = 'not-the-session-token';
    const snapshotsBefore = bucketIn(await srv.state(), bucket).snapshots.length;
    await page.fill('#checkpointName', 'never');
    const status = await click('#take');
    assert.match(status, /^error: /);
    assert.equal(await page.getAttribute('#status', 'data-state'), 'error');
    assert.equal(bucketIn(await srv.state(), bucket).snapshots.length, snapshotsBefore);
    token = sessionToken;
  });

  await t.test('options.signal in the page: aborted before, during a held request and during retries', async () => {
    const names = await abortNames(srv, 'page');
    const out = await page.evaluate(`(async () => {
      const { createWorkspace } = await import('tigris-agent-kit');
      return (${abortProbe})(createWorkspace, ${JSON.stringify(srv.config)}, ${JSON.stringify(names)});
    })()`).catch(fail);
    await assertAborted(srv, out, names);
    await assertProbeLeftNothing(srv, kit, names);
  });

  await t.test('listForks in the page: the restored buckets are the forks of the console bucket', async () => {
    const listed = await page.evaluate(async ({ config, bucket }) => {
      const { listForks } = await import('tigris-agent-kit');
      const { data, error } = await listForks(bucket, { config });
      return error ? { error: error.message } : data.forks.map((f) => ({ bucket: f.bucket, baseBucket: f.baseBucket, date: f.createdAt instanceof Date }));
    }, { config: srv.config, bucket }).catch(fail);
    assert.ok(Array.isArray(listed), JSON.stringify(listed));
    const forkNames = listed.map((f) => f.bucket);
    for (const restored of restoredBuckets.filter((b) => !b.startsWith('page-abort-'))) assert.ok(forkNames.includes(restored), `${restored} listed (${forkNames})`);
    assert.ok(listed.every((f) => f.baseBucket === bucket && f.date), JSON.stringify(listed));
  });

  await t.test('no page error, and nothing left 127.0.0.1', async () => {
    assert.deepEqual(context.logs.filter((l) => l.startsWith('[pageerror]')), []);
    assert.deepEqual(offLoopback, []);
  });
});
