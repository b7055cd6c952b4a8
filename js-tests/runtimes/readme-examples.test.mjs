// The package README's examples, run as written: every code block tagged
// `<!-- example: <runtime> -->` outside the `<!-- pending:NAME -->` … `<!-- /pending:NAME -->`
// blocks is copied out of pkg/README.md and run from the packed tarball against tigris-local —
// node-esm and node-cjs in Node, deno in Deno (--allow-env, read denied), workerd bundled by
// wrangler 3 and served by bare workerd without nodejs_compat, browser in Chromium. Node and Deno
// blocks get the server from the TIGRIS_* variables, the Worker from its vars, the browser block
// from the page's session and credentials routes. A runtime without a block fails; so does a
// malformed marker. After each block the server holds nothing the block made.
import { test, before, after } from 'node:test';
import { readFileSync as read, mkdirSync, symlinkSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import {
  runtimeTest, project, installedPkg, pkgDir, root, bin, requireTool, tempDir, configEnv, cleanEnv, run, assertOk,
  staticServer, launchChromium, logMark, requestsSince, bucketIn, join, existsSync, assert,
} from './lib/harness.mjs';
import { serveWorker } from './lib/workerd.mjs';

/** The pending-block names the README may use (a feature documented before it is released). */
const PENDING = new Set(['lifecycle', 'atomic', 'edge', 'native', 'deadlines', 'signal', 'errors', 'addressing']);
/** The runtimes an example can be tagged with; each must have at least one block. */
const RUNTIMES = ['node-esm', 'node-cjs', 'deno', 'workerd', 'browser'];

/**
 * The tagged examples of a README outside its pending blocks, as `{ runtime, lang, code, line }`.
 * Throws on a malformed, unknown, nested or unclosed pending marker, and on an example marker
 * that is not directly followed by a fenced block.
 */
function readmeExamples(text) {
  const lines = text.split('\n');
  const examples = [];
  let pending = null;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const marker = /^<!-- (\/?)pending:([\w-]+) -->$/.exec(line.trim());
    if (marker) {
      const [, closing, name] = marker;
      if (!PENDING.has(name)) throw new Error(`README line ${i + 1}: unknown pending block "${name}"`);
      if (!closing && pending) throw new Error(`README line ${i + 1}: pending:${name} opened inside pending:${pending.name}`);
      if (closing && pending?.name !== name) throw new Error(`README line ${i + 1}: /pending:${name} closes ${pending ? `pending:${pending.name}` : 'nothing'}`);
      pending = closing ? null : { name, line: i + 1 };
      continue;
    }
    if (/<!--\s*\/?pending/.test(line)) throw new Error(`README line ${i + 1}: malformed pending marker: ${line}`);
    const tag = /^<!-- example: ([\w-]+) -->$/.exec(line.trim());
    if (!tag) continue;
    if (!RUNTIMES.includes(tag[1])) throw new Error(`README line ${i + 1}: unknown example runtime "${tag[1]}"`);
    const fence = /^```(\w+)/.exec(lines[i + 1] ?? '');
    if (!fence) throw new Error(`README line ${i + 1}: an example marker must be followed by a fenced code block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l === '```');
    if (end < 0) throw new Error(`README line ${i + 2}: unclosed code block`);
    if (!pending) examples.push({ runtime: tag[1], lang: fence[1], code: `${lines.slice(i + 2, end).join('\n')}\n`, line: i + 2 });
    i = end;
  }
  if (pending) throw new Error(`README line ${pending.line}: pending:${pending.name} is never closed`);
  return examples;
}

test('the example extraction honours pending blocks and refuses malformed markers', () => {
  const block = (runtime, body) => `<!-- example: ${runtime} -->\n\`\`\`js\n${body}\n\`\`\`\n`;
  const text = `# t\n${block('node-esm', 'one()')}<!-- pending:edge -->\n${block('node-esm', 'later()')}<!-- /pending:edge -->\n${block('deno', 'two()')}`;
  assert.deepEqual(readmeExamples(text).map((e) => [e.runtime, e.code]), [['node-esm', 'one()\n'], ['deno', 'two()\n']]);
  assert.throws(() => readmeExamples('<!-- pending:edge -->\ntext\n'), /never closed/);
  assert.throws(() => readmeExamples('<!-- pending:nope -->\n<!-- /pending:nope -->\n'), /unknown pending block/);
  assert.throws(() => readmeExamples('<!-- pending:edge -->\n<!-- /pending:atomic -->\n'), /closes pending:edge/);
  assert.throws(() => readmeExamples('<!-- pending: edge -->\n'), /malformed pending marker/);
  assert.throws(() => readmeExamples('<!-- example: node-esm -->\ntext\n'), /followed by a fenced code block/);
  assert.throws(() => readmeExamples(block('cobol', 'x')), /unknown example runtime/);
});

const readme = read(join(pkgDir, 'README.md'), 'utf8');
const examples = readmeExamples(readme);
/** The blocks of one runtime; asserts there is at least one. */
function blocksOf(runtime) {
  const blocks = examples.filter((e) => e.runtime === runtime);
  assert.ok(blocks.length > 0, `pkg/README.md has no example tagged "<!-- example: ${runtime} -->" outside pending blocks`);
  return blocks;
}

/**
 * Links the bare modules a block imports (other than the package itself) from the repo's
 * devDependencies into a consumer project; a module that is not there fails the test.
 */
function linkImports(dir, code) {
  const specifiers = [...code.matchAll(/(?:from\s+|require\()\s*["']([^"'./][^"']*)["']/g)].map((m) => m[1]);
  for (const spec of new Set(specifiers)) {
    if (spec === 'tigris-agent-kit' || spec.startsWith('node:')) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    const source = join(root, 'node_modules', name);
    assert.ok(existsSync(source), `the README example imports ${name}, which is not a devDependency of the repo`);
    const target = join(dir, 'node_modules', name);
    if (existsSync(target)) continue;
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(source, target, 'dir');
  }
}

const sessionToken = `readme-${Math.random().toString(36).slice(2)}`;
let srv;
before(async () => { srv = await startTigrisLocal({ sessionToken }); });
after(async () => { await srv?.stop(); });

/** Buckets created (2xx bucket-level PUT) by requests after `mark`. */
async function bucketsMadeSince(mark) {
  const made = (await requestsSince(srv, mark)).filter((r) => r.method === 'PUT' && r.status >= 200 && r.status < 300);
  return [...new Set(made.map((r) => r.path.split('/')[1]).filter(Boolean))];
}

/** Asserts the server holds no bucket and no minted key (the README blocks clean up after themselves). */
async function assertNothingLeft(what) {
  const state = await srv.state();
  assert.deepEqual(state.buckets.map((b) => b.name), [], `${what} left buckets behind`);
  assert.deepEqual(state.keys.filter((k) => k.id !== srv.accessKeyId).map((k) => k.id), [], `${what} left keys behind`);
}

/**
 * Runs the Node or Deno blocks of `runtime` one by one, each as its own program in a fresh
 * consumer project; `check`, when given, is a type check that must pass first.
 */
async function runPrograms(t, runtime, { file, command, check }) {
  for (const [n, block] of blocksOf(runtime).entries()) {
    await t.test(`README line ${block.line}`, async () => {
      await srv.reset();
      const dir = project(`readme-${runtime}`, { files: { [file(n)]: block.code } });
      linkImports(dir, block.code);
      if (check) {
        const { cmd, args, env } = check(file(n));
        assertOk(await run(cmd, args, { cwd: dir, env, timeout: 120_000 }), `type check of the ${runtime} example of README line ${block.line}`);
      }
      const mark = await logMark(srv);
      const { cmd, args, env } = command(file(n));
      const res = assertOk(await run(cmd, args, { cwd: dir, env, timeout: 120_000 }), `the ${runtime} example of README line ${block.line}`);
      t.diagnostic(res.stdout.trim().split('\n').slice(0, 3).join(' | '));
      assert.ok((await bucketsMadeSince(mark)).length > 0, 'the example created at least one bucket on the server');
      await assertNothingLeft(`the example of README line ${block.line}`);
    });
  }
}

// WEBHOOK_TOKEN: the secret the coordination example reads, as a deployment would set it.
const nodeEnv = () => cleanEnv({ ...configEnv(srv.config), WEBHOOK_TOKEN: 'readme-webhook-token' });

runtimeTest('readme node-esm', { timeout: 300_000 }, async (t) => {
  await runPrograms(t, 'node-esm', {
    file: (n) => `example-${n}.mjs`,
    command: (f) => ({ cmd: process.execPath, args: [f], env: nodeEnv() }),
  });
});

runtimeTest('readme node-cjs', { timeout: 300_000 }, async (t) => {
  await runPrograms(t, 'node-cjs', {
    file: (n) => `example-${n}.cjs`,
    command: (f) => ({ cmd: process.execPath, args: [f], env: nodeEnv() }),
  });
});

runtimeTest('readme deno', { timeout: 300_000 }, async (t) => {
  const deno = bin('deno');
  const denoDir = tempDir('deno-dir');
  const denoEnv = (extra = {}) => cleanEnv({ DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...extra });
  t.diagnostic(requireTool('deno', deno));
  await runPrograms(t, 'deno', {
    file: (n) => `example-${n}.${blocksOf('deno')[n].lang === 'ts' ? 'ts' : 'mjs'}`,
    check: (f) => ({ cmd: deno, args: ['check', f], env: denoEnv() }),
    command: (f) => ({
      cmd: deno,
      args: ['run', '--allow-net=127.0.0.1', '--allow-env', '--deny-read', '--no-prompt', f],
      env: denoEnv(configEnv(srv.config)),
    }),
  });
});

runtimeTest('readme workerd (wrangler 3 bundle, no nodejs_compat)', { timeout: 300_000 }, async (t) => {
  t.diagnostic(`workerd ${requireTool('workerd', bin('workerd'))}, wrangler ${requireTool('workerd', bin('wrangler'))}`);
  for (const block of blocksOf('workerd')) {
    await t.test(`README line ${block.line}`, async () => {
      await srv.reset();
      const dir = project('readme-workerd', {
        files: {
          'src/index.js': block.code,
          'wrangler.toml': 'name = "readme-example"\nmain = "src/index.js"\ncompatibility_date = "2025-09-01"\n',
        },
      });
      const url = await serveWorker(dir, srv.config);
      const mark = await logMark(srv);
      const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(60_000) });
      const body = await res.text();
      assert.equal(res.status, 200, `the Worker answered ${res.status}: ${body}`);
      t.diagnostic(body);
      assert.ok((await bucketsMadeSince(mark)).length > 0, 'the Worker created at least one bucket on the server');
      await assertNothingLeft(`the Worker of README line ${block.line}`);
    });
  }
});

runtimeTest('readme browser (chromium)', { timeout: 300_000 }, async (t) => {
  const blocks = blocksOf('browser');
  const dir = project('readme-browser', {
    files: Object.fromEntries(blocks.map((b, n) => [`example-${n}.html`, `<!doctype html>
<meta charset="utf-8">
<script type="importmap">{ "imports": { "tigris-agent-kit": "/node_modules/tigris-agent-kit/browser.mjs" } }</script>
<script type="module" src="/example-${n}.mjs"></script>
`]).concat(blocks.map((b, n) => [`example-${n}.mjs`, b.code]))),
  });
  assert.ok(existsSync(join(installedPkg(dir), 'browser.mjs')));
  const kit = await import(pathToFileURL(join(installedPkg(dir), 'node.mjs')).href);
  const context = await launchChromium();
  const offLoopback = [];
  await context.route((u) => u.hostname !== '127.0.0.1', (route) => { offLoopback.push(route.request().url()); return route.abort(); });

  for (const [n, block] of blocks.entries()) {
    await t.test(`README line ${block.line}`, async () => {
      await srv.reset();
      // The bucket the page's backend hands out (snapshots on, so the page can checkpoint it).
      const bucket = `readme-browser-${n}-${Date.now().toString(36)}`;
      const made = await kit.createWorkspace(bucket, { enableSnapshots: true, config: srv.config });
      assert.ok(made.data, made.error?.message);
      let credentialCalls = 0;
      const site = await staticServer({
        mounts: { '/': dir },
        routes: {
          'GET /api/tigris-session': (req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ endpoint: srv.endpoint, bucket, organizationId: 'local-org' }));
          },
          'POST /api/tigris-credentials': (req, res) => {
            credentialCalls += 1;
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ accessKeyId: 'tid_temporary', secretAccessKey: 'tsec_temporary', sessionToken, expiration: new Date(Date.now() + 900_000).toISOString() }));
          },
        },
      });
      const mark = await logMark(srv);
      const logsBefore = context.logs.length;
      const page = await context.newPage();
      await page.goto(`${site.url}/example-${n}.html`, { waitUntil: 'load' });
      // The block logs one line when it is done; an error shows up as a page error.
      const deadline = Date.now() + 60_000;
      let logs = [];
      while (Date.now() < deadline) {
        logs = context.logs.slice(logsBefore);
        if (logs.some((l) => l.startsWith('[log]') || l.startsWith('[pageerror]'))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await page.close();
      assert.deepEqual(logs.filter((l) => l.startsWith('[pageerror]')), [], 'the example ran without an error');
      assert.ok(logs.some((l) => l.startsWith('[log]')), `the example logged its result within 60 s (logs: ${logs.join(' | ')})`);
      t.diagnostic(logs.join(' | '));
      assert.ok(credentialCalls > 0, 'the credentialProvider fetched temporary credentials');
      const sent = await requestsSince(srv, mark);
      assert.ok(sent.length > 0, 'the page sent requests to Tigris');
      for (const r of sent) {
        const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        assert.ok('x-amz-security-token' in headers, `${r.method} ${r.path} carries the session token`);
      }
      const snapshots = bucketIn(await srv.state(), bucket)?.snapshots ?? [];
      assert.ok(snapshots.length > 0, 'the page took a checkpoint of the bucket');
      const gone = await kit.teardownWorkspace({ bucket }, { config: srv.config });
      assert.ok(!gone.error, gone.error?.message);
      await assertNothingLeft(`the browser example of README line ${block.line}`);
    });
  }
  assert.deepEqual(offLoopback, [], 'nothing left 127.0.0.1');
});
