// The agent-run scenario of examples/node and examples/deno, checked on the server: run the
// example with --pause, check `GET /_local/state` once everything exists, press Enter, check
// that the teardown removed every bucket and key.
import {
  assert, spawnService, waitForOutput, lastJson, bucketIn, keyIn, keyBuckets, parentNames, snapshotCount,
} from './harness.mjs';

/** Asserts the state holds what the scenario summary says it created. */
export function assertCreated(state, s) {
  const ws = bucketIn(state, s.workspace.bucket);
  assert.ok(ws, `workspace bucket ${s.workspace.bucket} exists on the server`);
  assert.ok(snapshotCount(ws) >= 2, `the workspace has the checkpoint and the fork snapshot (snapshots: ${JSON.stringify(ws.snapshots)})`);
  const wsKey = keyIn(state, s.workspace.credentials?.accessKeyId);
  assert.ok(wsKey, `the workspace key ${s.workspace.credentials?.accessKeyId} exists`);
  assert.deepEqual(keyBuckets(wsKey), [s.workspace.bucket], 'the workspace key is scoped to the workspace only');
  assert.match(JSON.stringify(wsKey.buckets_role), /Editor/);

  assert.ok(s.checkpoint.snapshotId, 'checkpoint returned a snapshotId');
  assert.equal(s.checkpoint.name, 'before-risky-step');
  const listed = s.listed.find((c) => c.snapshotId === s.checkpoint.snapshotId);
  assert.ok(listed, 'listCheckpoints lists the checkpoint');
  assert.equal(listed.name, 'before-risky-step');

  const restored = bucketIn(state, s.restored.bucket);
  assert.ok(restored, `restored bucket ${s.restored.bucket} exists`);
  assert.deepEqual(parentNames(restored), [s.workspace.bucket], 'the restored bucket is a fork of the workspace');

  assert.equal(s.forkSet.forks.length, 3);
  const listedForks = [...(s.listedForks ?? [])].sort((a, b) => a.bucket.localeCompare(b.bucket));
  const forksOfWorkspace = [
    ...s.forkSet.forks.map((f) => ({ bucket: f.bucket, baseBucket: s.workspace.bucket, snapshotId: s.forkSet.snapshotId })),
    { bucket: s.restored.bucket, baseBucket: s.workspace.bucket, snapshotId: s.checkpoint.snapshotId },
  ].sort((a, b) => a.bucket.localeCompare(b.bucket));
  assert.deepEqual(listedForks, forksOfWorkspace, 'listForks lists the three forks and the restored bucket with their lineage');
  assert.equal(s.forkSet.baseBucket, s.workspace.bucket);
  for (const [i, f] of s.forkSet.forks.entries()) {
    assert.equal(f.bucket, `${s.name}-eval-${i}`);
    const b = bucketIn(state, f.bucket);
    assert.ok(b, `fork ${f.bucket} exists`);
    assert.deepEqual(parentNames(b), [s.workspace.bucket], `fork ${f.bucket} is a fork of the workspace`);
    const k = keyIn(state, f.credentials?.accessKeyId);
    assert.ok(k, `fork ${f.bucket} has its key`);
    assert.deepEqual(keyBuckets(k), [f.bucket], 'each fork key is scoped to its fork only');
    assert.match(JSON.stringify(k.buckets_role), /ReadOnly/);
  }
}

/** Asserts nothing the scenario created is left on the server. */
export function assertTornDown(state, s) {
  const left = state.buckets.filter((b) => b.name === s.name || b.name.startsWith(`${s.name}-`)).map((b) => b.name);
  assert.deepEqual(left, [], 'no bucket of the run is left');
  const keyIds = [s.workspace.credentials?.accessKeyId, ...s.forkSet.forks.map((f) => f.credentials?.accessKeyId)];
  assert.deepEqual(state.keys.filter((k) => keyIds.includes(k.id)).map((k) => k.id), [], 'every key of the run is revoked');
}

/**
 * Runs the example (`cmd args…` must include --pause), checks the state when everything exists,
 * then lets it tear down and checks again. Returns the final summary.
 */
export async function runScenario(srv, { cmd, args, cwd, env, timeout = 120_000 }) {
  const child = spawnService(cmd, args, { cwd, env });
  const killer = setTimeout(() => child.stop(), timeout);
  try {
    await waitForOutput(child, /"phase":"created".*\n/, timeout);
    const created = lastJson(child.out());
    assertCreated(await srv.state(), created);
    child.stdin.end('\n');
    const code = await child.exited;
    assert.equal(code, 0, `the example exited ${code}\n--- stdout\n${child.out()}\n--- stderr\n${child.err()}`);
    const done = lastJson(child.out());
    assert.equal(done.phase, 'done');
    assert.deepEqual(done.teardownErrors, []);
    assertTornDown(await srv.state(), created);
    return { created, done, stderr: child.err() };
  } finally {
    clearTimeout(killer);
    await child.stop();
  }
}

