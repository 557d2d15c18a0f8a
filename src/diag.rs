//! Spec diagnostics: every problem found in a spec or config file, with its position, the
//! rule it broke and a hint. `validate` prints all of them at once.

use std::fmt;

use serde::Serialize;

use crate::yaml::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// On the one verdict scale: an error fails the spec, a warning only warns.
    pub fn level(self) -> crate::check::Level {
        match self {
            Self::Error => crate::check::Level::Fail,
            Self::Warning => crate::check::Level::Warn,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where: `{path, line, column}` (1-based).
    #[serde(serialize_with = "ser_file")]
    #[schemars(with = "FilePos")]
    pub file: Pos,
    /// A short stable name of the rule, e.g. `unknown-field`.
    pub rule: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The JSON shape of a position.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct FilePos {
    path: String,
    line: u32,
    column: u32,
}

fn ser_file<S: serde::Serializer>(pos: &Pos, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Pos", 3)?;
    st.serialize_field("path", &*pos.file)?;
    st.serialize_field("line", &pos.line)?;
    st.serialize_field("column", &pos.col)?;
    st.end()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {sev}[{}]: {}", self.file, self.rule, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The longest diagnostic message or hint kept whole.
const MAX_MESSAGE: usize = 2000;

fn cut_message(mut m: String) -> String {
    if m.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !m.is_char_boundary(cut) {
            cut -= 1;
        }
        let len = m.len();
        m.truncate(cut);
        m.push_str(&format!("... (message of {len} bytes cut)"));
    }
    m
}

/// Collects diagnostics while a spec is decoded.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted but not kept.
    pub dropped: usize,
}

/// The most diagnostics kept for one file: a hostile file can hold hundreds of thousands of
/// problems, and no reader wants more than the first few hundred.
pub const MAX_DIAGNOSTICS: usize = 500;

impl Diagnostics {
    pub fn error(&mut self, pos: &Pos, rule: &'static str, message: impl Into<String>) {
        self.push(Severity::Error, pos, rule, message.into(), None);
    }

    pub fn error_hint(
        &mut self,
        pos: &Pos,
        rule: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            Severity::Error,
            pos,
            rule,
            message.into(),
            Some(hint.into()),
        );
    }

    pub fn warning_hint(
        &mut self,
        pos: &Pos,
        rule: &'static str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(
            Severity::Warning,
            pos,
            rule,
            message.into(),
            Some(hint.into()),
        );
    }

    fn push(
        &mut self,
        severity: Severity,
        pos: &Pos,
        rule: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        // A safety net behind `excerpt`: no diagnostic carries a megabyte of someone's value.
        if self.items.len() >= MAX_DIAGNOSTICS {
            // Keep one error, so that a file with only dropped errors still fails.
            if severity == Severity::Warning || self.has_errors() {
                self.dropped += 1;
                return;
            }
        }
        let message = cut_message(message);
        let hint = hint.map(cut_message);
        self.items.push(Diagnostic {
            severity,
            file: pos.clone(),
            rule,
            message,
            hint,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .iter()
            .any(|d| d.severity.level() == crate::check::Level::Fail)
    }

    /// Sorted by file, line, column, so output is stable; at most [`MAX_DIAGNOSTICS`], then
    /// one line that says how many more there were.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&*a.file.file, a.file.line, a.file.col).cmp(&(&*b.file.file, b.file.line, b.file.col))
        });
        let mut dropped = self.dropped;
        if self.items.len() > MAX_DIAGNOSTICS {
            dropped += self.items.len() - MAX_DIAGNOSTICS;
            self.items.truncate(MAX_DIAGNOSTICS);
        }
        if dropped > 0
            && let Some(last) = self.items.last()
        {
            let more = Diagnostic {
                severity: last.severity,
                file: last.file.clone(),
                rule: "too-many-problems",
                message: format!("{dropped} more problem(s) not shown"),
                hint: Some("fix the problems above and validate again".into()),
            };
            self.items.push(more);
        }
        self.items
    }
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // No field name or allowed value is long: a long word is no typo of one, and comparing
    // a megabyte-long value with every candidate would cost.
    if word.len() > 64 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keys = ["gpusPerNode", "nodes", "partition", "cpusPerTask"];
        assert_eq!(did_you_mean("gpuPerNode", keys), Some("gpusPerNode"));
        assert_eq!(did_you_mean("partiton", keys), Some("partition"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(did_you_mean(&"partition".repeat(100), keys), None);
    }

    #[test]
    fn a_flood_of_problems_is_kept_to_the_first_and_counted() {
        let mut d = Diagnostics::default();
        let pos = |line| Pos::new(&std::sync::Arc::from("t"), line, 1);
        for i in 0..(MAX_DIAGNOSTICS + 100) {
            d.error(&pos(i + 1), "x", format!("problem {i}"));
        }
        assert!(d.has_errors());
        let items = d.sorted();
        assert_eq!(items.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(items[MAX_DIAGNOSTICS].rule, "too-many-problems");
        assert_eq!(
            items[MAX_DIAGNOSTICS].message,
            "100 more problem(s) not shown"
        );
        // Warnings first, then an error: the error is kept, so the file still fails.
        let mut d = Diagnostics::default();
        for i in 0..MAX_DIAGNOSTICS {
            d.warning_hint(&pos(i + 1), "w", "warning", "hint");
        }
        d.error(&pos(9999), "x", "the error");
        assert!(d.has_errors());
    }

    #[test]
    fn long_messages_are_cut() {
        let mut d = Diagnostics::default();
        let pos = Pos::new(&std::sync::Arc::from("t"), 1, 1);
        d.error(&pos, "x", "y".repeat(1 << 20));
        assert!(
            d.items[0].message.len() < 2100,
            "{}",
            d.items[0].message.len()
        );
    }
}
