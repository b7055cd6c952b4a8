//! The options of each native method: the JS option objects field by field, snake_case,
//! nested where JS nests, without `config` (it lives on the [`AgentKit`](crate::AgentKit)) and
//! without `signal` (dropping a future cancels it). Counts are `u32`; their ranges are checked by
//! the workflows' own validators, with the JS messages.

use crate::ops::{Access, ObjectMethod, Role};
use crate::workflows::coordination::WebhookAuthInput;
use crate::workflows::workspace::Workspace;

/// `credentials: { role }`: mint a key scoped to each new bucket with this role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialsOptions {
    /// `role`: `Editor` or `ReadOnly`.
    pub role: Role,
}

/// `ttl: { days }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ttl {
    /// `days` (1 to 1,000,000).
    pub days: u32,
}

/// `CreateForksOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateForksOptions {
    /// `prefix`: forks are `<prefix>-<i>`; default `<base>-fork-<Date.now()>`.
    pub prefix: Option<String>,
    /// `credentials`: a scoped key per fork.
    pub credentials: Option<CredentialsOptions>,
    /// `concurrency`: forks created at once (default 16).
    pub concurrency: Option<u32>,
    /// `atomic`: all or nothing — any failed fork or key deletes what this call created.
    pub atomic: bool,
}

/// `TeardownForksOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeardownForksOptions {
    /// `concurrency`: forks removed at once (default 16).
    pub concurrency: Option<u32>,
    /// `deleteSnapshot`: once every fork is gone, delete the fork set's snapshot of the base.
    pub delete_snapshot: bool,
}

/// `CreateWorkspaceOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateWorkspaceOptions {
    /// `access`: `Public` sends `x-amz-acl: public-read`; `None` is `Private`.
    pub access: Option<Access>,
    /// `ttl`: the bucket's objects expire after `days`.
    pub ttl: Option<Ttl>,
    /// `enableSnapshots`: create the bucket with snapshots enabled (needed for checkpoints).
    pub enable_snapshots: bool,
    /// `credentials`: a scoped key `<name>-key`.
    pub credentials: Option<CredentialsOptions>,
    /// `atomic`: a TTL or key failure deletes the key and bucket this call created.
    pub atomic: bool,
}

/// `TeardownWorkspaceOptions` (no field besides `config` in JS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeardownWorkspaceOptions {}

/// `CheckpointOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckpointOptions {
    /// `name`: the snapshot's name (printable ASCII).
    pub name: Option<String>,
}

/// `RestoreOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    /// `forkName`: the new bucket (default `<bucket>-restore-<Date.now()>`).
    pub fork_name: Option<String>,
    /// `credentials`: a scoped key `<forkName>-key` for the restored bucket.
    pub credentials: Option<CredentialsOptions>,
    /// `atomic`: a key failure deletes the key and bucket this call created.
    pub atomic: bool,
}

/// `RestoreResult`: the restored bucket and, when asked, its key — a [`Workspace`] in shape,
/// so [`crate::AgentKit::teardown_workspace`] releases it.
pub type RestoreResult = Workspace;

/// `ListCheckpointsOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListCheckpointsOptions {
    /// `limit`: at most this many checkpoints in the page.
    pub limit: Option<u32>,
    /// `paginationToken`: the previous page's token.
    pub pagination_token: Option<String>,
}

/// `auth` of `SetupCoordinationOptions`: `{ token }` or `{ username, password }`.
pub type WebhookAuth = WebhookAuthInput;

/// `SetupCoordinationOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupCoordinationOptions {
    /// `webhookUrl`: an absolute http(s) URL (required: `""` is refused).
    pub webhook_url: String,
    /// `filter`: which object events are delivered (default: all).
    pub filter: Option<String>,
    /// `auth`: how the webhook authenticates the deliveries.
    pub auth: Option<WebhookAuth>,
}

/// `ReceiveCoordinationOptions` of [`crate::AgentKit::receive_coordination_events`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceiveCoordinationOptions {
    /// The `auth` given to `setup_coordination`: each delivery's `Authorization` must match it.
    /// `None` checks nothing, so anyone who can reach the receiver can make it accept events.
    pub auth: Option<WebhookAuth>,
}

/// One object event of a webhook delivery (`CoordinationEvent` in JS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoordinationEvent {
    /// 64 hex digits derived from the event's bucket, key, ETag, name and time: the same for
    /// every redelivery of the event (delivery is at-least-once), so dedupe on it.
    pub id: String,
    /// `eventName`, e.g. `OBJECT_CREATED_PUT`, `OBJECT_DELETED` (an open set).
    pub event_name: String,
    /// `eventTime`, to the millisecond.
    pub event_time: std::time::SystemTime,
    /// The bucket the object is in.
    pub bucket: String,
    /// The object's key.
    pub key: String,
    /// The object's size in bytes, when the event has one.
    pub size: Option<u64>,
    /// The object's ETag as sent, when the event has one.
    pub e_tag: Option<String>,
}

impl From<crate::webhook::CoordinationEvent> for CoordinationEvent {
    fn from(event: crate::webhook::CoordinationEvent) -> Self {
        use std::time::{Duration, UNIX_EPOCH};
        // RFC 3339 years are 0000-9999: always within `SystemTime`'s range.
        let offset = Duration::from_millis(event.event_time_ms.abs() as u64);
        let event_time = if event.event_time_ms < 0.0 {
            UNIX_EPOCH.checked_sub(offset)
        } else {
            UNIX_EPOCH.checked_add(offset)
        };
        CoordinationEvent {
            id: event.id,
            event_name: event.event_name,
            event_time: event_time.unwrap_or(UNIX_EPOCH),
            bucket: event.bucket,
            key: event.key,
            size: event.size,
            e_tag: event.e_tag,
        }
    }
}

/// `TeardownCoordinationOptions` (no field besides `config` in JS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeardownCoordinationOptions {}

/// `ListForksOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListForksOptions {
    /// `limit`: at most this many forks in the page.
    pub limit: Option<u32>,
    /// `paginationToken`: the previous page's token.
    pub pagination_token: Option<String>,
}

/// `MergeForkOptions`, `RebaseForkOptions` and `DeleteCheckpointOptions` (no field besides
/// `config` in JS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LifecycleOptions {}

/// `MergeResult` of `mergeFork` and `rebaseFork`: the base's snapshot the server reports after
/// the merge (an ordinary checkpoint of the base, released with `delete_checkpoint`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeResult {
    /// `snapshotId`.
    pub snapshot_id: String,
}

/// `PresignOptions` (without `config`: a kit of the scoped key's [`Config`](crate::Config)
/// presigns with that key).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresignOptions {
    /// `method`: the request the URL allows (default `Get`).
    pub method: Option<ObjectMethod>,
    /// `expiresIn`: validity in seconds, 1 to 604800 (default 3600).
    pub expires_in: Option<u32>,
    /// `contentType`: `Put` only; a signed header, so the upload must send it.
    pub content_type: Option<String>,
}

/// `PresignedUrl`: the URL, its method and when it stops working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresignedUrl {
    /// `url`: usable with any HTTP client, no credentials needed.
    pub url: String,
    /// `method`: the method it was signed for.
    pub method: ObjectMethod,
    /// `expiresAt`: the signing second plus `expires_in`.
    pub expires_at: std::time::SystemTime,
}
