//! The environment of a native process as Node's entry file reads it (`pkg/node-env.cjs`): the
//! process environment first, then the `TIGRIS_*` keys of a `.env` file in the current directory
//! (read once, never written to the process environment). Resolution (explicit > environment >
//! defaults) stays in [`crate::config`].

use crate::config::Environment;
use std::collections::HashMap;

/// `std::env` then `./.env`, read when this value is made.
#[derive(Clone, Debug, Default)]
pub struct ProcessEnvironment {
    dotenv: HashMap<String, String>,
}

impl ProcessEnvironment {
    /// Reads `./.env` (relative to the current directory) once; a missing or unreadable file
    /// counts as empty.
    pub fn load() -> Self {
        Self::with_dotenv(".env")
    }

    /// The process environment over the `TIGRIS_*` assignments of the file at `path` instead
    /// of `./.env` (missing or unreadable: none).
    pub fn with_dotenv(path: impl AsRef<std::path::Path>) -> Self {
        let dotenv = std::fs::read_to_string(path)
            .map(|text| parse_dotenv(&text))
            .unwrap_or_default();
        ProcessEnvironment { dotenv }
    }
}

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.dotenv.get(name).cloned())
    }
}

/// The `TIGRIS_*` assignments of a `.env` text, with the Node entry file's rules: one
/// `[export] TIGRIS_NAME = value` per line; a value in matching `"`, `'` or `` ` `` quotes is
/// taken verbatim (`\n` becomes a newline in `"…"`), otherwise a ` # comment` is cut; the last
/// assignment of a name wins.
fn parse_dotenv(text: &str) -> HashMap<String, String> {
    text.lines().filter_map(assignment).collect()
}

/// One line's `(name, value)`, when it assigns a `TIGRIS_*` name.
fn assignment(line: &str) -> Option<(String, String)> {
    let line = line.strip_suffix('\r').unwrap_or(line).trim_start();
    let line = match line.strip_prefix("export") {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => line,
    };
    let tail = line.strip_prefix("TIGRIS_")?;
    let name_end = tail
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(tail.len());
    let (name_tail, rest) = tail.split_at_checked(name_end)?;
    let value = rest.trim_start().strip_prefix('=')?.trim();
    Some((format!("TIGRIS_{name_tail}"), unquote(value)))
}

/// A value without its matching quotes, or without its trailing ` # comment`.
fn unquote(value: &str) -> String {
    for quote in ['"', '\'', '`'] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return if quote == '"' {
                inner.replace("\\n", "\n")
            } else {
                inner.to_owned()
            };
        }
    }
    match comment_start(value) {
        Some(cut) => value.get(..cut).unwrap_or(value).to_owned(),
        None => value.to_owned(),
    }
}

/// Where the first run of whitespace that is followed by `#` starts.
fn comment_start(value: &str) -> Option<usize> {
    let mut run_start = None;
    for (i, c) in value.char_indices() {
        if c.is_whitespace() {
            run_start.get_or_insert(i);
        } else if c == '#' && run_start.is_some() {
            return run_start;
        } else {
            run_start = None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::parse_dotenv;

    #[test]
    fn reads_tigris_assignments_like_the_node_entry() {
        let values = parse_dotenv(
            "# comment\r\nTIGRIS_A=plain # note\nexport TIGRIS_B = \"two\\nlines\"\n\
             TIGRIS_C='# kept'\nOTHER=x\nTIGRIS_D=a#b\n  TIGRIS_E  =  \nTIGRIS_A=last\n\
             TIGRIS_F=\"\nexportTIGRIS_G=no\n",
        );
        let get = |k: &str| values.get(k).map(String::as_str);
        assert_eq!(get("TIGRIS_A"), Some("last"));
        assert_eq!(get("TIGRIS_B"), Some("two\nlines"));
        assert_eq!(get("TIGRIS_C"), Some("# kept"));
        assert_eq!(get("TIGRIS_D"), Some("a#b"));
        assert_eq!(get("TIGRIS_E"), Some(""));
        assert_eq!(
            get("TIGRIS_F"),
            Some("\""),
            "a lone quote is not a quoted value"
        );
        assert_eq!(get("OTHER"), None);
        assert_eq!(get("TIGRIS_G"), None);
        assert_eq!(values.len(), 6);
    }
}
