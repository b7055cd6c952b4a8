//! Time helpers: nanosecond wall clock, RFC 3339 / HTTP-date formatting and `x-amz-date` parsing,
//! without a date library.

use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since the UNIX epoch.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// Seconds since the UNIX epoch.
pub fn now_secs() -> i64 {
    (now_ns() / 1_000_000_000) as i64
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date (y, m, d) for days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Parses `YYYYMMDDTHHMMSSZ` into UNIX seconds.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Parses `YYYY-MM-DD` (optionally followed by a time, ignored) as UTC midnight in ns.
pub fn parse_date(s: &str) -> Option<u64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    u64::try_from(days_from_civil(y, m, d) * 86_400)
        .ok()?
        .checked_mul(1_000_000_000)
}

/// RFC 3339 with nanoseconds, e.g. `2025-07-04T12:25:10.196677050Z`.
pub fn rfc3339_ns(ns: u64) -> String {
    let secs = (ns / 1_000_000_000) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ns % 1_000_000_000
    )
}

/// RFC 3339 with milliseconds (S3 `LastModified` style).
pub fn rfc3339_ms(ns: u64) -> String {
    let full = rfc3339_ns(ns);
    // `…SS.nnnnnnnnnZ` → `…SS.mmmZ`
    format!(
        "{}Z",
        full.get(..full.len().saturating_sub(7)).unwrap_or(&full)
    )
}

/// RFC 3339 without fractions (IAM `CreateDate`).
pub fn rfc3339_secs(ns: u64) -> String {
    let full = rfc3339_ns(ns);
    format!("{}Z", full.get(..19).unwrap_or(&full))
}

/// IMF-fixdate for `Last-Modified`.
pub fn http_date(ns: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = (ns / 1_000_000_000) as i64;
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let rem = secs.rem_euclid(86_400);
    let wd = DAYS
        .get(days.rem_euclid(7) as usize)
        .copied()
        .unwrap_or("Thu");
    let mon = MONTHS.get((m - 1) as usize).copied().unwrap_or("Jan");
    format!(
        "{wd}, {d:02} {mon} {y:04} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t, 1_440_938_160);
        let ns = t as u64 * 1_000_000_000 + 123_456_789;
        assert_eq!(rfc3339_ns(ns), "2015-08-30T12:36:00.123456789Z");
        assert_eq!(rfc3339_ms(ns), "2015-08-30T12:36:00.123Z");
        assert_eq!(rfc3339_secs(ns), "2015-08-30T12:36:00Z");
        assert_eq!(http_date(ns), "Sun, 30 Aug 2015 12:36:00 GMT");
        assert!(parse_amz_date("2015-08-30").is_none());
        assert_eq!(
            parse_date("2015-08-30"),
            Some(1_440_892_800 * 1_000_000_000)
        );
        assert_eq!(parse_date("2015-08-30T00:00:00Z"), parse_date("2015-08-30"));
        assert!(parse_date("2015/08/30").is_none() && parse_date("2015-13-01").is_none());
        assert!(parse_amz_date("20151330T123600Z").is_none());
    }
}
