// Signature fidelity: every request our package sends in every fidelity scenario (plus
// session-token scenarios and a checkpoint name of every printable ASCII character) carries the
// `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` and `authorization` that
// `@smithy/signature-v4`, configured as the official SDKs configure it, produces for the same
// request. The clock is frozen at each request's own `x-amz-date`: the request is taken as it
// goes to the global `fetch` (method, URL, headers, exact body bytes; it is then sent unchanged
// to tigris-local), smithy signs it again at that date with the same credentials (it hashes the
// body itself), and the headers must be equal byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTigrisLocal } from '../helpers/tigris-local.mjs';
import { kit } from '../helpers/kit.mjs';
import { createBucket } from '@tigrisdata/storage';
import { scenarios, runScenario } from './scenarios.mjs';
import { smithySigner, smithyRequest } from '../../tests/vectors/smithy-request.mjs';

const SIGNING_HEADERS = ['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'authorization'];
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDOk3+session/token=with+odd/chars';

/** The requests handed to `fetch` while `captured` is an array. */
let captured;
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  if (captured) {
    const body = init.body === undefined ? new Uint8Array(0) : new Uint8Array(init.body);
    // HeadersInit: a record (what the package passes) or name/value pairs, names as given.
    const h = init.headers ?? [];
    const pairs = Symbol.iterator in Object(h) ? [...h] : Object.entries(h);
    captured.push({ method: init.method ?? 'GET', url: String(url), headers: pairs.map(([k, v]) => [k, v]), body });
  }
  return realFetch(url, init);
};

/** The package with every export capturing the requests it sends, its arguments and results. */
const seen = { requests: [], values: [] };
const tapped = Object.fromEntries(Object.entries(kit).map(([name, f]) => [name, typeof f !== 'function' ? f : async (...args) => {
  captured = [];
  try {
    const result = await f(...args);
    seen.values.push(args, result);
    return result;
  } finally {
    seen.requests.push(...captured);
    captured = undefined;
  }
}]));

/** Every `{ accessKeyId, secretAccessKey }` found in `values` (nested), as a map id → secret. */
function secretsIn(values, into = new Map()) {
  for (const v of values) {
    if (!v || typeof v !== 'object') continue;
    if (typeof v.accessKeyId === 'string' && typeof v.secretAccessKey === 'string') into.set(v.accessKeyId, v.secretAccessKey);
    secretsIn(Object.values(v), into);
  }
  return into;
}

/** `20260101T000000Z` → Date. */
const amzDate = (s) => new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 11)}:${s.slice(11, 13)}:${s.slice(13)}`);

/** Signs `r` again with smithy at its own `x-amz-date`; returns both sides' signing headers. */
async function bothSides(r, secrets) {
  const sent = Object.fromEntries(r.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const auth = sent.authorization;
  assert.ok(auth, `${r.method} ${r.url} is signed`);
  const accessKeyId = /Credential=([^/]*)\//.exec(auth)?.[1];
  assert.ok(secrets.has(accessKeyId), `the secret of ${accessKeyId} is known`);
  const credentials = { accessKeyId, secretAccessKey: secrets.get(accessKeyId), sessionToken: sent['x-amz-security-token'] };
  const unsigned = r.headers.filter(([k]) => !SIGNING_HEADERS.includes(k.toLowerCase()));
  const signed = await smithySigner(credentials).sign(smithyRequest(r.method, r.url, unsigned, r.body), { signingDate: amzDate(sent['x-amz-date']) });
  const pick = (h) => SIGNING_HEADERS.map((k) => [k, h[k]]).filter(([, v]) => v !== undefined);
  return { ours: pick(sent), smithy: pick(signed.headers) };
}

let srv;
before(async () => { srv = await startTigrisLocal(); });
after(async () => { globalThis.fetch = realFetch; await srv?.stop(); });

const withToken = (c) => ({ ...c, sessionToken: TOKEN });
const snapshotBucket = async (s) => {
  const r = await createBucket('fid-base', { enableSnapshot: true, config: s.config });
  if (r.error) throw r.error;
};
const extra = [
  {
    name: 'checkpoint named with every printable ASCII character',
    setup: snapshotBucket,
    run: (k, c) => k.checkpoint('fid-base', { name: PRINTABLE, config: c }),
    check: (requests) => assert.ok(requests.some((r) => r.headers.some(([k, v]) => k.toLowerCase() === 'x-tigris-snapshot' && v.endsWith(`name=${PRINTABLE}`))), 'the name was sent'),
  },
  { name: 'checkpoint with a session token', token: true, setup: snapshotBucket, run: (k, c) => k.checkpoint('fid-base', { name: 'epoch-1', config: withToken(c) }) },
  { name: 'listCheckpoints with a session token', token: true, setup: snapshotBucket, run: (k, c) => k.listCheckpoints('fid-base', { limit: 2, paginationToken: 'a b+c/d=e&f~g', config: withToken(c) }) },
  { name: 'createForks with a session token', token: true, setup: snapshotBucket, run: (k, c) => k.createForks('fid-base', 2, { prefix: 'fid-fk', concurrency: 1, config: withToken(c) }) },
];

let total = 0;
for (const sc of [...scenarios, ...extra]) {
  test(`signatures of "${sc.name}" equal smithy's`, async () => {
    seen.requests = [];
    seen.values = [];
    const { log } = await runScenario(srv, tapped, sc);
    assert.equal(seen.requests.length, log.length, 'every request tigris-local logged is compared');
    sc.check?.(seen.requests);
    const secrets = secretsIn([srv.config, ...seen.values]);
    for (const r of seen.requests) {
      const { ours, smithy } = await bothSides(r, secrets);
      assert.deepEqual(ours, smithy, `${r.method} ${r.url}`);
      if (sc.token) assert.equal(Object.fromEntries(ours)['x-amz-security-token'], TOKEN, `${r.method} ${r.url} carries the token`);
    }
    total += seen.requests.length;
  });
}

test('every scenario request was compared', () => {
  console.log(`# ${total} requests signed byte for byte as smithy signs them`);
  assert.ok(total >= 100, `${total} requests`);
});
