// One agent run with tigris-agent-kit in Deno 2, through the package's `deno` entry (the wasm is
// loaded with a source-phase import: no read permission is needed).
//
//   deno run --allow-net=127.0.0.1 --allow-env agent-run.ts [name] [--pause]
//       config from Deno.env (TIGRIS_STORAGE_ENDPOINT, TIGRIS_IAM_ENDPOINT,
//       TIGRIS_STORAGE_ACCESS_KEY_ID, TIGRIS_STORAGE_SECRET_ACCESS_KEY)
//   deno run --allow-net=127.0.0.1 agent-run.ts [name] --endpoint=URL [--iam-endpoint=URL] \
//       --access-key-id=ID --secret-access-key=SECRET [--pause]
//       explicit config: without --allow-env the package never reads (nor prompts for) the env.
//
// Steps: createWorkspace (snapshots + scoped Editor key) → checkpoint → listCheckpoints →
// restore → createForks(3) → listForks → teardown of everything (forks, restored bucket, workspace, keys).
import {
  checkpoint,
  createForks,
  createWorkspace,
  listCheckpoints,
  listForks,
  restore,
  teardownForks,
  teardownWorkspace,
} from "tigris-agent-kit";
import type { Forks, RestoreResult, TigrisAgentKitConfig, TigrisResponse, Workspace } from "tigris-agent-kit";

function must<T>(step: string, res: TigrisResponse<T>): T {
  if (res.error) throw new Error(`${step}: ${res.error.message}`);
  return res.data as T;
}

const flags = new Map<string, string>();
const positional: string[] = [];
for (const arg of Deno.args) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
  if (m) flags.set(m[1], m[2] ?? "true");
  else positional.push(arg);
}

const envGranted = Deno.permissions.querySync({ name: "env" }).state === "granted";
// With --allow-env the package reads TIGRIS_* itself; otherwise everything comes from the flags.
const config: TigrisAgentKitConfig | undefined = envGranted && !flags.has("endpoint") ? undefined : {
  endpoint: flags.get("endpoint"),
  iamEndpoint: flags.get("iam-endpoint") ?? flags.get("endpoint"),
  accessKeyId: flags.get("access-key-id"),
  secretAccessKey: flags.get("secret-access-key"),
};
const name = positional[0] ?? `agent-run-deno-${Date.now().toString(36)}`;
const log = (m: string) => console.error(`[deno] ${m}`);

let workspace: Workspace | undefined;
let restored: RestoreResult | undefined;
let forkSet: Forks | undefined;
const summary: Record<string, unknown> = { name, configFrom: config ? "flags" : "Deno.env" };
let failure: unknown;
try {
  workspace = must("createWorkspace", await createWorkspace(name, {
    enableSnapshots: true,
    credentials: { role: "Editor" },
    config,
  }));
  summary.workspace = workspace;
  log(`workspace ${workspace.bucket}, key ${workspace.credentials?.accessKeyId}`);

  const ckpt = must("checkpoint", await checkpoint(name, { name: "before-risky-step", config }));
  summary.checkpoint = { ...ckpt, createdAt: ckpt.createdAt?.toISOString() };

  const list = must("listCheckpoints", await listCheckpoints(name, { limit: 50, config }));
  summary.listed = list.checkpoints.map((c) => ({ ...c, createdAt: c.createdAt?.toISOString() }));

  restored = must("restore", await restore(name, ckpt.snapshotId, { forkName: `${name}-restored`, config }));
  summary.restored = restored;

  forkSet = must("createForks", await createForks(name, 3, {
    prefix: `${name}-eval`,
    credentials: { role: "ReadOnly" },
    config,
  }));
  summary.forkSet = forkSet;
  if (forkSet.forks.length !== 3) throw new Error(`createForks: only ${forkSet.forks.length} of 3 forks`);
  const lineage = must("listForks", await listForks(name, { config }));
  summary.listedForks = lineage.forks.map(({ bucket, baseBucket, snapshotId }) => ({ bucket, baseBucket, snapshotId }));
  log(`checkpoint ${ckpt.snapshotId}, restored ${restored.bucket}, forks ${forkSet.forks.map((f) => f.bucket).join(", ")}`);

  console.log(JSON.stringify({ phase: "created", ...summary }));
  if (flags.has("pause")) {
    console.error("everything is created; press Enter to tear it down");
    const reader = Deno.stdin.readable.getReader();
    await reader.read();
    reader.releaseLock();
  }
} catch (e) {
  failure = e;
}

// Teardown of everything that exists, children before their source.
const errors: string[] = [];
if (forkSet) {
  const res = await teardownForks(forkSet, { config });
  if (res.error) errors.push(res.error.message);
}
for (const ws of [restored, workspace]) {
  if (!ws) continue;
  const res = await teardownWorkspace(ws, { config });
  if (res.error) errors.push(res.error.message);
}
summary.teardownErrors = errors;
if (failure || errors.length) {
  console.error(`[deno] failed: ${failure instanceof Error ? failure.message : failure ?? ""} ${errors.join("; ")}`);
  Deno.exitCode = 1;
} else {
  log("torn down: forks, restored bucket, workspace and every key");
  console.log(JSON.stringify({ phase: "done", ...summary }));
}
