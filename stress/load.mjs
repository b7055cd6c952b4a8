// Load driver: N concurrent simulated agents for S seconds against one tigris-local on loopback.
// Each agent loops: createWorkspace (snapshots + Editor key) → put/get an object with the scoped
// key → checkpoint → restore (a copy-on-write fork at the checkpoint, read back) → teardown of
// the fork and the workspace. Asserted: zero errors, zero leaked buckets/keys at the end.
// Printed: iterations/s, requests/s, per-iteration latency, peak RSS of tigris-local (VmHWM).
//
//   node stress/load.mjs [agents=64] [seconds=30]
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { startServer } from './lib/server.mjs';
import { remember } from './lib/canary.mjs';

/** Signed S3 object calls with a given key (aws4fetch, with the body hash tigris-local requires). */
function s3(endpoint, creds) {
  const client = new AwsClient({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, service: 's3', region: 'auto', retries: 0 });
  const hash = (body) => createHash('sha256').update(body ?? '').digest('hex');
  return {
    put: async (bucket, key, body) => {
      const res = await client.fetch(`${endpoint}/${bucket}/${key}`, { method: 'PUT', body, headers: { 'x-amz-content-sha256': hash(body) } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`put ${bucket}/${key}: ${res.status} ${text}`);
    },
    get: async (bucket, key) => {
      const res = await client.fetch(`${endpoint}/${bucket}/${key}`, { headers: { 'x-amz-content-sha256': hash('') } });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`get ${bucket}/${key}: ${res.status} ${text}`);
      return text;
    },
  };
}

/**
 * Runs the load. `srv` (from startServer) and `kit` are given by the caller.
 * @returns {Promise<{agents, seconds, iterations, requests, errors: string[], leaks, throughput, rps, p50, p99, peakRssKiB}>}
 */
export async function runLoad({ kit, srv, agents = 64, seconds = 30, log = () => {} }) {
  const config = srv.config;
  const root = s3(srv.endpoint, config);
  const deadline = Date.now() + seconds * 1000;
  const errors = [];
  const latencies = [];
  let iterations = 0;
  const fail = (what, res) => { throw new Error(`${what}: ${res?.error?.message ?? JSON.stringify(res)}`); };
  const agent = async (a) => {
    let i = 0;
    while (Date.now() < deadline && errors.length === 0) {
      const t0 = performance.now();
      const name = `ld-${a}-${i}-${process.pid.toString(36)}`;
      i += 1;
      try {
        const created = await kit.createWorkspace(name, { enableSnapshots: true, credentials: { role: 'Editor' }, config });
        if (created.error || !created.data.credentials) fail('createWorkspace', created);
        const ws = created.data;
        remember(ws.credentials.secretAccessKey);
        const mine = s3(srv.endpoint, ws.credentials);
        const body = `agent ${a} iteration ${i}`;
        await mine.put(name, 'work/output.txt', body);
        if (await mine.get(name, 'work/output.txt') !== body) throw new Error('read back differs');
        const ck = await kit.checkpoint(name, { name: `it-${i}`, config });
        if (ck.error) fail('checkpoint', ck);
        const fork = await kit.restore(name, ck.data.snapshotId, { forkName: `${name}-r`, config });
        if (fork.error) fail('restore', fork);
        if (await root.get(fork.data.bucket, 'work/output.txt') !== body) throw new Error('fork content differs');
        const tf = await kit.teardownWorkspace({ bucket: fork.data.bucket }, { config });
        if (tf.error) fail('teardown fork', tf);
        const tw = await kit.teardownWorkspace(ws, { config });
        if (tw.error) fail('teardownWorkspace', tw);
        iterations += 1;
        latencies.push(performance.now() - t0);
      } catch (e) {
        errors.push(`agent ${a} iteration ${i}: ${e.message}`);
      }
    }
  };
  const started = performance.now();
  let peak = 0;
  const sampler = setInterval(async () => { peak = Math.max(peak, (await srv.peakRssKiB()) ?? 0); }, 500);
  const progress = setInterval(() => log(`  … ${iterations} iterations, ${errors.length} errors`), 5000);
  await Promise.all(Array.from({ length: agents }, (_, a) => agent(a)));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  clearInterval(progress);
  const peakRssKiB = Math.max(peak, (await srv.peakRssKiB()) ?? 0);
  const st = await srv.state();
  const leaks = { buckets: st.buckets.map((b) => b.name), keys: st.keys.map((k) => k.name) };
  latencies.sort((x, y) => x - y);
  const q = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
  const perIteration = 10; // bucket, key, put, get, snapshot, fork, get, delete fork, delete key, delete bucket
  return {
    agents, seconds: elapsed, iterations, requests: iterations * perIteration, errors, leaks,
    throughput: iterations / elapsed, rps: (iterations * perIteration) / elapsed,
    p50: q(0.5), p99: q(0.99), peakRssKiB, nodeRssKiB: Math.round(process.memoryUsage().rss / 1024),
  };
}

export function formatLoad(r) {
  return `load: ${r.agents} agents × ${r.seconds.toFixed(1)} s: ${r.iterations} agent iterations (${r.throughput.toFixed(1)}/s, ≈${Math.round(r.rps)} requests/s), `
    + `iteration latency p50 ${r.p50.toFixed(0)} ms p99 ${r.p99.toFixed(0)} ms, errors ${r.errors.length}, leaked buckets ${r.leaks.buckets.length} keys ${r.leaks.keys.length}, `
    + `tigris-local peak RSS ${(r.peakRssKiB / 1024).toFixed(1)} MiB, node RSS ${(r.nodeRssKiB / 1024).toFixed(1)} MiB`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const agents = Number(process.argv[2] ?? 64);
  const seconds = Number(process.argv[3] ?? 30);
  const kit = await import('../pkg/node.mjs');
  const srv = await startServer();
  try {
    const r = await runLoad({ kit, srv, agents, seconds, log: console.log });
    console.log(formatLoad(r));
    if (r.errors.length) console.log(r.errors.slice(0, 10).join('\n'));
    process.exitCode = r.errors.length || r.leaks.buckets.length || r.leaks.keys.length ? 1 : 0;
  } finally {
    await srv.stop();
  }
}
