// One cold-start sample in a fresh Node process: import the side, then one listCheckpoints.
// Times are from performance.now(), whose origin is the process start.
// argv: <ours|reference|none> ; env BENCH_CONFIG = {endpoint, iamEndpoint, accessKeyId, secretAccessKey}, BENCH_BUCKET.
const side = process.argv[2];
const t0 = performance.now();
let mod;
if (side === 'ours') mod = await import('tigris-agent-kit');
else if (side === 'reference') mod = await import('../reference.mjs');
const t1 = performance.now();
let count = null;
if (mod) {
  const res = await mod.listCheckpoints(process.env.BENCH_BUCKET, { config: JSON.parse(process.env.BENCH_CONFIG) });
  if (res.error) throw res.error;
  count = res.data.checkpoints.length;
}
const t2 = performance.now();
console.log(JSON.stringify({ side, scriptStartMs: t0, importMs: t1 - t0, firstCallMs: t2 - t1, startToResolvedMs: t2, checkpoints: count, maxRssKiB: process.resourceUsage().maxRSS }));
