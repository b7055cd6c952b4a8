// Types of tigris-agent-kit: the public surface of `@tigrisdata/agent-kit` 0.1.x, exactly,
// plus two optional additions (`CreateForksOptions.concurrency`, `TigrisAgentKitConfig.requestTimeoutMs`). Every function resolves to
// `{ data }` or `{ error }`; none throws or rejects. Every `error` is an `Error` with a `code`
// (an addition: the messages are the original's).


export type TigrisResponse<T, E = Error> =
  | { data: T; error?: never }
  | { error: E; data?: never };

/**
 * What kind of failure an `error` reports (see README "Error codes"). `Unauthorized` and
 * `Aborted` belong to exports that are not there yet.
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

/** The `error` every function resolves to on failure: a plain `Error` plus its `code`. */
export type AgentKitError = Error & { code: AgentKitErrorCode };

export type TigrisAgentKitConfig = {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  organizationId?: string;
  endpoint?: string;
  iamEndpoint?: string;
  mgmtEndpoint?: string;
  /** Called before requests to obtain (possibly temporary) credentials. */
  credentialProvider?: () => Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
  }>;
  /**
   * Deadline of each HTTP attempt in milliseconds (default 30000). An attempt that gets no
   * response in time is cancelled and retried like a network error (4 attempts in all).
   */
  requestTimeoutMs?: number;
};

// ── Forks ──
export type CreateForksOptions = {
  prefix?: string;
  /**
   * How many forks are created at once (default 16). `1` reproduces the original's sequential
   * order exactly. Results and partial-failure behaviour are the same for every value.
   */
  concurrency?: number;
  credentials?: { role: "Editor" | "ReadOnly" };
  config?: TigrisAgentKitConfig;
};
export type Fork = {
  bucket: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
};
export type Forks = { baseBucket: string; snapshotId: string; forks: Fork[] };
export type TeardownForksOptions = { config?: TigrisAgentKitConfig };
export declare function createForks(
  baseBucket: string,
  count: number,
  options?: CreateForksOptions,
): Promise<TigrisResponse<Forks, AgentKitError>>;
export declare function teardownForks(
  forkSet: Forks,
  options?: TeardownForksOptions,
): Promise<TigrisResponse<void, AgentKitError>>;

// ── Workspaces ──
export type CreateWorkspaceOptions = {
  access?: "public" | "private";
  ttl?: { days: number };
  enableSnapshots?: boolean;
  credentials?: { role: "Editor" | "ReadOnly" };
  config?: TigrisAgentKitConfig;
};
export type Workspace = {
  bucket: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
};
export type TeardownWorkspaceOptions = { config?: TigrisAgentKitConfig };
export declare function createWorkspace(
  name: string,
  options?: CreateWorkspaceOptions,
): Promise<TigrisResponse<Workspace, AgentKitError>>;
export declare function teardownWorkspace(
  workspace: Workspace,
  options?: TeardownWorkspaceOptions,
): Promise<TigrisResponse<void, AgentKitError>>;

// ── Checkpoints ──
export type CheckpointOptions = { name?: string; config?: TigrisAgentKitConfig };
export type Checkpoint = { snapshotId: string; name?: string; createdAt?: Date };
export type RestoreOptions = { forkName?: string; config?: TigrisAgentKitConfig };
export type RestoreResult = { bucket: string };
export type ListCheckpointsOptions = {
  limit?: number;
  paginationToken?: string;
  config?: TigrisAgentKitConfig;
};
export type ListCheckpointsResponse = {
  checkpoints: Checkpoint[];
  paginationToken?: string;
};
export declare function checkpoint(
  bucket: string,
  options?: CheckpointOptions,
): Promise<TigrisResponse<Checkpoint, AgentKitError>>;
export declare function restore(
  bucket: string,
  snapshotId: string,
  options?: RestoreOptions,
): Promise<TigrisResponse<RestoreResult, AgentKitError>>;
export declare function listCheckpoints(
  bucket: string,
  options?: ListCheckpointsOptions,
): Promise<TigrisResponse<ListCheckpointsResponse, AgentKitError>>;

// ── Coordination ──
export type SetupCoordinationOptions = {
  webhookUrl: string;
  filter?: string;
  auth?:
    | { token: string; username?: never; password?: never }
    | { username: string; password: string; token?: never };
  config?: TigrisAgentKitConfig;
};
export type TeardownCoordinationOptions = { config?: TigrisAgentKitConfig };
export declare function setupCoordination(
  bucket: string,
  options: SetupCoordinationOptions,
): Promise<TigrisResponse<void, AgentKitError>>;
export declare function teardownCoordination(
  bucket: string,
  options?: TeardownCoordinationOptions,
): Promise<TigrisResponse<void, AgentKitError>>;
