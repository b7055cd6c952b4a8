// presign in Deno, bare workerd and Chromium: the packed tarball's `presign`, loaded through each
// runtime's export, runs the shared probe (fixtures/presign-probe.js): PUT URLs with and without
// a signed content type, GET, HEAD and DELETE URLs, all used with the runtime's own fetch against
// tigris-local. The object
// each runtime uploaded is then read back from Node through the official SDK.
import { before, after } from 'node:test';
import { pathToFileURL } from 'node:url';
import { get } from '@tigrisdata/storage';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, project, examplesDir, fixturesDir, bin, requireTool, tempDir, cleanEnv, join, assert, run, assertOk, lastJson,
  installedPkg, launchChromium, chromiumPath, onCleanup,
} from './lib/harness.mjs';
import { serveWorker } from './lib/workerd.mjs';
import { presignProbe } from './fixtures/presign-probe.js';
import { kit } from '../helpers/kit.mjs';

let srv;
let bucket;
before(async () => {
  srv = await startTigrisLocal();
  bucket = `presign-rt-${Date.now().toString(36)}`;
  assert.equal((await kit.createWorkspace(bucket, { config: srv.config })).error, undefined);
});
after(async () => { await srv?.stop(); });

/** The probe's answer is right, and the object is there for an independent client. */
async function assertProbe(out, key) {
  assert.equal(out.error, undefined, out.error);
  assert.deepEqual([out.putStatus, out.putMethod, out.expiresAtIsDate, out.getStatus, out.read], [200, 'PUT', true, 200, out.body], JSON.stringify(out));
  assert.deepEqual(out.head, [200, String(new TextEncoder().encode(out.body).length), 'HEAD'], "HEAD URL: the object's length, no body");
  assert.deepEqual(out.other, [200, 200, 204, 404], 'PUT without a content type, GET, DELETE, then GET 404');
  const read = await get(key, 'string', { config: { bucket, endpoint: srv.endpoint, accessKeyId: srv.accessKeyId, secretAccessKey: srv.secretAccessKey } });
  assert.equal(read.data, out.body, `${key} uploaded`);
}

runtimeTest('deno: presign', { timeout: 300_000 }, async (t) => {
  t.diagnostic(requireTool('deno', bin('deno')));
  const dir = project('deno-presign', { copy: { 'presign-probe.ts': join(fixturesDir, 'deno', 'presign-probe.ts'), 'presign-probe.js': join(fixturesDir, 'presign-probe.js') } });
  const key = 'deno/a b+c ü.txt';
  const env = cleanEnv({ DENO_DIR: tempDir('deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' });
  const args = ['run', '--allow-net=127.0.0.1', '--deny-read', '--no-prompt', 'presign-probe.ts', srv.endpoint, srv.accessKeyId, srv.secretAccessKey, bucket, key];
  await assertProbe(lastJson(assertOk(await run(bin('deno'), args, { cwd: dir, env, timeout: 60_000 }), 'presign-probe').stdout), key);
});

runtimeTest('workerd: presign', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`workerd ${requireTool('workerd', bin('workerd'))}`);
  const dir = project('workerd-presign', {
    copy: { 'src/index.js': join(fixturesDir, 'workerd-presign', 'index.js'), 'src/presign-probe.js': join(fixturesDir, 'presign-probe.js') },
    files: { 'wrangler.toml': 'name = "presign-probe"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n' },
  });
  const base = await serveWorker(dir, srv.config);
  const key = 'workerd/a b+c ü.txt';
  const out = await (await fetch(`${base}/?${new URLSearchParams({ bucket, key })}`, { signal: AbortSignal.timeout(30_000) })).json();
  await assertProbe(out, key);
});

runtimeTest('chromium: presign', { timeout: 300_000 }, async (t) => {
  t.diagnostic(requireTool('chromium', chromiumPath));
  const ex = join(examplesDir, 'browser-console');
  const dir = project('chromium-presign', { copy: Object.fromEntries(['index.html', 'console.js', 'serve.mjs'].map((f) => [f, join(ex, f)])) });
  // The console page on 127.0.0.1 maps `tigris-agent-kit` to the installed package's browser entry.
  const { startConsoleServer } = await import(pathToFileURL(join(dir, 'serve.mjs')).href);
  const site = await startConsoleServer({ token: () => ({}) });
  onCleanup(site.close);
  assert.ok(installedPkg(dir));
  const context = await launchChromium();
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(site.url, { waitUntil: 'load' });
  const key = 'chromium/a b+c ü.txt';
  const out = await page.evaluate(`(async () => {
    const { presign } = await import('tigris-agent-kit');
    return (${presignProbe})(presign, ${JSON.stringify(srv.config)}, ${JSON.stringify(bucket)}, ${JSON.stringify(key)});
  })()`).catch((e) => { throw new Error(`${e.message}\nbrowser logs:\n${context.logs.join('\n')}`); });
  await assertProbe(out, key);
  assert.deepEqual(context.logs.filter((l) => l.startsWith('[pageerror]')), []);
});
