// The console's logic: list checkpoints of a bucket, take one, restore one into a new bucket.
// Everything runs in the page with tigris-agent-kit (one wasm module + the page's fetch);
// credentials are either an access key pair typed in, or fetched by a credentialProvider from a
// token endpoint (here serve.mjs's POST /token) that returns temporary credentials with a
// session token. Tigris must allow the page's origin (CORS; tigris-local does).
import { checkpoint, listCheckpoints, restore } from "tigris-agent-kit";

const $ = (id) => document.getElementById(id);
let tokenCalls = 0;

/** The package config from the form (re-read for every call). */
function config() {
  const endpoint = $("endpoint").value.trim();
  if ($("auth-provider").checked) {
    const tokenUrl = new URL($("tokenUrl").value.trim() || "/token", location.href);
    return {
      endpoint,
      organizationId: $("organizationId").value.trim() || undefined,
      credentialProvider: async () => {
        tokenCalls += 1;
        $("token-calls").textContent = String(tokenCalls);
        const res = await fetch(tokenUrl, { method: "POST", credentials: "same-origin" });
        if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
        const c = await res.json();
        return {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: c.expiration ? new Date(c.expiration) : undefined,
        };
      },
    };
  }
  return { endpoint, accessKeyId: $("accessKeyId").value.trim(), secretAccessKey: $("secretAccessKey").value };
}

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function show(value) {
  $("result").textContent = JSON.stringify(value, null, 2);
}

/** Runs one action with the buttons disabled; its { data } | { error } ends up in the page. */
async function act(label, fn) {
  const buttons = [...document.querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  setStatus("working", `working: ${label}…`);
  try {
    const message = await fn();
    setStatus("done", `done: ${message}`);
  } catch (e) {
    setStatus("error", `error: ${e.message}`);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function must(res) {
  if (res.error) {
    show({ error: res.error.message });
    throw res.error;
  }
  return res.data;
}

function bucket() {
  const name = $("bucket").value.trim();
  if (!name) throw new Error("enter a bucket name");
  return name;
}

function render(checkpoints) {
  const tbody = $("checkpoints").tBodies[0];
  tbody.replaceChildren(...checkpoints.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.snapshotId = c.snapshotId;
    for (const text of [c.snapshotId, c.name ?? "(unnamed)", c.createdAt?.toISOString() ?? ""]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement("td");
    const button = document.createElement("button");
    button.className = "restore";
    button.textContent = "Restore";
    button.dataset.snapshotId = c.snapshotId;
    button.addEventListener("click", () => act("restore", () => doRestore(c.snapshotId)));
    td.append(button);
    tr.append(td);
    return tr;
  }));
}

async function doList() {
  const data = must(await listCheckpoints(bucket(), { limit: 100, config: config() }));
  render(data.checkpoints);
  show(data);
  return `${data.checkpoints.length} checkpoint(s) of ${bucket()}`;
}

async function doTake() {
  const name = $("checkpointName").value.trim() || undefined;
  const ckpt = must(await checkpoint(bucket(), { name, config: config() }));
  const list = must(await listCheckpoints(bucket(), { limit: 100, config: config() }));
  render(list.checkpoints);
  show(ckpt);
  return `checkpoint ${ckpt.snapshotId} taken`;
}

async function doRestore(snapshotId) {
  const forkName = $("forkName").value.trim() || undefined;
  const restored = must(await restore(bucket(), snapshotId, { forkName, config: config() }));
  show({ snapshotId, ...restored });
  return `restored ${snapshotId} into ${restored.bucket}`;
}

$("list").addEventListener("click", () => act("list", doList));
$("take").addEventListener("click", () => act("checkpoint", doTake));
setStatus("ready", "ready");
