// Canary secrets and the scanner that proves none of them leaks: into an error message, a thrown
// value, a log line of this process (stdout/stderr, console) or of tigris-local (stderr, stdout,
// its request log). Minted access-key secrets (returned once, in `data.credentials`) are added
// at run time with `remember()`; `data` itself is the only place they may appear.

export const CANARY = {
  rootKeyId: 'tid_canaryroot',
  rootSecret: 'tsec_CANARY_root_7f3a9c41d2e8',
  wrongSecret: 'tsec_CANARY_wrong_0b6d93aa5c17',
  providerSecret: 'tsec_CANARY_provider_5e2f80c1b7a4',
  sessionToken: 'tok_CANARY_session_51d2f08e9b3c',
  webhookToken: 'whk_CANARY_token_88e1c2d4f5a6',
  webhookUser: 'canary-user',
  webhookPassword: 'pw_CANARY_basic_93b7e1f0a2c8',
  orgId: 'org-canary',
};

/** Everything that must never appear in output. */
const secrets = new Set([CANARY.rootSecret, CANARY.wrongSecret, CANARY.providerSecret, CANARY.sessionToken,
  CANARY.webhookToken, CANARY.webhookPassword]);

/** Also catches any other canary-looking value (e.g. one built by the fuzzer). */
const canaryPattern = /CANARY_[A-Za-z0-9_]{4,}/;

/** Registers a secret seen in returned data (a minted key's secretAccessKey). */
export function remember(secret) {
  if (typeof secret === 'string' && secret.length >= 8) secrets.add(secret);
}

/** The secrets found in `text` (by value, or by canary shape). */
export function leaksIn(text) {
  if (typeof text !== 'string' || text.length === 0) return [];
  const found = [];
  for (const s of secrets) if (text.includes(s)) found.push(s);
  const m = canaryPattern.exec(text);
  if (m && !found.some((s) => s.includes(m[0]))) found.push(m[0]);
  return found;
}

export function secretCount() { return secrets.size; }

/** Captured output of this process (everything written to stdout/stderr since `captureOutput`). */
let captured = [];
let capturedBytes = 0;
let installed = false;

/**
 * Tees process.stdout/stderr writes (console.* goes through them) into a buffer, so the run can
 * be scanned at the end. Scans incrementally (chunks are dropped after scanning to bound memory).
 */
export function captureOutput() {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      try {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        capturedBytes += text.length;
        const leaks = leaksIn(text);
        if (leaks.length) captured.push({ leaks, text: text.slice(0, 400) });
      } catch { /* never break the stream */ }
      return write(chunk, ...rest);
    };
  }
}

/** Leaks found in this process's output so far, and how much output was scanned. */
export function outputReport() {
  return { scannedChars: capturedBytes, leaks: captured };
}

/** Scans an error-ish value: message, stack, String(), JSON of own properties. */
export function leaksInError(error) {
  const parts = [];
  try { parts.push(String(error?.message)); } catch { /* ignore */ }
  try { parts.push(String(error?.stack)); } catch { /* ignore */ }
  try { parts.push(String(error)); } catch { /* ignore */ }
  try { parts.push(JSON.stringify(error, Object.getOwnPropertyNames(error ?? {}))); } catch { /* ignore */ }
  try { if (error?.cause !== undefined) parts.push(String(error.cause)); } catch { /* ignore */ }
  return leaksIn(parts.join('\n'));
}

/** Leaks in a tigris-local's stdout, stderr and request log. */
export async function serverLeaks(srv) {
  const found = [];
  for (const [where, text] of [['stderr', srv.stderr()], ['stdout', srv.stdout?.() ?? '']]) {
    const l = leaksIn(text);
    if (l.length) found.push({ where, leaks: l });
  }
  try {
    const log = JSON.stringify(await srv.requests());
    const l = leaksIn(log);
    if (l.length) found.push({ where: 'request log', leaks: l });
  } catch { /* hooks off */ }
  return found;
}
