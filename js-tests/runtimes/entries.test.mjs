// Every entry file of the packed package, loaded in its own runtime, exports exactly the
// functions its .d.ts declares (index.d.ts for import entries, index.d.cts for require):
// node.mjs (Node import), node.cjs (Node require), deno.mjs (Deno), workerd.mjs (bare workerd,
// unbundled: the .wasm is a capnp wasm module) and browser.mjs (Chromium, fetching the .wasm).
import { readFileSync as read } from 'node:fs';
import {
  runtimeTest, project, installedPkg, bin, requireTool, run, assertOk, lastJson, cleanEnv, tempDir, staticServer, launchChromium,
  chromiumPath, join, writeFileSync, assert,
} from './lib/harness.mjs';
import { serveWorkerd } from './lib/workerd.mjs';
import { declaredFunctions } from '../helpers/kit.mjs';

/** The function names a declaration file exports (`export declare function`), sorted. */
function declared(file) {
  const text = read(file, 'utf8');
  const names = [...text.matchAll(/^export declare function (\w+)/gm)].map((m) => m[1]).sort();
  // Any other value export would be a name the runtime must also have: there are none.
  assert.doesNotMatch(text, /^export (declare )?(const|let|var|class|enum|namespace) /m, 'only functions and types are exported');
  return names;
}

const probeBody = (kit) => `JSON.stringify({ names: Object.keys(${kit}).sort(), functions: Object.values(${kit}).every((f) => typeof f === 'function') })`;

runtimeTest('entries (node import/require, deno, workerd, chromium)', { timeout: 300_000 }, async (t) => {
  const dir = project('entries');
  const pkg = installedPkg(dir);
  const dts = declared(join(pkg, 'index.d.ts'));
  const dcts = declared(join(pkg, 'index.d.cts'));
  assert.deepEqual([...dts].sort(), [...declaredFunctions].sort(), `index.d.ts declares the package's functions (${dts})`);
  const check = (got, want, entry) => {
    assert.deepEqual(got.names, want, `${entry} exports exactly the declared names`);
    assert.ok(got.functions, `every export of ${entry} is a function`);
  };

  await t.test('node.mjs in Node (import)', async () => {
    writeFileSync(join(dir, 'probe.mjs'), `import * as kit from './node_modules/tigris-agent-kit/node.mjs';\nconsole.log(${probeBody('kit')});\n`);
    check(lastJson(assertOk(await run(process.execPath, ['probe.mjs'], { cwd: dir, env: cleanEnv() }), 'node probe.mjs').stdout), dts, 'node.mjs');
  });

  await t.test('node.cjs in Node (require)', async () => {
    writeFileSync(join(dir, 'probe.cjs'), `const kit = require('./node_modules/tigris-agent-kit/node.cjs');\nconsole.log(${probeBody('kit')});\n`);
    check(lastJson(assertOk(await run(process.execPath, ['probe.cjs'], { cwd: dir, env: cleanEnv() }), 'node probe.cjs').stdout), dcts, 'node.cjs');
  });

  await t.test('deno.mjs in Deno (no permissions but loopback net)', async () => {
    requireTool('deno', bin('deno'));
    writeFileSync(join(dir, 'probe.ts'), `import * as kit from './node_modules/tigris-agent-kit/deno.mjs';\nconsole.log(${probeBody('kit')});\n`);
    const res = await run(bin('deno'), ['run', '--allow-net=127.0.0.1', '--deny-read', '--no-prompt', 'probe.ts'],
      { cwd: dir, env: cleanEnv({ DENO_DIR: tempDir('deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }) });
    check(lastJson(assertOk(res, 'deno run probe.ts').stdout), dts, 'deno.mjs');
  });

  await t.test('workerd.mjs in bare workerd (unbundled, no nodejs_compat)', async () => {
    requireTool('workerd', bin('workerd'));
    writeFileSync(join(dir, 'probe-worker.mjs'), `import * as kit from 'tigris-agent-kit';\nexport default { fetch() { return new Response(${probeBody('kit')}); } };\n`);
    writeFileSync(join(dir, 'probe.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "probe-worker.mjs", esModule = embed "probe-worker.mjs"),
    (name = "tigris-agent-kit", esModule = embed "node_modules/tigris-agent-kit/workerd.mjs"),
    (name = "web.js", esModule = embed "node_modules/tigris-agent-kit/web.js"),
    (name = "tigris_agent_kit_bg.wasm", wasm = embed "node_modules/tigris-agent-kit/tigris_agent_kit_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
`);
    const { url, child } = await serveWorkerd(join(dir, 'probe.capnp'), { cwd: dir });
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      assert.equal(res.status, 200, `${text}\n${child.err()}`);
      check(JSON.parse(text), dts, 'workerd.mjs');
    } finally {
      await child.stop();
    }
  });

  await t.test('browser.mjs in Chromium (no bundler)', async () => {
    requireTool('chromium', chromiumPath);
    writeFileSync(join(dir, 'probe.html'), `<!doctype html><meta charset="utf-8"><pre id="out"></pre>
<script type="module">import * as kit from './node_modules/tigris-agent-kit/browser.mjs';
document.getElementById('out').textContent = ${probeBody('kit')};</script>`);
    const site = await staticServer({ mounts: { '/': dir } });
    const context = await launchChromium();
    const page = await context.newPage();
    await page.goto(`${site.url}/probe.html`);
    await page.waitForFunction(() => document.getElementById('out').textContent.length > 0, null, { timeout: 60_000 })
      .catch((e) => { throw new Error(`${e.message}\n${context.logs.join('\n')}`); });
    check(JSON.parse(await page.textContent('#out')), dts, 'browser.mjs');
    assert.ok(site.requests.includes('GET /node_modules/tigris-agent-kit/tigris_agent_kit_bg.wasm'), 'browser.mjs fetched the wasm next to it');
  });
});
