// Bundlers consuming the packed tarball: Vite (build) and esbuild (--bundle, browser platform)
// bundle a small app that imports tigris-agent-kit by name; each bundle runs in headless
// Chromium against tigris-local (created workspace + checkpoint checked through
// GET /_local/state, then torn down from the page). esbuild (--bundle --platform=node, ESM and
// CommonJS) bundles a Node script; the bundle runs from a folder holding only it and the .wasm,
// with the configuration in the environment. wrangler 3's bundler for workerd is exercised by
// workerd.test.mjs (the Worker example is run from its wrangler bundle).
import { before, after } from 'node:test';
import { copyFileSync, readdirSync, readFileSync as read } from 'node:fs';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, project, fixturesDir, installedPkg, bin, requireTool, run, assertOk, cleanEnv, configEnv, staticServer, launchChromium,
  tempDir, lastJson, join, writeFileSync, assert, bucketIn, declaredFunctions,
} from './lib/harness.mjs';

let srv;
let context;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { await srv?.stop(); });

/** Serves `dist`, runs the app in Chromium, checks the server, tears down from the page. */
async function runApp(t, dist, label) {
  context ??= await launchChromium();
  const site = await staticServer({ mounts: { '/': dist } });
  const bucket = `${label}-${Date.now().toString(36)}`;
  const page = await context.newPage();
  const fragment = new URLSearchParams({ endpoint: srv.endpoint, ak: srv.accessKeyId, sk: srv.secretAccessKey, bucket });
  const waitStatus = (re) => page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status').textContent), re.source, { timeout: 60_000 })
    .catch((e) => { throw new Error(`${e.message}\nbrowser logs:\n${context.logs.join('\n')}`); });
  await page.goto(`${site.url}/index.html#${fragment}`);
  await waitStatus(/^(done|error)/);
  assert.equal(await page.textContent('#status'), 'done: created', `page: ${await page.textContent('#status')}\n${context.logs.join('\n')}`);
  const result = JSON.parse(await page.textContent('#result'));
  assert.deepEqual(result.exports, [...declaredFunctions].sort());
  assert.deepEqual(result.listed, [result.snapshotId]);
  const made = bucketIn(await srv.state(), bucket);
  assert.ok(made, 'the workspace exists on the server');
  assert.equal(made.type, 1, 'snapshots enabled');
  assert.deepEqual(made.snapshots.map((s) => [s.version, s.name]), [[result.snapshotId, 'bundled']]);
  await page.click('#teardown');
  await waitStatus(/^(done: torn|error)/);
  assert.equal(await page.textContent('#status'), 'done: torn down');
  assert.equal(bucketIn(await srv.state(), bucket), undefined, 'the workspace is gone');
  assert.ok(site.requests.some((r) => r.endsWith('.wasm')), 'the page fetched the wasm from the bundle output');
  await page.close();
}

const app = { 'app/index.html': read(join(fixturesDir, 'bundle-app', 'index.html'), 'utf8'), 'app/main.js': read(join(fixturesDir, 'bundle-app', 'main.js'), 'utf8') };

runtimeTest('vite build → chromium', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`vite ${requireTool('vite', bin('vite'))}`);
  const dir = project('vite', { files: app });
  await t.test('vite build resolves the browser entry and emits the wasm as an asset', async () => {
    assertOk(await run(bin('vite'), ['build', 'app', '--outDir', '../dist-vite', '--emptyOutDir', '--base', './', '--logLevel', 'warn'],
      { cwd: dir, env: cleanEnv({ NO_COLOR: '1' }), timeout: 180_000 }), 'vite build');
    const assets = readdirSync(join(dir, 'dist-vite', 'assets'));
    assert.ok(assets.some((f) => f.endsWith('.wasm')), `a .wasm asset (${assets})`);
    const js = assets.filter((f) => f.endsWith('.js')).map((f) => read(join(dir, 'dist-vite', 'assets', f), 'utf8')).join('\n');
    assert.doesNotMatch(js, /readFileSync|node:fs/, 'no Node entry in the browser bundle');
  });
  await t.test('the Vite bundle runs in Chromium against tigris-local', () => runApp(t, join(dir, 'dist-vite'), 'vite'));
});

runtimeTest('esbuild --bundle (browser) → chromium', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`esbuild ${requireTool('esbuild', bin('esbuild'))}`);
  const dir = project('esbuild', { files: app });
  await t.test('esbuild bundles the browser entry; the wasm is copied next to the bundle', async () => {
    assertOk(await run(bin('esbuild'), ['app/main.js', '--bundle', '--format=esm', '--platform=browser', '--outfile=dist-esbuild/main.js', '--log-level=warning'],
      { cwd: dir, env: cleanEnv(), timeout: 120_000 }), 'esbuild');
    const bundle = read(join(dir, 'dist-esbuild', 'main.js'), 'utf8');
    assert.doesNotMatch(bundle, /readFileSync|node:fs/, 'no Node entry in the browser bundle');
    // esbuild keeps `new URL('./tigris_agent_kit_bg.wasm', import.meta.url)` as is: ship the
    // file next to the bundle (documented in the package README for esbuild users).
    assert.match(bundle, /new URL\("\.\/tigris_agent_kit_bg\.wasm", import\.meta\.url\)/);
    copyFileSync(join(installedPkg(dir), 'tigris_agent_kit_bg.wasm'), join(dir, 'dist-esbuild', 'tigris_agent_kit_bg.wasm'));
    writeFileSync(join(dir, 'dist-esbuild', 'index.html'), app['app/index.html']);
  });
  await t.test('the esbuild bundle runs in Chromium against tigris-local', () => runApp(t, join(dir, 'dist-esbuild'), 'esbuild'));
});

// A Node script as users bundle one: configuration from the environment (so the bundled entry's
// environment reader is exercised), a snapshot-enabled workspace, a checkpoint, its listing,
// then teardown. `IMPORT` is the module's import line for ESM or CommonJS.
const nodeApp = (load) => `${load}
const bucket = process.argv[2];
const must = (res) => { if (res.error) throw res.error; return res.data; };
(async () => {
  must(await kit.createWorkspace(bucket, { enableSnapshots: true }));
  const ckpt = must(await kit.checkpoint(bucket, { name: 'bundled' }));
  const list = must(await kit.listCheckpoints(bucket));
  const made = await (await fetch(process.env.TIGRIS_STORAGE_ENDPOINT + '/_local/state')).json();
  must(await kit.teardownWorkspace({ bucket }));
  console.log(JSON.stringify({ exports: Object.keys(kit).sort(), snapshotId: ckpt.snapshotId, listed: list.checkpoints.map((c) => c.snapshotId), made: made.buckets.find((b) => b.name === bucket) }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

for (const [format, file, load] of [
  ['esm', 'main.mjs', "import * as kit from 'tigris-agent-kit';"],
  ['cjs', 'main.cjs', "const kit = require('tigris-agent-kit');"],
]) {
  runtimeTest(`esbuild --bundle --platform=node --format=${format} → node`, { timeout: 300_000 }, async (t) => {
    t.diagnostic(`esbuild ${requireTool('esbuild', bin('esbuild'))}`);
    const dir = project(`esbuild-node-${format}`, { files: { [`app/${file}`]: nodeApp(load) } });
    // The bundle runs from a folder outside the project holding only the bundle and the .wasm.
    const dist = tempDir(`esbuild-node-${format}-dist`);
    await t.test('esbuild bundles the Node entry; only the .wasm is copied next to the bundle', async () => {
      assertOk(await run(bin('esbuild'), [`app/${file}`, '--bundle', '--platform=node', `--format=${format}`, `--outfile=${join(dist, file)}`, '--log-level=warning'],
        { cwd: dir, env: cleanEnv(), timeout: 120_000 }), 'esbuild');
      const bundle = read(join(dist, file), 'utf8');
      assert.match(bundle, /tigris_agent_kit_bg\.wasm/, 'the bundle loads the .wasm by name');
      assert.doesNotMatch(bundle, /require\(["'`]\.\/|from ["']\.\//, 'no package file is loaded at run time');
      copyFileSync(join(installedPkg(dir), 'tigris_agent_kit_bg.wasm'), join(dist, 'tigris_agent_kit_bg.wasm'));
      assert.deepEqual(readdirSync(dist).sort(), [file, 'tigris_agent_kit_bg.wasm'].sort());
    });
    await t.test('the Node bundle runs against tigris-local with its config from the environment', async () => {
      const bucket = `esbuild-node-${format}-${Date.now().toString(36)}`;
      const res = assertOk(await run(process.execPath, [file, bucket], { cwd: dist, env: cleanEnv(configEnv(srv.config)), timeout: 60_000 }), 'node bundle');
      const out = lastJson(res.stdout);
      assert.deepEqual(out.exports, [...declaredFunctions].sort());
      assert.deepEqual(out.listed, [out.snapshotId]);
      assert.ok(out.made, 'the workspace existed on the server');
      assert.equal(out.made.type, 1, 'snapshots enabled');
      assert.deepEqual(out.made.snapshots.map((s) => [s.version, s.name]), [[out.snapshotId, 'bundled']]);
      assert.equal(bucketIn(await srv.state(), bucket), undefined, 'the workspace is gone');
    });
  });
}
