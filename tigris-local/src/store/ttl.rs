//! TTL: the enabled expiration rules of a bucket's settings, and the sweep that applies them.

use serde_json::{Map, Value};

use super::{Change, Store, Ts};
use crate::clock;

impl Store {
    /// Deletes objects whose bucket's TTL rule says so — older than `expiration.days` × `day_ns`,
    /// or any object once `expiration.date` (UTC midnight) has passed — oldest first. Returns the
    /// deletions for webhooks.
    pub fn expire(&mut self, day_ns: u64) -> Vec<Change> {
        let now = clock::now_ns();
        let mut doomed = Vec::new();
        for b in self.buckets.values() {
            for (prefix, expiry) in ttl_rules(&b.settings) {
                let cutoff = match expiry {
                    Expiry::Days(days) => now.saturating_sub(days.saturating_mul(day_ns)),
                    Expiry::Date(at) if now >= at => Ts::MAX,
                    Expiry::Date(_) => continue,
                };
                if let Ok(all) = self.list(&b.name, &prefix, None) {
                    doomed.extend(
                        all.into_iter()
                            .filter(|l| l.obj.last_modified <= cutoff)
                            .map(|l| (l.obj.last_modified, b.name.clone(), l.key)),
                    );
                }
            }
        }
        doomed.sort();
        doomed.dedup();
        doomed
            .into_iter()
            .filter_map(|(_, b, k)| self.delete(&b, &k).ok().flatten())
            .collect()
    }
}

/// When a TTL rule expires objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// This many "days" after the last modification.
    Days(u64),
    /// Everything, from this instant (ns) on.
    Date(Ts),
}

/// Enabled expiration rules of a settings map as `(prefix, expiry)`.
pub fn ttl_rules(settings: &Map<String, Value>) -> Vec<(String, Expiry)> {
    let Some(Value::Array(rules)) = settings.get("lifecycle_rules") else {
        return Vec::new();
    };
    rules
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_u64).unwrap_or(1) == 1)
        .filter_map(|r| {
            let exp = r.get("expiration")?;
            if exp.get("enabled").and_then(Value::as_bool) == Some(false) {
                return None;
            }
            let expiry = match (
                exp.get("days").and_then(Value::as_u64),
                exp.get("date").and_then(Value::as_str),
            ) {
                (Some(days), _) => Expiry::Days(days),
                (None, Some(date)) => Expiry::Date(clock::parse_date(date)?),
                (None, None) => return None,
            };
            let prefix = r
                .get("filter")
                .and_then(|f| f.get("prefix"))
                .and_then(Value::as_str)
                .unwrap_or("");
            Some((prefix.to_string(), expiry))
        })
        .collect()
}
