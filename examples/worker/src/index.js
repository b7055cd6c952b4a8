// A Cloudflare Worker that hands out per-request Tigris workspaces with tigris-agent-kit.
// Runs without `nodejs_compat`: the package's `workerd` entry loads one WebAssembly module and
// talks to Tigris through the Worker's global fetch.
//
//   POST   /workspaces           → 201 { bucket, accessKeyId, secretAccessKey }
//          a fresh bucket and an access key scoped to it (role Editor, or {"role":"ReadOnly"})
//   DELETE /workspaces/<bucket>  body { "accessKeyId": "tid_…" }  → 200 { deleted: bucket }
//          revokes the key and deletes the bucket (with its objects)
//
// Every request must carry `Authorization: Bearer <ADMIN_TOKEN>` (a Worker secret).
// Workers limits (free plan): 50 subrequests per request and 6 simultaneous connections. Each
// request here makes 2 sequential subrequests (bucket + key, or key + bucket) — at most 8 with
// the package's retries (4 attempts per call) — and never more than one at a time.
import { createWorkspace, teardownWorkspace } from "tigris-agent-kit";

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

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (!authorized(request, env)) return json({ error: "unauthorized" }, 401);
    const config = tigrisConfig(env);

    if (request.method === "POST" && url.pathname === "/workspaces") {
      const body = await request.json().catch(() => ({}));
      const role = body?.role === "ReadOnly" ? "ReadOnly" : "Editor";
      const bucket = `${env.BUCKET_PREFIX ?? "ws"}-${crypto.randomUUID().slice(0, 8)}-${Date.now().toString(36)}`;
      const { data, error } = await createWorkspace(bucket, { credentials: { role }, config });
      if (error) return json({ error: error.message }, 502);
      if (!data.credentials) {
        // The bucket exists but the key could not be minted: don't leave it behind.
        await teardownWorkspace(data, { config });
        return json({ error: `no access key could be created for ${bucket}` }, 502);
      }
      return json({ bucket: data.bucket, role, ...data.credentials }, 201);
    }

    const m = /^\/workspaces\/([^/]+)$/.exec(url.pathname);
    if (request.method === "DELETE" && m && BUCKET.test(m[1])) {
      const body = await request.json().catch(() => ({}));
      const workspace = { bucket: m[1] };
      if (typeof body?.accessKeyId === "string") {
        workspace.credentials = { accessKeyId: body.accessKeyId, secretAccessKey: "" };
      }
      const { error } = await teardownWorkspace(workspace, { config });
      if (error) return json({ error: error.message }, 502);
      return json({ deleted: workspace.bucket });
    }

    return json({ error: "not found" }, 404);
  },
};
