//! Recognising the snapshot a lost create request made. A snapshot request has no idempotency
//! key: when an attempt gets no response, the server may have taken the snapshot anyway, and a
//! plain retry would take a second one. For a named checkpoint the client lists the bucket's
//! newest snapshots before re-sending and adopts one with that name created since the first
//! attempt was sent.

use super::TigrisClient;
use crate::ops::{SnapshotPage, TigrisOps};
use crate::runtime::{HttpResponse, Runtime};

/// Snapshots listed (newest first) when looking for the lost one.
pub const LOOKUP_PAGE: u32 = 100;

/// How much earlier than the first send (on the client's clock) a server `CreationDate` may be
/// and still count: the allowance for the two clocks disagreeing. A server clock further behind
/// means the lost snapshot is not recognised (and is taken again); one ahead widens the window.
pub const CLOCK_SLACK_MS: f64 = 1_000.0;

/// The version of the newest snapshot named `name` created no earlier than
/// `first_sent_ms − CLOCK_SLACK_MS`, if any (entries without a date or version never count).
pub fn find(page: &SnapshotPage, name: &str, first_sent_ms: f64) -> Option<String> {
    let since = first_sent_ms - CLOCK_SLACK_MS;
    let mut best: Option<(f64, &str)> = None;
    for s in &page.snapshots {
        if let (Some(created), Some(version)) = (s.created_at_ms, s.version.as_deref()) {
            let newer = best.is_none_or(|(t, _)| created > t);
            if s.name.as_deref() == Some(name) && created >= since && !version.is_empty() && newer {
                best = Some((created, version));
            }
        }
    }
    best.map(|(_, version)| version.to_owned())
}

impl<R: Runtime> TigrisClient<R> {
    /// After an attempt to snapshot `bucket` as `name` got no response: the answer it would have
    /// had, when the listing shows the snapshot it made. A failed listing counts as "none": the
    /// request is sent again.
    pub(super) async fn lost_snapshot(
        &self,
        bucket: &str,
        name: &str,
        first_sent_ms: f64,
    ) -> Option<HttpResponse> {
        let page = self
            .list_snapshots(bucket, Some(LOOKUP_PAGE), None)
            .await
            .ok()?;
        let version = find(&page, name, first_sent_ms)?;
        Some(HttpResponse {
            status: 200,
            status_text: "OK".to_owned(),
            headers: vec![("x-tigris-snapshot-version".to_owned(), version)],
            body: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::ops::SnapshotInfo;

    fn snap(version: &str, name: Option<&str>, created: f64) -> SnapshotInfo {
        SnapshotInfo {
            version: Some(version.to_owned()),
            name: name.map(str::to_owned),
            created_at_ms: Some(created),
        }
    }

    #[test]
    fn adopts_the_newest_snapshot_with_that_name_since_the_first_send() {
        let page = SnapshotPage {
            snapshots: vec![
                snap("40", Some("other"), 14_000.0),
                snap("30", Some("ck"), 13_000.0),
                snap("20", Some("ck"), 12_000.0),
                snap("15", None, 12_500.0),
                snap("10", Some("ck"), 11_000.0),
            ],
            continuation_token: None,
        };
        assert_eq!(find(&page, "ck", 12_500.0).as_deref(), Some("30"));
        assert_eq!(
            find(&page, "ck", 14_000.0).as_deref(),
            Some("30"),
            "1 s of slack"
        );
        assert_eq!(
            find(&page, "ck", 14_001.0),
            None,
            "older same-name snapshots are not ours"
        );
        assert_eq!(find(&page, "missing", 0.0), None);
        let undated = SnapshotPage {
            snapshots: vec![SnapshotInfo {
                created_at_ms: None,
                ..snap("50", Some("ck"), 0.0)
            }],
            continuation_token: None,
        };
        assert_eq!(find(&undated, "ck", 0.0), None, "no date, no proof");
    }
}
