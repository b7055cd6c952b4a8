// 3. Signing throughput: Node (fresh process per signer and run; medians of windows, median of
// runs) and workerd (µs per signature timed from outside the Worker). The native ceiling comes
// from `cargo bench` (criterion; see benches/signing.rs) and is read from its output directory.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeChild, median, summary, round, repo, benchDir, log } from './util.mjs';

export const NODE_SIGNERS = ['ours-signer', 'ours-signer-batch', 'ours-call', 'ours-workspace', 'stub', 'smithy', 'aws4fetch'];

/** Presigned GET URLs per second: ours, the AWS SDK presigner, aws4fetch (bench/child/sign-node.mjs). */
export const PRESIGN_SIGNERS = ['ours-presign', 'sdk-presign', 'aws4fetch-presign'];

export async function measureSignNode({ runs, warmupMs, windowMs, windows, bodies = ['empty', '1k'], signers = NODE_SIGNERS }) {
  const out = {};
  for (const body of bodies) {
    out[body] = {};
    for (const signer of signers) {
      const runMedians = [];
      let unavailable;
      for (let r = 0; r < runs; r++) {
        const res = await nodeChild(['bench/child/sign-node.mjs', signer, body, String(warmupMs), String(windowMs), String(windows)], { timeoutMs: 300_000 });
        if (res.unavailable) { unavailable = res.unavailable; break; }
        runMedians.push(median(res.rates));
      }
      out[body][signer] = unavailable ? { unavailable } : { perSecond: summary(runMedians, 0), usPerSig: round(1e6 / median(runMedians), 1) };
      log(`sign node ${body} ${signer}: ${unavailable ?? `${out[body][signer].perSecond.median}/s`}`);
    }
  }
  return out;
}

const capnp = (s) => JSON.stringify(String(s));

/** Bundles the signing Worker and writes a workerd config; returns the config path. */
async function prepareWorkerd() {
  const dir = join(repo, '.tmp', 'bench-workerd');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const signerPkg = join(benchDir, 'wasm-signer', 'pkg', 'web');
  const haveSigner = existsSync(join(signerPkg, 'bench_signer.js'));
  const shim = join(dir, 'bench-signer-shim.mjs');
  writeFileSync(shim, haveSigner
    ? `import m from './bench_signer_bg.wasm';\nimport { initSync, signOnce } from ${JSON.stringify(join(signerPkg, 'bench_signer.js'))};\ninitSync({ module: m });\nexport const available = true;\nexport { signOnce };\n`
    : 'export const available = false;\nexport const signOnce = null;\n');
  await build({
    entryPoints: [join(benchDir, 'workerd', 'worker.src.mjs')], bundle: true, minify: true, format: 'esm',
    outfile: join(dir, 'worker.mjs'), platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'], external: ['*.wasm'], alias: { 'bench-signer': shim },
    logLevel: 'silent', absWorkingDir: repo,
  });
  copyFileSync(join(repo, 'pkg', 'tigris_agent_kit_bg.wasm'), join(dir, 'tigris_agent_kit_bg.wasm'));
  if (haveSigner) copyFileSync(join(signerPkg, 'bench_signer_bg.wasm'), join(dir, 'bench_signer_bg.wasm'));
  const modules = readdirSync(dir).filter((f) => f === 'worker.mjs' || f.endsWith('.wasm'))
    .sort((a, b) => (a === 'worker.mjs' ? -1 : b === 'worker.mjs' ? 1 : a.localeCompare(b)))
    .map((f) => `(name = ${capnp(f)}, ${f.endsWith('.wasm') ? 'wasm' : 'esModule'} = embed ${capnp(f)})`);
  const config = join(dir, 'config.capnp');
  writeFileSync(config, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .bench) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const bench :Workerd.Worker = (
  modules = [ ${modules.join(',\n    ')} ],
  compatibilityDate = "2025-09-01",
);
`);
  return { config, dir, haveSigner };
}

function serve(config, cwd) {
  const child = spawn(join(repo, 'node_modules', '.bin', 'workerd'), ['serve', config, '--control-fd=3'], { cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const port = new Promise((resolve, reject) => {
    let control = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`workerd did not listen within 30 s\n${err}`)); }, 30_000);
    child.stdio[3].setEncoding('utf8').on('data', (d) => {
      control += d;
      const m = /"event":"listen","socket":"http","port":(\d+)/.exec(control);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('close', (code) => { clearTimeout(timer); reject(new Error(`workerd exited (${code})\n${err}`)); });
  });
  return { child, port, err: () => err };
}

export const WORKERD_N = { 'ours-signer': 20000, 'ours-call': 5000, 'ours-workspace': 2000, stub: 5000, smithy: 2000, aws4fetch: 2000 };

export async function measureSignWorkerd({ reps, scale = 1, bodies = ['empty'] }) {
  const { config, dir } = await prepareWorkerd();
  const w = serve(config, dir);
  try {
    const base = `http://127.0.0.1:${await w.port}`;
    const timed = async (signer, n, body) => {
      const t = performance.now();
      const res = await fetch(`${base}/?signer=${signer}&n=${n}&body=${body}`);
      const text = await res.text();
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`workerd ${signer}: ${res.status} ${text}\n${w.err()}`);
      return performance.now() - t;
    };
    const out = {};
    for (const body of bodies) {
      out[body] = {};
      for (const [signer, fullN] of Object.entries(WORKERD_N)) {
        const n = Math.max(50, Math.round(fullN * scale));
        if ((await timed(signer, Math.min(200, n), body)) === null) { out[body][signer] = { unavailable: 'not built' }; continue; }
        const us = [];
        for (let i = 0; i < reps; i++) {
          const t0 = await timed(signer, 0, body);
          const tn = await timed(signer, n, body);
          us.push(((tn - t0) * 1000) / n);
        }
        out[body][signer] = { usPerSig: summary(us, 1), n };
        log(`sign workerd ${body} ${signer}: ${out[body][signer].usPerSig.median} µs`);
      }
    }
    return out;
  } finally {
    w.child.kill('SIGTERM');
  }
}

/** The criterion estimates written by `cargo bench --bench signing` (median, ns), if present. */
export function readCriterion() {
  const root = join(repo, 'target', 'bench', 'criterion');
  if (!existsSync(root)) return null;
  const out = {};
  for (const group of readdirSync(root)) {
    const est = join(root, group, 'new', 'estimates.json');
    if (!existsSync(est)) continue;
    const e = JSON.parse(readFileSync(est, 'utf8'));
    const ns = e.median?.point_estimate;
    out[group] = { usPerSig: round(ns / 1000, 2), perSecond: round(1e9 / ns, 0), measuredAt: statSync(est).mtime.toISOString() };
  }
  return Object.keys(out).length ? out : null;
}
