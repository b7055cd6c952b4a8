// Property test of the package's exports (the nine, the fork-lifecycle ones, presign and the webhook receiver) with fast-check: arbitrary arguments (wrong types,
// undefined/null, NaN/±Infinity/negative/huge counts, invalid bucket names, 1 MB strings,
// unicode, objects with throwing getters, Proxies that throw on every trap, revoked Proxies,
// hostile thenables…). Every call must resolve to exactly one of `{ data }` / `{ error: Error }`
// — no throw, no rejection, no unhandled rejection, no hang — and no error may carry a canary
// secret. About two thirds of the calls are "plausible" calls with a valid config (root keys,
// session token + organization, or a credentialProvider) whose bucket names carry a unique marker,
// so the request log proves they reached the server.
import fc from 'fast-check';
import { CANARY, remember, leaksInError } from './canary.mjs';

export const EXPORTS = ['createForks', 'teardownForks', 'createWorkspace', 'teardownWorkspace',
  'checkpoint', 'restore', 'listCheckpoints', 'setupCoordination', 'teardownCoordination', 'receiveCoordinationEvents',
  'listForks', 'mergeFork', 'rebaseFork', 'deleteCheckpoint', 'presign'];

/** Exports that make no request: their plausible calls are not expected to reach the server. */
const LOCAL_EXPORTS = new Set(['receiveCoordinationEvents']);

const BIG = 'x'.repeat(1 << 20);
const BIG_UNICODE = '\u{1F600}é\u0000'.repeat(1 << 18);
const BIG_NAME = `a${'b'.repeat((1 << 20) - 2)}c`;

const trap = () => { throw new Error('trap'); };
/** A Proxy whose every trap throws (the handler itself is a Proxy answering every trap name). */
const throwingProxy = new Proxy({}, new Proxy({}, { get: () => trap }));
const throwingFunctionProxy = new Proxy(() => {}, new Proxy({}, { get: () => trap }));
const throwingArrayProxy = new Proxy([], { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
const revoked = (() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })();
const OPTION_KEYS = ['config', 'ttl', 'days', 'enableSnapshots', 'credentials', 'role', 'access', 'prefix', 'name',
  'forkName', 'atomic', 'limit', 'paginationToken', 'webhookUrl', 'filter', 'auth', 'token', 'username', 'password',
  'concurrency', 'bucket', 'forks', 'baseBucket', 'snapshotId', 'accessKeyId', 'secretAccessKey', 'sessionToken',
  'organizationId', 'endpoint', 'iamEndpoint', 'mgmtEndpoint', 'credentialProvider', 'length', '0', 'then',
  'method', 'expiresIn', 'contentType'];
function throwingGetters() {
  const o = {};
  for (const k of OPTION_KEYS) Object.defineProperty(o, k, { get: trap, enumerable: true });
  return o;
}
const allThrowing = throwingGetters();
/** A getter that answers differently on every read (a check-then-use bug would show). */
function flipping(valid, invalid) {
  let n = 0;
  return () => (n++ % 2 === 0 ? valid : invalid);
}
/** Every known key answers a valid-looking value on one read and garbage on the next. */
function flippingObject() {
  const o = {};
  const valid = { bucket: 'valid-name', config: {}, forks: [], role: 'Editor', days: 1, webhookUrl: 'http://127.0.0.1:9/', accessKeyId: 'tid_x' };
  for (const k of OPTION_KEYS) Object.defineProperty(o, k, { get: flipping(valid[k], 42), enumerable: true });
  return o;
}
const flip = flippingObject();
const nextForks = flipping([{ bucket: 'valid-name' }], { length: 1e9 });
const flipForks = { baseBucket: 'valid-name', snapshotId: '1', get forks() { return nextForks(); } };
const hostilePrimitive = { [Symbol.toPrimitive]: trap, toString: trap, valueOf: trap };
const hostileThenable = { get then() { throw new Error('then getter'); } };
const rejectingThenable = { then(_, reject) { reject(new Error('rejected thenable')); } };
const hugeArray = new Array(2 ** 32 - 1);
const cyclic = {}; cyclic.self = cyclic; cyclic.config = cyclic; cyclic.credentials = cyclic;

const SPECIAL = [undefined, null, true, false, 0, -0, 1, 2, -1, 1.5, NaN, Infinity, -Infinity, 1e308, 5e-324,
  Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 2 ** 32, 1001, 12n, -(2n ** 70n), Symbol('s'), '', ' ', 'x', BIG, BIG_UNICODE, BIG_NAME,
  'ab', 'My-Bucket', 'a..b', '-abc', 'abc-', '192.168.5.4', 'xn--abc', 'abc-s3alias', 'a'.repeat(64), 'bücket',
  'a b', 'a/b', '../etc', '%2F', '\u0000abc', 'abc\n', '\u202Eabc', '😀😀😀', 'valid-name',
  [], [1, 2], {}, () => {}, async () => { throw new Error('async'); }, new Date(NaN), /re/, new Map(), new Set(),
  Promise.resolve(1), Promise.reject(new Error('rejected promise')), hostileThenable, rejectingThenable,
  throwingProxy, throwingFunctionProxy, throwingArrayProxy, revoked, allThrowing, hostilePrimitive, hugeArray, cyclic, flip, flipForks,
  Object.create(null), new Uint8Array(3), new ArrayBuffer(8), new Error('an error as an argument'),
];
// Rejected promises in SPECIAL must not count as unhandled.
for (const v of SPECIAL) { try { if (v instanceof Promise) v.catch(() => {}); } catch { /* a Proxy */ } }

/** A placeholder for SPECIAL[i]: fast-check inspects the values it generates (clone checks,
 * printing), which hostile values would break, so they are substituted at call time. */
class Special { constructor(i) { this.i = i; } toString() { return `SPECIAL[${this.i}]`; } }
/** Replaces placeholders in (fast-check-made) arrays and plain objects. */
export function resolve(v) {
  if (v instanceof Special) return SPECIAL[v.i];
  if (Array.isArray(v)) return v.map(resolve);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  }
  return v;
}
const specialArb = fc.nat(SPECIAL.length - 1).map((i) => new Special(i));

/** Garbage of any shape, with depth-limited objects whose fields are garbage too. */
export function garbageArb(serverEndpoint) {
  const endpoints = fc.constantFrom(serverEndpoint, serverEndpoint, '', 'not a url', 'ftp://127.0.0.1:1/',
    `${serverEndpoint}/`, `${serverEndpoint}/prefix`, 'http://[::1', undefined, null, 42);
  const secretish = fc.constantFrom(CANARY.rootSecret, CANARY.wrongSecret, '', undefined, 42);
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { weight: 6, arbitrary: specialArb },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9.-]{0,70}$/) },
      { weight: 2, arbitrary: fc.double() },
      { weight: 1, arbitrary: fc.integer() },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3, depthIdentifier: 'g' }) },
      { weight: 3, arbitrary: tie('object') },
      { weight: 1, arbitrary: tie('config') },
    ),
    object: fc.dictionary(fc.constantFrom(...OPTION_KEYS), tie('value'), { maxKeys: 5, depthIdentifier: 'g' }),
    config: fc.record({
      accessKeyId: fc.constantFrom(CANARY.rootKeyId, 'tid_nosuch', '', undefined, 7),
      secretAccessKey: secretish,
      sessionToken: fc.constantFrom(undefined, CANARY.sessionToken, '', {}),
      organizationId: fc.constantFrom(undefined, CANARY.orgId, '', 0),
      endpoint: endpoints,
      iamEndpoint: endpoints,
      credentialProvider: fc.constantFrom(undefined, null, 'not a function', trap, async () => { throw new Error('provider failed'); },
        () => ({ accessKeyId: CANARY.rootKeyId, secretAccessKey: CANARY.providerSecret }), async () => 42, () => throwingProxy),
    }, { requiredKeys: [] }).map((c) => ({ config: c })),
  }));
  return value;
}

const roleArb = fc.constantFrom('Editor', 'ReadOnly');
/** Mostly `good`, sometimes `bad` (plausible calls stay mostly valid so most reach the server). */
const mostly = (good, bad) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });

/**
 * A plausible call: well-typed arguments (with some odd values) and a valid config; the bucket
 * names are built from the call's marker at run time (`m`).
 */
function plausibleArb(srv) {
  const configArb = fc.oneof(
    { weight: 6, arbitrary: fc.constant(() => srv.config) },
    { weight: 1, arbitrary: fc.constant(() => ({ endpoint: srv.endpoint, iamEndpoint: srv.endpoint, sessionToken: CANARY.sessionToken, organizationId: CANARY.orgId })) },
    { weight: 1, arbitrary: fc.constant(() => ({ endpoint: srv.endpoint, iamEndpoint: srv.endpoint, credentialProvider: async () => ({ accessKeyId: srv.config.accessKeyId, secretAccessKey: srv.config.secretAccessKey }) })) },
  );
  const text = fc.oneof(fc.stringMatching(/^[A-Za-z0-9 ._-]{0,30}$/), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('epoch-50', '', ' ', 'a; name=b', '\r\nx-injected: 1', BIG));
  const creds = fc.option(roleArb.map((role) => ({ role })), { nil: undefined });
  const count = mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -1, NaN, 1.5, 1001, Infinity));
  const atomic = fc.option(mostly(fc.boolean(), fc.constantFrom(0, 'yes', {})), { nil: undefined });
  const pick = {
    createWorkspace: fc.record({
      ttl: fc.option(mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, -2, 1e9, NaN)).map((days) => ({ days })), { nil: undefined }),
      enableSnapshots: fc.option(fc.boolean(), { nil: undefined }),
      credentials: creds,
      access: fc.option(fc.constantFrom('public', 'private'), { nil: undefined }),
      atomic,
    }, { requiredKeys: [] }).map((o) => (m, config) => [m, { ...o, config }]),
    teardownWorkspace: fc.record({ key: fc.option(fc.constantFrom('tid_nosuch', 'tid_', '', 'tid_x y'), { nil: undefined }) })
      .map(({ key }) => (m, config) => [{ bucket: m, ...(key !== undefined && { credentials: { accessKeyId: key, secretAccessKey: CANARY.wrongSecret } }) }, { config }]),
    checkpoint: fc.option(text, { nil: undefined }).map((name) => (m, config) => [m, { name, config }]),
    restore: fc.record({
      snapshotId: mostly(fc.stringMatching(/^[0-9]{1,20}$/), fc.constantFrom('', 'abc', ' 1', '1\n2', '\u00e9')),
      forkName: fc.option(mostly(fc.constantFrom('r', 'restored'), fc.constantFrom('Bad_Name', '')), { nil: undefined }),
      credentials: creds,
      atomic,
    }).map(({ snapshotId, forkName, ...o }) => (m, config) => [m, snapshotId, { ...o, forkName: forkName === undefined || forkName === 'Bad_Name' || forkName === '' ? forkName : `${m}-${forkName}`, config }]),
    listCheckpoints: fc.record({
      limit: fc.option(mostly(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, -1, 2 ** 32, 1.5, NaN)), { nil: undefined }),
      paginationToken: fc.option(text, { nil: undefined }),
    }, { requiredKeys: [] }).map((o) => (m, config) => [m, { ...o, config }]),
    setupCoordination: fc.record({
      webhookUrl: mostly(fc.constantFrom('http://127.0.0.1:9/hook', 'https://127.0.0.1:9/x?y=1', 'http://[::1]:9/'), fc.constantFrom('', '  ', 'ftp://127.0.0.1/', 'not a url', 'http://')),
      filter: fc.option(fc.oneof(text, fc.constantFrom('WHERE `key` REGEXP "^results/"', 'WHERE `key` REGEXP "("')), { nil: undefined }),
      auth: mostly(fc.constantFrom(undefined, { token: CANARY.webhookToken }, { username: CANARY.webhookUser, password: CANARY.webhookPassword }),
        fc.constantFrom({ token: CANARY.webhookToken, username: CANARY.webhookUser, password: CANARY.webhookPassword }, { token: '' }, { username: 'u' }, {})),
    }, { requiredKeys: ['webhookUrl'] }).map((o) => (m, config) => [m, { ...o, config }]),
    teardownCoordination: fc.constant((m, config) => [m, { config }]),
    // A delivery as a webhook handler receives it (the Node form or a WHATWG Request), with the
    // call's marker as the events' bucket; it makes no request (see LOCAL_EXPORTS).
    receiveCoordinationEvents: fc.record({
      authorization: mostly(fc.constantFrom(`Bearer ${CANARY.webhookToken}`, `Basic ${btoa(`${CANARY.webhookUser}:${CANARY.webhookPassword}`)}`),
        fc.constantFrom(undefined, '', 'Bearer', `Bearer ${CANARY.webhookToken}x`, `Basic ${CANARY.webhookPassword}`)),
      auth: fc.constantFrom(undefined, { token: CANARY.webhookToken }, { username: CANARY.webhookUser, password: CANARY.webhookPassword }),
      events: mostly(fc.nat(3), fc.constantFrom('', '{"events":[{}]}', '{"events":', BIG)),
      whatwg: fc.boolean(),
    }).map(({ authorization, auth, events, whatwg }) => (m) => {
      const body = typeof events === 'string' ? events : JSON.stringify({ events: Array.from({ length: events }, (_, i) => ({
        eventName: 'OBJECT_CREATED_PUT', eventTime: new Date().toISOString(), bucket: m, object: { key: `k${i}`, size: i, eTag: 'e' },
      })) });
      const headers = authorization === undefined ? {} : { authorization };
      return [whatwg ? new Request('http://127.0.0.1/hook', { method: 'POST', headers, body }) : { headers, body }, { auth }];
    }),
    createForks: fc.record({
      count,
      prefix: fc.option(mostly(fc.constantFrom('p', 'q-1'), fc.constantFrom('Bad', '')), { nil: undefined }),
      credentials: creds,
      concurrency: fc.option(mostly(fc.constantFrom(1, 2, 4, 1e9), fc.constantFrom(0, -1, NaN)), { nil: undefined }),
      atomic,
    }, { requiredKeys: ['count'] }).map(({ count: n, prefix, ...o }) => (m, config) => [m, n, { ...o, prefix: prefix === undefined || prefix === 'Bad' || prefix === '' ? prefix : `${m}-${prefix}`, config }]),
    teardownForks: fc.record({ n: fc.integer({ min: 1, max: 3 }), key: fc.boolean(), deleteSnapshot: fc.option(fc.boolean(), { nil: undefined }) })
      .map(({ n, key, deleteSnapshot }) => (m, config) => [{ baseBucket: m, snapshotId: '1', forks: Array.from({ length: n }, (_, i) => ({ bucket: `${m}-f${i}`, ...(key && { credentials: { accessKeyId: `tid_nosuch${i}`, secretAccessKey: CANARY.wrongSecret } }) })) }, { deleteSnapshot, config }]),
    listForks: fc.record({
      limit: fc.option(mostly(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0, -1, 2 ** 32, 1.5, NaN)), { nil: undefined }),
      paginationToken: fc.option(text, { nil: undefined }),
    }, { requiredKeys: [] }).map((o) => (m, config) => [m, { ...o, config }]),
    mergeFork: fc.constant((m, config) => [`${m}-f`, m, { config }]),
    rebaseFork: fc.constant((m, config) => [m, { config }]),
    presign: fc.record({
      key: mostly(fc.oneof(text, fc.constantFrom('a/b c', 'ü/😀', '+%?#', '../x')), fc.constantFrom('', 'k'.repeat(1025), BIG)),
      method: fc.option(mostly(fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE'), fc.constantFrom('get', 'POST', '')), { nil: undefined }),
      expiresIn: fc.option(mostly(fc.integer({ min: 1, max: 604800 }), fc.constantFrom(0, -1, 1.5, 604801, NaN)), { nil: undefined }),
      contentType: fc.option(mostly(fc.constantFrom('text/plain', 'application/json'), text), { nil: undefined }),
    }, { requiredKeys: ['key'] }).map(({ key, ...o }) => (m, config) => [m, key, { ...o, config }]),
    deleteCheckpoint: mostly(fc.stringMatching(/^[0-9]{1,20}$/), fc.constantFrom('', 'abc', ' 1', '1\n2', '\u00e9'))
      .map((snapshotId) => (m, config) => [m, snapshotId, { config }]),
  };
  return fc.constantFrom(...EXPORTS).chain((fn) => fc.tuple(fc.constant(fn), pick[fn], configArb))
    .map(([fn, build, config]) => ({ kind: 'plausible', fn, build: (m) => build(m, config()) }));
}

function garbageCallArb(srv) {
  const value = garbageArb(srv.endpoint);
  return fc.tuple(fc.constantFrom(...EXPORTS), fc.array(value, { maxLength: 4 }))
    .map(([fn, args]) => ({ kind: 'garbage', fn, build: () => resolve(args) }));
}

/** Four fifths plausible calls with a valid config, one fifth garbage. */
export function callArb(srv) {
  return fc.oneof({ weight: 4, arbitrary: plausibleArb(srv) }, { weight: 1, arbitrary: garbageCallArb(srv) });
}

/** Checks one result; returns a description of what is wrong, or undefined. */
export function checkResult(res) {
  if (typeof res !== 'object' || res === null) return `resolved to ${typeof res}`;
  const keys = Reflect.ownKeys(res);
  if (keys.length !== 1 || (keys[0] !== 'data' && keys[0] !== 'error')) return `keys ${String(keys.map(String))}`;
  if (keys[0] === 'error') {
    if (!(res.error instanceof Error)) return 'error is not an Error';
    if (typeof res.error.message !== 'string' || res.error.message.length === 0) return 'empty error message';
    if (res.error.message.length > 100_000) return `error message of ${res.error.message.length} chars`;
    const leaks = leaksInError(res.error);
    if (leaks.length) return `error leaks ${leaks.join(', ')}: ${res.error.message.slice(0, 300)}`;
  } else {
    const d = res.data;
    if (d?.credentials) remember(d.credentials.secretAccessKey);
    for (const f of d?.forks ?? []) remember(f?.credentials?.secretAccessKey);
  }
  return undefined;
}

const describeArg = (a) => {
  try {
    if (typeof a === 'string') return a.length > 60 ? `string(${a.length})` : JSON.stringify(a);
    if (typeof a === 'bigint') return `${a}n`;
    if (typeof a === 'symbol' || typeof a === 'function') return String(a);
    return JSON.stringify(a, (_, v) => (typeof v === 'string' && v.length > 60 ? `string(${v.length})` : typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 300) ?? String(a);
  } catch { return '<unprintable>'; }
};

/**
 * Runs `calls` fuzzed calls against `kit` and `srv` (log reset every `batch` calls so attribution
 * stays cheap). Returns counts; throws (with the counterexample) on the first violation.
 */
export async function runFuzz({ kit, srv, calls, seed = Date.now() % 2 ** 31, batch = 250, log = () => {} }) {
  const tag = Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'q');
  const stats = { calls: 0, data: 0, errors: 0, plausible: 0, validConfig: 0, reachedServer: 0, notReached: {}, byExport: {}, seed, slowest: 0, started: Date.now() };
  const unhandled = [];
  const onUnhandled = (reason) => { unhandled.push(reason); };
  process.on('unhandledRejection', onUnhandled);
  let pending = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const entries = await srv.requests();
    const hay = entries.map((e) => `${e.path} ${e.query ?? ''} ${JSON.stringify(e.headers ?? {})}`).join('\n');
    for (const [marker, fn, message] of pending) {
      if (hay.includes(marker)) stats.reachedServer += 1;
      else {
        const why = `${fn}: ${(message ?? 'data').replace(marker, 'M').replace(/fz\d+-[a-z]+/g, 'M').slice(0, 90)}`;
        stats.notReached[why] = (stats.notReached[why] ?? 0) + 1;
      }
    }
    pending = [];
    await srv.reset();
  };
  let index = 0;
  try {
    await fc.assert(fc.asyncProperty(callArb(srv), async (call) => {
      index += 1;
      const marker = `fz${index}-${tag}`;
      const args = call.build(marker);
      const fn = kit[call.fn];
      const t0 = Date.now();
      let res;
      try {
        const ret = fn(...args);
        if (!(ret instanceof Promise)) throw new Error(`${call.fn} returned ${typeof ret}, not a Promise`);
        let timer;
        res = await Promise.race([ret, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no answer within 120 s')), 120_000); })]);
        clearTimeout(timer);
      } catch (e) {
        throw new Error(`${call.fn}(${args.map(describeArg).join(', ')}) threw or rejected: ${e?.stack ?? e}`);
      }
      stats.slowest = Math.max(stats.slowest, Date.now() - t0);
      const problem = checkResult(res);
      if (problem) throw new Error(`${call.fn}(${args.map(describeArg).join(', ')}): ${problem}`);
      // A presigned URL sends nothing by itself: using it is what reaches the server.
      if (call.fn === 'presign' && res.data) {
        const headers = args[2]?.contentType ? { 'content-type': args[2].contentType } : {};
        await fetch(res.data.url, { method: res.data.method, headers }).then((r) => r.arrayBuffer(), () => {});
      }
      stats.calls += 1;
      stats.byExport[call.fn] = (stats.byExport[call.fn] ?? 0) + 1;
      if ('data' in res) stats.data += 1; else stats.errors += 1;
      if (call.kind === 'plausible' && !LOCAL_EXPORTS.has(call.fn)) {
        stats.plausible += 1;
        stats.validConfig += 1;
        pending.push([marker, call.fn, res.error?.message]);
      }
      if (unhandled.length) throw new Error(`unhandled rejection after ${call.fn}: ${unhandled[0]?.stack ?? unhandled[0]}`);
      if (index % batch === 0) {
        await flush();
        log(stats);
      }
    }), { numRuns: calls, seed, endOnFailure: true, interruptAfterTimeLimit: undefined });
    await flush();
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  stats.ms = Date.now() - stats.started;
  return stats;
}

/** A normal end-to-end run, to prove the module is still healthy after the fuzzing. */
export async function normalWorkflow(kit, config, name) {
  const steps = [];
  const ok = (step, res) => {
    if (!res || 'error' in res) throw new Error(`${step} failed after fuzzing: ${res?.error?.message}`);
    steps.push(step);
    return res.data;
  };
  const ws = ok('createWorkspace', await kit.createWorkspace(name, { enableSnapshots: true, credentials: { role: 'Editor' }, config }));
  if (!ws.credentials?.secretAccessKey) throw new Error('no credentials after fuzzing');
  remember(ws.credentials.secretAccessKey);
  const ck = ok('checkpoint', await kit.checkpoint(name, { name: 'after-fuzz', config }));
  const list = ok('listCheckpoints', await kit.listCheckpoints(name, { config }));
  if (!list.checkpoints.some((c) => c.snapshotId === ck.snapshotId)) throw new Error('checkpoint not listed');
  const restored = ok('restore', await kit.restore(name, ck.snapshotId, { forkName: `${name}-r`, credentials: { role: 'Editor' }, atomic: true, config }));
  if (!restored.credentials?.secretAccessKey) throw new Error('no restore credentials after fuzzing');
  remember(restored.credentials.secretAccessKey);
  const forks = ok('createForks', await kit.createForks(name, 2, { credentials: { role: 'ReadOnly' }, config }));
  ok('setupCoordination', await kit.setupCoordination(name, { webhookUrl: 'http://127.0.0.1:9/hook', auth: { token: CANARY.webhookToken }, config }));
  ok('teardownCoordination', await kit.teardownCoordination(name, { config }));
  ok('teardownForks', await kit.teardownForks(forks, { config }));
  ok('teardownWorkspace(restored)', await kit.teardownWorkspace(restored, { config }));
  ok('teardownWorkspace', await kit.teardownWorkspace(ws, { config }));
  return steps;
}
