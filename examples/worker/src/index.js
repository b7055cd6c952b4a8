// A Cloudflare Worker that hands out per-request Tigris workspaces with tigris-agent-kit, lets a
// browser upload into one with a presigned URL, and receives that workspace's coordination
// events. Runs without `nodejs_compat`: the package's `workerd` entry loads one WebAssembly
// module and talks to Tigris through the Worker's global fetch.
//
//   POST   /workspaces           → 201 { bucket, accessKeyId, secretAccessKey }
//          a fresh bucket and an access key scoped to it (role Editor, or {"role":"ReadOnly"})
//   POST   /uploads              body { "filename": "a.txt", "contentType": "text/plain" }
//          → 201 { bucket, key, uploadUrl, method, contentType, expiresAt }
//          a fresh bucket whose uploads/ prefix notifies POST /events/<bucket>, and a presigned
//          PUT URL (15 minutes) for uploads/<filename>: the caller uploads without any key
//   POST   /events/<bucket>      (called by Tigris, `Authorization: Bearer <WEBHOOK_TOKEN>`)
//          → 200 { received: n }: each event is recorded as processed/<event id>.json in the
//          bucket (the id is stable across redeliveries, so a redelivery rewrites the same object)
//   DELETE /workspaces/<bucket>  body { "accessKeyId": "tid_…" }  → 200 { deleted: bucket }
//          revokes the key (if given) and deletes the bucket (with its objects)
//
// Every request but /events must carry `Authorization: Bearer <ADMIN_TOKEN>` (a Worker secret).
// Workers limits (free plan): 50 subrequests per request and 6 simultaneous connections. Each
// request here makes at most 3 sequential calls (≤ 12 subrequests with the package's retries,
// 4 attempts per call) plus one per event received, and never more than one at a time.
import {
  createWorkspace, teardownWorkspace, setupCoordination, presign, receiveCoordinationEvents,
} from "tigris-agent-kit";

const json = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** The package config from the Worker's bindings (vars and secrets). Workers have no process env. */
function tigrisConfig(env) {
  return {
    endpoint: env.TIGRIS_STORAGE_ENDPOINT,
    iamEndpoint: env.TIGRIS_IAM_ENDPOINT,
    accessKeyId: env.TIGRIS_STORAGE_ACCESS_KEY_ID,
    secretAccessKey: env.TIGRIS_STORAGE_SECRET_ACCESS_KEY,
  };
}

/** Constant-time-ish comparison of the bearer token with the ADMIN_TOKEN secret. */
function authorized(request, env) {
  const want = `Bearer ${env.ADMIN_TOKEN ?? ""}`;
  const got = request.headers.get("authorization") ?? "";
  if (!env.ADMIN_TOKEN || got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ got.charCodeAt(i);
  return diff === 0;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Upload names: one path segment of safe characters (the key is uploads/<filename>). */
const FILENAME = /^[\w.-]{1,200}$/;

/** A fresh bucket name for this Worker. */
const freshBucket = (env) =>
  `${env.BUCKET_PREFIX ?? "ws"}-${crypto.randomUUID().slice(0, 8)}-${Date.now().toString(36)}`;

/** POST /workspaces: a bucket and a key scoped to it. */
async function newWorkspace(request, env, config) {
  const body = await request.json().catch(() => ({}));
  const role = body?.role === "ReadOnly" ? "ReadOnly" : "Editor";
  const bucket = freshBucket(env);
  const { data, error } = await createWorkspace(bucket, { credentials: { role }, config });
  if (error) return json({ error: error.message }, 502);
  if (!data.credentials) {
    // The bucket exists but the key could not be minted: don't leave it behind.
    await teardownWorkspace(data, { config });
    return json({ error: `no access key could be created for ${bucket}` }, 502);
  }
  return json({ bucket: data.bucket, role, ...data.credentials }, 201);
}

/** POST /uploads: a bucket wired to /events, and a presigned PUT URL into it. */
async function newUpload(request, env, config) {
  const body = await request.json().catch(() => ({}));
  const filename = typeof body?.filename === "string" && FILENAME.test(body.filename) ? body.filename : "upload.bin";
  const contentType = typeof body?.contentType === "string" ? body.contentType : "application/octet-stream";
  const bucket = freshBucket(env);
  const ws = await createWorkspace(bucket, { config });
  if (ws.error) return json({ error: ws.error.message }, 502);
  const hook = await setupCoordination(bucket, {
    webhookUrl: `${new URL(request.url).origin}/events/${bucket}`,
    filter: 'WHERE `key` REGEXP "^uploads/"',
    auth: { token: env.WEBHOOK_TOKEN },
    config,
  });
  const key = `uploads/${filename}`;
  // No URL without the notifications: the first failure of the two is the one reported.
  const signed = hook.error ? hook : await presign(bucket, key, { method: "PUT", contentType, expiresIn: 900, config });
  if (signed.error) {
    await teardownWorkspace(ws.data, { config });
    return json({ error: signed.error.message }, 502);
  }
  const { url: uploadUrl, method, expiresAt } = signed.data;
  return json({ bucket, key, uploadUrl, method, contentType, expiresAt }, 201);
}

/** POST /events/<bucket>: Tigris's object notifications, recorded once per event id. */
async function receiveEvents(request, env, config, bucket) {
  const { data: events, error } = await receiveCoordinationEvents(request, { auth: { token: env.WEBHOOK_TOKEN } });
  if (error) return json({ error: error.code }, error.code === "Unauthorized" ? 401 : 400);
  for (const event of events) {
    if (event.bucket !== bucket) continue; // only this route's bucket
    const record = await presign(bucket, `processed/${event.id}.json`, { method: "PUT", config });
    if (record.error) return json({ error: record.error.message }, 502); // non-2xx: Tigris redelivers
    const put = await fetch(record.data.url, { method: "PUT", body: JSON.stringify(event) });
    if (!put.ok) return json({ error: `recording ${event.id} failed: ${put.status}` }, 502);
  }
  return json({ received: events.length });
}

/** DELETE /workspaces/<bucket>: the key (if named) and the bucket with its objects. */
async function deleteWorkspace(request, config, bucket) {
  const body = await request.json().catch(() => ({}));
  const workspace = { bucket };
  if (typeof body?.accessKeyId === "string") {
    workspace.credentials = { accessKeyId: body.accessKeyId, secretAccessKey: "" };
  }
  const { error } = await teardownWorkspace(workspace, { config });
  if (error) return json({ error: error.message }, 502);
  return json({ deleted: bucket });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const config = tigrisConfig(env);
    const events = /^\/events\/([^/]+)$/.exec(url.pathname);
    if (request.method === "POST" && events && BUCKET.test(events[1]) && env.WEBHOOK_TOKEN) {
      return receiveEvents(request, env, config, events[1]);
    }
    if (!authorized(request, env)) return json({ error: "unauthorized" }, 401);
    if (request.method === "POST" && url.pathname === "/workspaces") return newWorkspace(request, env, config);
    if (request.method === "POST" && url.pathname === "/uploads" && env.WEBHOOK_TOKEN) return newUpload(request, env, config);
    const m = /^\/workspaces\/([^/]+)$/.exec(url.pathname);
    if (request.method === "DELETE" && m && BUCKET.test(m[1])) return deleteWorkspace(request, config, m[1]);
    return json({ error: "not found" }, 404);
  },
};
