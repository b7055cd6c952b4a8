// A tigris-local process for the reliability suites, started with canary credentials (a root
// secret and a session token nobody could mistake for anything else), so any output that
// contains them is a leak. Same protocol as js-tests/helpers/tigris-local.mjs (which always uses
// tsec_local): ephemeral 127.0.0.1 port, /_local/ hooks, exits when our stdin pipe closes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { CANARY } from './canary.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set();
process.once('exit', () => { for (const c of running) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });

/**
 * @param {{hooks?: boolean, extraArgs?: string[]}} [opts]
 */
export async function startServer(opts = {}) {
  const bin = process.env.TIGRIS_LOCAL_BIN || `${repo}target/release/tigris-local`;
  const accessKeyId = CANARY.rootKeyId;
  const secretAccessKey = CANARY.rootSecret;
  const args = ['--addr', '127.0.0.1:0', '--exit-on-stdin-eof', '--access-key-id', accessKeyId,
    '--secret-access-key', secretAccessKey, '--session-token', CANARY.sessionToken];
  if (opts.hooks !== false) args.push('--test-hooks');
  args.push(...(opts.extraArgs ?? []));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIGRIS_LOCAL_')));
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  running.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => { stderr += c; if (stderr.length > 8e6) stderr = stderr.slice(-4e6); });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { running.delete(child); resolve({ code, signal }); }));
  const endpoint = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`tigris-local did not start within 15 s\n${stderr}`)); }, 15000);
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${bin}: ${e.message}`)); });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`tigris-local exited early (code ${code}, signal ${signal})\n${stderr}`)); });
    let first = true;
    lines.on('line', (line) => {
      stdout += `${line}\n`;
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
    config: { endpoint, iamEndpoint: endpoint, accessKeyId, secretAccessKey },
    requests: () => hook('GET', 'requests'),
    state: () => hook('GET', 'state'),
    fault: (spec) => hook('POST', 'faults', spec),
    reset: () => hook('POST', 'reset', {}),
    stderr: () => stderr,
    stdout: () => stdout,
    /** Peak resident set size in KiB (VmHWM), or undefined once the process is gone. */
    peakRssKiB: async () => {
      try {
        const { readFileSync } = await import('node:fs');
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) : undefined;
      } catch { return undefined; }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
