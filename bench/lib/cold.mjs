// 2. Cold start: fresh Node processes, alternating sides, after one discarded warm-up each.
import { nodeChild, summary, ratio, log } from './util.mjs';

export async function measureCold(srv, bucket, reps) {
  const env = { BENCH_CONFIG: JSON.stringify(srv.config), BENCH_BUCKET: bucket };
  const sides = ['none', 'ours', 'reference'];
  const samples = Object.fromEntries(sides.map((s) => [s, []]));
  for (const s of sides) await nodeChild(['bench/child/cold.mjs', s], { env }); // warm the file cache
  for (let i = 0; i < reps; i++) {
    for (const s of sides) samples[s].push(await nodeChild(['bench/child/cold.mjs', s], { env }));
  }
  const pick = (s, k) => summary(samples[s].map((x) => x[k]));
  const out = {};
  for (const s of sides) {
    out[s] = { importMs: pick(s, 'importMs'), startToResolvedMs: pick(s, 'startToResolvedMs'), processWallMs: pick(s, 'wallMs'), maxRssMiB: summary(samples[s].map((x) => x.maxRssKiB / 1024), 1) };
  }
  out.ratios = {
    importOursOverRef: ratio(out.ours.importMs.median, out.reference.importMs.median),
    startToResolvedOursOverRef: ratio(out.ours.startToResolvedMs.median, out.reference.startToResolvedMs.median),
  };
  log(`cold: import ours ${out.ours.importMs.median} ms vs ref ${out.reference.importMs.median} ms; start→listCheckpoints ours ${out.ours.startToResolvedMs.median} vs ref ${out.reference.startToResolvedMs.median}`);
  return out;
}
