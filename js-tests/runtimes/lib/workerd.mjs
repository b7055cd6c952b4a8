// workerd (npm) and wrangler 3 (its bundler) for the matrix: bundle a Worker project with
// `wrangler deploy --dry-run --outdir`, serve a capnp config with bare workerd on 127.0.0.1:0
// (port read from --control-fd), outbound network limited to "local" (loopback).
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { bin, tempDir, cleanEnv, spawnService, run, assertOk, join } from './harness.mjs';
import { workerdConfig } from '../../../examples/worker/workerd-local.mjs';

/**
 * Environment for wrangler that keeps it offline: metrics and error reports off, its own config
 * dir, and the npm update check answered from a pre-seeded cache (it would query the registry).
 */
export function wranglerEnv() {
  const tmp = tempDir('wrangler-tmp');
  mkdirSync(join(tmp, 'update-check'));
  writeFileSync(join(tmp, 'update-check', 'wrangler-latest.json'), JSON.stringify({ latest: '3.114.17', lastUpdate: Date.now() }));
  return cleanEnv({
    TMPDIR: tmp, XDG_CONFIG_HOME: join(tmp, 'xdg'), WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false',
    CI: '1', NO_COLOR: '1', FORCE_COLOR: '0', CLOUDFLARE_API_TOKEN: '', CLOUDFLARE_ACCOUNT_ID: '',
  });
}

/** `wrangler deploy --dry-run --outdir <outdir>` in `cwd`; returns the emitted file names. */
export async function wranglerBundle(cwd, outdir = 'dist') {
  assertOk(await run(bin('wrangler'), ['deploy', '--dry-run', '--outdir', outdir], { cwd, env: wranglerEnv(), timeout: 180_000 }), 'wrangler deploy --dry-run');
  return readdirSync(join(cwd, outdir));
}

/**
 * Serves `configPath` with workerd; resolves { url, child } once the "http" socket listens.
 * The config's socket address should be 127.0.0.1:0 (the port is read from the control fd).
 */
export async function serveWorkerd(configPath, { cwd, timeout = 60_000 } = {}) {
  const child = spawnService(bin('workerd'), ['serve', configPath, '--control-fd=3'], {
    cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const port = await new Promise((resolve, reject) => {
    let control = '';
    const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${timeout} ms\n${child.err()}`)), timeout);
    child.stdio[3].setEncoding('utf8').on('data', (d) => {
      control += d;
      const m = /"event":"listen","socket":"http","port":(\d+)/.exec(control);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('close', (code) => { clearTimeout(timer); reject(new Error(`workerd exited (${code})\n${child.out()}\n${child.err()}`)); });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/**
 * Bundles the Worker project in `dir` (its wrangler.toml and src/) and serves it with bare
 * workerd on 127.0.0.1, outbound loopback only, with the TIGRIS_* bindings of `config` (a
 * tigris-local's `config`); resolves the Worker's base URL.
 */
export async function serveWorker(dir, config) {
  await wranglerBundle(dir);
  const vars = {
    TIGRIS_STORAGE_ENDPOINT: config.endpoint,
    TIGRIS_IAM_ENDPOINT: config.iamEndpoint ?? config.endpoint,
    TIGRIS_STORAGE_ACCESS_KEY_ID: config.accessKeyId,
    TIGRIS_STORAGE_SECRET_ACCESS_KEY: config.secretAccessKey,
  };
  writeFileSync(join(dir, 'workerd.capnp'), workerdConfig({ dist: join(dir, 'dist'), configDir: dir, vars, address: '127.0.0.1:0', allow: ['local'] }));
  return (await serveWorkerd(join(dir, 'workerd.capnp'), { cwd: dir })).url;
}
