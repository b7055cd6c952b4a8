//! The signing instant and its SigV4 spellings (`YYYYMMDDTHHMMSSZ` and `YYYYMMDD`), formatted
//! once per signature without `format!` or a date library.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Last second that can be signed: 9999-12-31T23:59:59Z (a four-digit year).
const MAX_SECS: u64 = 253_402_300_799;

/// The instant a request is signed at, with its `x-amz-date` stamp. Later instants clamp to
/// 9999-12-31T23:59:59Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningTime {
    secs: u64,
    stamp: [u8; 16],
}

impl SigningTime {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_secs(secs: u64) -> SigningTime {
        let secs = secs.min(MAX_SECS);
        let (year, month, day) = civil_date(secs / 86_400);
        let of_day = secs % 86_400;
        let mut stamp = *b"00000000T000000Z";
        for (at, width, value) in [
            (0, 4, year),
            (4, 2, month),
            (6, 2, day),
            (9, 2, of_day / 3600),
            (11, 2, of_day / 60 % 60),
            (13, 2, of_day % 60),
        ] {
            put_digits(&mut stamp, at, width, value);
        }
        SigningTime { secs, stamp }
    }

    /// The instant of a `Date.now()`-style millisecond count (the runtime clock); NaN and
    /// negative values are 1970-01-01T00:00:00Z, sub-second parts are dropped.
    pub fn from_unix_ms(ms: f64) -> SigningTime {
        let secs = if ms.is_finite() && ms > 0.0 {
            (ms / 1000.0).min(MAX_SECS as f64) as u64
        } else {
            0
        };
        SigningTime::from_unix_secs(secs)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_secs(&self) -> u64 {
        self.secs
    }

    /// `YYYYMMDDTHHMMSSZ`: the `x-amz-date` header and `X-Amz-Date` parameter.
    pub fn amz_date(&self) -> &str {
        std::str::from_utf8(&self.stamp).unwrap_or("")
    }

    /// `YYYYMMDD`: the date of the credential scope.
    pub fn date(&self) -> &str {
        self.amz_date().get(..8).unwrap_or("")
    }

    /// The same instant as a `SystemTime` (what the key derivation takes; built from the epoch,
    /// never from `SystemTime::now`, which panics in wasm).
    pub(crate) fn system_time(&self) -> SystemTime {
        UNIX_EPOCH
            .checked_add(Duration::from_secs(self.secs))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// Writes `value` as `width` decimal digits at `at` of `buf`.
fn put_digits(buf: &mut [u8], at: usize, width: usize, mut value: u64) {
    for slot in buf.iter_mut().skip(at).take(width).rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// (year, month, day) of the day `days` after 1970-01-01 in the proleptic Gregorian calendar.
/// Counts from 0000-03-01 so that a leap day is the last day of its year, then peels off
/// 400-year cycles, centuries, four-year groups and years; months run March to February.
fn civil_date(days: u64) -> (u64, u64, u64) {
    const FROM_MARCH_0000: u64 = 719_468;
    let shifted = days + FROM_MARCH_0000;
    let cycles = shifted / 146_097;
    let mut left = shifted % 146_097;
    let centuries = (left / 36_524).min(3);
    left -= centuries * 36_524;
    let quads = left / 1_461;
    left -= quads * 1_461;
    let years = (left / 365).min(3);
    left -= years * 365;
    let march_year = cycles * 400 + centuries * 100 + quads * 4 + years;
    let month_from_march = (5 * left + 2) / 153;
    let day = left - (153 * month_from_march + 2) / 5 + 1;
    if month_from_march < 10 {
        (march_year, month_from_march + 3, day)
    } else {
        (march_year + 1, month_from_march - 9, day)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        for (secs, stamp) in [
            (0, "19700101T000000Z"),
            (1_440_938_160, "20150830T123600Z"),
            (951_782_400, "20000229T000000Z"),
            (951_868_800, "20000301T000000Z"),
            (4_107_542_400, "21000301T000000Z"),
            (4_107_456_000, "21000228T000000Z"),
            (1_767_225_599, "20251231T235959Z"),
            (1_767_225_600, "20260101T000000Z"),
            (1_773_500_966, "20260314T150926Z"),
            (MAX_SECS, "99991231T235959Z"),
            (u64::MAX, "99991231T235959Z"),
        ] {
            let t = SigningTime::from_unix_secs(secs);
            assert_eq!(t.amz_date(), stamp, "{secs}");
            assert_eq!(t.date(), &stamp[..8]);
        }
        assert_eq!(SigningTime::from_unix_ms(f64::NAN).unix_secs(), 0);
        assert_eq!(SigningTime::from_unix_ms(-5.0).unix_secs(), 0);
        assert_eq!(SigningTime::from_unix_ms(1e30).unix_secs(), MAX_SECS);
        assert_eq!(
            SigningTime::from_unix_ms(1_767_225_600_999.0).amz_date(),
            "20260101T000000Z"
        );
    }

    #[test]
    fn every_day_follows_the_previous() {
        // Walks 1970 … 2400 day by day: the calendar never skips or repeats a date.
        let mut prev = civil_date(0);
        assert_eq!(prev, (1970, 1, 1));
        for days in 1..157_000 {
            let next = civil_date(days);
            let (y, m, d) = prev;
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let len = match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let expected = if d < len {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            assert_eq!(next, expected, "day {days}");
            prev = next;
        }
    }
}
