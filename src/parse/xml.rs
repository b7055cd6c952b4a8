//! A small, forgiving XML element extractor for the S3 responses this crate reads. It finds
//! elements by local name (namespace prefixes ignored), returns their inner text slices, and
//! decodes entities and CDATA. Comments, processing instructions and doctypes are skipped.
//! Malformed input yields fewer matches, never a panic.

use crate::text::find;

/// One tag found while scanning.
struct Tag<'a> {
    /// Local name (prefix before `:` removed).
    name: &'a str,
    /// `</…>`.
    closing: bool,
    /// `<…/>`.
    self_closing: bool,
    /// Byte offset of `<`.
    start: usize,
    /// Byte offset just after `>`.
    end: usize,
}

/// Iterates over tags in `xml` starting at byte `from`.
fn next_tag(xml: &str, mut from: usize) -> Option<Tag<'_>> {
    loop {
        let rest = xml.get(from..)?;
        let lt = from + find(rest, "<")?;
        let after = xml.get(lt + 1..)?;
        if after.starts_with("!--") {
            from = lt + 4 + find(after.get(3..)?, "-->")? + 3;
            continue;
        }
        if after.starts_with("![CDATA[") {
            from = lt + 9 + find(after.get(8..)?, "]]>")? + 3;
            continue;
        }
        if after.starts_with('?') || after.starts_with('!') {
            from = lt + 1 + find(after, ">")? + 1;
            continue;
        }
        let gt = lt + 1 + find(after, ">")?;
        let inner = xml.get(lt + 1..gt)?;
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let self_closing = !closing && inner.ends_with('/');
        let qname = inner
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let name = crate::text::rsplit_once_ascii(qname, b':').map_or(qname, |(_, local)| local);
        return Some(Tag {
            name,
            closing,
            self_closing,
            start: lt,
            end: gt + 1,
        });
    }
}

/// Inner contents (raw, undecoded) of every outermost element named `name` in `xml`.
pub fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(tag) = next_tag(xml, pos) {
        pos = tag.end;
        if tag.closing || tag.name != name {
            continue;
        }
        if tag.self_closing {
            found.push("");
            continue;
        }
        // Find the matching close tag, counting nested same-name elements.
        let content_start = tag.end;
        let mut depth = 1usize;
        let mut scan = content_start;
        let mut closed = None;
        while let Some(inner) = next_tag(xml, scan) {
            scan = inner.end;
            if inner.name != name || inner.self_closing {
                continue;
            }
            if inner.closing {
                depth -= 1;
                if depth == 0 {
                    closed = Some((inner.start, inner.end));
                    break;
                }
            } else {
                depth += 1;
            }
        }
        match closed {
            Some((close_start, close_end)) => {
                if let Some(content) = xml.get(content_start..close_start) {
                    found.push(content);
                }
                pos = close_end;
            }
            None => break,
        }
    }
    found
}

/// The first element named `name`, raw.
pub fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    elements(xml, name).into_iter().next()
}

/// The decoded text of the first element named `name` (child tags removed, entities and CDATA
/// decoded).
pub fn text(xml: &str, name: &str) -> Option<String> {
    element(xml, name).map(decode)
}

/// Decodes the character data of an element: removes tags and comments, keeps CDATA verbatim and
/// decodes the predefined and numeric entities (unknown entities are kept as written).
pub fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            match find(after, "]]>") {
                Some(end) => {
                    out.push_str(after.get(..end).unwrap_or(""));
                    rest = after.get(end + 3..).unwrap_or("");
                }
                None => {
                    out.push_str(after);
                    rest = "";
                }
            }
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = find(after, "-->")
                .and_then(|e| after.get(e + 3..))
                .unwrap_or("");
        } else if rest.starts_with('<') {
            rest = find(rest, ">")
                .and_then(|e| rest.get(e + 1..))
                .unwrap_or("");
        } else if rest.starts_with('&') {
            let decoded = find(rest, ";").filter(|&e| e <= 12).and_then(|e| {
                let entity = rest.get(1..e)?;
                let c = match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => {
                        let code = if let Some(hex) = entity
                            .strip_prefix("#x")
                            .or_else(|| entity.strip_prefix("#X"))
                        {
                            u32::from_str_radix(hex, 16).ok()?
                        } else {
                            entity.strip_prefix('#')?.parse::<u32>().ok()?
                        };
                        char::from_u32(code)?
                    }
                };
                Some((c, e + 1))
            });
            match decoded {
                Some((c, len)) => {
                    out.push(c);
                    rest = rest.get(len..).unwrap_or("");
                }
                None => {
                    out.push('&');
                    rest = rest.get(1..).unwrap_or("");
                }
            }
        } else {
            let stop = rest
                .bytes()
                .position(|b| matches!(b, b'<' | b'&'))
                .unwrap_or(rest.len());
            out.push_str(rest.get(..stop).unwrap_or(""));
            rest = rest.get(stop..).unwrap_or("");
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_and_prefixed() {
        let x = r#"<?xml version="1.0"?><!-- c --><s3:R xmlns:s3="x"><s3:A>1</s3:A><A attr="2">2 &amp; &lt;3&#65;&#x42;</A><B/></s3:R>"#;
        assert_eq!(elements(x, "A").len(), 2);
        assert_eq!(text(x, "A").unwrap(), "1");
        assert_eq!(decode(elements(x, "A")[1]), "2 & <3AB");
        assert_eq!(element(x, "B"), Some(""));
        assert_eq!(element(x, "C"), None);
    }

    #[test]
    fn same_name_nesting_and_cdata() {
        let x = "<a><a>in</a>out</a><b><![CDATA[<x>&amp;]]></b>";
        assert_eq!(element(x, "a"), Some("<a>in</a>out"));
        assert_eq!(text(x, "b").unwrap(), "<x>&amp;");
    }

    #[test]
    fn malformed_never_panics() {
        for x in [
            "<",
            "<a",
            "<a>",
            "<a></b>",
            "&",
            "&#xFFFFFFFF;",
            "<!--",
            "<![CDATA[",
            "</a>",
            "<a/",
            "é<é>é</é>",
        ] {
            let _ = elements(x, "a");
            let _ = text(x, "é");
            let _ = decode(x);
        }
    }
}
