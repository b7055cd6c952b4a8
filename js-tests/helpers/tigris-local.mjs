// The one place that starts a tigris-local process for JS tests, the stress runs and the bench
// (the binary is built beforehand by the test script: `cargo build --release -p tigris-local`;
// this helper never builds). The server listens on an ephemeral 127.0.0.1 port, with the
// `/_local/` test hooks unless `hooks: false`, and the root key tid_local / tsec_local unless
// other credentials are given (stress/lib/server.mjs passes canary ones). The process is killed
// on stop() and when the calling process exits, and exits by itself when the caller dies (its
// stdin pipe closes).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set();
const killAll = () => { for (const child of running) { try { child.kill('SIGKILL'); } catch { /* already gone */ } } };
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { killAll(); process.exit(130); });
}

/** Output kept per stream: a long load run would otherwise grow it without bound. */
const KEEP_CHARS = 4e6;

/** Appends `chunk` to `text`, keeping at most the last 2 × KEEP_CHARS characters. */
const appendBounded = (text, chunk) => {
  const all = text + chunk;
  return all.length > 2 * KEEP_CHARS ? all.slice(-KEEP_CHARS) : all;
};

/** Command-line flags of the numeric and string options, in the order they are passed. */
const FLAGS = [
  ['latencyMs', '--latency-ms'],
  ['sessionToken', '--session-token'],
  ['daySeconds', '--day-seconds'],
  ['webhookTimeoutMs', '--webhook-timeout-ms'],
  ['webhookMaxAttempts', '--webhook-max-attempts'],
];

/**
 * @param {{accessKeyId?: string, secretAccessKey?: string, hooks?: boolean, latencyMs?: number,
 *          sessionToken?: string, daySeconds?: number, webhookTimeoutMs?: number,
 *          webhookMaxAttempts?: number, extraArgs?: string[]}} [opts]
 */
export async function startTigrisLocal(opts = {}) {
  const bin = process.env.TIGRIS_LOCAL_BIN || `${repo}target/release/tigris-local`;
  const accessKeyId = opts.accessKeyId ?? 'tid_local';
  const secretAccessKey = opts.secretAccessKey ?? 'tsec_local';
  // --exit-on-stdin-eof: the server leaves when our end of its stdin pipe closes, so it never
  // outlives this process, even one killed with SIGKILL.
  const args = ['--addr', '127.0.0.1:0', '--exit-on-stdin-eof', '--access-key-id', accessKeyId, '--secret-access-key', secretAccessKey];
  if (opts.hooks !== false) args.push('--test-hooks');
  for (const [key, flag] of FLAGS) if (opts[key] != null) args.push(flag, String(opts[key]));
  args.push(...(opts.extraArgs ?? []));

  // Keep TIGRIS_LOCAL_* from the caller's environment out, so flags alone decide.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIGRIS_LOCAL_')));
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  running.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = appendBounded(stderr, chunk); });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));

  const endpoint = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`tigris-local did not start within 15 s\n${stderr}`)); }, 15000);
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${bin}: ${e.message} (build it with: cargo build --release -p tigris-local)`)); });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`tigris-local exited early (code ${code}, signal ${signal})\n${stderr}`)); });
    let first = true;
    lines.on('line', (line) => {
      stdout = appendBounded(stdout, `${line}\n`);
      if (!first) return;
      first = false;
      clearTimeout(timer);
      const m = /^tigris-local listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]); else reject(new Error(`unexpected first line from tigris-local: ${line}`));
    });
  });

  const hook = async (method, path, body) => {
    const res = await fetch(`${endpoint}/_local/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`/_local/${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  return {
    endpoint,
    pid: child.pid,
    accessKeyId,
    secretAccessKey,
    config: { endpoint, iamEndpoint: endpoint, accessKeyId, secretAccessKey },
    /** The request log (method, path, query, headers, body, status, fault), secrets masked. */
    requests: () => hook('GET', 'requests'),
    /** `{buckets:[{name,type,parents,snapshots,notifications,objects}], keys:[{id,name,buckets_role}]}` */
    state: () => hook('GET', 'state'),
    /** Adds a fault: `{method?, path?, header?, nth?, times?, action}`. */
    fault: (spec) => hook('POST', 'faults', spec),
    /** Clears buckets, keys, faults and the log (not the root key). */
    reset: () => hook('POST', 'reset', {}),
    /** What the server wrote to stderr so far (the last few MB of it). */
    stderr: () => stderr,
    /** What the server wrote to stdout so far (the last few MB of it). */
    stdout: () => stdout,
    /** Peak resident set size in KiB (VmHWM), or undefined once the process is gone. */
    peakRssKiB: async () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : undefined;
      } catch { return undefined; }
    },
    /** Kills the server and waits for it to exit. */
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
