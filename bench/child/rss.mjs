// Memory over many sequential calls in one Node process: `calls` whole teardownCoordination
// calls (stubbed fetch, bench/lib/stub-fetch.mjs), each awaited in turn — or, with `stub`, the
// stubbed fetch alone (the same PATCH and answer, no package), as a control. Prints the RSS after
// every tenth of the calls, taken after a full GC when run with --expose-gc (so a sample is what
// stays allocated, not the collector's headroom; the first sample, after the warm-up tenth, is
// the baseline), the growth from that baseline to the last sample, and the process's peak RSS.
// The same for what the process keeps allocated (V8 heap in use + external memory, the wasm
// module's memory included), which RSS follows only loosely (V8 keeps freed pages mapped).
// argv: <calls> [kit|stub]
import { stubFetch } from '../lib/stub-fetch.mjs';

const calls = Number(process.argv[2] ?? 100_000);
const stubOnly = process.argv[3] === 'stub';
globalThis.fetch = stubFetch;
const kit = stubOnly ? undefined : await import('tigris-agent-kit');
const config = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', endpoint: 'https://t3.storage.dev' };
const body = new TextEncoder().encode('{"object_notifications":{}}');
/** One call: the package's, or the stub's exchange alone. */
const once = stubOnly
  ? async () => { await (await stubFetch('https://t3.storage.dev/bench-bucket', { method: 'PATCH', body })).arrayBuffer(); }
  : async () => { const r = await kit.teardownCoordination('bench-bucket', { config }); if (r.error) throw r.error; };
const step = Math.max(1, Math.floor(calls / 10));
const rssMiB = [];
const retainedMiB = [];
const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
for (let i = 1; i <= calls; i++) {
  await once();
  if (i % step === 0) {
    globalThis.gc?.();
    const m = process.memoryUsage();
    rssMiB.push(mib(m.rss));
    retainedMiB.push(mib(m.heapUsed + m.external));
  }
}
console.log(JSON.stringify({
  calls, rssMiB, retainedMiB, rssGrowthMiB: mib((rssMiB.at(-1) - rssMiB[0]) * 2 ** 20),
  retainedGrowthMiB: mib((retainedMiB.at(-1) - retainedMiB[0]) * 2 ** 20), maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
}));
