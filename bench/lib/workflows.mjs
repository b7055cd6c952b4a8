// 4 + 5. Workflow latency against tigris-local --latency-ms 20, and the peak RSS of the Node
// process per row: each sample is a fresh child process (ours: default concurrency; reference:
// sequential, docs/protocol.md §7). Set-up and clean-up happen in this process through our package (fast,
// outside the timing and outside the measured process).
import { nodeChild, summary, ratio, log } from './util.mjs';

const must = (r, what) => { if (r.error) throw new Error(`${what}: ${r.error.message}`); return r.data; };

export const ROWS = {
  createForks: 'createForks(base, N, {credentials})',
  teardownForks: 'teardownForks (N forks with keys)',
  createWorkspace: 'createWorkspace(name, {ttl, credentials})',
  listCheckpoints: 'listCheckpoints over 100 checkpoints',
};

export async function measureWorkflows(srv, kit, { reps, forks = 50, checkpoints = 100 }) {
  const config = srv.config;
  const tag = Date.now().toString(36);
  let serial = 0;
  const name = (p) => `${p}-${tag}-${(serial++).toString(36)}`;
  const warmBucket = must(await kit.createWorkspace(name('bw'), { enableSnapshots: true, config }), 'warm bucket').bucket;
  must(await kit.checkpoint(warmBucket, { config }), 'warm checkpoint');
  const listBucket = must(await kit.createWorkspace(name('bl'), { enableSnapshots: true, config }), 'list bucket').bucket;
  for (let i = 0; i < checkpoints; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, checkpoints - i) }, (_, j) => kit.checkpoint(listBucket, { name: `c${i + j}`, config }).then((r) => must(r, 'checkpoint'))));
  }
  const base = must(await kit.createWorkspace(name('bb'), { enableSnapshots: true, config }), 'base').bucket;

  const sample = async (side, row) => {
    const input = { warmBucket };
    if (row === 'createForks') Object.assign(input, { base, count: forks, prefix: name(`bf${side[0]}`) });
    if (row === 'teardownForks') input.set = must(await kit.createForks(base, forks, { prefix: name(`bt${side[0]}`), credentials: { role: 'Editor' }, config }), 'fork set for teardown');
    if (row === 'createWorkspace') input.name = name(`bc${side[0]}`);
    if (row === 'listCheckpoints') Object.assign(input, { bucket: listBucket, expect: checkpoints });
    const res = await nodeChild(['bench/child/workflow.mjs', side, row], { env: { BENCH_CONFIG: JSON.stringify(config), BENCH_INPUT: JSON.stringify(input) }, timeoutMs: 300_000 });
    if (row === 'createForks') for (const set of res.out) must(await kit.teardownForks(set, { config }), 'clean-up forks');
    if (row === 'createWorkspace') must(await kit.teardownWorkspace(res.out, { config }), 'clean-up workspace');
    return res;
  };

  const out = {};
  for (const row of Object.keys(ROWS)) {
    const s = { ours: [], reference: [] };
    for (let i = 0; i < reps; i++) {
      for (const side of i % 2 ? ['reference', 'ours'] : ['ours', 'reference']) s[side].push(await sample(side, row));
    }
    const ms = (side) => summary(s[side].map((x) => x.ms), 1);
    const rss = (side) => summary(s[side].map((x) => x.maxRssKiB / 1024), 1);
    out[row] = { label: ROWS[row].replace('N', String(forks)), ours: { ms: ms('ours'), maxRssMiB: rss('ours') }, reference: { ms: ms('reference'), maxRssMiB: rss('reference') } };
    out[row].ratio = ratio(out[row].ours.ms.median, out[row].reference.ms.median);
    out[row].rssRatio = ratio(out[row].ours.maxRssMiB.median, out[row].reference.maxRssMiB.median);
    if (row === 'createForks') {
      const warm = (side) => summary(s[side].map((x) => x.msWarm), 1);
      out.createForksWarm = { label: `createForks(base, ${forks}, {credentials}), second call in the same process`, ours: { ms: warm('ours'), maxRssMiB: null }, reference: { ms: warm('reference'), maxRssMiB: null } };
      out.createForksWarm.ratio = ratio(out.createForksWarm.ours.ms.median, out.createForksWarm.reference.ms.median);
    }
    if (row === 'createForks') log(`workflow createForks (warm): ours ${out.createForksWarm.ours.ms.median} ms vs ref ${out.createForksWarm.reference.ms.median} ms`);
    log(`workflow ${row}: ours ${out[row].ours.ms.median} ms vs ref ${out[row].reference.ms.median} ms (×${out[row].ratio}); RSS ${out[row].ours.maxRssMiB.median} vs ${out[row].reference.maxRssMiB.median} MiB`);
  }
  // clean-up of the fixed buckets (forks of `base` are gone; snapshots stay with the bucket)
  for (const b of [warmBucket, listBucket, base]) must(await kit.teardownWorkspace({ bucket: b }, { config }), `clean-up ${b}`);
  return { forks, checkpoints, rows: out };
}
