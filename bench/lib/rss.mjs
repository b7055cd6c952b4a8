// 6. Memory over 100,000 sequential whole calls in one fresh Node process (bench/child/rss.mjs).
import { nodeChild } from './util.mjs';

export async function measureRss({ calls }) {
  return nodeChild(['bench/child/rss.mjs', String(calls)], { execArgv: ['--expose-gc'], timeoutMs: 600_000 });
}
