// `npm run stress`: the full reliability runs (the smoke versions are in
// js-tests/reliability/):
//   1. 100,000 fast-check calls across the nine exports (≥ half with a valid config, reaching
//      tigris-local), then a normal workflow;
//   2. the whole fault matrix (every workflow × request × fault, timeouts included);
//   3. load: 64 simulated agents for 30 s, zero errors and leaks, throughput and peak RSS;
//   4. a secret scan of every output (this process, each tigris-local's stdout/stderr and log).
// Options: --calls N, --seed S, --agents N, --seconds S, --only fuzz,faults,load,hardening
import { startServer } from './lib/server.mjs';
import { runFuzz, normalWorkflow } from './lib/fuzz.mjs';
import { cells, runCell } from './lib/faults.mjs';
import { runLoad, formatLoad } from './load.mjs';
import { runHardening } from './hardening.mjs';
import { captureOutput, outputReport, serverLeaks, secretCount } from './lib/canary.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const only = arg('only', 'fuzz,faults,load,hardening').split(',');
captureOutput();
const kit = await import('../pkg/node.mjs');
const failures = [];
const summary = {};
const servers = [];
const started = Date.now();

async function phase(name, fn) {
  if (!only.includes(name)) return;
  const srv = await startServer();
  servers.push(srv);
  console.log(`\n== ${name}`);
  try {
    await fn(srv);
  } catch (e) {
    failures.push(`${name}: ${e.stack ?? e}`);
    console.log(`FAILED: ${e.stack ?? e}`);
  }
  const leaks = await serverLeaks(srv);
  if (leaks.length) failures.push(`${name}: tigris-local output leaks ${JSON.stringify(leaks)}`);
  await srv.stop();
}

await phase('fuzz', async (srv) => {
  for (const k of ['TIGRIS_STORAGE_ENDPOINT', 'TIGRIS_IAM_ENDPOINT', 'TIGRIS_MGMT_ENDPOINT']) process.env[k] = srv.endpoint;
  const calls = Number(arg('calls', 100_000));
  const seed = Number(arg('seed', Date.now() % 2 ** 31));
  console.log(`fuzz: ${calls} calls, seed ${seed} (replay: npm run stress -- --only fuzz --seed ${seed})`);
  let last = Date.now();
  const stats = await runFuzz({ kit, srv, calls, seed, batch: 500, log: (s) => {
    if (Date.now() - last > 15_000) { last = Date.now(); console.log(`  … ${s.calls} calls, ${s.reachedServer} reached the server`); }
  } });
  const steps = await normalWorkflow(kit, srv.config, `after-stress-fuzz-${process.pid}`);
  summary.fuzz = { ...stats, notReached: Object.entries(stats.notReached).sort((a, b) => b[1] - a[1]).slice(0, 8), normalWorkflowAfter: steps.length };
  console.log(JSON.stringify(summary.fuzz, null, 1));
  if (stats.reachedServer < calls / 2) failures.push(`fuzz: only ${stats.reachedServer} of ${calls} calls reached the server`);
});

await phase('faults', async (srv) => {
  const ctx = { srv, config: srv.config, notes: [] };
  const all = cells(kit);
  const results = [];
  for (const cell of all) {
    try {
      const r = await runCell(ctx, cell);
      results.push(r);
      console.log(`ok   ${r.id} (${r.ms} ms, ${r.faultHits} fault hits${r.note ? `; ${r.note}` : ''})`);
    } catch (e) {
      failures.push(e.message);
      console.log(`FAIL ${cell.id}: ${e.message}`);
      await srv.reset();
    }
  }
  for (const n of ctx.notes) console.log(`note: ${n}`);
  summary.faults = { cells: all.length, passed: results.length, timeoutCells: all.filter((c) => c.fault === 'timeout').length };
});

await phase('load', async (srv) => {
  const r = await runLoad({ kit, srv, agents: Number(arg('agents', 64)), seconds: Number(arg('seconds', 30)), log: console.log });
  console.log(formatLoad(r));
  summary.load = { ...r, errors: r.errors.slice(0, 5) };
  if (r.errors.length) failures.push(`load: ${r.errors.length} errors, e.g. ${r.errors[0]}`);
  if (r.leaks.buckets.length || r.leaks.keys.length) failures.push(`load: leaked ${JSON.stringify(r.leaks)}`);
});

await phase('hardening', async () => {
  const r = await runHardening(startServer);
  summary.hardening = r.figures;
  failures.push(...r.failures.map((f) => `hardening: ${f}`));
});

const out = outputReport();
if (out.leaks.length) failures.push(`this process printed secrets: ${JSON.stringify(out.leaks.slice(0, 3))}`);
console.log(`\n== summary (${((Date.now() - started) / 1000).toFixed(0)} s; ${secretCount()} secrets watched, ${out.scannedChars} output chars scanned)`);
if (summary.fuzz) console.log(`fuzz: ${summary.fuzz.calls} calls (${summary.fuzz.data} data, ${summary.fuzz.errors} errors), ${summary.fuzz.validConfig} with a valid config, ${summary.fuzz.reachedServer} reached tigris-local, ${(summary.fuzz.ms / 1000).toFixed(0)} s`);
if (summary.faults) console.log(`faults: ${summary.faults.passed}/${summary.faults.cells} cells passed (${summary.faults.timeoutCells} timeout cells)`);
if (summary.load) console.log(formatLoad(summary.load));
if (summary.hardening) console.log(`hardening: ${JSON.stringify(summary.hardening)}`);
console.log(failures.length ? `\n${failures.length} FAILURE(S):\n${failures.join('\n')}` : '\nall stress checks passed');
process.exitCode = failures.length ? 1 : 0;
