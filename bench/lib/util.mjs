// Small shared helpers for the bench: statistics, child processes, paths.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const benchDir = fileURLToPath(new URL('../', import.meta.url));

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x, d = 1) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);

/** `{median, min, max, n, samples}` of a list of numbers. */
export function summary(xs, d = 2) {
  const s = xs.filter((x) => Number.isFinite(x));
  return { median: round(median(s), d), min: round(Math.min(...s), d), max: round(Math.max(...s), d), n: s.length, samples: s.map((x) => round(x, d)) };
}

export const ratio = (ours, ref, d = 3) => (ours == null || ref == null || ref === 0 ? null : round(ours / ref, d));

/**
 * Runs `node <args>` in a fresh process (cwd = repo) and resolves its last stdout line parsed as
 * JSON. Rejects with stderr on a non-zero exit or a timeout (the child is killed).
 */
export function nodeChild(args, { env = {}, timeoutMs = 120_000, execArgv = [] } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...execArgv, ...args], {
      cwd: repo,
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1', NODE_NO_WARNINGS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`node ${args.join(' ')} timed out after ${timeoutMs} ms\n${err}`)); }, timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}\n${err}\n${out}`));
      const last = out.trim().split('\n').pop();
      try { resolve({ ...JSON.parse(last), wallMs }); } catch { reject(new Error(`node ${args.join(' ')}: no JSON result\n${out}\n${err}`)); }
    });
  });
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => round(x, 2)),
  };
}

export const log = (...a) => console.error('[bench]', ...a);
