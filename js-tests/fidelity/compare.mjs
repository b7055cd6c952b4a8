// Request-log comparison for the fidelity test: normalises tigris-local's `GET /_local/requests`
// entries and diffs two logs (ordered, or as a multiset), separating the written list of allowed
// differences from everything else.
//
// What is IGNORED (never compared), a fixed list:
//   * headers `authorization`, `x-amz-date`, `user-agent`, `x-amz-user-agent`, `amz-sdk-*`
//     (signatures, dates, SDK user agents and invocation ids);
//   * transport noise added by the HTTP stack, unsigned: `connection`, `accept-encoding`,
//     `accept-language`, `sec-fetch-mode`;
//   * `content-length` where the body implies it (equal to the body's byte length, or absent/0
//     for an empty body);
//   * `x-amz-content-sha256` when the raw bodies differ only by generated names (else compared);
//   * generated names and ids, replaced by labels before comparing: `req_uuid` and TTL rule ids
//     (any UUID in a body), default timestamped names (`-fork-<13 digits>`, `-restore-<13 digits>`),
//     snapshot versions and access-key ids the server generated (labelled from the server state:
//     `<snap:bucket#i>`, `<key:name>`).
// Everything else — method, path, query, every other header and its value, body, status — is
// compared. See ALLOWED below for the differences that are reported but do not fail.

export const IGNORED_HEADERS = ['authorization', 'x-amz-date', 'user-agent', 'x-amz-user-agent', 'connection', 'accept-encoding', 'accept-language', 'sec-fetch-mode'];
const ignoredHeader = (name) => IGNORED_HEADERS.includes(name) || name.startsWith('amz-sdk-');

/**
 * The written list of allowed differences. Each has an id, a one-line reason, and is recognised
 * by compare() below; anything else is a failure.
 */
export const ALLOWED = {
  'accept-any': 'Node fetch (undici) adds `accept: */*` when the caller set no Accept header; present on one side only, unsigned, meaningless to the server',
  'query-order': 'the same query parameters in another order (the SigV4 canonical query is sorted; servers must not depend on order)',
  'retry': 'more attempts of the same request on our side after a 408/429/5xx answer or a dropped connection, possibly ending with another status (our retries; the reference retries S3 calls only, inside the AWS SDK, and never its fetch-based Tigris/IAM calls)',
};

/**
 * Differences accepted in one scenario because the README lists them as deliberate improvements:
 * scenario name → { reason, match(difference) }. Keep each entry in step with the README.
 */
export const DELIBERATE = {
  'createForks count 0': {
    reason: 'an invalid count is refused before any request (README: "Arguments are validated before any request"); the original snapshots the base first and leaves that snapshot behind',
    match: (d) => d.request === 'PUT /fid-base/' && d.field === 'missing in ours',
  },
};

/**
 * Scenarios whose resolved values differ on purpose: both sides' values, as `resultShape` in
 * scenarios.mjs writes them. Every other scenario resolves to the same value on both sides.
 */
export const DIFFERENT_RESULTS = {
  'createForks count 0': {
    reason: DELIBERATE['createForks count 0'].reason,
    reference: '{"error":{"error":"Failed to create any forks"}}',
    ours: '{"error":{"error":"count must be a positive integer"}}',
  },
  'teardownCoordination whose PATCH is answered 503 once': {
    reason: ALLOWED.retry,
    reference: '{"error":{"error":"Failed to teardown coordination on \\"fid-pipe\\": Please reduce your request rate."}}',
    ours: '{}',
  },
};

/** Labels for server-generated values, from one or more `/_local/state` snapshots. */
export function labelsFrom(...states) {
  const labels = new Map();
  for (const state of states) {
    if (!state) continue;
    for (const b of state.buckets ?? []) {
      const versions = (b.snapshots ?? []).map((s) => s.version).sort();
      versions.forEach((v, i) => labels.set(v, `<snap:${b.name}#${i}>`));
    }
    for (const k of state.keys ?? []) labels.set(k.id, `<key:${k.name}>`);
  }
  return labels;
}

/** Extra labels (e.g. keys that existed only between two state reads). */
export function addLabels(labels, pairs) {
  for (const [value, label] of pairs) if (value && !labels.has(value)) labels.set(value, label);
  return labels;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIMESTAMPED = /-(fork|restore)-\d{13}(?!\d)/g;

function renamer(labels) {
  const re = labels.size ? new RegExp([...labels.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : null;
  return (s) => {
    if (typeof s !== 'string') return s;
    let out = s.replace(TIMESTAMPED, '-$1-<ts>');
    if (re) out = out.replace(re, (m) => labels.get(m));
    return out;
  };
}

function parseQuery(q) {
  if (!q) return [];
  return q.split('&').map((p) => p);
}

/**
 * One log entry → the compared form: `{method, path, query (raw pairs, sorted), rawQuery, headers
 * (compared ones, sorted), body (normalised), rawBody, status, contentSha}`.
 */
export function normalise(entry, labels) {
  const rn = renamer(labels);
  const headers = {};
  let contentLength;
  let contentSha;
  for (const [k, v] of Object.entries(entry.headers ?? {})) {
    const name = k.toLowerCase();
    if (ignoredHeader(name)) continue;
    if (name === 'content-length') { contentLength = v; continue; }
    if (name === 'x-amz-content-sha256') { contentSha = v; continue; }
    headers[name] = rn(v);
  }
  const rawBody = entry.body ?? '';
  const body = rn(rawBody).replace(UUID, '<uuid>');
  const bodyBytes = Buffer.byteLength(rawBody);
  const lengthImplied = contentLength === undefined ? bodyBytes === 0 : Number(contentLength) === bodyBytes;
  if (!lengthImplied) headers['content-length'] = `${contentLength} (body is ${bodyBytes} B)`;
  const pairs = parseQuery(entry.query).map(rn);
  return {
    method: entry.method,
    path: rn(entry.path),
    query: [...pairs].sort().join('&'),
    rawQuery: pairs.join('&'),
    headers: Object.fromEntries(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b))),
    body,
    rawBody,
    status: entry.status,
    fault: entry.fault ?? null,
    contentSha,
  };
}

const RETRYABLE = (n) => n.status == null || n.status === 408 || n.status === 429 || n.status >= 500;
const keyOf = (n) => `${n.method} ${n.path}${n.query ? `?${n.query}` : ""}`;

/** Field-level differences between two normalised entries (allowed ones tagged). */
export function fieldDiffs(ref, ours) {
  const out = [];
  if (ref.method !== ours.method) out.push({ field: 'method', ref: ref.method, ours: ours.method });
  if (ref.path !== ours.path) out.push({ field: 'path', ref: ref.path, ours: ours.path });
  if (ref.query !== ours.query) out.push({ field: 'query', ref: ref.rawQuery, ours: ours.rawQuery });
  else if (ref.rawQuery !== ours.rawQuery) out.push({ field: 'query order', ref: ref.rawQuery, ours: ours.rawQuery, allowed: 'query-order' });
  const names = new Set([...Object.keys(ref.headers), ...Object.keys(ours.headers)]);
  for (const h of [...names].sort()) {
    const a = ref.headers[h];
    const b = ours.headers[h];
    if (a === b) continue;
    const allowed = h === 'accept' && (a === undefined || b === undefined) && (a ?? b) === '*/*' ? 'accept-any' : undefined;
    out.push({ field: `header ${h}`, ref: a ?? '(absent)', ours: b ?? '(absent)', ...(allowed && { allowed }) });
  }
  if (ref.body !== ours.body) out.push({ field: 'body', ref: ref.body, ours: ours.body });
  else if (ref.rawBody === ours.rawBody && ref.contentSha !== ours.contentSha) {
    out.push({ field: 'header x-amz-content-sha256', ref: ref.contentSha ?? '(absent)', ours: ours.contentSha ?? '(absent)' });
  }
  if (ref.status !== ours.status) out.push({ field: 'status', ref: ref.status, ours: ours.status });
  return out;
}

const failing = (diffs) => diffs.filter((d) => !d.allowed);

/**
 * Folds retried attempts into one entry: an attempt answered retryably (408/429/5xx or no
 * answer) followed later by the same request becomes part of that later entry, which records
 * `attempts`. Applied to both logs (the AWS SDK retries S3 calls too).
 */
function foldRetries(log) {
  const out = [];
  const folded = new Set();
  for (let i = 0; i < log.length; i++) {
    if (folded.has(i)) continue;
    let cur = { ...log[i], attempts: 1 };
    let j = i;
    while (RETRYABLE(cur)) {
      const k = log.findIndex((n, idx) => idx > j && !folded.has(idx) && keyOf(n) === keyOf(cur) && failing(fieldDiffs({ ...cur, status: n.status }, n)).length === 0);
      if (k < 0) break;
      folded.add(k);
      cur = { ...log[k], attempts: cur.attempts + 1 };
      j = k;
    }
    out.push(cur);
  }
  return out;
}

/** Longest common subsequence alignment of two key arrays → pairs [i|null, j|null]. */
function align(a, b) {
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const pairs = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { pairs.push([i++, j++]); } else if (dp[i + 1][j] >= dp[i][j + 1]) { pairs.push([i++, null]); } else { pairs.push([null, j++]); }
  }
  while (i < n) pairs.push([i++, null]);
  while (j < m) pairs.push([null, j++]);
  return pairs;
}

/**
 * Compares two normalised logs. `ordered`: same requests in the same order; otherwise as a
 * multiset. Returns `{ differences: [...], allowed: [...] }`; each difference names the request
 * (`METHOD path?query`, position) and the differing fields.
 */
export function compareLogs(refLog, ourLog, { ordered }) { // eslint-disable-line no-param-reassign
  const allowed = [];
  const differences = [];
  refLog = foldRetries(refLog);
  const ours = foldRetries(ourLog);
  const report = (i, j, r, o) => {
    const diffs = fieldDiffs(r, o);
    if (r.attempts !== o.attempts) {
      diffs.push({ field: 'attempts', ref: r.attempts, ours: o.attempts, ...(o.attempts > r.attempts && { allowed: 'retry' }) });
      // more attempts on our side may end with another status (a retry that succeeded)
      for (const d of diffs) if (d.field === 'status' && o.attempts > r.attempts) d.allowed = 'retry';
    }
    for (const d of diffs) (d.allowed ? allowed : differences).push({ request: keyOf(r), refIndex: i, ourIndex: j, ...d });
  };
  if (ordered) {
    // Pair by request line (method, path, query) in order; then compare every field.
    for (const [i, j] of align(refLog.map(keyOf), ours.map(keyOf))) {
      if (i !== null && j !== null) report(i, j, refLog[i], ours[j]);
      else if (i !== null) differences.push({ request: keyOf(refLog[i]), refIndex: i, field: 'missing in ours', ref: summary(refLog[i]) });
      else differences.push({ request: keyOf(ours[j]), ourIndex: j, field: 'extra in ours', ours: summary(ours[j]) });
    }
    return { differences, allowed };
  }
  // As a multiset: first exact (failing-diff-free) matches, then pair leftovers by request line.
  const left = ours.map((o, j) => ({ o, j }));
  const unmatched = [];
  refLog.forEach((r, i) => {
    const k = left.findIndex(({ o }) => keyOf(o) === keyOf(r) && failing(fieldDiffs(r, o)).length === 0);
    if (k >= 0) { report(i, left[k].j, r, left[k].o); left.splice(k, 1); } else unmatched.push({ r, i });
  });
  for (const { r, i } of unmatched) {
    const k = left.findIndex(({ o }) => keyOf(o) === keyOf(r));
    if (k >= 0) { report(i, left[k].j, r, left[k].o); left.splice(k, 1); } else differences.push({ request: keyOf(r), refIndex: i, field: 'missing in ours', ref: summary(r) });
  }
  for (const { o, j } of left) differences.push({ request: keyOf(o), ourIndex: j, field: 'extra in ours', ours: summary(o) });
  return { differences, allowed };
}

function summary(n) {
  return { status: n.status, headers: n.headers, body: n.body.length > 300 ? `${n.body.slice(0, 300)}…` : n.body };
}

/** Human-readable lines for a difference list. */
export function describe(list) {
  return list.map((d) => {
    const where = `${d.request}${d.refIndex !== undefined ? ` [ref #${d.refIndex}]` : ''}${d.ourIndex !== undefined ? ` [ours #${d.ourIndex}]` : ''}`;
    const tag = d.allowed ? ` (allowed: ${d.allowed})` : '';
    if (d.field === 'missing in ours') return `${where}: missing in ours — ${JSON.stringify(d.ref)}`;
    if (d.field === 'extra in ours') return `${where}: extra in ours — ${JSON.stringify(d.ours)}`;
    return `${where}: ${d.field}: reference ${JSON.stringify(d.ref)} vs ours ${JSON.stringify(d.ours)}${tag}`;
  });
}
