// Shared machinery of the runtime matrix (js-tests/runtimes/*.test.mjs): the packed tarball
// installed into temp projects, the tools of each runtime (from the repo's npm devDependencies,
// Chromium from apt), bounded child processes that are always killed, a static file server on
// 127.0.0.1, and the per-runtime report lines (`# runtime <name>: pass in N ms`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync, cpSync, statSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// TAK_PKG_DIR: run the matrix against another build of the package folder (default pkg/).
export const pkgDir = process.env.TAK_PKG_DIR ? resolve(process.env.TAK_PKG_DIR) : join(root, 'pkg');
export const examplesDir = join(root, 'examples');
export const fixturesDir = join(root, 'js-tests', 'runtimes', 'fixtures');

/** The functions `pkg/index.d.ts` declares, in file order (the contract every entry must export). */
export const declaredFunctions = [...readFileSync(join(pkgDir, 'index.d.ts'), 'utf8')
  .matchAll(/^export declare function (\w+)/gm)].map((m) => m[1]);

/** Path of a binary of the repo's npm devDependencies. */
export const bin = (name) => join(root, 'node_modules', '.bin', name);

// ── temp dirs and processes: everything made here is removed / killed when the file ends ──

const tempDirs = [];
const children = new Set();
const cleanups = [];

/** A fresh temp dir, removed after the test file (unless TAK_KEEP_TMP is set). */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `tak-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Registers an async cleanup run after the test file, in reverse order. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

function killTree(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the child leads its own process group (detached)
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

after(async () => {
  for (const fn of cleanups.reverse()) {
    try { await fn(); } catch (e) { console.error('cleanup failed:', e); }
  }
  for (const child of children) killTree(child);
  if (!process.env.TAK_KEEP_TMP) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
process.on('exit', () => { for (const child of children) killTree(child); });

/** Environment of this process without TIGRIS_* variables (so nothing leaks into a runtime). */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TIGRIS_')) env[k] = v;
  return { ...env, ...extra };
}

/** The TIGRIS_* variables equivalent to a config object. */
export function configEnv(config) {
  const names = {
    endpoint: 'TIGRIS_STORAGE_ENDPOINT', iamEndpoint: 'TIGRIS_IAM_ENDPOINT', mgmtEndpoint: 'TIGRIS_MGMT_ENDPOINT',
    accessKeyId: 'TIGRIS_STORAGE_ACCESS_KEY_ID', secretAccessKey: 'TIGRIS_STORAGE_SECRET_ACCESS_KEY',
    sessionToken: 'TIGRIS_SESSION_TOKEN', organizationId: 'TIGRIS_ORGANIZATION_ID',
  };
  const env = {};
  for (const [k, v] of Object.entries(config)) if (names[k] && typeof v === 'string') env[names[k]] = v;
  return env;
}

/**
 * Spawns a long-running process in its own process group; it is killed after the test file.
 * Returns the child with `out()` / `err()` accumulated text and `exited` (a promise of the code).
 */
export function spawnService(cmd, args, { cwd, env, stdio } = {}) {
  const child = spawn(cmd, args, { cwd, env: env ?? cleanEnv(), detached: true, stdio: stdio ?? ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => { out += d; });
  child.stderr?.setEncoding('utf8').on('data', (d) => { err += d; });
  child.out = () => out;
  child.err = () => err;
  child.exited = new Promise((res) => child.on('close', (code, signal) => { children.delete(child); res(code ?? signal); }));
  child.on('error', (e) => { err += `\nspawn error: ${e.message}`; });
  child.stop = async () => { killTree(child, 'SIGTERM'); const t = setTimeout(() => killTree(child), 3000); await child.exited; clearTimeout(t); };
  return child;
}

/**
 * Runs a command to completion with a hard timeout (the whole process group is killed when it
 * expires). Resolves `{ code, stdout, stderr, ms }`; never rejects (assert on `code`).
 */
export async function run(cmd, args, { cwd, env, timeout = 60_000, input } = {}) {
  const t0 = performance.now();
  const child = spawnService(cmd, args, { cwd, env });
  if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; killTree(child); }, timeout);
  const code = await child.exited;
  clearTimeout(timer);
  const stderr = child.err() + (timedOut ? `\n[killed after ${timeout} ms]` : '');
  return { code: timedOut ? 'timeout' : code, stdout: child.out(), stderr, ms: Math.round(performance.now() - t0) };
}

/** Asserts a `run` result exited 0, showing its output otherwise. */
export function assertOk(res, what) {
  assert.equal(res.code, 0, `${what} exited ${res.code}\n--- stdout\n${res.stdout.slice(-4000)}\n--- stderr\n${res.stderr.slice(-4000)}`);
  return res;
}

/** The last line of `text` that parses as JSON. */
export function lastJson(text) {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try { return JSON.parse(line); } catch { /* not JSON */ }
  }
  throw new Error(`no JSON line in output:\n${text.slice(-2000)}`);
}

/** Resolves with the first match of `re` in the child's stdout (or rejects after `timeout`). */
export function waitForOutput(child, re, timeout = 30_000) {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      const m = re.exec(child.out());
      if (m) { cleanup(); resolvePromise(m); }
    };
    const onClose = (code) => { cleanup(); reject(new Error(`process exited (${code}) before printing ${re}\n--- stdout\n${child.out()}\n--- stderr\n${child.err()}`)); };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timeout waiting for ${re}\n--- stdout\n${child.out()}\n--- stderr\n${child.err()}`)); }, timeout);
    const cleanup = () => { clearTimeout(timer); child.stdout.off('data', check); child.off('close', onClose); };
    child.stdout.on('data', check);
    child.on('close', onClose);
    check();
  });
}

// ── the tool of each runtime: missing or broken ⇒ the runtime FAILS (never skipped) ──

/** Asserts `cmd --version`-like invocation works and returns its first output line. */
export function requireTool(runtime, cmd, args = ['--version']) {
  const hint = `runtime ${runtime}: its tool cannot run (${cmd}); install it with \`bash scripts/setup-runtimes.sh\``;
  assert.ok(existsSync(cmd), `${hint}: ${cmd} is missing`);
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
  } catch (e) {
    assert.fail(`${hint}: ${e.message}`);
  }
}

// ── the package as users get it ──

let tarballPath;
/** `npm pack pkg/` once per test file; returns the .tgz path. */
export function tarball() {
  if (tarballPath) return tarballPath;
  for (const f of ['web.js', 'node-glue.cjs', 'tigris_agent_kit_bg.wasm']) {
    assert.ok(existsSync(join(pkgDir, f)), `pkg/${f} is missing: build the package first (node scripts/build.mjs)`);
  }
  const dir = tempDir('tarball');
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir, pkgDir], { encoding: 'utf8', timeout: 60_000 });
  tarballPath = join(dir, out.trim().split('\n').at(-1));
  return tarballPath;
}

/**
 * A temp consumer project with the packed tarball installed (offline: it has no dependencies).
 * `files` maps relative paths to contents; `copy` maps relative paths to source files/dirs.
 */
export function project(prefix, { files = {}, copy = {}, packageJson = {} } = {}) {
  const dir = tempDir(prefix);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${prefix}`, private: true, ...packageJson }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tarball()], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
  for (const [rel, src] of Object.entries(copy)) cpSync(src, join(dir, rel), { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** The installed package folder inside a consumer project. */
export const installedPkg = (dir) => join(dir, 'node_modules', 'tigris-agent-kit');

// ── reporting ──

const reportFile = join(root, '.tmp', 'runtimes-report.jsonl');

/**
 * A top-level test named `runtime <name>`: times the body and prints
 * `# runtime <name>: pass in N ms` (or `FAIL`), also appended to .tmp/runtimes-report.jsonl.
 */
export function runtimeTest(name, { timeout = 300_000 } = {}, fn) {
  test(`runtime ${name}`, { timeout }, async (t) => {
    const t0 = performance.now();
    let error;
    const failed = [];
    // Subtests run through `t.test` are awaited, and a failed one fails the runtime.
    const ctx = {
      diagnostic: (msg) => t.diagnostic(msg),
      test: (subName, opts, subFn) => {
        if (typeof opts === 'function') [opts, subFn] = [{}, opts];
        return t.test(subName, opts, async (st) => {
          try { await subFn(st); } catch (e) { failed.push(subName); throw e; }
        });
      },
    };
    try {
      await fn(ctx);
    } catch (e) {
      error = e;
    }
    if (!error && failed.length) error = new Error(`failed: ${failed.join('; ')}`);
    const ms = Math.round(performance.now() - t0);
    const verdict = error ? 'FAIL' : 'pass';
    t.diagnostic(`runtime ${name}: ${verdict} in ${ms} ms`);
    try {
      mkdirSync(dirname(reportFile), { recursive: true });
      appendFileSync(reportFile, `${JSON.stringify({ runtime: name, result: verdict, ms, at: new Date().toISOString(), error: error?.message?.split('\n')[0] })}\n`);
    } catch { /* report is best-effort */ }
    if (error) throw error;
  });
}

// ── a static server for pages and bundles (127.0.0.1 only) ──

const mime = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
  '.wasm': 'application/wasm', '.map': 'application/json', '.ts': 'text/plain; charset=utf-8',
};

/**
 * Serves `mounts` ({ '/prefix/': dir }) on 127.0.0.1:0, plus `routes` ({ 'GET /path': handler }).
 * Returns { url, requests: [..paths], close() }.
 */
export async function staticServer({ mounts = {}, routes = {} } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const route = routes[`${req.method} ${url.pathname}`];
    if (route) {
      try { await route(req, res, url); } catch (e) { res.writeHead(500); res.end(String(e)); }
      return;
    }
    for (const [prefix, dir] of Object.entries(mounts).sort((a, b) => b[0].length - a[0].length)) {
      if (!url.pathname.startsWith(prefix)) continue;
      let file = join(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (!file.startsWith(resolve(dir))) break;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) break;
      res.writeHead(200, { 'content-type': mime[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
  onCleanup(close);
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close };
}

// ── Chromium (Debian package) driven by playwright-core ──

export const chromiumPath = '/usr/bin/chromium';
export const chromiumFlags = ['--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];

/**
 * Launches headless Chromium with a fresh user-data-dir; closed after the test file. Returns the
 * playwright BrowserContext with `logs` (console messages and page errors of every page).
 */
export async function launchChromium() {
  requireTool('chromium', chromiumPath);
  const { chromium } = await import('playwright-core');
  const userDataDir = tempDir('chromium-profile');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath, headless: true, args: chromiumFlags, timeout: 60_000,
  });
  onCleanup(() => context.close().catch(() => {}));
  context.setDefaultTimeout(30_000);
  context.logs = [];
  context.on('page', (page) => watchPage(context, page));
  for (const page of context.pages()) watchPage(context, page);
  return context;
}

function watchPage(context, page) {
  if (page.__watched) return;
  page.__watched = true;
  page.on('console', (m) => context.logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => context.logs.push(`[pageerror] ${e.message}`));
  page.on('requestfailed', (r) => context.logs.push(`[requestfailed] ${r.url()} ${r.failure()?.errorText}`));
}

/** Opens `url` in a new page and waits until `#status` (or `selector`) reads done / error. */
export async function openAndWait(context, url, { selector = '#status', timeout = 60_000 } = {}) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load', timeout });
  await page.waitForFunction((sel) => /^(done|error)/.test(document.querySelector(sel)?.textContent ?? ''), selector, { timeout })
    .catch((e) => { throw new Error(`${e.message}\nbrowser logs:\n${context.logs.join('\n')}`); });
  return page;
}

// ── small helpers on the server state and request log ──

/** The highest `seq` of tigris-local's request log (0 when empty). */
export async function logMark(srv) {
  return (await srv.requests()).reduce((max, r) => Math.max(max, r.seq ?? 0), 0);
}

/** API requests logged after `mark` (test hooks and CORS preflights left out). */
export async function requestsSince(srv, mark) {
  return (await srv.requests()).filter((r) => (r.seq ?? 0) > mark && r.method !== 'OPTIONS' && !r.path.startsWith('/_local'));
}

/** Names of the buckets in a `/_local/state` answer. */
export const bucketNames = (state) => state.buckets.map((b) => b.name).sort();
/** The bucket named `name` in a state, or undefined. */
export const bucketIn = (state, name) => state.buckets.find((b) => b.name === name);
/** The key with id `id` in a state, or undefined. */
export const keyIn = (state, id) => state.keys.find((k) => k.id === id);

/** The bucket names in `buckets_role` of a key, whatever its exact shape. */
export function keyBuckets(key) {
  const br = key?.buckets_role ?? [];
  if (Array.isArray(br)) return br.map((x) => (typeof x === 'string' ? x : x.bucket ?? x.name)).sort();
  return Object.keys(br).sort();
}

/** The parent bucket names of a bucket in a state, whatever the exact shape of `parents`. */
export function parentNames(bucket) {
  return (bucket?.parents ?? []).map((p) => (typeof p === 'string' ? p : p.bucket ?? p.bucketName ?? p.name)).sort();
}

/** Number of snapshots of a bucket in a state (an array or a count). */
export function snapshotCount(bucket) {
  const s = bucket?.snapshots;
  return Array.isArray(s) ? s.length : Number(s ?? 0);
}

export { assert, join, readFileSync, writeFileSync, existsSync, sep };
