// 6. Memory over 100,000 sequential whole calls in one fresh Node process (bench/child/rss.mjs),
// three ways: the package with Node's defaults; the package with V8's young generation held at
// 1 MiB semi-spaces (`--max-semi-space-size=1`), which tells the collector's own growth apart
// from memory the calls keep; and the stubbed fetch alone with Node's defaults (the control).
import { nodeChild } from './util.mjs';

const run = (calls, mode, flags = []) =>
  nodeChild(['bench/child/rss.mjs', String(calls), mode], { execArgv: ['--expose-gc', ...flags], timeoutMs: 600_000 });

export async function measureRss({ calls }) {
  const ours = await run(calls, 'kit');
  return { ...ours, youngPinned: await run(calls, 'kit', ['--max-semi-space-size=1']), stubOnly: await run(calls, 'stub') };
}
