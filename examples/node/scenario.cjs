'use strict';
// One agent run, end to end, with tigris-agent-kit. Shared by agent-run.mjs (import) and
// agent-run.cjs (require): the caller passes the loaded package as `kit`.
//
//   1. createWorkspace  — a snapshot-enabled bucket with its own scoped Editor key
//   2. checkpoint       — mark the state before a risky step
//   3. listCheckpoints  — the checkpoint is there, with the server's timestamp
//   4. restore          — a copy-on-write fork of the bucket at that checkpoint
//   5. createForks(3)   — three read-only copies for three evaluator agents, one key each
//      listForks        — the server's view of those forks and their lineage
//   6. teardown         — forks, then the restored bucket, then the workspace (children before
//                         their source), every key revoked; runs even when a step failed.
//
// Every call resolves to { data } or { error } (nothing throws); `must` turns an error into an
// exception so the run stops at the first failed step and still tears down what exists.

function must(step, res) {
  if (res.error) throw new Error(`${step}: ${res.error.message}`);
  return res.data;
}

/**
 * Runs the scenario. `config` is optional (without it the package reads TIGRIS_* from the
 * environment). `beforeTeardown(summary)` runs once everything exists (e.g. to inspect it).
 */
async function agentRun(kit, { name, config, log = console.error, beforeTeardown } = {}) {
  const created = { workspace: undefined, restored: undefined, forkSet: undefined };
  const summary = { name };
  let failure;
  try {
    created.workspace = must('createWorkspace', await kit.createWorkspace(name, {
      enableSnapshots: true,
      credentials: { role: 'Editor' },
      config,
    }));
    summary.workspace = created.workspace;
    log(`workspace ${created.workspace.bucket}, key ${created.workspace.credentials?.accessKeyId}`);

    const ckpt = must('checkpoint', await kit.checkpoint(name, { name: 'before-risky-step', config }));
    summary.checkpoint = { snapshotId: ckpt.snapshotId, name: ckpt.name, createdAt: ckpt.createdAt?.toISOString() };
    log(`checkpoint ${ckpt.snapshotId} (${ckpt.name})`);

    const list = must('listCheckpoints', await kit.listCheckpoints(name, { limit: 50, config }));
    summary.listed = list.checkpoints.map((c) => ({ snapshotId: c.snapshotId, name: c.name, createdAt: c.createdAt?.toISOString() }));
    log(`${list.checkpoints.length} checkpoint(s) listed`);

    created.restored = must('restore', await kit.restore(name, ckpt.snapshotId, { forkName: `${name}-restored`, config }));
    summary.restored = created.restored;
    log(`restored into ${created.restored.bucket}`);

    created.forkSet = must('createForks', await kit.createForks(name, 3, {
      prefix: `${name}-eval`,
      credentials: { role: 'ReadOnly' },
      config,
    }));
    summary.forkSet = created.forkSet;
    log(`forks ${created.forkSet.forks.map((f) => f.bucket).join(', ')} from snapshot ${created.forkSet.snapshotId}`);
    if (created.forkSet.forks.length !== 3) throw new Error(`createForks: only ${created.forkSet.forks.length} of 3 forks`);
    const lineage = must('listForks', await kit.listForks(name, { config }));
    summary.listedForks = lineage.forks.map(({ bucket, baseBucket, snapshotId }) => ({ bucket, baseBucket, snapshotId }));
    log(`${lineage.forks.length} fork(s) listed`);

    if (beforeTeardown) await beforeTeardown(summary);
  } catch (e) {
    failure = e;
  }

  // Teardown of everything that exists, children before their source.
  const errors = [];
  if (created.forkSet) {
    const res = await kit.teardownForks(created.forkSet, { config });
    if (res.error) errors.push(res.error.message);
  }
  if (created.restored) {
    const res = await kit.teardownWorkspace(created.restored, { config });
    if (res.error) errors.push(res.error.message);
  }
  if (created.workspace) {
    const res = await kit.teardownWorkspace(created.workspace, { config });
    if (res.error) errors.push(res.error.message);
  }
  summary.teardownErrors = errors;
  log(errors.length ? `teardown errors:\n${errors.join('\n')}` : 'torn down: forks, restored bucket, workspace and every key');
  if (failure) throw failure;
  if (errors.length) throw new Error(`teardown: ${errors.join('; ')}`);
  return summary;
}

/** Waits for a line on stdin (used by --pause so the buckets can be inspected first). */
function waitForEnter(prompt) {
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    process.stdin.resume();
    // destroy, not pause: a paused stdin pipe would keep the process alive after the run
    process.stdin.once('data', () => { process.stdin.destroy(); resolve(); });
    process.stdin.once('end', resolve);
  });
}

/** The CLI shared by both entry files: `node agent-run.(mjs|cjs) [name] [--pause]`. */
async function main(kit, flavour) {
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--')) ?? `agent-run-${flavour}-${Date.now().toString(36)}`;
  const pause = args.includes('--pause');
  try {
    const summary = await agentRun(kit, {
      name,
      log: (m) => console.error(`[${flavour}] ${m}`),
      beforeTeardown: async (s) => {
        console.log(JSON.stringify({ phase: 'created', flavour, ...s }));
        if (pause) await waitForEnter('everything is created; press Enter to tear it down\n');
      },
    });
    console.log(JSON.stringify({ phase: 'done', flavour, ...summary }));
  } catch (e) {
    console.error(`[${flavour}] failed: ${e.message}`);
    process.exitCode = 1;
  }
}

module.exports = { agentRun, main };
