//! How messages quote a user's value: escaped and cut, so an error about a 10 MB field
//! stays one short line.

use std::fmt;

/// Characters of a user's value quoted in a message; the rest is summarised.
pub const EXCERPT_CHARS: usize = 40;

/// A value as messages quote it: escaped (control characters, quotes and newlines visible,
/// so a message stays one line and cannot forge another), and cut to [`EXCERPT_CHARS`]
/// characters with its full length said, so a 10 MB `name` is not echoed whole. Formatting
/// does the work, so `let q = excerpt(value);` costs nothing on the path without an error.
pub fn excerpt(value: &str) -> Excerpt<'_> {
    Excerpt(value)
}

#[derive(Debug, Clone, Copy)]
pub struct Excerpt<'a>(pub &'a str);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        match value.char_indices().nth(EXCERPT_CHARS) {
            None => write!(f, "{}", value.escape_debug()),
            Some((cut, _)) => write!(
                f,
                "{}... ({} bytes in all)",
                value[..cut].escape_debug(),
                value.len()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_escaped_and_say_the_length() {
        assert_eq!(excerpt("gpu").to_string(), "gpu");
        assert_eq!(excerpt("a\nb\u{1b}[31m").to_string(), "a\\nb\\u{1b}[31m");
        let long = "x".repeat(10 << 20);
        let e = excerpt(&long).to_string();
        assert_eq!(
            e,
            format!("{}... (10485760 bytes in all)", "x".repeat(EXCERPT_CHARS))
        );
        // Cut on a character boundary.
        let wide = "é".repeat(100);
        assert!(
            excerpt(&wide)
                .to_string()
                .starts_with(&"é".repeat(EXCERPT_CHARS))
        );
    }
}
