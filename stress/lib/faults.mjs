// Fault matrix: for every workflow and every request in its wire sequence (docs/protocol.md
// §7), inject one fault through tigris-local's /_local/faults and assert the outcome the
// original's documented failure modes call for, then run the matching teardown and assert that
// nothing leaked (no bucket, no key, no notification config left in /_local/state).
//
// Faults: `persistent500` (times 50, more than the 4-attempt retry budget), `recover503` (one 503,
// the retry succeeds), `dropBefore` (connection dropped before the server acts), `dropAfter` (the
// server acted, the response is lost), `malformed` (200 with a garbage body where the client
// parses: snapshot-list XML, IAM JSON, bucket-metadata JSON) and `timeout` (the request is held
// by the server for TIMEOUT_DELAY_MS, past the workflow's `requestTimeoutMs` of TIMEOUT_MS: the
// client cancels the attempt and retries; the held request then runs on the server).
import assert from 'node:assert/strict';
import { CANARY, remember, leaksInError } from './canary.mjs';

const xmlError = (m) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>${m}</Message></Error>`;
const jsonError = (m) => JSON.stringify({ Code: 'InternalError', Message: m });

/** The client deadline of a timeout cell's workflow call (`config.requestTimeoutMs`). */
export const TIMEOUT_MS = 400;
/** How long the server holds the request of a timeout cell. */
export const TIMEOUT_DELAY_MS = 1_500;

/** The fault actions; `body(json)` picks the error format of the route family. */
export const FAULTS = {
  persistent500: (json) => ({ times: 50, action: { status: 500, body: json ? jsonError('injected persistent 500') : xmlError('injected persistent 500') } }),
  recover503: (json) => ({ times: 1, action: { status: 503, body: json ? jsonError('injected 503') : xmlError('injected 503') } }),
  dropBefore: () => ({ times: 1, action: { drop: 'before' } }),
  dropAfter: () => ({ times: 1, action: { drop: 'after' } }),
  timeout: () => ({ times: 1, action: { delay_ms: TIMEOUT_DELAY_MS } }),
};

/** Garbage bodies per parsed response kind. */
export const MALFORMED = {
  snapshotXml: ['this is not xml {]', '<?xml version="1.0"?><ListAllMyBucketsResult><Buckets><Bucket><Name>1751631910196672425; name=x</Name><CreationDate>not-a-date</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>', '<ListAllMyBucketsResult><Buckets><Bucket><Name>17516'],
  iamJson: ['{"CreateAccessKeyResult":', '{"CreateAccessKeyResult":{"AccessKey":{"AccessKeyId":12}}}', 'not json at all'],
  metadataJson: ['{"type": 1, "lifecycle_rules": [', '<html>oops</html>', '[]'],
  forkListJson: ['{"Buckets":{"Bucket":[', '<html>oops</html>', '{"Buckets":{"Bucket":[{"Name":"fb-gateway"}]}}'],
};

const names = (tag) => {
  const t = `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.replace(/[^a-z0-9-]/g, 'x');
  return { ws: `fm-${t}`, base: `fb-${t}`, fork: `fr-${t}`, prefix: `fp-${t}` };
};

const ok = (res, what) => {
  assert.ok(res && typeof res === 'object', `${what}: not an object`);
  assert.ok(!('error' in res), `${what}: expected data, got error: ${res.error?.message}`);
  assert.deepEqual(Reflect.ownKeys(res), ['data'], `${what}: exactly one key`);
  return res.data;
};
const err = (res, what) => {
  assert.ok(res && typeof res === 'object', `${what}: not an object`);
  assert.ok(!('data' in res), `${what}: expected an error, got data ${JSON.stringify(res.data)}`);
  assert.deepEqual(Reflect.ownKeys(res), ['error'], `${what}: exactly one key`);
  assert.ok(res.error instanceof Error, `${what}: error is an Error`);
  assert.deepEqual(leaksInError(res.error), [], `${what}: error leaks a secret`);
  return res.error.message;
};

const bucketOf = (st, name) => st.buckets.find((b) => b.name === name);
const keysNamed = (st, name) => st.keys.filter((k) => k.name === name);

/**
 * The workflows. Each: `setup(ctx, n)` creates prerequisites (no faults active), `steps` lists
 * the requests in order with the fault matcher and the step's nature, `run` calls the workflow,
 * `verify(ctx, n, res, cell)` asserts the outcome, `teardown(ctx, n, res)` cleans up with the
 * matching teardown(s) (faults already drained).
 */
export function workflows(kit) {
  const S = (method, path, extra = {}) => ({ method, path, ...extra });
  const forkSteps = (n) => [
    { id: 'createBucketSnapshot', match: S('PUT', `/${n.base}/`, { header: 'x-tigris-snapshot' }), nature: 'required' },
    { id: 'createBucket(fork 0)', match: S('PUT', `/${n.prefix}-0/`), nature: 'firstFork' },
    { id: 'createAccessKey(fork 0)', match: S('POST', '/'), nature: 'key0', json: true, malformed: 'iamJson' },
    { id: 'createBucket(fork 1)', match: S('PUT', `/${n.prefix}-1/`), nature: 'laterFork' },
    { id: 'createAccessKey(fork 1)', match: S('POST', '/', { nth: 2 }), nature: 'key1', json: true, malformed: 'iamJson' },
  ];
  return [
    {
      name: 'createWorkspace',
      // createBucket → setBucketTtl (GET metadata, PATCH) → createAccessKey
      steps: (n) => [
        { id: 'createBucket', match: S('PUT', `/${n.ws}/`), nature: 'required' },
        { id: 'ttl:getMetadata', match: S('GET', `/${n.ws}`), nature: 'ttl', json: true, malformed: 'metadataJson' },
        { id: 'ttl:patch', match: S('PATCH', `/${n.ws}`), nature: 'ttl', json: true },
        { id: 'createAccessKey', match: S('POST', '/'), nature: 'key', json: true, malformed: 'iamJson' },
      ],
      setup: async () => {},
      run: (ctx, n) => kit.createWorkspace(n.ws, { ttl: { days: 3 }, credentials: { role: 'Editor' }, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        if (cell.effect === 'fail' && cell.step.nature === 'required') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to create workspace bucket "${n.ws}": `));
          assert.equal(bucketOf(st, n.ws), undefined, 'no bucket');
          assert.equal(keysNamed(st, `${n.ws}-key`).length, 0, 'no key');
          return;
        }
        const ws = ok(res, cell.id);
        assert.equal(ws.bucket, n.ws);
        assert.equal(st.buckets.filter((b) => b.name === n.ws).length, 1, 'exactly one bucket');
        const ttlStored = JSON.stringify(bucketOf(st, n.ws).lifecycle_rules).includes('"days":3');
        const keys = keysNamed(st, `${n.ws}-key`);
        if (cell.step.nature === 'ttl' && cell.effect === 'fail') assert.ok(!ttlStored, 'failed TTL step: no rule');
        else if (cell.step.nature === 'ttl' && cell.effect === 'malformed') cell.note = `TTL ${ttlStored ? 'applied' : 'skipped'}`;
        else assert.ok(ttlStored, 'TTL rule stored');
        if (cell.step.nature === 'key' && cell.effect !== 'none') {
          assert.equal(ws.credentials, undefined, 'no credentials when the key step failed');
          assert.ok(!('credentials' in ws), 'credentials key absent');
          assert.equal(keys.length, 0, 'no key minted');
        } else {
          assert.match(ws.credentials?.accessKeyId ?? '', /^tid_/, 'credentials returned');
          remember(ws.credentials.secretAccessKey);
          assert.equal(keys.length, 1, `exactly one key (found ${keys.length})`);
          assert.equal(keys[0].id, ws.credentials.accessKeyId, 'the returned key is the stored one');
        }
      },
      teardown: async (ctx, n, res) => {
        if (res.data) ok(await kit.teardownWorkspace(res.data, { config: ctx.config }), 'teardownWorkspace');
      },
    },
    {
      name: 'teardownWorkspace',
      failureCode: 'PartialFailure',
      // removeAccessKey → removeBucket(force)
      steps: (n) => [
        { id: 'removeAccessKey', match: S('POST', '/'), nature: 'teardown', json: true },
        { id: 'removeBucket', match: S('DELETE', `/${n.ws}/`), nature: 'teardown' },
      ],
      setup: async (ctx, n) => {
        n.ws0 = ok(await kit.createWorkspace(n.ws, { credentials: { role: 'Editor' }, config: ctx.config }), 'setup');
        remember(n.ws0.credentials?.secretAccessKey);
      },
      run: (ctx, n) => kit.teardownWorkspace(n.ws0, { config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        if (cell.effect === 'fail') {
          const lines = err(res, cell.id).split('\n');
          assert.equal(lines[0], 'Workspace teardown completed with errors:');
          const expected = cell.step.id === 'removeAccessKey' ? `Failed to remove access key for "${n.ws}": ` : `Failed to delete workspace "${n.ws}": `;
          assert.ok(lines[1].startsWith(expected), lines[1]);
          assert.equal(lines.length, 2, 'the other step succeeded (best effort)');
          if (cell.step.id === 'removeAccessKey') assert.equal(bucketOf(st, n.ws), undefined, 'the bucket is deleted anyway');
          else assert.equal(keysNamed(st, `${n.ws}-key`).length, 0, 'the key is revoked anyway');
          return;
        }
        ok(res, cell.id);
        assert.equal(bucketOf(st, n.ws), undefined);
        assert.equal(keysNamed(st, `${n.ws}-key`).length, 0);
      },
      teardown: async (ctx, n, res) => {
        if (res.error) {
          // Re-running the teardown finishes what is left.
          const again = await kit.teardownWorkspace(n.ws0, { config: ctx.config });
          const st = await ctx.srv.state();
          if (bucketOf(st, n.ws) || keysNamed(st, `${n.ws}-key`).length) throw new Error(`re-run teardown left resources: ${again.error?.message}`);
          if (again.error) ctx.notes.push(`teardownWorkspace re-run after a failed ${res.error.message.split('\n')[1]?.split(':')[0]} answered: ${again.error.message.replace(/\n/g, ' | ')}`);
        }
      },
    },
    {
      name: 'checkpoint',
      steps: (n) => [{ id: 'createBucketSnapshot', match: S('PUT', `/${n.base}/`, { header: 'x-tigris-snapshot' }), nature: 'required' }],
      setup: async (ctx, n) => { ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup'); },
      run: (ctx, n) => kit.checkpoint(n.base, { name: 'ck', config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const snaps = bucketOf(await ctx.srv.state(), n.base).snapshots;
        if (cell.effect === 'fail') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to checkpoint bucket "${n.base}": `));
          assert.equal(snaps.length, 0);
          return;
        }
        const ck = ok(res, cell.id);
        assert.ok(snaps.some((s) => s.version === ck.snapshotId), 'the returned snapshot exists');
        if (cell.fault === 'timeout') {
          // The held request is acted on after the client gave up, looked and sent again: a
          // snapshot has no idempotency key, so the late one stays (README); it goes with the bucket.
          assert.ok(snaps.length <= 2);
          if (snaps.length === 2) cell.note = 'the held first snapshot stays (acted on after the retry)';
        } else {
          // dropAfter: the lost attempt's snapshot is found by its name and returned, not retaken.
          assert.equal(snaps.length, 1, `exactly one snapshot (found ${snaps.length})`);
          const list = ok(await kit.listCheckpoints(n.base, { config: ctx.config }), 'listCheckpoints');
          assert.deepEqual(list.checkpoints.map((c) => [c.snapshotId, c.name]), [[ck.snapshotId, 'ck']]);
        }
      },
      teardown: async (ctx, n) => { ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base'); },
    },
    {
      name: 'restore',
      steps: (n) => [{ id: 'createBucket(fork)', match: S('PUT', `/${n.fork}/`), nature: 'required' }],
      setup: async (ctx, n) => {
        ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup');
        n.snap = ok(await kit.checkpoint(n.base, { config: ctx.config }), 'setup checkpoint').snapshotId;
      },
      run: (ctx, n) => kit.restore(n.base, n.snap, { forkName: n.fork, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        if (cell.effect === 'fail') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to restore from snapshot "${n.snap}": `));
          assert.equal(bucketOf(st, n.fork), undefined);
          return;
        }
        assert.deepEqual(ok(res, cell.id), { bucket: n.fork });
        assert.equal(st.buckets.filter((b) => b.name === n.fork).length, 1);
        assert.equal(bucketOf(st, n.fork).parents[0]?.snapshot, n.snap);
      },
      teardown: async (ctx, n, res) => {
        if (res.data) ok(await kit.teardownWorkspace({ bucket: n.fork }, { config: ctx.config }), 'teardown fork');
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
    {
      name: 'listCheckpoints',
      steps: () => [{ id: 'listBucketSnapshots', match: S('GET', '/', { header: 'x-tigris-snapshot' }), nature: 'required', malformed: 'snapshotXml' }],
      setup: async (ctx, n) => {
        ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup');
        n.snap = ok(await kit.checkpoint(n.base, { name: 'one', config: ctx.config }), 'setup checkpoint').snapshotId;
      },
      run: (ctx, n) => kit.listCheckpoints(n.base, { config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        if (cell.effect === 'malformed' && cell.body.includes('not-a-date')) {
          // Well-formed XML with an invalid CreationDate: a deserialisation error, as the original's.
          assert.equal(err(res, cell.id), `Failed to list checkpoints for "${n.base}": Unable to list bucket snapshots Invalid RFC3339 timestamp format not-a-date`);
          return;
        }
        if (cell.effect === 'fail' || cell.effect === 'malformed') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to list checkpoints for "${n.base}": `));
          return;
        }
        const page = ok(res, cell.id);
        assert.deepEqual(page.checkpoints.map((c) => [c.snapshotId, c.name]), [[n.snap, 'one']]);
      },
      teardown: async (ctx, n) => { ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base'); },
    },
    {
      name: 'createForks',
      // createBucketSnapshot → (fork 0 → key 0) → (fork 1 → key 1), concurrency 1 so the order is fixed
      steps: forkSteps,
      setup: async (ctx, n) => { ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup'); },
      run: (ctx, n) => kit.createForks(n.base, 2, { prefix: n.prefix, credentials: { role: 'Editor' }, concurrency: 1, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        const forkBuckets = st.buckets.filter((b) => b.name.startsWith(`${n.prefix}-`)).map((b) => b.name).sort();
        const keys = st.keys.filter((k) => k.name.startsWith(`${n.prefix}-`));
        const nature = cell.step.nature;
        if (cell.effect === 'fail' && nature === 'required') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to snapshot bucket "${n.base}": `));
          assert.deepEqual(forkBuckets, []);
          assert.equal(keys.length, 0);
          return;
        }
        if (cell.effect === 'fail' && nature === 'firstFork') {
          assert.equal(err(res, cell.id), 'Failed to create any forks');
          assert.deepEqual(forkBuckets, []);
          assert.equal(keys.length, 0);
          return;
        }
        const set = ok(res, cell.id);
        assert.equal(set.baseBucket, n.base);
        const snaps = bucketOf(st, n.base).snapshots;
        assert.ok(snaps.some((s) => s.version === set.snapshotId), 'snapshotId is a real snapshot');
        if ((nature === 'required' && cell.fault === 'dropAfter') || cell.fault === 'timeout') {
          // createForks' snapshot is unnamed, so a lost one cannot be told from another caller's
          // and is taken again (README); the extra one goes with the base bucket. (In a timeout
          // cell every request of the call has the short deadline, so a slow snapshot counts.)
          assert.ok(snaps.length <= 2);
          if (snaps.length === 2) cell.note = 'the lost unnamed snapshot stays; it goes with the base bucket';
        } else assert.equal(snaps.length, 1, `exactly one snapshot (found ${snaps.length})`);
        if (cell.effect === 'fail' && nature === 'laterFork') {
          assert.deepEqual(set.forks.map((f) => f.bucket), [`${n.prefix}-0`], 'partial result: the forks before the failure');
          assert.deepEqual(forkBuckets, [`${n.prefix}-0`], 'no stray fork');
        } else {
          assert.deepEqual(set.forks.map((f) => f.bucket), [`${n.prefix}-0`, `${n.prefix}-1`]);
          assert.deepEqual(forkBuckets, [`${n.prefix}-0`, `${n.prefix}-1`], 'exactly the returned forks exist');
        }
        for (const f of set.forks) remember(f.credentials?.secretAccessKey);
        const withKey = set.forks.filter((f) => f.credentials);
        let expectedWithKey = set.forks.length;
        if (cell.effect === 'fail' && nature === 'key0') expectedWithKey = 0; // 50 failures cover both key calls
        if (cell.effect === 'malformed' && nature === 'key0') expectedWithKey = 1;
        if (cell.effect !== 'none' && nature === 'key1') expectedWithKey = 1;
        assert.equal(withKey.length, expectedWithKey, `forks with credentials: ${JSON.stringify(set.forks.map((f) => !!f.credentials))}`);
        if (nature === 'key0' && cell.effect === 'malformed') assert.equal(set.forks[0].credentials, undefined);
        if (nature === 'key1' && cell.effect !== 'none') assert.equal(set.forks[1].credentials, undefined);
        assert.equal(keys.length, withKey.length, `keys stored = keys returned (stored ${keys.map((k) => k.name)})`);
        for (const f of withKey) assert.ok(keys.some((k) => k.id === f.credentials.accessKeyId), `key of ${f.bucket} stored`);
      },
      teardown: async (ctx, n, res) => {
        if (res.data) ok(await kit.teardownForks(res.data, { config: ctx.config }), 'teardownForks');
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
    {
      name: 'createForks(atomic)',
      // The createForks sequence with `atomic`: any fork or key that fails (or answers garbage)
      // fails the call and leaves the state exactly as it was; lost answers still succeed.
      steps: forkSteps,
      setup: async (ctx, n) => {
        ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup');
        n.before = await ctx.srv.state();
      },
      run: (ctx, n) => kit.createForks(n.base, 2, { prefix: n.prefix, credentials: { role: 'Editor' }, concurrency: 1, atomic: true, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        if (cell.effect !== 'none') {
          const [, ...left] = err(res, cell.id).split('\n');
          // A persistent 500 on the IAM route also refuses the rollback's key removals: each key
          // left is named, and only keys are left (they pin nothing).
          n.leftKeys = left.map((line) => {
            const m = new RegExp(`^Rollback left "${n.prefix}-\\d+-key" \\(access key (tid_\\w+)\\): injected persistent 500$`).exec(line);
            assert.ok(m && cell.step.json && cell.effect === 'fail', `unexpected leftover: ${line}`);
            return m[1];
          });
          const st = await ctx.srv.state();
          assert.deepEqual({ ...st, keys: st.keys.filter((k) => !n.leftKeys.includes(k.id)) }, n.before, 'the state is what it was before the call');
          assert.equal(st.keys.length, n.before.keys.length + n.leftKeys.length, 'the named keys are the ones left');
          return;
        }
        const set = ok(res, cell.id);
        assert.deepEqual(set.forks.map((f) => f.bucket), [`${n.prefix}-0`, `${n.prefix}-1`]);
        for (const f of set.forks) { assert.ok(f.credentials, `${f.bucket} has credentials`); remember(f.credentials.secretAccessKey); }
        const st = await ctx.srv.state();
        assert.equal(st.keys.filter((k) => k.name.startsWith(`${n.prefix}-`)).length, 2, 'exactly the two keys');
      },
      teardown: async (ctx, n, res) => {
        if (res.data) ok(await kit.teardownForks(res.data, { config: ctx.config }), 'teardownForks');
        // A key the rollback named goes with its (already deleted) fork's teardown.
        for (const accessKeyId of n.leftKeys ?? []) await kit.teardownWorkspace({ bucket: `${n.prefix}-0`, credentials: { accessKeyId } }, { config: ctx.config });
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
    {
      name: 'createForks(concurrent)',
      // 5 forks at the default concurrency (16): a failure of fork 2 must leave exactly forks 0–1
      // (the original's sequential result); forks 3–4, created meanwhile, are removed with their keys.
      steps: (n) => [
        { id: 'createBucket(fork 2)', match: S('PUT', `/${n.prefix}-2/`), nature: 'laterFork' },
        { id: 'createBucket(fork 4)', match: S('PUT', `/${n.prefix}-4/`), nature: 'lastFork' },
      ],
      setup: async (ctx, n) => { ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup'); },
      run: (ctx, n) => kit.createForks(n.base, 5, { prefix: n.prefix, credentials: { role: 'Editor' }, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        const forkBuckets = st.buckets.filter((b) => b.name.startsWith(`${n.prefix}-`)).map((b) => b.name).sort();
        const keys = st.keys.filter((k) => k.name.startsWith(`${n.prefix}-`)).map((k) => k.name).sort();
        const set = ok(res, cell.id);
        const expected = cell.effect === 'fail' ? (cell.step.nature === 'laterFork' ? [0, 1] : [0, 1, 2, 3]) : [0, 1, 2, 3, 4];
        assert.deepEqual(set.forks.map((f) => f.bucket), expected.map((i) => `${n.prefix}-${i}`));
        assert.deepEqual(forkBuckets, expected.map((i) => `${n.prefix}-${i}`), 'no stray fork bucket');
        assert.deepEqual(keys, expected.map((i) => `${n.prefix}-${i}-key`), 'no stray key');
        for (const f of set.forks) { assert.ok(f.credentials, `${f.bucket} has credentials`); remember(f.credentials.secretAccessKey); }
      },
      teardown: async (ctx, n, res) => {
        if (res.data) ok(await kit.teardownForks(res.data, { config: ctx.config }), 'teardownForks');
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
    {
      name: 'teardownForks',
      failureCode: 'PartialFailure',
      // per fork: removeAccessKey → removeBucket(force); concurrency 1
      steps: (n) => [
        { id: 'removeAccessKey(fork 0)', match: S('POST', '/'), nature: 'teardown', json: true },
        { id: 'removeBucket(fork 0)', match: S('DELETE', `/${n.prefix}-0/`), nature: 'teardown' },
        { id: 'removeAccessKey(fork 1)', match: S('POST', '/', { nth: 2 }), nature: 'teardown', json: true },
        { id: 'removeBucket(fork 1)', match: S('DELETE', `/${n.prefix}-1/`), nature: 'teardown' },
      ],
      setup: async (ctx, n) => {
        ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup');
        n.set = ok(await kit.createForks(n.base, 2, { prefix: n.prefix, credentials: { role: 'ReadOnly' }, concurrency: 1, config: ctx.config }), 'setup forks');
        for (const f of n.set.forks) remember(f.credentials?.secretAccessKey);
        assert.equal(n.set.forks.filter((f) => f.credentials).length, 2);
      },
      run: (ctx, n) => kit.teardownForks(n.set, { concurrency: 1, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        const left = st.buckets.filter((b) => b.name.startsWith(`${n.prefix}-`)).map((b) => b.name);
        const keys = st.keys.filter((k) => k.name.startsWith(`${n.prefix}-`)).map((k) => k.name);
        if (cell.effect === 'fail') {
          const lines = err(res, cell.id).split('\n');
          assert.equal(lines[0], 'Fork teardown completed with errors:');
          const isKey = cell.step.id.startsWith('removeAccessKey');
          const idx = cell.step.id.endsWith('0)') ? 0 : 1;
          // a persistent IAM fault starting at fork 0 also covers fork 1's key call
          const failedKeys = isKey ? (idx === 0 ? [0, 1] : [1]) : [];
          const expected = isKey
            ? failedKeys.map((i) => `Failed to remove access key for "${n.prefix}-${i}": `)
            : [`Failed to delete fork "${n.prefix}-${idx}": `];
          assert.equal(lines.length, 1 + expected.length, lines.join(' | '));
          expected.forEach((e, i) => assert.ok(lines[1 + i].startsWith(e), lines[1 + i]));
          assert.deepEqual(left, isKey ? [] : [`${n.prefix}-${idx}`], 'best effort: everything else is gone');
          assert.deepEqual(keys.sort(), failedKeys.map((i) => `${n.prefix}-${i}-key`), 'only the failed keys are left');
          return;
        }
        ok(res, cell.id);
        assert.deepEqual(left, []);
        assert.deepEqual(keys, []);
      },
      teardown: async (ctx, n, res) => {
        if (res.error) {
          const again = await kit.teardownForks(n.set, { config: ctx.config });
          const st = await ctx.srv.state();
          const left = st.buckets.filter((b) => b.name.startsWith(`${n.prefix}-`)).length + st.keys.filter((k) => k.name.startsWith(`${n.prefix}-`)).length;
          if (left) throw new Error(`re-run teardownForks left ${left} resources: ${again.error?.message}`);
          if (again.error) ctx.notes.push(`teardownForks re-run (resources already gone) answered: ${again.error.message.replace(/\n/g, ' | ')}`);
        }
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
    ...lifecycleWorkflows(kit, S),
    {
      name: 'setupCoordination',
      // setBucketNotifications: GET metadata → PATCH
      steps: (n) => [
        { id: 'getMetadata', match: S('GET', `/${n.base}`), nature: 'required', json: true, malformed: 'metadataJson' },
        { id: 'patch', match: S('PATCH', `/${n.base}`), nature: 'required', json: true },
      ],
      setup: async (ctx, n) => { ok(await kit.createWorkspace(n.base, { config: ctx.config }), 'setup'); },
      run: (ctx, n) => kit.setupCoordination(n.base, { webhookUrl: 'http://127.0.0.1:9/hook', filter: 'WHERE `key` REGEXP "^results/"', auth: { token: CANARY.webhookToken }, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const notif = bucketOf(await ctx.srv.state(), n.base).notifications;
        const set = notif && typeof notif === 'object' && notif.web_hook === 'http://127.0.0.1:9/hook';
        if (cell.effect === 'fail') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to setup coordination on "${n.base}": `));
          assert.ok(!set, 'no notification config');
          return;
        }
        if (cell.effect === 'malformed') {
          // Either refused (the original's getBucketInfo fails on invalid JSON) or applied; never half.
          if ('error' in res) assert.match(err(res, cell.id), new RegExp(`^Failed to setup coordination on "${n.base}": `));
          assert.equal(!!set, 'data' in res, 'outcome and state agree');
          cell.note = 'error' in res ? 'refused' : 'applied';
          return;
        }
        ok(res, cell.id);
        assert.ok(set, `notification config stored: ${JSON.stringify(notif)}`);
      },
      teardown: async (ctx, n) => {
        ok(await kit.teardownCoordination(n.base, { config: ctx.config }), 'teardownCoordination');
        const notif = bucketOf(await ctx.srv.state(), n.base).notifications;
        assert.ok(notif === null || notif === undefined || Object.keys(notif).length === 0, `notifications cleared: ${JSON.stringify(notif)}`);
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
    {
      name: 'teardownCoordination',
      steps: (n) => [{ id: 'patch', match: S('PATCH', `/${n.base}`), nature: 'required', json: true }],
      setup: async (ctx, n) => {
        ok(await kit.createWorkspace(n.base, { config: ctx.config }), 'setup');
        ok(await kit.setupCoordination(n.base, { webhookUrl: 'http://127.0.0.1:9/hook', auth: { username: CANARY.webhookUser, password: CANARY.webhookPassword }, config: ctx.config }), 'setup coordination');
      },
      run: (ctx, n) => kit.teardownCoordination(n.base, { config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const notif = bucketOf(await ctx.srv.state(), n.base).notifications;
        const cleared = notif === null || notif === undefined || Object.keys(notif).length === 0;
        if (cell.effect === 'fail') {
          assert.match(err(res, cell.id), new RegExp(`^Failed to teardown coordination on "${n.base}": `));
          assert.ok(!cleared);
          return;
        }
        ok(res, cell.id);
        assert.ok(cleared);
      },
      teardown: async (ctx, n, res) => {
        if (res.error) ok(await kit.teardownCoordination(n.base, { config: ctx.config }), 'teardownCoordination re-run');
        ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
      },
    },
  ];
}

/** A base with snapshots and `count` forks `${n.prefix}-i` (kept in `n.set`). */
async function baseWithForks(kit, ctx, n, count) {
  ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup');
  n.set = ok(await kit.createForks(n.base, count, { prefix: n.prefix, concurrency: 1, config: ctx.config }), 'setup forks');
}

/** Removes the forks of `n.set` with their snapshot, then the base. */
async function removeBaseWithForks(kit, ctx, n) {
  ok(await kit.teardownForks(n.set, { deleteSnapshot: true, config: ctx.config }), 'teardownForks');
  ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base');
}

/**
 * The fork-lifecycle exports (docs/protocol.md §5.13), one request each. A merge or rebase whose
 * answer was lost is sent again and may leave an extra snapshot of the base (README); a snapshot
 * deletion whose answer was lost is done when the retry is answered 404.
 */
function lifecycleWorkflows(kit, S) {
  const snapshotsOf = async (ctx, name) => bucketOf(await ctx.srv.state(), name).snapshots.map((s) => s.version);
  /** mergeFork / rebaseFork: `{ snapshotId }` of a snapshot of the base, or nothing changed. */
  const snapshotting = (name, step, call, failure) => ({
    name,
    steps: (n) => [{ id: step, match: call.match(n), nature: 'required', json: true }],
    setup: (ctx, n) => baseWithForks(kit, ctx, n, 1),
    run: (ctx, n) => call.run(ctx, n),
    verify: async (ctx, n, res, cell) => {
      const snaps = await snapshotsOf(ctx, n.base);
      if (cell.effect === 'fail') {
        assert.ok(err(res, cell.id).startsWith(failure(n)), res.error.message);
        assert.deepEqual(snaps, [n.set.snapshotId], 'no snapshot taken');
        return;
      }
      const { snapshotId } = ok(res, cell.id);
      assert.ok(snaps.includes(snapshotId), 'the reported snapshot is a snapshot of the base');
      if (snaps.length > 2) cell.note = `${snaps.length - 2} extra snapshot(s) of the base from a retried attempt`;
    },
    teardown: (ctx, n) => removeBaseWithForks(kit, ctx, n),
  });
  return [
    {
      name: 'listForks',
      steps: () => [{ id: 'listForks', match: S('GET', '/', { header: 'x-tigris-fork' }), nature: 'required', json: true, malformed: 'forkListJson' }],
      setup: (ctx, n) => baseWithForks(kit, ctx, n, 2),
      run: (ctx, n) => kit.listForks(n.base, { config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const prefix = `Failed to list forks of "${n.base}": Unable to list buckets `;
        if (cell.effect === 'fail') {
          assert.ok(err(res, cell.id).startsWith(prefix), res.error.message);
          return;
        }
        if (cell.effect === 'malformed' && 'error' in res) {
          assert.equal(err(res, cell.id), `${prefix}Invalid JSON in bucket list response`);
          return;
        }
        const { forks } = ok(res, cell.id);
        // A non-JSON answer lists nothing (as the SDK reads it); a listing without lineage falls
        // back to the lineage listing, which finds the real forks.
        const expected = cell.effect === 'malformed' && cell.body.startsWith('<') ? [] : n.set.forks.map((f) => f.bucket);
        assert.deepEqual(forks.map((f) => f.bucket), expected);
        assert.ok(forks.every((f) => f.baseBucket === n.base && f.snapshotId === n.set.snapshotId));
      },
      teardown: (ctx, n) => removeBaseWithForks(kit, ctx, n),
    },
    snapshotting('mergeFork', 'mergeFork', {
      match: (n) => S('PUT', `/${n.base}`, { header: 'x-tigris-merge-source-bucket' }),
      run: (ctx, n) => kit.mergeFork(`${n.prefix}-0`, n.base, { config: ctx.config }),
    }, (n) => `Failed to merge fork "${n.prefix}-0" into "${n.base}": `),
    snapshotting('rebaseFork', 'rebaseFork', {
      match: (n) => S('PUT', `/${n.prefix}-0`, { header: 'x-tigris-rebase' }),
      run: (ctx, n) => kit.rebaseFork(`${n.prefix}-0`, { config: ctx.config }),
    }, (n) => `Failed to rebase fork "${n.prefix}-0": `),
    {
      name: 'deleteCheckpoint',
      steps: (n) => [{ id: 'deleteBucketSnapshot', match: S('DELETE', `/${n.base}/`, { header: 'x-tigris-snapshot-version' }), nature: 'required' }],
      setup: async (ctx, n) => {
        ok(await kit.createWorkspace(n.base, { enableSnapshots: true, config: ctx.config }), 'setup');
        n.snap = ok(await kit.checkpoint(n.base, { config: ctx.config }), 'setup checkpoint').snapshotId;
      },
      run: (ctx, n) => kit.deleteCheckpoint(n.base, n.snap, { config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const snaps = await snapshotsOf(ctx, n.base);
        if (cell.effect === 'fail') {
          assert.ok(err(res, cell.id).startsWith(`Failed to delete checkpoint ${n.snap} of "${n.base}": Unable to delete bucket snapshot `), res.error.message);
          assert.deepEqual(snaps, [n.snap]);
          return;
        }
        assert.equal(ok(res, cell.id), undefined);
        assert.deepEqual(snaps, [], 'the snapshot is gone');
      },
      teardown: async (ctx, n) => { ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base'); },
    },
    {
      name: 'teardownForks(deleteSnapshot)',
      failureCode: 'PartialFailure',
      steps: (n) => [{ id: 'deleteBucketSnapshot', match: S('DELETE', `/${n.base}/`, { header: 'x-tigris-snapshot-version' }), nature: 'teardown' }],
      setup: (ctx, n) => baseWithForks(kit, ctx, n, 2),
      run: (ctx, n) => kit.teardownForks(n.set, { deleteSnapshot: true, concurrency: 1, config: ctx.config }),
      verify: async (ctx, n, res, cell) => {
        const st = await ctx.srv.state();
        assert.deepEqual(st.buckets.filter((b) => b.name.startsWith(`${n.prefix}-`)), [], 'every fork is gone');
        const snaps = bucketOf(st, n.base).snapshots.map((s) => s.version);
        if (cell.effect === 'fail') {
          const lines = err(res, cell.id).split('\n');
          assert.equal(lines.length, 2, lines.join(' | '));
          assert.equal(lines[0], 'Fork teardown completed with errors:');
          assert.ok(lines[1].startsWith(`Failed to delete snapshot ${n.set.snapshotId} of "${n.base}": Unable to delete bucket snapshot `), lines[1]);
          assert.deepEqual(snaps, [n.set.snapshotId]);
          return;
        }
        assert.equal(ok(res, cell.id), undefined);
        assert.deepEqual(snaps, [], 'the snapshot is gone');
      },
      teardown: async (ctx, n) => { ok(await kit.teardownWorkspace({ bucket: n.base }, { config: ctx.config }), 'teardown base'); },
    },
  ];
}

/** Every cell of the matrix: workflow × step × fault (+ one per malformed body). */
export function cells(kit, { faults = ['persistent500', 'recover503', 'dropBefore', 'dropAfter', 'malformed', 'timeout'] } = {}) {
  const out = [];
  for (const wf of workflows(kit)) {
    for (const step of wf.steps(names('x'))) {
      for (const fault of faults) {
        if (fault === 'malformed') {
          if (!step.malformed) continue;
          MALFORMED[step.malformed].forEach((body, i) => out.push({ wf, stepId: step.id, fault, body, id: `${wf.name} / ${step.id} / malformed #${i + 1}` }));
        } else out.push({ wf, stepId: step.id, fault, id: `${wf.name} / ${step.id} / ${fault}` });
      }
    }
  }
  return out;
}

/** Sends unsigned requests matching `match` until one is not answered by the fault (≤ 60). */
async function drain(srv, match) {
  for (let i = 0; i < 60; i++) {
    try {
      const res = await fetch(`${srv.endpoint}${match.path}`, { method: match.method, headers: match.header ? { [match.header]: 'drain' } : {} });
      const text = await res.text();
      if (!text.includes('injected')) return;
    } catch { /* a drop fault: keep draining */ }
  }
}

/** Runs one cell; returns `{id, ms, attempts, note}` or throws with the cell id. */
export async function runCell(ctx, cell) {
  const t0 = Date.now();
  await ctx.srv.reset();
  const n = names(cell.wf.name.slice(0, 6).toLowerCase());
  await cell.wf.setup(ctx, n);
  const step = cell.wf.steps(n).find((s) => s.id === cell.stepId);
  const c = { ...cell, step, effect: cell.fault === 'persistent500' ? 'fail' : cell.fault === 'malformed' ? 'malformed' : 'none' };
  const before = (await ctx.srv.requests()).length;
  const spec = cell.fault === 'malformed'
    ? { times: 1, action: { status: 200, body: cell.body } }
    : FAULTS[cell.fault](step.json);
  await ctx.srv.fault({ ...step.match, ...spec, nth: step.match.nth ?? 1 });
  let res;
  const tRun = Date.now();
  try {
    // A timeout cell's call carries the short deadline; set-up and teardown keep the default.
    const runCtx = cell.fault === 'timeout' ? { ...ctx, config: { ...ctx.config, requestTimeoutMs: TIMEOUT_MS } } : ctx;
    res = await cell.wf.run(runCtx, n);
  } catch (e) {
    throw new Error(`${cell.id}: the workflow threw ${e?.stack ?? e}`);
  }
  const tDone = Date.now();
  if (cell.fault === 'timeout') {
    // The held request still runs on the server; let it finish before judging.
    const wait = TIMEOUT_DELAY_MS + 300 - (Date.now() - tRun);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const log = await ctx.srv.requests();
  const hits = log.slice(before).filter((r) => r.fault);
  assert.ok(hits.length >= 1, `${cell.id}: the fault never fired (the step was not reached?)`);
  const attempts = log.slice(before).filter((r) => r.method === step.match.method && (step.match.path === '/' ? r.path === '/' : r.path === step.match.path)).length;
  if (cell.fault === 'timeout') {
    assert.ok(attempts >= 2, `${cell.id}: the held attempt was not abandoned and retried (${attempts} attempts)`);
    assert.ok(tDone - tRun < TIMEOUT_DELAY_MS, `${cell.id}: the call waited for the held response (${tDone - tRun} ms)`);
  }
  try {
    await cell.wf.verify(ctx, n, res, c);
    // Every failure the matrix provokes is a 5xx after retries or a malformed answer (ServerError),
    // or a teardown with a failed step (PartialFailure).
    if (res && 'error' in res) assert.equal(res.error.code, cell.wf.failureCode ?? 'ServerError', 'error.code');
  } catch (e) {
    e.message = `${cell.id}: ${e.message}`;
    throw e;
  }
  await drain(ctx.srv, step.match);
  try {
    await cell.wf.teardown(ctx, n, res);
  } catch (e) {
    e.message = `${cell.id} (teardown): ${e.message}`;
    throw e;
  }
  const st = await ctx.srv.state();
  assert.deepEqual(st.buckets.map((b) => b.name), [], `${cell.id}: leaked buckets after teardown`);
  assert.deepEqual(st.keys.map((k) => k.name), [], `${cell.id}: leaked keys after teardown`);
  return { id: cell.id, ms: Date.now() - t0, attempts, faultHits: hits.length, note: c.note };
}
