// Runs the Worker locally in bare workerd (no wrangler dev, no miniflare): bundles it with
// wrangler 3 (`wrangler deploy --dry-run --outdir dist`, the same bundle `wrangler deploy` would
// upload), writes a workerd config for that bundle, and serves it.
//
//   node workerd-local.mjs [--port=8787] [--allow=public,local]
//
// Bindings: the [vars] of wrangler.toml, then `.dev.vars` (KEY=VALUE lines, as wrangler dev uses
// for secrets), then environment variables of the same names.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const capnpString = (s) => JSON.stringify(String(s)); // capnp text literals use the same escapes

/** Bundles src/ with wrangler 3 into `outdir`; returns the file names written there. */
export function bundle({ cwd = here, outdir = 'dist', wrangler = 'wrangler', env = process.env } = {}) {
  execFileSync(wrangler, ['deploy', '--dry-run', '--outdir', outdir], {
    cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
    env: { ...env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_UPDATE_NOTIFIER: '1' },
  });
  return readdirSync(join(cwd, outdir));
}

/** Bindings from wrangler.toml [vars], .dev.vars and the environment. */
export function bindings({ cwd = here, env = process.env } = {}) {
  const vars = {};
  const toml = readFileSync(join(cwd, 'wrangler.toml'), 'utf8');
  let inVars = false;
  for (const line of toml.split('\n')) {
    if (/^\s*\[/.test(line)) inVars = /^\s*\[vars\]\s*$/.test(line);
    const m = inVars && /^\s*([A-Z0-9_]+)\s*=\s*"(.*)"\s*$/.exec(line);
    if (m) vars[m[1]] = m[2];
  }
  const devVars = join(cwd, '.dev.vars');
  if (existsSync(devVars)) {
    for (const line of readFileSync(devVars, 'utf8').split('\n')) {
      const m = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
      if (m) vars[m[1]] = m[2];
    }
  }
  for (const name of ['TIGRIS_STORAGE_ENDPOINT', 'TIGRIS_IAM_ENDPOINT', 'TIGRIS_STORAGE_ACCESS_KEY_ID',
    'TIGRIS_STORAGE_SECRET_ACCESS_KEY', 'ADMIN_TOKEN', 'WEBHOOK_TOKEN', 'BUCKET_PREFIX']) {
    if (env[name] !== undefined) vars[name] = env[name];
  }
  return vars;
}

/**
 * A workerd config (capnp text) serving the bundle in `dist` on `address`: every .js file is an
 * ES module, every .wasm a wasm module (what wrangler's CompiledWasm rule means), the main module
 * first. Outbound network is limited to `allow` (workerd's default is "public" only; "local"
 * is needed to reach 127.0.0.1). No compatibility flags: no nodejs_compat.
 */
export function workerdConfig({ dist, configDir, vars = {}, address = '127.0.0.1:8787', allow = ['public', 'local'], main = 'index.js', compatibilityDate = '2025-09-01' }) {
  const files = readdirSync(dist).filter((f) => f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.wasm'));
  files.sort((a, b) => (a === main ? -1 : b === main ? 1 : a.localeCompare(b)));
  const modules = files.map((f) => {
    const path = capnpString(relative(configDir, join(dist, f)));
    return f.endsWith('.wasm') ? `(name = ${capnpString(f)}, wasm = embed ${path})` : `(name = ${capnpString(f)}, esModule = embed ${path})`;
  });
  const binds = Object.entries(vars).map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "net", network = (allow = [${allow.map(capnpString).join(', ')}])),
  ],
  sockets = [ (name = "http", address = ${capnpString(address)}, http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = ${capnpString(compatibilityDate)},
  bindings = [
    ${binds.join(',\n    ')}
  ],
  globalOutbound = "net",
);
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
  // The nearest node_modules/.bin that has the tool (this folder's, or a parent's), else PATH.
  const bin = (name) => {
    for (let dir = here; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', '.bin', name);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) return name;
    }
  };
  console.error('bundling with wrangler (dry run)…');
  bundle({ wrangler: bin('wrangler') });
  const configPath = join(here, 'dist', 'workerd.capnp');
  writeFileSync(configPath, workerdConfig({
    dist: join(here, 'dist'), configDir: join(here, 'dist'), vars: bindings(),
    address: `127.0.0.1:${arg('port', '8787')}`, allow: arg('allow', 'public,local').split(','),
  }));
  console.error(`workerd serving on http://127.0.0.1:${arg('port', '8787')}`);
  const child = spawn(bin('workerd'), ['serve', configPath], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}
