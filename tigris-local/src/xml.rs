//! Minimal XML helpers: escaping for responses and a tolerant reader for the two request bodies
//! S3 clients send (CreateBucketConfiguration, CompleteMultipartUpload).

/// Escapes text for element content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// An element: local name (namespace prefix dropped), text, children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Local name.
    pub name: String,
    /// Concatenated text content.
    pub text: String,
    /// Child elements in order.
    pub children: Vec<Element>,
}

impl Element {
    /// Children named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.text.as_str())
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_string()
}

/// Deepest element nesting accepted: S3's request documents are three levels deep, and a bound
/// keeps a hostile document from costing unbounded stack when the tree is dropped.
pub const MAX_DEPTH: usize = 32;

/// Parses a well-formed document (declaration, comments and attributes tolerated), at most
/// [`MAX_DEPTH`] elements deep.
pub fn parse(doc: &str) -> Result<Element, String> {
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut rest = doc.trim_start_matches('\u{feff}');
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !rest.trim().is_empty() {
                return Err("text outside the root element".into());
            }
            break;
        };
        let text = rest.get(..lt).unwrap_or("");
        if let Some(top) = stack.last_mut() {
            top.text.push_str(&unescape(text));
        } else if !text.trim().is_empty() {
            return Err("text outside the root element".into());
        }
        rest = rest.get(lt..).unwrap_or("");
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").ok_or("unterminated declaration")?.1;
            continue;
        }
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").ok_or("unterminated comment")?.1;
            continue;
        }
        let (tag, after) = rest
            .get(1..)
            .unwrap_or("")
            .split_once('>')
            .ok_or("unterminated tag")?;
        rest = after;
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().ok_or("unexpected closing tag")?;
            if done.name != local(name.trim()) {
                return Err(format!(
                    "mismatched closing tag </{}> for <{}>",
                    name.trim(),
                    done.name
                ));
            }
            match stack.last_mut() {
                Some(parent) => parent.children.push(done),
                None if root.is_none() => root = Some(done),
                None => return Err("more than one root element".into()),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_end_matches('/')
            .split_whitespace()
            .next()
            .ok_or("empty tag")?;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'))
        {
            return Err(format!("invalid tag name {name:?}"));
        }
        if root.is_some() {
            return Err("content after the root element".into());
        }
        let el = Element {
            name: local(name),
            text: String::new(),
            children: Vec::new(),
        };
        if self_closing {
            match stack.last_mut() {
                Some(parent) => parent.children.push(el),
                None => root = Some(el),
            }
        } else if stack.len() >= MAX_DEPTH {
            return Err(format!(
                "elements are nested deeper than {MAX_DEPTH} levels"
            ));
        } else {
            stack.push(el);
        }
    }
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    root.ok_or_else(|| "no root element".to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn reads_complete_multipart_and_rejects_garbage() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>&quot;a&quot;</ETag><PartNumber>1</PartNumber></Part><Part><ETag>"b"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>"#;
        let el = parse(doc).unwrap();
        assert_eq!(el.name, "CompleteMultipartUpload");
        let parts: Vec<_> = el
            .all("Part")
            .map(|p| {
                (
                    p.child_text("PartNumber").unwrap().to_string(),
                    p.child_text("ETag").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            parts,
            vec![("1".into(), "\"a\"".into()), ("2".into(), "\"b\"".into())]
        );
        for bad in [
            "<a><b></a>",
            "<a>",
            "nope",
            "<a></a><b></b>",
            "<a></a>junk",
            "<>",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
    }

    #[test]
    fn deep_nesting_is_refused_without_building_the_tree() {
        let depth = 50_000;
        let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let err = parse(&doc).unwrap_err();
        assert!(err.contains("nested deeper than 32"), "{err}");
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }
}
