// One workflow-latency sample in a fresh Node process: import the side, one warm-up call
// (listCheckpoints on a small bucket: JIT + keep-alive connection), then the timed workflow.
// Prints {ms, msWarm (createForks: a second call in the same process), maxRssKiB, out}; `out` is what the parent needs to clean up.
// argv: <ours|reference> <row>; env BENCH_CONFIG, BENCH_INPUT (JSON: row inputs).
const [side, row] = process.argv.slice(2);
const config = JSON.parse(process.env.BENCH_CONFIG);
const input = JSON.parse(process.env.BENCH_INPUT);
const kit = side === 'ours' ? await import('tigris-agent-kit') : await import('../reference.mjs');
const must = (r, what) => { if (r.error) throw new Error(`${what}: ${r.error.message}`); return r.data; };
must(await kit.listCheckpoints(input.warmBucket, { config }), 'warm-up');

const rows = {
  createForks: () => kit.createForks(input.base, input.count, { prefix: input.prefix, credentials: { role: 'Editor' }, config }),
  teardownForks: () => kit.teardownForks(input.set, { config }),
  createWorkspace: () => kit.createWorkspace(input.name, { ttl: { days: 1 }, credentials: { role: 'Editor' }, config }),
  listCheckpoints: () => kit.listCheckpoints(input.bucket, { config }),
};
const t = performance.now();
const res = await rows[row]();
const ms = performance.now() - t;
const data = must(res, row);
// createForks again in the same (now warm) process, under a second prefix: the figure for a
// long-lived orchestrator that forks repeatedly.
let msWarm = null;
let second = null;
if (row === 'createForks') {
  const t2 = performance.now();
  second = must(await kit.createForks(input.base, input.count, { prefix: `${input.prefix}w`, credentials: { role: 'Editor' }, config }), 'createForks (warm)');
  msWarm = performance.now() - t2;
}
let check;
if (row === 'createForks') check = data.forks.length === input.count && data.forks.every((f) => f.credentials);
else if (row === 'listCheckpoints') check = data.checkpoints.length === input.expect;
else if (row === 'createWorkspace') check = Boolean(data.credentials);
else check = true;
if (!check) throw new Error(`${row}: unexpected result ${JSON.stringify(data).slice(0, 300)}`);
console.log(JSON.stringify({ side, row, ms, msWarm, maxRssKiB: process.resourceUsage().maxRSS, out: row === 'createForks' ? [data, second] : row === 'createWorkspace' ? data : null }));
