//! Recognising the snapshot a lost create request made. A snapshot request has no idempotency
//! key: when an attempt gets no response, the server may have taken the snapshot anyway, and a
//! plain retry would take a second one. For a named checkpoint the client lists the bucket's
//! newest snapshots before re-sending and adopts one with that name created since the first
//! attempt was sent, judged on the server's clock.

use crate::ops::SnapshotPage;

/// Snapshots listed (newest first) when looking for the lost one.
pub const LOOKUP_PAGE: u32 = 100;

/// Allowance for clock skew when the listing carries no `Date` header (a browser hides it from
/// cross-origin responses), so the window is placed on the client's clock.
const SKEW_WITHOUT_DATE_MS: f64 = 1_000.0;

/// The earliest server time at which the first attempt can have been acted on.
///
/// `first_sent_ms` and `listed_ms` are client clock readings: before the first attempt was
/// sent, and after the listing's response arrived. Both server events happened between them,
/// so with the listing's `Date` (`server_date_ms`, whole seconds, at or before the listing was
/// served) the first attempt was acted on no earlier than `Date − (listed − first_sent)`: a
/// bound that never excludes the lost snapshot and admits at most one second before the send.
pub fn window_start_ms(first_sent_ms: f64, listed_ms: f64, server_date_ms: Option<f64>) -> f64 {
    match server_date_ms {
        Some(date) => date - (listed_ms - first_sent_ms).max(0.0),
        None => first_sent_ms - SKEW_WITHOUT_DATE_MS,
    }
}

/// The version of the newest snapshot named `name` created at or after `since_ms`, if any.
pub fn find(page: &SnapshotPage, name: &str, since_ms: f64) -> Option<String> {
    page.snapshots
        .iter()
        .filter(|s| s.name.as_deref() == Some(name))
        .filter_map(|s| Some((s.created_at_ms?, s.version.as_deref()?)))
        .filter(|(created, version)| *created >= since_ms && !version.is_empty())
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, version)| version.to_owned())
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
    fn the_window_follows_the_server_clock_when_it_is_known() {
        // Server 60 s ahead of the client; the listing came back 700 ms after the first send.
        assert_eq!(
            window_start_ms(10_000.0, 10_700.0, Some(70_000.0)),
            69_300.0
        );
        // No Date header: the client's clock, with a second of allowance.
        assert_eq!(window_start_ms(10_000.0, 10_700.0, None), 9_000.0);
        // A clock that went backwards never widens the window past the Date.
        assert_eq!(window_start_ms(10_000.0, 9_000.0, Some(70_000.0)), 70_000.0);
    }

    #[test]
    fn adopts_the_newest_snapshot_with_that_name_inside_the_window() {
        let page = SnapshotPage {
            snapshots: vec![
                snap("40", Some("other"), 4_000.0),
                snap("30", Some("ck"), 3_000.0),
                snap("20", Some("ck"), 2_000.0),
                snap("15", None, 2_500.0),
                snap("10", Some("ck"), 1_000.0),
            ],
            continuation_token: None,
        };
        assert_eq!(find(&page, "ck", 1_500.0).as_deref(), Some("30"));
        assert_eq!(find(&page, "ck", 3_000.0).as_deref(), Some("30"));
        assert_eq!(
            find(&page, "ck", 3_001.0),
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
