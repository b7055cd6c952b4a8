//! The notification filter grammar (docs/protocol.md §9.3): an optional `WHERE`, conditions joined by `AND`,
//! each `` `ident` `` followed by `=`, `!=`, `<`, `<=`, `>`, `>=`, `IN (…)`, `NOT IN (…)` or
//! `REGEXP "…"`. Strings in double (or single) quotes, numbers bare.

use regex::Regex;

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A quoted string.
    Str(String),
    /// A bare number.
    Num(f64),
}

#[derive(Debug, Clone)]
enum Op {
    Cmp(&'static str, Lit),
    In(Vec<Lit>, bool),
    Regexp(Regex),
}

#[derive(Debug, Clone)]
struct Cond {
    field: Field,
    op: Op,
}

/// The event fields a filter can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `key`
    Key,
    /// `Event-Type`
    EventType,
    /// `Content-Type`
    ContentType,
    /// `Content-Length` (also `size`)
    ContentLength,
    /// `Last-Modified` (RFC 3339)
    LastModified,
}

impl Field {
    fn parse(name: &str) -> Option<Field> {
        match name.to_ascii_lowercase().as_str() {
            "key" => Some(Field::Key),
            "event-type" | "eventname" | "event_type" => Some(Field::EventType),
            "content-type" => Some(Field::ContentType),
            "content-length" | "size" => Some(Field::ContentLength),
            "last-modified" => Some(Field::LastModified),
            _ => None,
        }
    }
}

/// Values of one event, as the filter sees them.
pub struct Event<'a> {
    /// Object key.
    pub key: &'a str,
    /// Event name.
    pub event_type: &'a str,
    /// Content type.
    pub content_type: &'a str,
    /// Size in bytes.
    pub content_length: u64,
    /// RFC 3339 modification time.
    pub last_modified: &'a str,
}

/// A parsed filter; the empty filter matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    conds: Vec<Cond>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Word(String),
    Str(String),
    Num(f64),
    Sym(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while let Some(&c) = chars.get(i) {
        match c {
            c if c.is_whitespace() => i += 1,
            '`' => {
                let end = chars
                    .iter()
                    .skip(i + 1)
                    .position(|&c| c == '`')
                    .ok_or("unterminated `identifier`")?;
                out.push(Tok::Ident(chars.iter().skip(i + 1).take(end).collect()));
                i += end + 2;
            }
            '"' | '\'' => {
                let quote = c;
                let mut lit = String::new();
                i += 1;
                loop {
                    match (chars.get(i), chars.get(i + 1)) {
                        (None, _) => return Err("unterminated string literal".into()),
                        (Some('\\'), Some(&n)) if n == quote || n == '\\' => {
                            lit.push(n);
                            i += 2;
                        }
                        (Some(&ch), _) if ch == quote => {
                            i += 1;
                            break;
                        }
                        (Some(&ch), _) => {
                            lit.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(lit));
            }
            '(' => {
                out.push(Tok::Sym("("));
                i += 1;
            }
            ')' => {
                out.push(Tok::Sym(")"));
                i += 1;
            }
            ',' => {
                out.push(Tok::Sym(","));
                i += 1;
            }
            '=' | '!' | '<' | '>' => {
                let two: String = chars.iter().skip(i).take(2).collect();
                let sym = match two.as_str() {
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    "<>" => "!=",
                    _ => match c {
                        '=' => "=",
                        '<' => "<",
                        '>' => ">",
                        _ => return Err("unexpected '!'".into()),
                    },
                };
                i += if sym.len() == 2 || two == "<>" { 2 } else { 1 };
                out.push(Tok::Sym(sym));
            }
            c if c.is_ascii_digit() || c == '-' || c == '.' => {
                let num: String = chars
                    .iter()
                    .skip(i)
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E' | '+'))
                    .collect();
                i += num.chars().count();
                out.push(Tok::Num(
                    num.parse().map_err(|_| format!("bad number {num}"))?,
                ));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let word: String = chars
                    .iter()
                    .skip(i)
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
                    .collect();
                i += word.chars().count();
                out.push(Tok::Word(word));
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
    }
    Ok(out)
}

fn is_word(t: Option<&Tok>, w: &str) -> bool {
    matches!(t, Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
}

fn literal(t: Option<Tok>) -> Result<Lit, String> {
    match t {
        Some(Tok::Str(s)) => Ok(Lit::Str(s)),
        Some(Tok::Num(n)) => Ok(Lit::Num(n)),
        other => Err(format!(
            "expected a string or number literal, found {other:?}"
        )),
    }
}

/// Parses a filter string; `""` is the match-all filter.
pub fn parse(s: &str) -> Result<Filter, String> {
    let mut toks = tokenize(s)?.into_iter().peekable();
    if toks.peek().is_none() {
        return Ok(Filter::default());
    }
    if is_word(toks.peek(), "WHERE") {
        toks.next();
    }
    let mut conds = Vec::new();
    loop {
        let field = match toks.next() {
            Some(Tok::Ident(name)) | Some(Tok::Word(name)) => {
                Field::parse(&name).ok_or_else(|| format!("unknown field `{name}`"))?
            }
            other => return Err(format!("expected a field name, found {other:?}")),
        };
        let op = match toks.next() {
            Some(Tok::Sym(s)) if s != "(" && s != ")" && s != "," => {
                Op::Cmp(s, literal(toks.next())?)
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("REGEXP") => match toks.next() {
                Some(Tok::Str(re)) => {
                    Op::Regexp(Regex::new(&re).map_err(|e| format!("invalid REGEXP: {e}"))?)
                }
                other => return Err(format!("REGEXP needs a quoted pattern, found {other:?}")),
            },
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IN") || w.eq_ignore_ascii_case("NOT") => {
                let negated = w.eq_ignore_ascii_case("NOT");
                if negated && !is_word(toks.next().as_ref(), "IN") {
                    return Err("expected IN after NOT".into());
                }
                if toks.next() != Some(Tok::Sym("(")) {
                    return Err("expected ( after IN".into());
                }
                let mut items = Vec::new();
                loop {
                    items.push(literal(toks.next())?);
                    match toks.next() {
                        Some(Tok::Sym(",")) => continue,
                        Some(Tok::Sym(")")) => break,
                        other => {
                            return Err(format!("expected , or ) in IN list, found {other:?}"))
                        }
                    }
                }
                Op::In(items, negated)
            }
            other => return Err(format!("expected an operator, found {other:?}")),
        };
        conds.push(Cond { field, op });
        match toks.next() {
            None => break,
            Some(t) if is_word(Some(&t), "AND") => continue,
            Some(t) => {
                return Err(format!(
                    "expected AND or the end of the filter, found {t:?}"
                ))
            }
        }
    }
    Ok(Filter { conds })
}

enum Val<'a> {
    Str(&'a str),
    Num(f64),
}

fn compare(v: &Val<'_>, lit: &Lit) -> Option<std::cmp::Ordering> {
    match (v, lit) {
        (Val::Num(a), Lit::Num(b)) => a.partial_cmp(b),
        (Val::Num(a), Lit::Str(b)) => b.parse::<f64>().ok().and_then(|b| a.partial_cmp(&b)),
        (Val::Str(a), Lit::Str(b)) => Some((*a).cmp(b.as_str())),
        (Val::Str(a), Lit::Num(b)) => Some((*a).cmp(b.to_string().as_str())),
    }
}

impl Filter {
    /// Whether `ev` passes every condition.
    pub fn matches(&self, ev: &Event<'_>) -> bool {
        self.conds.iter().all(|c| {
            let v = match c.field {
                Field::Key => Val::Str(ev.key),
                Field::EventType => Val::Str(ev.event_type),
                Field::ContentType => Val::Str(ev.content_type),
                Field::ContentLength => Val::Num(ev.content_length as f64),
                Field::LastModified => Val::Str(ev.last_modified),
            };
            match &c.op {
                Op::Cmp(op, lit) => compare(&v, lit).is_some_and(|o| match *op {
                    "=" => o.is_eq(),
                    "!=" => o.is_ne(),
                    "<" => o.is_lt(),
                    "<=" => o.is_le(),
                    ">" => o.is_gt(),
                    _ => o.is_ge(),
                }),
                Op::In(items, negated) => {
                    items
                        .iter()
                        .any(|l| compare(&v, l).is_some_and(|o| o.is_eq()))
                        != *negated
                }
                Op::Regexp(re) => match v {
                    Val::Str(s) => re.is_match(s),
                    Val::Num(n) => re.is_match(&n.to_string()),
                },
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn ev<'a>(key: &'a str, event_type: &'a str, len: u64) -> Event<'a> {
        Event {
            key,
            event_type,
            content_type: "application/json",
            content_length: len,
            last_modified: "2026-01-01T00:00:00.000Z",
        }
    }

    #[test]
    fn grammar_examples_from_the_spec() {
        let f = parse(r#"WHERE `key` REGEXP "^images""#).unwrap();
        assert!(f.matches(&ev("images/a.png", "OBJECT_CREATED_PUT", 1)));
        assert!(!f.matches(&ev("docs/images", "OBJECT_CREATED_PUT", 1)));
        let f = parse(r#"WHERE `Event-Type` = "OBJECT_DELETED""#).unwrap();
        assert!(
            f.matches(&ev("x", "OBJECT_DELETED", 0))
                && !f.matches(&ev("x", "OBJECT_CREATED_PUT", 0))
        );
        let f = parse(r#"WHERE `key` REGEXP "\.json$""#).unwrap();
        assert!(f.matches(&ev("a.json", "", 0)) && !f.matches(&ev("ajson", "", 0)));
        assert!(parse("").unwrap().matches(&ev("anything", "", 0)));
    }

    #[test]
    fn operators_and_combinations() {
        let f = parse(r#"WHERE `key` != "a" AND `Content-Length` >= 10 AND `Content-Length` < 20"#)
            .unwrap();
        assert!(f.matches(&ev("b", "", 10)));
        assert!(
            !f.matches(&ev("a", "", 10))
                && !f.matches(&ev("b", "", 20))
                && !f.matches(&ev("b", "", 9))
        );
        let f =
            parse(r#"WHERE `Event-Type` IN ("OBJECT_DELETED", "OBJECT_CREATED_COPY")"#).unwrap();
        assert!(
            f.matches(&ev("k", "OBJECT_DELETED", 0))
                && !f.matches(&ev("k", "OBJECT_CREATED_PUT", 0))
        );
        let f = parse(r#"where `Event-Type` NOT IN ('OBJECT_DELETED')"#).unwrap();
        assert!(
            !f.matches(&ev("k", "OBJECT_DELETED", 0))
                && f.matches(&ev("k", "OBJECT_CREATED_PUT", 0))
        );
        let f = parse("size > 1000000").unwrap();
        assert!(f.matches(&ev("k", "", 2_000_000)) && !f.matches(&ev("k", "", 5)));
        let f = parse(
            r#"`Last-Modified` > "2025-12-31T00:00:00Z" AND `Content-Type` = "application/json""#,
        )
        .unwrap();
        assert!(f.matches(&ev("k", "", 0)));
    }

    #[test]
    fn bad_filters_are_errors() {
        for bad in [
            "WHERE `key` REGEXP \"(\"",
            "WHERE `nope` = \"x\"",
            "WHERE `key` = ",
            "WHERE `key` \"x\"",
            "WHERE `key` = \"x\" OR `key` = \"y\"",
            "WHERE `key` IN (\"a\"",
            "WHERE `key = \"a\"",
            "WHERE `key` = \"a",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
