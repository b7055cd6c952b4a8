// Types of tigris-agent-kit: the public surface of `@tigrisdata/agent-kit` 0.1.x, exactly,
// plus optional additions (options and config fields, error fields, and the fork-lifecycle
// exports `listForks`, `mergeFork`, `rebaseFork` and `deleteCheckpoint`, and the edge exports
// `presign` and `receiveCoordinationEvents`; the package README lists them under "Deliberate
// differences"). Every function resolves to
// `{ data }` or `{ error }`; none throws or rejects. Every `error` is an `Error` with a `code`
// (an addition: the messages are the original's).


/**
 * The result of every function: `{ data }` on success or `{ error }` on failure, never both.
 * No function throws or rejects; check `error` before reading `data`.
 */
export type TigrisResponse<T, E = Error> =
  | { data: T; error?: never }
  | { error: E; data?: never };

/**
 * What kind of failure an `error` reports (see README "Error codes"). `Unauthorized` comes only
 * from `receiveCoordinationEvents` (a delivery without the expected credentials).
 */
export type AgentKitErrorCode =
  | "InvalidArgument"
  | "SnapshotsNotEnabled"
  | "BucketAlreadyExists"
  | "NotFound"
  | "AccessDenied"
  | "Conflict"
  | "Timeout"
  | "NetworkError"
  | "ServerError"
  | "PartialFailure"
  | "Unauthorized"
  | "Aborted";

/** What every failed call resolves to in `{ error }`: a plain `Error` (`name` is `"Error"`, the
 * message is the original's) with a machine-readable `code`, the server's answer when one
 * caused the failure, and a `toJSON` so `JSON.stringify(result)` shows it (no secrets). */
export type AgentKitError = Error & {
  /** What went wrong, for programs: see the package README, "Error codes". */
  code: AgentKitErrorCode;
  /** The HTTP status of the server answer that caused the failure, when there was one. */
  status?: number;
  /** The S3 `<Code>` or JSON `Code` of that answer (e.g. `"NoSuchBucket"`), when it had one. */
  serverCode?: string;
  /** `{ name, message, code, status?, serverCode? }` for `JSON.stringify`. */
  toJSON(): { name: string; message: string; code: AgentKitErrorCode; status?: number; serverCode?: string };
};

/**
 * Connection settings, accepted as `options.config` by every function. Each field is resolved
 * per call: the value here unless it is `undefined` (an explicit `""` counts as set), else the
 * environment (Node: `process.env`, then `./.env`; Deno: `Deno.env` when the env permission is
 * granted; Workers and browsers: none), else the default. The same settings serve the storage and
 * the IAM (access key) requests of a call.
 */
export type TigrisAgentKitConfig = {
  /**
   * Access key id (`tid_…`). Environment: `TIGRIS_STORAGE_ACCESS_KEY_ID`. Without it (and without
   * `credentialProvider` or a session token) a call fails before any request with `Tigris Config
   * incomplete: accessKeyId is missing. …` (code `InvalidArgument`).
   */
  accessKeyId?: string;
  /**
   * Secret of `accessKeyId` (`tsec_…`). Environment: `TIGRIS_STORAGE_SECRET_ACCESS_KEY`. Never
   * shown in messages.
   */
  secretAccessKey?: string;
  /**
   * Session token of temporary credentials. Environment: `TIGRIS_SESSION_TOKEN`. The bucket
   * settings and IAM requests then need `organizationId` too.
   */
  sessionToken?: string;
  /** Tigris organization id, needed with a session token. Environment: `TIGRIS_ORGANIZATION_ID`. */
  organizationId?: string;
  /**
   * Storage (S3) endpoint, also the host of the bucket settings API. Environment:
   * `TIGRIS_STORAGE_ENDPOINT`. Default `https://t3.storage.dev`.
   */
  endpoint?: string;
  /**
   * IAM endpoint, for the access keys of `credentials` options and teardowns. Environment:
   * `TIGRIS_IAM_ENDPOINT`. Default `https://iam.storageapi.dev`.
   */
  iamEndpoint?: string;
  /**
   * Management endpoint. Environment: `TIGRIS_MGMT_ENDPOINT`. Default
   * `https://mgmt.storageapi.dev`.
   */
  mgmtEndpoint?: string;
  /**
   * Called by every call, before its requests are signed, to obtain (possibly temporary)
   * credentials; used for storage, bucket settings and IAM requests alike, with or without
   * `organizationId`. A rejection fails the call with `credentialProvider failed: <message>`, a
   * result without string keys with `credentialProvider must resolve to { accessKeyId,
   * secretAccessKey } strings` (both code `AccessDenied`).
   */
  credentialProvider?: () => Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
  }>;
  /**
   * Deadline of each HTTP attempt in milliseconds (default 30000). An attempt that gets no
   * response in time is cancelled and retried like a network error (4 attempts in all); when
   * every attempt times out the call fails with code `Timeout`. Must be a positive integer.
   */
  requestTimeoutMs?: number;
  /**
   * Time one Tigris operation may take — one request with all its retries and the waits between
   * them, and the `credentialProvider` call it needs — in milliseconds (1 to 2³¹ − 1). When it
   * passes, the step fails as a network failure would (`error.code` `"Timeout"`). Default `60000`.
   */
  callTimeoutMs?: number;
  /**
   * Time the whole exported call may take, in milliseconds (1 to 2³¹ − 1); passing it fails the
   * step in progress as `callTimeoutMs` does. Rollback and clean-up still run. Default: none.
   */
  deadlineMs?: number;
};

// ── Forks ──
/** Options of `createForks`. */
export type CreateForksOptions = {
  /**
   * Fork names are `${prefix}-0`, `${prefix}-1`, …. Default `${baseBucket}-fork-${Date.now()}`.
   * Bucket names are global: a prefix whose forks still exist makes those forks fail.
   */
  prefix?: string;
  /**
   * How many forks are created at once (default 16). `1` reproduces the original's sequential
   * order exactly. Results and partial-failure behaviour are the same for every value.
   */
  concurrency?: number;
  /**
   * Also create one access key per fork, valid on that fork only, with this role. A key that
   * cannot be created leaves its fork without `credentials` (no error), unless `atomic` is set.
   */
  credentials?: { role: "Editor" | "ReadOnly" };
  /**
   * All or nothing. If any fork fails, or any key fails when `credentials` was asked, every key,
   * fork and the snapshot this call created are deleted again (keys first, the snapshot last) and
   * the result is `{ error }` naming the first failure, with its `error.code`. Only what this call
   * created is deleted: a bucket of the same name that already existed (a reused `prefix`) stays.
   * What the rollback could not remove is listed on further lines as
   * `Rollback left "<name>" (<what>): <message>`. Without it, the original's partial result.
   */
  atomic?: boolean;
  /**
   * Where and as whom to connect; fields left `undefined` come from the environment, then the
   * defaults (see `TigrisAgentKitConfig`).
   */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/** One fork: its bucket and, when `credentials` was asked and the key could be created, that key. */
export type Fork = {
  bucket: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
};
/**
 * What `createForks` made: the base, the snapshot id the forks were made from, and the forks in
 * index order. Pass it to `teardownForks`.
 */
export type Forks = { baseBucket: string; snapshotId: string; forks: Fork[] };
/** Options of `teardownForks`. */
export type TeardownForksOptions = {
  /** How many forks are torn down at once (default 16). */
  concurrency?: number;
  /**
   * After every fork is gone, also delete `forkSet.snapshotId` of the base (the base bucket
   * stays). Skipped, and reported as the last line of the aggregated error, if any fork could
   * not be deleted: `Skipped deleting snapshot <id> of "<base>": a fork could not be deleted`
   * (or `Failed to delete snapshot <id> of "<base>": <message>` when the deletion fails).
   */
  deleteSnapshot?: boolean;
  /** Connection settings (see `TigrisAgentKitConfig`). */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/**
 * Snapshots `baseBucket` once and creates `count` forks of it: copy-on-write buckets that start
 * with the base's content at that snapshot. The base must have snapshots enabled (else code
 * `SnapshotsNotEnabled`). `count` is a positive integer, at most 1000; arguments are checked before
 * any request. If a fork fails, the result still succeeds with the forks before the first failed
 * index (any later fork that finished is deleted again); if none was made, `{ error }` with
 * `Failed to create any forks` and the code of the first failure. The snapshot stays on the base.
 * With `atomic`, any fork or key failure rolls the whole call back and gives `{ error }` instead.
 */
export declare function createForks(
  baseBucket: string,
  count: number,
  options?: CreateForksOptions,
): Promise<TigrisResponse<Forks, AgentKitError>>;
/**
 * Revokes each fork's key and deletes each fork bucket with its objects, for every fork even
 * after a failure; failures are reported together as `Fork teardown completed with errors:` plus
 * one line each (code `PartialFailure`). The base bucket stays, and so does the snapshot unless
 * `deleteSnapshot` is set.
 */
export declare function teardownForks(
  forkSet: Forks,
  options?: TeardownForksOptions,
): Promise<TigrisResponse<void, AgentKitError>>;

// ── Workspaces ──
/**
 * Options of `createWorkspace`. All optional: without them the workspace is a plain private
 * bucket.
 */
export type CreateWorkspaceOptions = {
  /** `"public"` makes the objects publicly readable. Default `"private"`. */
  access?: "public" | "private";
  /**
   * Objects expire this many days after they were written (`days` a positive integer). Not
   * possible on a bucket with `enableSnapshots`: the TTL call then fails and the workspace is
   * returned without an expiry, with no error. A TTL failure is not reported unless `atomic` is
   * set.
   */
  ttl?: { days: number };
  /**
   * Turn snapshots on, which `checkpoint` and `createForks` of this bucket need; can only be
   * chosen at creation. Default `false`.
   */
  enableSnapshots?: boolean;
  /**
   * Also create an access key `${name}-key`, valid on this bucket only, with this role. A key that
   * cannot be created leaves the workspace without `credentials` (no error), unless `atomic` is
   * set.
   */
  credentials?: { role: "Editor" | "ReadOnly" };
  /**
   * A TTL or key failure removes the key and the bucket this call created and returns `{ error }`
   * (`Failed to set TTL on workspace "<name>": …` / `Failed to create access key for "<name>": …`)
   * instead of a workspace missing what was asked. (TTL is refused on a snapshot-enabled bucket,
   * so `ttl` + `enableSnapshots` + `atomic` always fails.) A bucket whose creation had an unknown
   * outcome is not deleted but named in the error. Without it, such failures are ignored.
   */
  atomic?: boolean;
  /**
   * Where and as whom to connect; fields left `undefined` come from the environment, then the
   * defaults (see `TigrisAgentKitConfig`).
   */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/**
 * A workspace bucket and, when `credentials` was asked and the key could be created, its key (the
 * secret is returned only here). Pass it to `teardownWorkspace`.
 */
export type Workspace = {
  bucket: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
};
/** Options of `teardownWorkspace`. */
export type TeardownWorkspaceOptions = { /** Connection settings (see `TigrisAgentKitConfig`). */ config?: TigrisAgentKitConfig; /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */ signal?: AbortSignal };
/**
 * Creates bucket `name` for one agent or run, then sets its TTL and creates its key when asked.
 * Fails with `Failed to create workspace bucket "<name>": <message>` when the bucket cannot be
 * created (a taken name: code `BucketAlreadyExists`). The TTL and key steps come after the bucket
 * exists and their failures are not reported, as in the original: check `credentials` (with
 * `atomic`, they are reported and the workspace is removed again).
 */
export declare function createWorkspace(
  name: string,
  options?: CreateWorkspaceOptions,
): Promise<TigrisResponse<Workspace, AgentKitError>>;
/**
 * Revokes the workspace's key (when it has `credentials`) and deletes the bucket with every object
 * in it. Works for any bucket: a `RestoreResult` (with or without `credentials`) is released the
 * same way, and `teardownWorkspace({ bucket })` serves any other. Both steps always run; failures
 * give `Workspace teardown completed with errors:` plus one line each (code `PartialFailure`).
 */
export declare function teardownWorkspace(
  workspace: Workspace | RestoreResult,
  options?: TeardownWorkspaceOptions,
): Promise<TigrisResponse<void, AgentKitError>>;

// ── Checkpoints ──
/** Options of `checkpoint`. */
export type CheckpointOptions = { /** A label for the checkpoint, printable ASCII only. Default: none. */ name?: string; /** Connection settings (see `TigrisAgentKitConfig`). */ config?: TigrisAgentKitConfig; /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */ signal?: AbortSignal };
/**
 * A checkpoint: its snapshot id (what `restore` needs), its name if it has one, and its creation
 * time (from the local clock for a fresh checkpoint, from the server in `listCheckpoints`).
 */
export type Checkpoint = { snapshotId: string; name?: string; createdAt?: Date };
/** Options of `restore`. */
export type RestoreOptions = {
  /** Name of the new bucket. Default `${bucket}-restore-${Date.now()}`. */
  forkName?: string;
  /**
   * Also create an access key `<new bucket>-key` (e.g. `${forkName}-key`), valid on the restored
   * bucket only, with this role (a workspace's own key is refused on the restored bucket). If the
   * key cannot be created the bucket is still returned, without `credentials` — unless `atomic`
   * is set.
   */
  credentials?: { role: "Editor" | "ReadOnly" };
  /**
   * A key failure removes the key and the bucket this call created and returns `{ error }`
   * (`Failed to create access key for "<forkName>": …`). A bucket whose creation had an unknown
   * outcome is not deleted but named in the error.
   */
  atomic?: boolean;
  /** Connection settings (see `TigrisAgentKitConfig`). */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/**
 * The bucket `restore` created, an ordinary bucket, and its key when `credentials` was asked and
 * the key could be created (the secret is returned only here). Pass it to `teardownWorkspace`.
 */
export type RestoreResult = {
  /** The new bucket. */
  bucket: string;
  /** Present when `credentials` was asked and the key was created. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
};
/** Options of `listCheckpoints`. */
export type ListCheckpointsOptions = {
  /**
   * Largest number of checkpoints in one page (a positive integer). Default: the server's page
   * size.
   */
  limit?: number;
  /** The `paginationToken` of the previous page, to read the next one. */
  paginationToken?: string;
  /**
   * Where and as whom to connect; fields left `undefined` come from the environment, then the
   * defaults (see `TigrisAgentKitConfig`).
   */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/** One page of checkpoints, and the token of the next page when there is one. */
export type ListCheckpointsResponse = {
  checkpoints: Checkpoint[];
  paginationToken?: string;
};
/**
 * Takes a snapshot of the whole bucket. The bucket must have snapshots enabled (else code
 * `SnapshotsNotEnabled`). Fails with `Failed to checkpoint bucket "<bucket>": <message>`; a name
 * that is not printable ASCII is refused before any request.
 */
export declare function checkpoint(
  bucket: string,
  options?: CheckpointOptions,
): Promise<TigrisResponse<Checkpoint, AgentKitError>>;
/**
 * Creates a new bucket holding `bucket`'s state at `snapshotId` (a copy-on-write fork); `bucket`
 * itself does not change. Fails with `Failed to restore from snapshot "<snapshotId>": <message>`
 * (an unknown snapshot or bucket: code `NotFound`; a taken `forkName`: `BucketAlreadyExists`).
 * With `credentials`, also creates a key for the new bucket, as `createWorkspace` does.
 */
export declare function restore(
  bucket: string,
  snapshotId: string,
  options?: RestoreOptions,
): Promise<TigrisResponse<RestoreResult, AgentKitError>>;
/**
 * Lists the checkpoints (snapshots) of a bucket, with the server's creation times, one page at a
 * time. Fails with `Failed to list checkpoints for "<bucket>": <message>`.
 */
export declare function listCheckpoints(
  bucket: string,
  options?: ListCheckpointsOptions,
): Promise<TigrisResponse<ListCheckpointsResponse, AgentKitError>>;

// ── Coordination ──
/** Options of `setupCoordination`. */
export type SetupCoordinationOptions = {
  /**
   * The `http(s)` URL Tigris POSTs the bucket's object events to (JSON, at least once, unordered,
   * several events per delivery possible).
   */
  webhookUrl: string;
  /**
   * Only events matching this SQL-like condition are sent, e.g. ``WHERE `key` REGEXP
   * "^results/"``. Default: every object event.
   */
  filter?: string;
  /**
   * What Tigris sends in `Authorization`: `{ token }` as `Bearer <token>`, or `{ username,
   * password }` as basic auth; never both, never a username alone. Default: no auth (set one for
   * any webhook reachable from the internet).
   */
  auth?:
    | { token: string; username?: never; password?: never }
    | { username: string; password: string; token?: never };
  /**
   * Where and as whom to connect; fields left `undefined` come from the environment, then the
   * defaults (see `TigrisAgentKitConfig`).
   */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/** Options of `teardownCoordination`. */
export type TeardownCoordinationOptions = { /** Connection settings (see `TigrisAgentKitConfig`). */ config?: TigrisAgentKitConfig; /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */ signal?: AbortSignal };
/**
 * Points the bucket's object notifications at `options.webhookUrl`.
 * Fails with `Failed to setup coordination on "<bucket>": <message>`; an invalid URL, filter or
 * `auth` is refused before any request.
 */
export declare function setupCoordination(
  bucket: string,
  options: SetupCoordinationOptions,
): Promise<TigrisResponse<void, AgentKitError>>;
/**
 * Clears the bucket's object notifications; the bucket and its objects are not touched. Fails
 * with `Failed to teardown coordination on "<bucket>": <message>`.
 */
export declare function teardownCoordination(
  bucket: string,
  options?: TeardownCoordinationOptions,
): Promise<TigrisResponse<void, AgentKitError>>;

/** One object event of a webhook delivery, as `receiveCoordinationEvents` reads it. */
export type CoordinationEvent = {
  /**
   * 64 hex digits derived from the event's own fields (bucket, key, ETag, event name and time):
   * the same in every redelivery of the event (delivery is at least once), so dedupe on it.
   */
  id: string;
  /** What happened, e.g. `"OBJECT_CREATED_PUT"`, `"OBJECT_DELETED"` (an open set). */
  eventName: string;
  /** When it happened (the event's `eventTime`, to the millisecond). */
  eventTime: Date;
  /** The bucket the object is in. */
  bucket: string;
  /** The object's key. */
  key: string;
  /** The object's size in bytes, when the event has one. */
  size?: number;
  /** The object's ETag as Tigris sends it, when the event has one. */
  eTag?: string;
};
/** Options of `receiveCoordinationEvents`. */
export type ReceiveCoordinationOptions = {
  /**
   * The `auth` given to `setupCoordination`: each delivery's `Authorization` header must carry
   * it (`Bearer <token>`, or basic auth), compared in constant time. Without it nothing is
   * checked, and anyone who can reach the receiver can make it accept forged events.
   */
  auth?:
    | { token: string; username?: never; password?: never }
    | { username: string; password: string; token?: never };
};
/**
 * Reads one webhook delivery that your HTTP handler received: checks its `Authorization` header
 * against `options.auth` (missing, repeated or other credentials: code `Unauthorized`, and the
 * body is not read), then parses the body (`{"events":[…]}`, possibly several events) into
 * events in delivery order. `request` is a WHATWG `Request` (Workers, Deno, Node ≥ 20, service
 * workers; its body is consumed) or Node's `{ headers: req.headers, body }` with the body read
 * as a string or bytes (header names in any case; a `string[]` value counts only when it has one
 * element). A body over 1 MiB, not JSON with an `events` array, or with an event missing a field
 * or with a bad `eventTime` is `InvalidArgument`, naming the event and the field (e.g.
 * `events[2].object.key must be a string`). Makes no request; messages never hold the
 * credentials.
 */
export declare function receiveCoordinationEvents(
  request:
    | Request
    | { headers: Record<string, string | string[] | undefined> | Headers; body: string | Uint8Array },
  options?: ReceiveCoordinationOptions,
): Promise<TigrisResponse<CoordinationEvent[], AgentKitError>>;

// ── Fork lifecycle ──
/** One direct fork of a bucket, with the lineage the server reports. */
export type ForkInfo = {
  /** The fork. */
  bucket: string;
  /** Its direct parent. */
  baseBucket: string;
  /** The parent snapshot it was forked from. */
  snapshotId: string;
  /** When the fork was created (server time; the bucket's creation date when the server gives no fork time). */
  createdAt: Date;
};
/** Options of `listForks`. */
export type ListForksOptions = {
  /**
   * Largest number of forks in one page (a positive integer). Default: the server's page size.
   */
  limit?: number;
  /** The `paginationToken` of the previous page, to read the next one. */
  paginationToken?: string;
  /**
   * Where and as whom to connect; fields left `undefined` come from the environment, then the
   * defaults (see `TigrisAgentKitConfig`).
   */
  config?: TigrisAgentKitConfig;
  /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */
  signal?: AbortSignal;
};
/** One page of forks, and the token of the next page when there is one. */
export type ListForksResponse = {
  /** The forks of this page, in the server's order. */
  forks: ForkInfo[];
  /** Present when there is a next page: pass it back as `options.paginationToken`. */
  paginationToken?: string;
};
/**
 * The direct forks of `baseBucket`, in the server's order, one page at a time (`limit`,
 * `paginationToken` as in `listCheckpoints`). A bucket without forks, or one the server's fork
 * listing does not know, gives `{ forks: [] }`. Fails with
 * `Failed to list forks of "<bucket>": <message>`.
 */
export declare function listForks(
  baseBucket: string,
  options?: ListForksOptions,
): Promise<TigrisResponse<ListForksResponse, AgentKitError>>;

/** Options of `mergeFork`. */
export type MergeForkOptions = { /** Connection settings (see `TigrisAgentKitConfig`). */ config?: TigrisAgentKitConfig; /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */ signal?: AbortSignal };
/**
 * What `mergeFork` and `rebaseFork` report: the snapshot of the base the server took, an ordinary
 * checkpoint of the base (`listCheckpoints` shows it, `deleteCheckpoint` releases it).
 */
export type MergeResult = {
  /** The id of that snapshot of the base. */
  snapshotId: string;
};
/**
 * Applies the changes of `fork` (writes and deletions) to `baseBucket`, its direct parent. A
 * bucket that is not a direct fork of `baseBucket` gives `error.code` `"InvalidArgument"` and
 * changes nothing. The snapshot it reports stays until `deleteCheckpoint(baseBucket, snapshotId)`;
 * a merge retried after a lost answer may leave an extra one. Fails with
 * `Failed to merge fork "<fork>" into "<base>": <message>`.
 */
export declare function mergeFork(
  fork: string,
  baseBucket: string,
  options?: MergeForkOptions,
): Promise<TigrisResponse<MergeResult, AgentKitError>>;

/** Options of `rebaseFork`. */
export type RebaseForkOptions = { /** Connection settings (see `TigrisAgentKitConfig`). */ config?: TigrisAgentKitConfig; /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */ signal?: AbortSignal };
/**
 * Moves `fork` onto a new snapshot of its parent: it sees the parent's present keys and keeps
 * its own changes. The snapshot it reports is a checkpoint of the parent (a rebase retried after
 * a lost answer may leave an extra one). Fails with `Failed to rebase fork "<fork>": <message>`.
 */
export declare function rebaseFork(
  fork: string,
  options?: RebaseForkOptions,
): Promise<TigrisResponse<MergeResult, AgentKitError>>;

/** Options of `deleteCheckpoint`. */
export type DeleteCheckpointOptions = { /** Connection settings (see `TigrisAgentKitConfig`). */ config?: TigrisAgentKitConfig; /** Cancels the call: no new step, the request in flight cancelled, no retry awaited (`error.code` `"Aborted"`). */ signal?: AbortSignal };
/**
 * Deletes one snapshot of `bucket` (the bucket stays), e.g. a checkpoint, the snapshot of a
 * `createForks` whose forks are gone, or the one a merge or rebase reported. Safe to retry: a
 * retry answered `NotFound` after a lost attempt counts as done. Fails with
 * `Failed to delete checkpoint <id> of "<bucket>": <message>`.
 */
export declare function deleteCheckpoint(
  bucket: string,
  snapshotId: string,
  options?: DeleteCheckpointOptions,
): Promise<TigrisResponse<void, AgentKitError>>;

// ── Presigned object URLs ──

/** Options of `presign`. */
export type PresignOptions = {
  /** The request the URL allows. Default: `"GET"`. */
  method?: "GET" | "PUT" | "HEAD" | "DELETE";
  /** How long the URL works, in whole seconds from 1 to 604800 (seven days). Default: 3600. */
  expiresIn?: number;
  /**
   * `PUT` only: a content type the upload must send. It is a signed header, so an upload
   * without it, or with another one, is refused.
   */
  contentType?: string;
  /**
   * Whose credentials sign the URL and which endpoint it points at; fields left `undefined` come
   * from the environment, then the defaults (see `TigrisAgentKitConfig`). Pass a scoped key
   * (e.g. `{ ...workspace.credentials }`) to hand out a URL limited to that key's bucket and role.
   */
  config?: TigrisAgentKitConfig;
};
/** A presigned URL: anyone holding it can send that one request until `expiresAt`. */
export type PresignedUrl = {
  /** The URL, with its signature in the query (`X-Amz-*`); use it with a plain `fetch`. */
  url: string;
  /** The method it was signed for, upper case (`"GET"`, `"PUT"`, `"HEAD"` or `"DELETE"`). */
  method: string;
  /** When it stops working: the signing time (whole seconds) plus `expiresIn`. */
  expiresAt: Date;
};
/**
 * A URL that lets its holder `GET`, `PUT`, `HEAD` or `DELETE` the object `key` of `bucket`
 * without credentials until it expires (SigV4 query-string auth, signed with the config's keys,
 * its session token or the `credentialProvider`'s keys). No request is sent: a missing object or
 * bucket shows only when the URL is used. The URL reads and writes the live bucket; to share a
 * checkpoint, `restore` it and presign in the restored bucket. Invalid arguments give
 * `error.code` `"InvalidArgument"`: the bucket name
 * (`Failed to presign "<key>" in "<bucket>": Invalid bucket name …`),
 * `key must be a non-empty string of at most 1024 bytes`,
 * `options.method must be "GET", "PUT", "HEAD" or "DELETE"`,
 * `options.expiresIn must be an integer from 1 to 604800`,
 * `options.contentType is only allowed with method "PUT"`; a config or `credentialProvider`
 * failure reads `Failed to presign "<key>" in "<bucket>": <message>`.
 */
export declare function presign(
  bucket: string,
  key: string,
  options?: PresignOptions,
): Promise<TigrisResponse<PresignedUrl, AgentKitError>>;
