//! Pure parsers for what Slurm's command-line tools print: `sbatch --parsable` and sbatch's
//! refusals, `squeue` ([`SQUEUE_FORMAT`]), `sacct` and `sacct -c` ([`SACCT_FORMAT`]),
//! `scontrol show job -o`, `scontrol show config`, plus job states, exit codes, durations and
//! timestamps as Slurm writes them.
//!
//! This module owns the contract between hybridctl and Slurm's text output. hybridctl talks to
//! Slurm only through its tools (never libslurm), so the exact output of those tools is an
//! interface; keeping every byte-level decision here, with no I/O, lets it be tested against
//! real recorded output (`tests/fixtures/slurm/`, recorded from Slurm 22.05.8 by
//! `tests/fixtures/slurm/record.sh`; each fixture's `.source` file says how) and against
//! hostile input. Every function takes text and returns typed values or a [`ParseError`]; none
//! panics.
//!
//! Decisions worth knowing:
//!
//! * **Delimiters.** `squeue` and `sacct` print `|`-separated fields, and the job name, the
//!   only field users choose freely, comes *last but one*, followed by the job id again. A `|`
//!   in a name therefore stays in the name, and a name with a newline (Slurm accepts one and
//!   prints it raw) is put back together: a record is complete only when its last field
//!   repeats its first. Fields users could fill with `|` (work directory, comment) are left
//!   out of the formats; hybridctl knows them anyway.
//! * **`scontrol show job -o`** is `Key=Value` pairs separated by spaces, and values (`JobName`,
//!   `Command`, `WorkDir`, `Comment`, ...) may contain spaces and even `Key=` text. The parser
//!   keeps the split that explains the most of Slurm 22.05's keys in the order Slurm prints
//!   them (a longest increasing subsequence), so a job named `x JobState=COMPLETED` cannot
//!   pass for a completed job.
//! * **Times** are in Slurm's default format (`SLURM_TIME_FORMAT` unset or `standard`):
//!   `2026-11-29T02:56:25`. Durations are `M:SS`, `H:MM:SS` or `D-HH:MM:SS`; `sacct -c` prints
//!   time limits as bare minutes.
//! * **`sacct -c`** (jobcomp/filetxt) splits its records at spaces, so a job name or work
//!   directory with a space loses text and its later fields (even the state); a name with a
//!   newline adds a record with job id 0, and makes `sacct -c` crash (SIGSEGV) whenever a time
//!   field (`start`, `end`, `submit`, `eligible`) is asked for, which is why [`SACCT_FORMAT`]
//!   has none. [`parse_sacct_lenient`] skips such records and reports them.

use std::fmt;
use std::str::FromStr;

use super::reasons::PendingReason;

mod failure;
mod sacct;
mod sbatch;
mod scontrol;
mod squeue;
mod state;
mod values;

pub use failure::*;
pub use sacct::*;
pub use sbatch::*;
pub use scontrol::*;
pub use squeue::*;
pub use state::*;
pub use values::*;

// ---------------------------------------------------------------------------------------------
// Errors

/// What was wrong with a piece of Slurm output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// There was nothing to parse.
    Empty,
    /// A record had too few fields.
    TooFewFields {
        /// How many the format has.
        expected: usize,
        /// How many there were.
        found: usize,
    },
    /// A record's last field did not repeat its job id (or was missing), so the record is
    /// cut short or is not a record of this format.
    Unterminated,
    /// More than one line where one was expected.
    TrailingText,
    /// Not a job id (`42`, `42_7`, `42_[1-3]`, `42+0`).
    JobId,
    /// Not a number, or out of range.
    Number,
    /// Not a Slurm duration.
    Duration,
    /// Not a Slurm timestamp.
    Timestamp,
    /// Not a Slurm job state.
    JobState,
    /// Not an exit code (`status:signal`).
    ExitCode,
    /// A field that must not be empty was empty.
    MissingValue,
    /// A key that must be there was not.
    MissingKey,
    /// Not a `Key=Value` line as `scontrol show job -o` prints it.
    KeyValue,
    /// A job record for a different number of jobs than asked for.
    JobCount,
    /// Not a valid name (for example a cluster name).
    Name,
}

impl ParseErrorKind {
    fn describe(self) -> String {
        match self {
            ParseErrorKind::Empty => "empty output".into(),
            ParseErrorKind::TooFewFields { expected, found } => {
                format!("expected {expected} fields, found {found}")
            }
            ParseErrorKind::Unterminated => {
                "the record does not end with its job id (cut short, or another format)".into()
            }
            ParseErrorKind::TrailingText => "unexpected extra lines".into(),
            ParseErrorKind::JobId => "not a job id".into(),
            ParseErrorKind::Number => "not a number in range".into(),
            ParseErrorKind::Duration => "not a Slurm duration".into(),
            ParseErrorKind::Timestamp => "not a Slurm timestamp".into(),
            ParseErrorKind::JobState => "not a Slurm job state".into(),
            ParseErrorKind::ExitCode => "not an exit code".into(),
            ParseErrorKind::MissingValue => "empty value".into(),
            ParseErrorKind::MissingKey => "missing key".into(),
            ParseErrorKind::KeyValue => "not Key=Value text".into(),
            ParseErrorKind::JobCount => "not exactly one job".into(),
            ParseErrorKind::Name => "not a valid name".into(),
        }
    }
}

/// Slurm output that could not be understood: what, where, and the offending text (cut to
/// [`ParseError::MAX_TEXT`] bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    field: Option<&'static str>,
    line: Option<usize>,
    text: String,
}

impl ParseError {
    /// Longest offending text kept, in bytes.
    pub const MAX_TEXT: usize = 120;

    fn new(kind: ParseErrorKind, text: &str) -> Self {
        let mut end = text.len().min(Self::MAX_TEXT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut kept = text[..end].to_string();
        if end < text.len() {
            kept.push('…');
        }
        ParseError {
            kind,
            field: None,
            line: None,
            text: kept,
        }
    }

    fn field(mut self, field: &'static str) -> Self {
        self.field.get_or_insert(field);
        self
    }

    fn line(mut self, line: usize) -> Self {
        self.line.get_or_insert(line);
        self
    }

    /// What was wrong.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The field or key it was in, for example `state` or `JobState`.
    pub fn field_name(&self) -> Option<&'static str> {
        self.field
    }

    /// The line of the output it was on, counting from 1.
    pub fn line_number(&self) -> Option<usize> {
        self.line
    }

    /// The offending text, cut to [`ParseError::MAX_TEXT`] bytes.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(field) = self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.kind.describe())?;
        if !self.text.is_empty() {
            write!(f, " in `{}`", self.text.escape_debug())?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

// ---------------------------------------------------------------------------------------------
// Records ending with their own job id (squeue, sacct)

/// Most lines one record may span (a job name with newlines).
pub(crate) const MAX_RECORD_LINES: usize = 32;

/// Splits `record` into `fixed` `|`-separated fields, the name (which may contain `|`), and
/// checks that the last field repeats the first.
pub(crate) fn split_record(record: &str, fixed: usize) -> Result<(Vec<&str>, &str), ParseError> {
    let mut parts: Vec<&str> = record.splitn(fixed + 1, '|').collect();
    if parts.len() <= fixed {
        return Err(ParseError::new(
            ParseErrorKind::TooFewFields {
                expected: fixed + 2,
                found: parts.len(),
            },
            record,
        ));
    }
    let rest = parts.pop().unwrap_or_default();
    let (name, last) = rest
        .rsplit_once('|')
        .ok_or_else(|| ParseError::new(ParseErrorKind::Unterminated, record))?;
    if parts.first() != Some(&last) {
        return Err(ParseError::new(ParseErrorKind::Unterminated, record));
    }
    Ok((parts, name))
}

/// Parses line-based output whose records may span lines, keeping going after bad records.
pub(crate) fn parse_records<T>(
    output: &str,
    parse: impl Fn(&str) -> Result<T, ParseError>,
) -> (Vec<T>, Vec<ParseError>) {
    let lines: Vec<&str> = output
        .strip_suffix('\n')
        .unwrap_or(output)
        .split('\n')
        .collect();
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].is_empty() {
            i += 1;
            continue;
        }
        let mut record = lines[i].to_string();
        let mut taken = 1;
        let outcome = loop {
            match parse(&record) {
                Ok(value) => break Ok(value),
                Err(e)
                    if e.kind() == ParseErrorKind::Unterminated
                        && taken < MAX_RECORD_LINES
                        && i + taken < lines.len() =>
                {
                    record.push('\n');
                    record.push_str(lines[i + taken]);
                    taken += 1;
                }
                Err(e) => break Err(e),
            }
        };
        if let Ok(value) = outcome {
            records.push(value);
            i += taken;
        } else {
            // report the error of this line alone, then go on with the next line
            if let Err(e) = parse(lines[i]) {
                errors.push(e.line(i + 1));
            }
            i += 1;
        }
    }
    (records, errors)
}

pub(crate) fn optional(text: &str, none: &[&str]) -> Option<String> {
    (!text.is_empty() && !none.contains(&text)).then(|| text.to_string())
}

#[cfg(test)]
mod tests;
