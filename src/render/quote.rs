//! The one place where values are made safe for the batch script.
//!
//! Every value that reaches the script body goes through [`shell_quote`] (the `shquote`
//! template filter), every `#SBATCH` value through [`sbatch_value`], and the frozen spec
//! through [`heredoc_line`]. Nothing else writes user data into a script. The property test
//! `tests/it/hostile.rs` runs rendered scripts with bash and checks hostile values arrive
//! byte for byte.

use std::borrow::Cow;

use crate::jobspec::names;

/// POSIX single-quote a value (`it's` -> `'it'"'"'s'`); plain words stay unquoted.
/// A NUL byte cannot be passed through a shell word at all, so it is an error.
pub fn shell_quote(value: &str) -> Result<Cow<'_, str>, String> {
    shlex::try_quote(value).map_err(|_| {
        format!(
            "`{}` contains a NUL byte, which no shell word can carry",
            value.escape_debug()
        )
    })
}

/// Validate a value for an `#SBATCH --name=value` line (see `names::check_sbatch_value` for
/// why these cannot be quoted).
pub fn sbatch_value(value: &str) -> Result<&str, String> {
    names::check_sbatch_value(value).map(|()| value)
}

/// A line inside a quoted heredoc (`<<'EOF'`): no expansion happens there, so any text is
/// safe as long as it is a single line that cannot equal the terminator.
pub fn heredoc_line<'a>(value: &'a str, terminator: &str) -> Result<&'a str, String> {
    if value.contains(['\n', '\r', '\0']) {
        return Err("a heredoc line must not contain a newline or a NUL byte".into());
    }
    if value == terminator {
        return Err("the heredoc line equals its terminator".into());
    }
    Ok(value)
}

/// JSON text made safe for YAML: JSON allows DEL, the C1 controls, U+2028/U+2029 and a BOM
/// raw inside strings, YAML does not (its `c-printable` excludes them). Escape them.
pub fn yaml_safe_json(json: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        matches!(c as u32, 0x7f..=0x9f) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
    };
    if !json.chars().any(bad) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("plain").as_deref(), Ok("plain"));
        assert_eq!(shell_quote("").as_deref(), Ok("''"));
        assert_eq!(shell_quote("a b").as_deref(), Ok("'a b'"));
        assert!(shell_quote("it's").is_ok_and(|q| q.contains('\'')));
        assert!(shell_quote("a\0b").is_err());
        assert!(heredoc_line("{\"a\":1}", "EOF").is_ok());
        assert!(heredoc_line("a\nb", "EOF").is_err());
        assert!(heredoc_line("EOF", "EOF").is_err());
        assert!(sbatch_value("gpu").is_ok());
        assert!(sbatch_value("g#pu").is_err());
        assert_eq!(yaml_safe_json("\"a\u{7f}\u{2028}\""), "\"a\\u007f\\u2028\"");
    }
}
