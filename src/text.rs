//! Substring search over bytes, for the few `&str` needles the crate looks for (`"://"`, a
//! secret to scrub, XML comment ends, `"application/json"`…). The standard library's `&str`
//! patterns use the two-way searcher, whose code and panic paths cost ≈2 KB of wasm; these
//! needles are short and the texts small, so a plain scan does the same job. A match of a
//! non-empty needle always starts and ends on a character boundary (UTF-8 is self-synchronising).

/// Byte offset of the first `needle` in `haystack` (`Some(0)` for an empty needle).
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    let last = hay.len().checked_sub(needle.len())?;
    let mut at = 0;
    while at <= last {
        if hay.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// `haystack` split around the first `needle` (as `str::split_once`).
pub fn split_once<'a>(haystack: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(haystack, needle)?;
    Some((haystack.get(..at)?, haystack.get(at + needle.len()..)?))
}

/// `haystack` split around the last `byte`, an ASCII character (as `str::rsplit_once` with a
/// `char`, without the reverse character searcher).
pub fn rsplit_once_ascii(haystack: &str, byte: u8) -> Option<(&str, &str)> {
    let mut at = haystack.len();
    while at > 0 {
        at -= 1;
        if haystack.as_bytes().get(at) == Some(&byte) {
            return Some((haystack.get(..at)?, haystack.get(at + 1..)?));
        }
    }
    None
}

/// Whether `text` is four dot-separated runs of 1 to `max_digits` ASCII digits each (an IPv4
/// address in form).
pub fn dotted_numbers(text: &str, max_digits: usize) -> bool {
    let mut parts = 0;
    let numbers = text.as_bytes().split(|&b| b == b'.').all(|part| {
        parts += 1;
        (1..=max_digits).contains(&part.len()) && part.iter().all(u8::is_ascii_digit)
    });
    numbers && parts == 4
}

/// The first `count` characters of `text` (all of it when shorter): where a message cuts a long
/// value. A byte scan, without the character iterator's `nth`.
pub fn first_chars(text: &str, count: usize) -> &str {
    let mut seen = 0;
    for (at, byte) in text.bytes().enumerate() {
        // Every byte but a UTF-8 continuation byte (0b10xx_xxxx) starts a character.
        if (byte as i8) >= -0x40 {
            if seen == count {
                return text.get(..at).unwrap_or(text);
            }
            seen += 1;
        }
    }
    text
}

/// `haystack` with every `needle` replaced by `with` (as `str::replace`, for a non-empty needle).
pub fn replace(haystack: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some((before, after)) = split_once(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(before);
        out.push_str(with);
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_like_the_standard_library() {
        for (hay, needle) in [
            ("", ""),
            ("", "a"),
            ("abc", ""),
            ("abc", "abc"),
            ("abcd", "abcde"),
            ("a://b://c", "://"),
            ("é-->ü-->", "-->"),
            ("ééé", "é"),
            ("xxyxxy", "xy"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            assert_eq!(contains(hay, needle), hay.contains(needle));
            assert_eq!(split_once(hay, needle), hay.split_once(needle));
            if !needle.is_empty() {
                assert_eq!(replace(hay, needle, "**"), hay.replace(needle, "**"));
            }
        }
        for hay in ["", ":", "a:b:c", "é:ü", "abc"] {
            assert_eq!(
                rsplit_once_ascii(hay, b':'),
                hay.rsplit_once(':'),
                "{hay:?}"
            );
        }
        for (text, count) in [
            ("", 0),
            ("abc", 0),
            ("abc", 2),
            ("abc", 3),
            ("abc", 9),
            ("éüx", 2),
            ("日本語", 1),
        ] {
            let expected: String = text.chars().take(count).collect();
            assert_eq!(first_chars(text, count), expected, "{text:?} {count}");
        }
        for (text, expected) in [
            ("1.2.3.4", true),
            ("1.2.3", false),
            ("1.2.3.4.5", false),
            ("1..3.4", false),
            ("1.2.3.a", false),
            ("123.0.0.1", true),
        ] {
            assert_eq!(dotted_numbers(text, 3), expected, "{text}");
        }
        assert!(!dotted_numbers("1234.0.0.1", 3) && dotted_numbers("1234.0.0.1", usize::MAX));
        assert_eq!(replace("aaaa", "aa", "a"), "aa");
        assert_eq!(replace("abc", "", "*"), "abc");
    }
}
