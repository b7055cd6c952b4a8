// `npm run bench`: ours (the built package in pkg/) side by side with the reference stack
// (bench/reference.mjs over @tigrisdata/storage 3.21.0 + @tigrisdata/iam 2.6.0) on this machine:
// 1 size, 2 cold start, 3 signing (Node, workerd, native ceiling; presigned URLs in Node), 4 workflow latency against
// tigris-local --latency-ms 20, 5 peak RSS per workflow row, 6 memory over 100,000 sequential
// calls. Writes bench/results.json and regenerates the table in BENCHMARKS.md.
//
//   node bench/run.mjs [--reps 5] [--cold-reps 15] [--sign-runs 3] [--workerd-reps 7]
//                      [--only size,cold,sign,presign,workerd,native,workflows,rss] [--smoke] [--out FILE] [--no-md]
//
// --smoke: one repetition of everything cheap (short signing windows, 10 forks / 20 checkpoints,
// 10,000 calls for the memory part, no cargo), writes to --out (default .tmp/bench-smoke.json) and leaves BENCHMARKS.md alone.
// Needs: pkg/ built (npm run build), target/release/tigris-local (cargo build --release -p tigris-local).
// The native ceiling is read from `CARGO_TARGET_DIR=target/bench cargo bench --bench signing`
// (run it first; `--only native` just reads it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTigrisLocal } from '../js-tests/helpers/tigris-local.mjs';
import { machine, repo, log } from './lib/util.mjs';
import { measureSize } from './lib/size.mjs';
import { measureCold } from './lib/cold.mjs';
import { measureSignNode, measureSignWorkerd, readCriterion, PRESIGN_SIGNERS } from './lib/sign.mjs';
import { measureWorkflows } from './lib/workflows.mjs';
import { measureRss } from './lib/rss.mjs';
import { render, splice } from './lib/report.mjs';

const { values: a } = parseArgs({
  options: {
    reps: { type: 'string' }, 'cold-reps': { type: 'string' }, 'sign-runs': { type: 'string' }, 'workerd-reps': { type: 'string' },
    only: { type: 'string' }, smoke: { type: 'boolean', default: false }, out: { type: 'string' }, 'no-md': { type: 'boolean', default: false },
  },
});
const smoke = a.smoke;
const num = (v, d) => (v === undefined ? d : Math.max(1, Number.parseInt(v, 10)));
const settings = {
  reps: num(a.reps, smoke ? 1 : 5),
  coldReps: num(a['cold-reps'], smoke ? 1 : 15),
  signRuns: num(a['sign-runs'], smoke ? 1 : 3),
  signWindows: smoke ? { warmupMs: 100, windowMs: 200, windows: 2 } : { warmupMs: 500, windowMs: 1500, windows: 5 },
  workerdReps: num(a['workerd-reps'], smoke ? 1 : 7),
  workerdScale: smoke ? 0.05 : 1,
  forks: smoke ? 10 : 50,
  checkpoints: smoke ? 20 : 100,
  latencyMs: 20,
  rssCalls: smoke ? 10_000 : 100_000,
};
const only = new Set((a.only ?? 'size,cold,sign,presign,workerd,native,workflows,rss').split(',').map((s) => s.trim()));
const outFile = a.out ?? (smoke ? join(repo, '.tmp', 'bench-smoke.json') : join(repo, 'bench', 'results.json'));

for (const [f, how] of [['pkg/tigris_agent_kit_bg.wasm', 'npm run build'], ['target/release/tigris-local', 'cargo build --release -p tigris-local']]) {
  if (!existsSync(join(repo, f))) { console.error(`missing ${f}: run \`${how}\` first`); process.exit(2); }
}

let commit = 'unknown';
try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
// Keep the previous figures of the parts not re-run (so `--only` refreshes part of the table).
const previous = !smoke && existsSync(outFile) ? JSON.parse(readFileSync(outFile, 'utf8')) : {};
const results = { ...previous, date: new Date().toISOString(), commit, machine: machine(), settings, smoke };

// Each part records when and under what load it ran (parts can be refreshed separately).
const meta = () => ({ date: new Date().toISOString(), commit, loadavg: machine().loadavg });
const servers = [];
try {
  if (only.has('size')) { log('size…'); results.size = { meta: meta(), ...(await measureSize()) }; }
  if (only.has('cold')) {
    log('cold start…');
    const srv = await startTigrisLocal();
    servers.push(srv);
    const { kit } = await import('./lib/ours.mjs');
    const bucket = (await kit.createWorkspace(`bench-cold-${Date.now().toString(36)}`, { enableSnapshots: true, config: srv.config })).data.bucket;
    for (let i = 0; i < 3; i++) await kit.checkpoint(bucket, { name: `c${i}`, config: srv.config });
    results.cold = { meta: meta(), ...(await measureCold(srv, bucket, settings.coldReps)) };
    await srv.stop();
  }
  const signing = { ...(results.signing ?? {}) };
  if (only.has('sign')) {
    log('signing (node)…');
    signing.nodeMeta = meta();
    signing.node = await measureSignNode({ runs: settings.signRuns, ...settings.signWindows, bodies: smoke ? ['empty'] : ['empty', '1k'] });
  }
  if (only.has('presign')) {
    log('presigned URLs (node)…');
    signing.presignMeta = meta();
    signing.presign = (await measureSignNode({ runs: settings.signRuns, ...settings.signWindows, bodies: ['empty'], signers: PRESIGN_SIGNERS })).empty;
  }
  if (only.has('workerd')) {
    log('signing (workerd)…');
    signing.workerdMeta = meta();
    signing.workerd = await measureSignWorkerd({ reps: settings.workerdReps, scale: settings.workerdScale });
  }
  if (only.has('native')) signing.native = readCriterion();
  if (Object.keys(signing).length) results.signing = signing;
  if (only.has('workflows')) {
    log(`workflows (latency ${settings.latencyMs} ms)…`);
    const srv = await startTigrisLocal({ latencyMs: settings.latencyMs });
    servers.push(srv);
    const { kit } = await import('./lib/ours.mjs');
    results.workflows = { meta: meta(), ...(await measureWorkflows(srv, kit, { reps: settings.reps, forks: settings.forks, checkpoints: settings.checkpoints })) };
    await srv.stop();
  }
  if (only.has('rss')) {
    log(`memory over ${settings.rssCalls} calls…`);
    results.rss = { meta: meta(), ...(await measureRss({ calls: settings.rssCalls })) };
    log(`rss: growth ${results.rss.rssGrowthMiB} MiB, retained growth ${results.rss.retainedGrowthMiB} MiB, peak ${results.rss.maxRssMiB} MiB`);
  }
} finally {
  for (const s of servers) await s.stop().catch(() => {});
}
results.loadavgAfter = machine().loadavg;

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${outFile}`);
if (!smoke && !a['no-md']) {
  const md = join(repo, 'BENCHMARKS.md');
  writeFileSync(md, splice(existsSync(md) ? readFileSync(md, 'utf8') : '# Benchmarks\n', render(results)));
  log('regenerated BENCHMARKS.md');
}
