//! The Tigris operations the workflows are written against. The wire layer's
//! `client::TigrisClient` implements [`TigrisOps`] over a [`crate::runtime::Runtime`]; workflow
//! tests implement it with an in-memory fake. Each operation corresponds to one call of the
//! official SDKs (docs/protocol.md §1) and fails with that call's message and an [`ErrorCode`].

use std::fmt;
use std::future::Future;
use std::num::NonZeroU32;

use crate::runtime::{MaybeSend, MaybeSync};
pub use crate::sigv4::ObjectMethod;

pub use crate::error_code::ErrorCode;
use crate::secret::Secret;

/// Role of a scoped access key on one bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Read and write.
    Editor,
    /// Read only.
    ReadOnly,
}

impl Role {
    /// The wire spelling (`Editor` / `ReadOnly`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "Editor",
            Role::ReadOnly => "ReadOnly",
        }
    }
}

/// Bucket ACL requested at creation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Sends `x-amz-acl: public-read`.
    Public,
    /// Sends no ACL header (the default).
    Private,
}

/// Fork source for a bucket created as a copy-on-write fork.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForkSource {
    /// Source bucket name (`X-Tigris-Fork-Source-Bucket`).
    pub bucket: String,
    /// Snapshot version (`X-Tigris-Fork-Source-Bucket-Snapshot`); `None` or empty forks from "now".
    pub snapshot: Option<String>,
}

/// Options of a bucket creation (docs/protocol.md §5.1–5.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateBucketOptions {
    /// ACL; `None` behaves like the SDK's `undefined` (no ACL header).
    pub access: Option<Access>,
    /// Sends `X-Tigris-Enable-Snapshot: true`.
    pub enable_snapshot: bool,
    /// Makes the bucket a fork.
    pub fork_of: Option<ForkSource>,
}

/// How a bucket creation that succeeded is known to have succeeded (docs/protocol.md §6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    /// An attempt of this call was answered 2xx: this call made the bucket.
    Answered,
    /// An attempt got no answer (or a 5xx/429) and a later one `BucketAlreadyOwnedByYou`: the
    /// lost attempt probably made it, but the caller may also have owned it already.
    Owned,
}

/// One snapshot as listed by the server (docs/protocol.md §5.4).
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotInfo {
    /// The snapshot version (part of `<Name>` before `;`); entries without one are dropped by the workflows.
    pub version: Option<String>,
    /// The snapshot's name (after `; name=`), if any.
    pub name: Option<String>,
    /// `<CreationDate>` in milliseconds since the epoch (rounded), if present and valid.
    pub created_at_ms: Option<f64>,
}

/// One page of [`TigrisOps::list_snapshots`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SnapshotPage {
    /// Snapshots, newest first, as the server sent them.
    pub snapshots: Vec<SnapshotInfo>,
    /// `<ContinuationToken>`, when present.
    pub continuation_token: Option<String>,
}

/// Which JSON bucket listing to ask for (docs/protocol.md §5.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketListing<'a> {
    /// The direct forks of `base` (`X-Tigris-Fork`), at most `limit` per page.
    ForksOf {
        /// The bucket whose forks are listed.
        base: &'a str,
        /// `max-buckets`, when given.
        limit: Option<u32>,
    },
    /// Every bucket with its lineage (`IncludeForkInfo=true`): what the SDK pages through when a
    /// server ignores `X-Tigris-Fork`.
    WithForkInfo,
}

/// One parent in a listed bucket's `ForkInfo.Parents`.
#[derive(Clone, Debug, PartialEq)]
pub struct ForkParent {
    /// `BucketName`.
    pub bucket: String,
    /// `Snapshot`: the parent's snapshot the fork was made from (`""` when absent).
    pub snapshot: String,
    /// `ForkCreatedAt` in milliseconds since the epoch, when present and a valid date.
    pub forked_at_ms: Option<f64>,
}

/// One bucket of the JSON bucket listing.
#[derive(Clone, Debug, PartialEq)]
pub struct ListedBucket {
    /// `Name`.
    pub name: String,
    /// `CreationDate` in milliseconds since the epoch, when present and a valid date.
    pub created_at_ms: Option<f64>,
    /// `ForkInfo.Parents`; `None` when the entry has no `ForkInfo` at all.
    pub parents: Option<Vec<ForkParent>>,
}

/// One page of [`TigrisOps::list_buckets`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketPage {
    /// The buckets, in the server's order.
    pub buckets: Vec<ListedBucket>,
    /// `ContinuationToken`, when present and non-empty.
    pub continuation_token: Option<String>,
}

/// A newly minted access key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// `AccessKeyId`.
    pub id: String,
    /// `SecretAccessKey`; `None` when the server did not return one.
    pub secret: Option<Secret>,
}

/// Webhook authentication (docs/protocol.md §5.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookAuth {
    /// `Authorization: Bearer <token>`; sent as `{"token": …}`.
    Token(Secret),
    /// HTTP Basic; sent as `{"basic_user": …, "basic_pass": …}`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
}

/// A notification configuration to merge into the bucket's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationConfig {
    /// Absolute http(s) URL (`web_hook`).
    pub url: String,
    /// Filter expression; empty string for "no filter".
    pub filter: String,
    /// Optional auth; when `None` an existing auth is kept by the merge (as the SDK does).
    pub auth: Option<WebhookAuth>,
}

/// An operation's failure: a code plus the exact single-line message the official SDK call
/// would produce (e.g. `Unable to create bucket The requested bucket name is not available.`).
/// Never contains a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError {
    /// Classification (`error.code`).
    pub code: ErrorCode,
    /// The SDK-equivalent message.
    pub message: String,
    /// The server's answer that caused the failure, when one did (`error.status`,
    /// `error.serverCode`).
    pub reply: Option<Box<ServerReply>>,
}

/// What the server answered when an answer caused a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerReply {
    /// The HTTP status.
    pub status: u16,
    /// The S3 `<Code>` or JSON `Code` of the answer's body, when it had one.
    pub code: Option<String>,
}

impl OpError {
    /// A failure with no server answer behind it (or one attached later).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        OpError {
            code,
            message: message.into(),
            reply: None,
        }
    }
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OpError {}

/// What a presigned object URL grants: one method on one key, for `expires_secs` seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectGrant {
    /// The object request the URL allows.
    pub method: ObjectMethod,
    /// A `content-type` the request must send (a signed header; `PUT` only).
    pub content_type: Option<String>,
    /// Validity, 1 … 604800 seconds.
    pub expires_secs: u32,
}

/// A presigned object URL (query-string SigV4: `X-Amz-*` parameters, no request sent).
#[derive(Clone, Debug, PartialEq)]
pub struct PresignedObject {
    /// The URL, usable with a plain `fetch` (and the grant's `content-type`, if any).
    pub url: String,
    /// The method it was signed for.
    pub method: ObjectMethod,
    /// When it stops working, in ms since the epoch: the signing second plus the validity.
    pub expires_at_ms: f64,
}

/// The Tigris operations agent-kit composes. Implemented by `client::TigrisClient`.
pub trait TigrisOps: MaybeSync {
    /// `createBucket`: plain, public/private, snapshot-enabled or fork (docs/protocol.md §5.1–5.2). A bucket
    /// the caller already owns (`BucketAlreadyOwnedByYou`, e.g. after a lost response and a
    /// retry) counts as success.
    fn create_bucket(
        &self,
        name: &str,
        options: &CreateBucketOptions,
    ) -> impl Future<Output = Result<Created, OpError>> + MaybeSend;
    /// `createBucketSnapshot`: returns the `X-Tigris-Snapshot-Version` (docs/protocol.md §5.3).
    fn create_snapshot(
        &self,
        bucket: &str,
        name: Option<&str>,
    ) -> impl Future<Output = Result<String, OpError>> + MaybeSend;
    /// `listBucketSnapshots` (docs/protocol.md §5.4).
    fn list_snapshots(
        &self,
        bucket: &str,
        limit: Option<u32>,
        continuation_token: Option<&str>,
    ) -> impl Future<Output = Result<SnapshotPage, OpError>> + MaybeSend;
    /// `getBucketInfo(bucket)`'s `ForkInfo.Parents[0].Snapshot`: the snapshot `bucket` was forked
    /// from, `None` when it is not a fork (docs/protocol.md §5.6). Tells whether a fork whose
    /// creation had an unknown outcome is the one a call meant to make.
    fn fork_parent_snapshot(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<Option<String>, OpError>> + MaybeSend;
    /// The JSON bucket listing `listForks` reads (docs/protocol.md §5.13): one page of
    /// `listing`, after `continuation_token`. A failure of the [`BucketListing::ForksOf`] listing
    /// reads `Unable to list buckets <m>`, as the SDK's `listForks` reports it.
    fn list_buckets(
        &self,
        listing: BucketListing<'_>,
        continuation_token: Option<&str>,
    ) -> impl Future<Output = Result<BucketPage, OpError>> + MaybeSend;
    /// `mergeFork(fork, base)`: applies the fork's changes to its direct parent; returns the
    /// `X-Tigris-Snapshot-Version` of the base after the merge (docs/protocol.md §5.13). Retried
    /// like every call, so a lost attempt may leave an extra snapshot of the base.
    fn merge_fork(
        &self,
        fork: &str,
        base: &str,
    ) -> impl Future<Output = Result<String, OpError>> + MaybeSend;
    /// `rebaseFork(fork)`: moves the fork onto a new snapshot of its parent, keeping its own
    /// changes; returns that snapshot's version (docs/protocol.md §5.13). Retried like merge.
    fn rebase_fork(&self, fork: &str) -> impl Future<Output = Result<String, OpError>> + MaybeSend;
    /// `removeBucket(name, {force: true})` (docs/protocol.md §5.5). A retried DELETE answered 404 counts as done.
    fn remove_bucket(&self, name: &str) -> impl Future<Output = Result<(), OpError>> + MaybeSend;
    /// `deleteBucketSnapshot(bucket, version)`: deletes that one snapshot, the bucket stays
    /// (docs/protocol.md §5.13). A retried DELETE answered 404 counts as done.
    fn delete_snapshot(
        &self,
        bucket: &str,
        version: &str,
    ) -> impl Future<Output = Result<(), OpError>> + MaybeSend;
    /// `setBucketTtl(name, {ttlConfig: {enabled: true, days}})`: metadata GET then PATCH (docs/protocol.md §5.7).
    fn set_bucket_ttl(
        &self,
        bucket: &str,
        days: NonZeroU32,
    ) -> impl Future<Output = Result<(), OpError>> + MaybeSend;
    /// `setBucketNotifications` with `{enabled: true, url, filter, auth?}`: GET then PATCH (docs/protocol.md §5.8).
    fn set_notifications(
        &self,
        bucket: &str,
        config: &NotificationConfig,
    ) -> impl Future<Output = Result<(), OpError>> + MaybeSend;
    /// `setBucketNotifications(bucket, {})`: one PATCH `{"object_notifications":{}}` (docs/protocol.md §5.8).
    fn clear_notifications(
        &self,
        bucket: &str,
    ) -> impl Future<Output = Result<(), OpError>> + MaybeSend;
    /// `createAccessKey(name, {bucketsRole: [{bucket, role}]})` (docs/protocol.md §5.11). Every retry reuses
    /// the same `req_uuid`, so a retry never mints a second key.
    fn create_access_key(
        &self,
        name: &str,
        bucket: &str,
        role: Role,
    ) -> impl Future<Output = Result<AccessKey, OpError>> + MaybeSend;
    /// `removeAccessKey(id)` (docs/protocol.md §5.12).
    fn remove_access_key(&self, id: &str) -> impl Future<Output = Result<(), OpError>> + MaybeSend;
    /// A URL for `grant` on `key` in `bucket`, addressed as every call addresses the bucket and
    /// signed now with the call's credentials (the provider's, when there is one); sends nothing.
    fn presign_object(
        &self,
        bucket: &str,
        key: &str,
        grant: &ObjectGrant,
    ) -> impl Future<Output = Result<PresignedObject, OpError>> + MaybeSend;
    /// Milliseconds since the epoch, for default names (`Date.now()`) and `createdAt`.
    fn now_ms(&self) -> f64;
    /// The call is cleaning up from here on (rolling back, removing forks it made too late):
    /// the caller's abort signal and `deadlineMs` no longer stop its requests.
    fn start_cleanup(&self) {}
}
