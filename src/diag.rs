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

/// Collects diagnostics while a spec is decoded.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

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
        self.items.push(Diagnostic {
            severity,
            file: pos.clone(),
            rule,
            message,
            hint,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorted by file, line, column, so output is stable.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&*a.file.file, a.file.line, a.file.col).cmp(&(&*b.file.file, b.file.line, b.file.col))
        });
        self.items
    }
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
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
    }
}
