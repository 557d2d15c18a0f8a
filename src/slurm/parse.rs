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
// Small values: numbers, job ids, durations, timestamps, exit codes

fn number<T: FromStr>(text: &str, field: &'static str) -> Result<T, ParseError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::new(ParseErrorKind::Number, text).field(field));
    }
    text.parse()
        .map_err(|_| ParseError::new(ParseErrorKind::Number, text).field(field))
}

/// Whether `text` is a job id as Slurm prints one: `42`, an array task `42_7`, a pending array
/// `42_[1-5%2]`, a heterogeneous component `42+0`, or a step `42.batch` / `42.0` (`sacct`).
fn is_job_id(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || text.len() > 64 || text.bytes().all(|b| b == b'0') {
        return false;
    }
    let rest = &text[digits..];
    let (array, step) = match rest.split_once('.') {
        Some((array, step)) => (array, Some(step)),
        None => (rest, None),
    };
    let array_ok = array.is_empty()
        || (array.len() > 1
            && (array.starts_with('_') || array.starts_with('+'))
            && array[1..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b"[]-,%".contains(&b)));
    let step_ok = step.is_none_or(|s| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
    });
    array_ok && step_ok
}

fn job_id(text: &str) -> Result<String, ParseError> {
    if is_job_id(text) {
        Ok(text.to_string())
    } else {
        Err(ParseError::new(ParseErrorKind::JobId, text).field("job id"))
    }
}

/// A Slurm duration: a time limit, an elapsed time or a run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlurmDuration {
    /// A number of seconds.
    Seconds(u64),
    /// `UNLIMITED` (also `INFINITE`).
    Unlimited,
    /// `Partition_Limit`: the partition's limit applies.
    PartitionLimit,
    /// `NOT_SET` or `N/A`.
    NotSet,
    /// `INVALID`: Slurm could not compute it (for example a negative run time).
    Invalid,
}

impl SlurmDuration {
    /// Reads `0:05` (M:SS), `1:02:03` (H:MM:SS), `00:01:00` (scontrol), `2-03:04:05`
    /// (D-HH:MM:SS), `UNLIMITED`, `INFINITE`, `Partition_Limit`, `NOT_SET`, `N/A` or
    /// `INVALID`. A bare number is refused: Slurm prints none in these fields, and reading it
    /// as seconds or as minutes would be a guess (see [`SlurmDuration::parse_limit_minutes`]).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new(ParseErrorKind::Duration, text);
        match text {
            "UNLIMITED" | "INFINITE" => return Ok(SlurmDuration::Unlimited),
            "Partition_Limit" => return Ok(SlurmDuration::PartitionLimit),
            "NOT_SET" | "N/A" => return Ok(SlurmDuration::NotSet),
            "INVALID" => return Ok(SlurmDuration::Invalid),
            _ => {}
        }
        let (days, clock) = match text.split_once('-') {
            Some((days, clock)) => (Some(number::<u64>(days, "days").map_err(|_| err())?), clock),
            None => (None, text),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        let small = |part: &str, max: u64| -> Result<u64, ParseError> {
            if part.len() != 2 {
                return Err(err());
            }
            number::<u64>(part, "duration")
                .ok()
                .filter(|v| *v < max)
                .ok_or_else(err)
        };
        let (hours, minutes, seconds) = match (days, parts.as_slice()) {
            (Some(_), [h, m, s]) => (small(h, 24)?, small(m, 60)?, small(s, 60)?),
            (None, [h, m, s]) => (
                number::<u64>(h, "hours").map_err(|_| err())?,
                small(m, 60)?,
                small(s, 60)?,
            ),
            (None, [m, s]) => (
                0,
                number::<u64>(m, "minutes").map_err(|_| err())?,
                small(s, 60)?,
            ),
            _ => return Err(err()),
        };
        days.unwrap_or(0)
            .checked_mul(24)
            .and_then(|h| h.checked_add(hours))
            .and_then(|h| h.checked_mul(60))
            .and_then(|m| m.checked_add(minutes))
            .and_then(|m| m.checked_mul(60))
            .and_then(|s| s.checked_add(seconds))
            .map(SlurmDuration::Seconds)
            .ok_or_else(err)
    }

    /// A time limit as `sacct -c` prints it: bare minutes (`2`), or anything
    /// [`SlurmDuration::parse`] reads (`UNLIMITED`; full `sacct` prints `01:00:00`).
    pub fn parse_limit_minutes(text: &str) -> Result<Self, ParseError> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return number::<u64>(text, "time limit")?
                .checked_mul(60)
                .map(SlurmDuration::Seconds)
                .ok_or_else(|| ParseError::new(ParseErrorKind::Number, text));
        }
        Self::parse(text)
    }

    /// The number of seconds, if it is one.
    pub fn seconds(self) -> Option<u64> {
        match self {
            SlurmDuration::Seconds(seconds) => Some(seconds),
            _ => None,
        }
    }
}

/// As `squeue` prints it: `0:05`, `1:02:03`, `2-03:04:05`, `UNLIMITED`, ...
impl fmt::Display for SlurmDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlurmDuration::Seconds(seconds) => f.write_str(&format_duration(*seconds)),
            SlurmDuration::Unlimited => f.write_str("UNLIMITED"),
            SlurmDuration::PartitionLimit => f.write_str("Partition_Limit"),
            SlurmDuration::NotSet => f.write_str("NOT_SET"),
            SlurmDuration::Invalid => f.write_str("INVALID"),
        }
    }
}

/// Reads a Slurm duration into seconds: `Some` for a time, `None` for `UNLIMITED`, `INVALID`,
/// `NOT_SET`, `N/A` and `Partition_Limit`, an error for anything else.
pub fn parse_duration(text: &str) -> Result<Option<u64>, ParseError> {
    SlurmDuration::parse(text).map(SlurmDuration::seconds)
}

/// Seconds the way `squeue` prints them: `0:05`, `59:59`, `1:02:03`, `2-03:04:05`.
pub fn format_duration(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hours, minutes, secs) = (rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 {
        format!("{days}-{hours:02}:{minutes:02}:{secs:02}")
    } else if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

/// A date and time as Slurm prints it by default (`2026-11-29T02:56:25`, local time of the
/// controller, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Year, for example 2026.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 60.
    pub second: u8,
}

impl Timestamp {
    /// Reads `YYYY-MM-DDTHH:MM:SS`; `N/A`, `NONE`, `None`, `Unknown` and empty text are
    /// `Ok(None)` (Slurm's ways of saying "no time").
    pub fn parse(text: &str) -> Result<Option<Timestamp>, ParseError> {
        if matches!(text, "" | "N/A" | "NONE" | "None" | "Unknown") {
            return Ok(None);
        }
        let err = || ParseError::new(ParseErrorKind::Timestamp, text);
        let b = text.as_bytes();
        let shape = b.len() == 19
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return Err(err());
        }
        let n = |from: usize, to: usize| text[from..to].parse::<u16>().map_err(|_| err());
        let small = |from: usize, to: usize, min: u16, max: u16| {
            n(from, to).and_then(|v| {
                if (min..=max).contains(&v) {
                    u8::try_from(v).map_err(|_| err())
                } else {
                    Err(err())
                }
            })
        };
        Ok(Some(Timestamp {
            year: n(0, 4)?,
            month: small(5, 7, 1, 12)?,
            day: small(8, 10, 1, 31)?,
            hour: small(11, 13, 0, 23)?,
            minute: small(14, 16, 0, 59)?,
            second: small(17, 19, 0, 60)?,
        }))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// A job's exit code as Slurm prints it: `status:signal`, for example `3:0` (exit 3) or `0:15`
/// (ended by SIGTERM, as after `scancel` or a time limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExitCode {
    /// The exit status (0 to 255).
    pub status: u32,
    /// The signal that ended it, 0 if none.
    pub signal: u32,
}

impl ExitCode {
    /// Reads `status:signal`.
    pub fn parse(text: &str) -> Result<ExitCode, ParseError> {
        let err = || ParseError::new(ParseErrorKind::ExitCode, text);
        let (status, signal) = text.split_once(':').ok_or_else(err)?;
        Ok(ExitCode {
            status: number(status, "exit status").map_err(|_| err())?,
            signal: number(signal, "signal").map_err(|_| err())?,
        })
    }

    /// Exit status 0 and no signal.
    pub fn is_success(self) -> bool {
        self.status == 0 && self.signal == 0
    }
}

impl fmt::Display for ExitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.status, self.signal)
    }
}

// ---------------------------------------------------------------------------------------------
// Job states

/// A Slurm job state: every base state and every state flag Slurm 22.05 prints in place of
/// one (`squeue %T`, `scontrol` `JobState=`, `sacct` `State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// `PENDING` (`PD`): waiting to start.
    Pending,
    /// `RUNNING` (`R`).
    Running,
    /// `SUSPENDED` (`S`): running, but suspended.
    Suspended,
    /// `COMPLETING` (`CG`): ended; processes or epilogs are still finishing on its nodes.
    Completing,
    /// `COMPLETED` (`CD`): ended with exit status 0.
    Completed,
    /// `CONFIGURING` (`CF`): nodes allocated, being readied (`PrologSlurmctld`, boot).
    Configuring,
    /// `CANCELLED` (`CA`); `sacct` prints `CANCELLED by <uid>`.
    Cancelled,
    /// `FAILED` (`F`): non-zero exit, or could not start.
    Failed,
    /// `TIMEOUT` (`TO`): reached its time limit.
    Timeout,
    /// `PREEMPTED` (`PR`).
    Preempted,
    /// `NODE_FAIL` (`NF`): a node of the job failed.
    NodeFail,
    /// `BOOT_FAIL` (`BF`): a node failed to boot.
    BootFail,
    /// `DEADLINE` (`DL`): reached its `--deadline`.
    Deadline,
    /// `OUT_OF_MEMORY` (`OOM`).
    OutOfMemory,
    /// `REQUEUED` (`RQ`): being requeued.
    Requeued,
    /// `RESIZING` (`RS`).
    Resizing,
    /// `REVOKED` (`RV`): a federated sibling ran it instead.
    Revoked,
    /// `SIGNALING` (`SI`): being signalled.
    Signaling,
    /// `SPECIAL_EXIT` (`SE`): requeued in a held state after a special exit.
    SpecialExit,
    /// `STAGE_OUT` (`SO`): staging out burst-buffer data after it ended.
    StageOut,
    /// `STOPPED` (`ST`): sent SIGSTOP; keeps its allocation.
    Stopped,
    /// `REQUEUE_HOLD` (`RH`): requeued, then held.
    RequeueHold,
    /// `REQUEUE_FED` (`RF`): requeued by the federation.
    RequeueFed,
    /// `RESV_DEL_HOLD` (`RD`): held because its reservation was deleted.
    ResvDelHold,
}

const STATE_NAMES: [(JobState, &str, &str); 24] = [
    (JobState::Pending, "PENDING", "PD"),
    (JobState::Running, "RUNNING", "R"),
    (JobState::Suspended, "SUSPENDED", "S"),
    (JobState::Completing, "COMPLETING", "CG"),
    (JobState::Completed, "COMPLETED", "CD"),
    (JobState::Configuring, "CONFIGURING", "CF"),
    (JobState::Cancelled, "CANCELLED", "CA"),
    (JobState::Failed, "FAILED", "F"),
    (JobState::Timeout, "TIMEOUT", "TO"),
    (JobState::Preempted, "PREEMPTED", "PR"),
    (JobState::NodeFail, "NODE_FAIL", "NF"),
    (JobState::BootFail, "BOOT_FAIL", "BF"),
    (JobState::Deadline, "DEADLINE", "DL"),
    (JobState::OutOfMemory, "OUT_OF_MEMORY", "OOM"),
    (JobState::Requeued, "REQUEUED", "RQ"),
    (JobState::Resizing, "RESIZING", "RS"),
    (JobState::Revoked, "REVOKED", "RV"),
    (JobState::Signaling, "SIGNALING", "SI"),
    (JobState::SpecialExit, "SPECIAL_EXIT", "SE"),
    (JobState::StageOut, "STAGE_OUT", "SO"),
    (JobState::Stopped, "STOPPED", "ST"),
    (JobState::RequeueHold, "REQUEUE_HOLD", "RH"),
    (JobState::RequeueFed, "REQUEUE_FED", "RF"),
    (JobState::ResvDelHold, "RESV_DEL_HOLD", "RD"),
];

impl JobState {
    /// Every state, in Slurm's order.
    pub const ALL: [JobState; 24] = {
        let mut all = [JobState::Pending; 24];
        let mut i = 0;
        while i < 24 {
            all[i] = STATE_NAMES[i].0;
            i += 1;
        }
        all
    };

    fn names(self) -> (&'static str, &'static str) {
        STATE_NAMES
            .iter()
            .find(|(state, ..)| *state == self)
            .map_or(("", ""), |&(_, long, short)| (long, short))
    }

    /// The name Slurm prints, for example `NODE_FAIL`.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    /// The compact code of `squeue %t`, for example `NF`.
    pub fn compact(self) -> &'static str {
        self.names().1
    }

    /// Reads a state: the long name (`PENDING`), the compact code (`PD`), or `sacct`'s
    /// `CANCELLED by 1000`. See [`JobState::parse_with_canceller`] for the uid.
    pub fn parse(text: &str) -> Result<JobState, ParseError> {
        Self::parse_with_canceller(text).map(|(state, _)| state)
    }

    /// Like [`JobState::parse`], also returning the uid of `CANCELLED by <uid>`.
    pub fn parse_with_canceller(text: &str) -> Result<(JobState, Option<u32>), ParseError> {
        let err = || ParseError::new(ParseErrorKind::JobState, text).field("state");
        if let Some(uid) = text.strip_prefix("CANCELLED by ") {
            let uid = number::<u32>(uid, "uid").map_err(|_| err())?;
            return Ok((JobState::Cancelled, Some(uid)));
        }
        STATE_NAMES
            .iter()
            .find(|(_, long, short)| text == *long || text == *short)
            .map(|&(state, ..)| (state, None))
            .ok_or_else(err)
    }

    /// Ended for good: Slurm will not run it again unless someone requeues it
    /// (`COMPLETED`, `CANCELLED`, `FAILED`, `TIMEOUT`, `PREEMPTED`, `NODE_FAIL`, `BOOT_FAIL`,
    /// `DEADLINE`, `OUT_OF_MEMORY`, `REVOKED`).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Completed
                | JobState::Cancelled
                | JobState::Failed
                | JobState::Timeout
                | JobState::Preempted
                | JobState::NodeFail
                | JobState::BootFail
                | JobState::Deadline
                | JobState::OutOfMemory
                | JobState::Revoked
        )
    }

    /// Holds an allocation now: `RUNNING`, `SUSPENDED`, `STOPPED`, `CONFIGURING`,
    /// `COMPLETING`, `SIGNALING`, `RESIZING`, `STAGE_OUT`. A `COMPLETING` job has ended but
    /// still holds its nodes.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            JobState::Running
                | JobState::Suspended
                | JobState::Stopped
                | JobState::Configuring
                | JobState::Completing
                | JobState::Signaling
                | JobState::Resizing
                | JobState::StageOut
        )
    }

    /// Waiting to (re)start, maybe held: `PENDING`, `REQUEUED`, `REQUEUE_HOLD`,
    /// `REQUEUE_FED`, `RESV_DEL_HOLD`, `SPECIAL_EXIT`. Every state is exactly one of
    /// pending, active and finished.
    pub fn is_pending(self) -> bool {
        !self.is_finished() && !self.is_active()
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        JobState::parse(text)
    }
}

// ---------------------------------------------------------------------------------------------
// sbatch

/// Reads `sbatch --parsable` output: `<jobid>` or `<jobid>;<cluster>` (with `-M`), one line.
/// Returns the job id (digits) and the cluster.
pub fn parse_sbatch_parsable(stdout: &str) -> Result<(String, Option<String>), ParseError> {
    let mut lines = stdout.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = lines
        .next()
        .ok_or_else(|| ParseError::new(ParseErrorKind::Empty, ""))?;
    if lines.next().is_some() {
        return Err(ParseError::new(ParseErrorKind::TrailingText, stdout.trim()));
    }
    let (id, cluster) = match line.split_once(';') {
        Some((id, cluster)) => (id, Some(cluster)),
        None => (line, None),
    };
    let id: u32 = number(id, "job id")?;
    if id == 0 {
        return Err(ParseError::new(ParseErrorKind::JobId, line).field("job id"));
    }
    let cluster = match cluster {
        Some(c)
            if !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            Some(c.to_string())
        }
        Some(c) => return Err(ParseError::new(ParseErrorKind::Name, c).field("cluster")),
        None => None,
    };
    Ok((id.to_string(), cluster))
}

/// Why `sbatch` refused a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbatchErrorKind {
    /// No such partition (`Invalid partition name specified`).
    InvalidPartition,
    /// The partition is inactive or draining, or closed to the user's group.
    PartitionUnavailable,
    /// The account or the account/partition pair is not allowed
    /// (`Invalid account or account/partition combination specified`).
    InvalidAccount,
    /// `Invalid qos specification`.
    InvalidQos,
    /// A QOS or association limit refuses it at submit time
    /// (`Job violates accounting/QOS policy ...`).
    AccountingPolicy,
    /// No node can satisfy the request: too many GPUs (`gpu:9`), CPUs or memory per node
    /// (`Requested node configuration is not available`).
    NodeConfigUnavailable,
    /// A GRES name Slurm does not know (`Invalid generic resource (gres) specification`).
    InvalidGres,
    /// The time limit exceeds the partition's (or QOS's) maximum
    /// (`Requested time limit is invalid (missing or exceeds some limit)`).
    TimeLimit,
    /// More nodes than the partition has or allows (`Node count specification invalid`).
    NodeCount,
    /// sbatch could not reach slurmctld (`Unable to contact slurm controller`).
    ControllerUnreachable,
    /// sbatch found no usable Slurm configuration (`Could not establish a configuration
    /// source`).
    Configuration,
    /// Anything else; the message says what.
    Other,
}

impl SbatchErrorKind {
    /// A stable identifier, for example `invalid-partition`.
    pub fn as_str(self) -> &'static str {
        match self {
            SbatchErrorKind::InvalidPartition => "invalid-partition",
            SbatchErrorKind::PartitionUnavailable => "partition-unavailable",
            SbatchErrorKind::InvalidAccount => "invalid-account",
            SbatchErrorKind::InvalidQos => "invalid-qos",
            SbatchErrorKind::AccountingPolicy => "accounting-policy",
            SbatchErrorKind::NodeConfigUnavailable => "node-config-unavailable",
            SbatchErrorKind::InvalidGres => "invalid-gres",
            SbatchErrorKind::TimeLimit => "time-limit",
            SbatchErrorKind::NodeCount => "node-count",
            SbatchErrorKind::ControllerUnreachable => "controller-unreachable",
            SbatchErrorKind::Configuration => "configuration",
            SbatchErrorKind::Other => "other",
        }
    }

    /// Where to look next, in one sentence: the Slurm command that shows the facts behind
    /// the refusal. It names no fix, because the fix depends on the site.
    pub fn hint(self) -> &'static str {
        match self {
            SbatchErrorKind::InvalidPartition => "`sinfo -s` lists this cluster's partitions",
            SbatchErrorKind::PartitionUnavailable => {
                "`sinfo -s` shows each partition's state, and `scontrol show partition NAME` who may use it"
            }
            SbatchErrorKind::InvalidAccount => {
                "`sacctmgr show assoc user=$USER format=account,partition` lists your accounts, and `scontrol show partition NAME` the accounts a partition allows"
            }
            SbatchErrorKind::InvalidQos => {
                "`sacctmgr show assoc user=$USER format=account,qos` lists the QOS you may use"
            }
            SbatchErrorKind::AccountingPolicy => {
                "`sacctmgr show assoc user=$USER` and `sacctmgr show qos` show the limits that apply"
            }
            SbatchErrorKind::NodeConfigUnavailable => {
                "`sinfo -o '%P %D %c %m %G'` shows the CPUs, memory and GRES of each partition's nodes"
            }
            SbatchErrorKind::InvalidGres => {
                "`sinfo -o '%P %G'` shows the GRES (such as gpu) of each partition's nodes"
            }
            SbatchErrorKind::TimeLimit => "`sinfo -o '%P %l'` shows each partition's time limit",
            SbatchErrorKind::NodeCount => {
                "`sinfo -o '%P %D %s'` shows each partition's node count and job size limits"
            }
            SbatchErrorKind::ControllerUnreachable => {
                "`scontrol ping` shows whether the Slurm controller answers"
            }
            SbatchErrorKind::Configuration => {
                "the Slurm tools need SLURM_CONF, /etc/slurm/slurm.conf or a configless DNS record"
            }
            SbatchErrorKind::Other => "Slurm's message says what it refused",
        }
    }
}

impl fmt::Display for SbatchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Slurm's messages (from `src/common/slurm_errno.c` and sbatch itself) and what they mean.
/// The first match in the message wins; the message is the text after
/// `Batch job submission failed: ` when there is one.
const SBATCH_MESSAGES: &[(&str, SbatchErrorKind)] = &[
    (
        "Invalid partition name specified",
        SbatchErrorKind::InvalidPartition,
    ),
    (
        "invalid partition specified",
        SbatchErrorKind::InvalidPartition,
    ),
    (
        "No partition specified or system default partition",
        SbatchErrorKind::InvalidPartition,
    ),
    (
        "Required partition not available (inactive or drain)",
        SbatchErrorKind::PartitionUnavailable,
    ),
    (
        "Requested partition configuration not available now",
        SbatchErrorKind::PartitionUnavailable,
    ),
    (
        "User's group not permitted to use this partition",
        SbatchErrorKind::PartitionUnavailable,
    ),
    (
        "Invalid account or account/partition combination specified",
        SbatchErrorKind::InvalidAccount,
    ),
    ("Invalid qos specification", SbatchErrorKind::InvalidQos),
    (
        "Job violates accounting/QOS policy",
        SbatchErrorKind::AccountingPolicy,
    ),
    (
        "Requested account has breached requested QOS usage threshold",
        SbatchErrorKind::AccountingPolicy,
    ),
    (
        "Requested time limit is invalid",
        SbatchErrorKind::TimeLimit,
    ),
    (
        "Node count specification invalid",
        SbatchErrorKind::NodeCount,
    ),
    (
        "Requested node configuration is not available",
        SbatchErrorKind::NodeConfigUnavailable,
    ),
    (
        "More processors requested than permitted",
        SbatchErrorKind::NodeConfigUnavailable,
    ),
    (
        "Memory required by task is not available",
        SbatchErrorKind::NodeConfigUnavailable,
    ),
    (
        "Invalid generic resource (gres) specification",
        SbatchErrorKind::InvalidGres,
    ),
    (
        "Unable to contact slurm controller",
        SbatchErrorKind::ControllerUnreachable,
    ),
    (
        "Socket timed out on send/recv operation",
        SbatchErrorKind::ControllerUnreachable,
    ),
    (
        "Slurm backup controller in standby mode",
        SbatchErrorKind::ControllerUnreachable,
    ),
    (
        "Could not establish a configuration source",
        SbatchErrorKind::Configuration,
    ),
    (
        "Unable to process configuration file",
        SbatchErrorKind::Configuration,
    ),
];

/// A refused `sbatch`, classified, with Slurm's own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbatchFailure {
    /// What kind of refusal.
    pub kind: SbatchErrorKind,
    /// Slurm's message: the text after `Batch job submission failed: `, or else the last
    /// `sbatch: fatal:`/`sbatch: error:` line without that prefix.
    pub message: String,
    /// sbatch's exit status; `None` when a signal ended it.
    pub exit_code: Option<i32>,
    /// The whole standard error, trimmed.
    pub stderr: String,
}

impl fmt::Display for SbatchFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sbatch refused the job: {}", self.message)
    }
}

impl std::error::Error for SbatchFailure {}

fn classify_message(message: &str) -> SbatchErrorKind {
    SBATCH_MESSAGES
        .iter()
        .find(|(text, _)| message.contains(text))
        .map_or(SbatchErrorKind::Other, |&(_, kind)| kind)
}

/// Classifies a failed `sbatch` from its standard error and exit status (`None`: ended by a
/// signal). Slurm's message is kept as it is.
pub fn classify_sbatch_error(stderr: &str, exit_code: Option<i32>) -> SbatchFailure {
    const SUBMIT_FAILED: &str = "Batch job submission failed: ";
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let submit = lines
        .iter()
        .rev()
        .find_map(|l| l.split_once(SUBMIT_FAILED).map(|(_, m)| m.trim()));
    let strip = |l: &&str| -> Option<String> {
        ["sbatch: fatal: ", "sbatch: error: "]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .map(|m| m.trim().to_string())
    };
    let fatal = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("sbatch: fatal: "))
        .and_then(strip);
    let error = lines.iter().rev().find_map(strip);
    let message = submit
        .map(str::to_string)
        .or(fatal)
        .or(error)
        .or_else(|| lines.last().map(|l| (*l).to_string()))
        .unwrap_or_else(|| match exit_code {
            Some(code) => format!("sbatch exited with status {code} and printed nothing"),
            None => "sbatch was ended by a signal and printed nothing".to_string(),
        });
    let mut kind = classify_message(&message);
    if kind == SbatchErrorKind::Other {
        kind = lines
            .iter()
            .map(|l| classify_message(l))
            .find(|k| *k != SbatchErrorKind::Other)
            .unwrap_or(SbatchErrorKind::Other);
    }
    SbatchFailure {
        kind,
        message,
        exit_code,
        stderr: stderr.trim().to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Failures of squeue, scontrol and sacct

/// Why a query (`squeue`, `scontrol show job`, `sacct`) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryFailure {
    /// `Invalid job id specified`: slurmctld does not know the job (any more: finished jobs
    /// are forgotten after `MinJobAge`). `squeue -j` says so only when asked about one id;
    /// asked about several unknown ids it prints nothing and succeeds.
    InvalidJobId,
    /// `Slurm accounting storage is disabled`: `sacct` without `-c` on a cluster without
    /// slurmdbd (exit status 1).
    AccountingDisabled,
    /// The controller did not answer.
    ControllerUnreachable,
    /// The tool was ended by a signal (`sacct -c` crashes on some job names, see the module
    /// documentation).
    Crashed,
    /// Anything else: the last line of standard error.
    Other(String),
}

/// Whether a query's standard error says the job id is unknown.
pub fn is_invalid_job_id(stderr: &str) -> bool {
    stderr.contains("Invalid job id specified")
}

/// Whether `sacct`'s standard error says accounting storage is disabled.
pub fn is_accounting_disabled(stderr: &str) -> bool {
    stderr.contains("Slurm accounting storage is disabled")
}

/// Classifies a failed `squeue`, `scontrol` or `sacct` from its standard error and exit
/// status (`None`: ended by a signal).
pub fn classify_query_failure(stderr: &str, exit_code: Option<i32>) -> QueryFailure {
    if is_invalid_job_id(stderr) {
        QueryFailure::InvalidJobId
    } else if is_accounting_disabled(stderr) {
        QueryFailure::AccountingDisabled
    } else if stderr.contains("Unable to contact slurm controller")
        || stderr.contains("Socket timed out on send/recv operation")
    {
        QueryFailure::ControllerUnreachable
    } else if exit_code.is_none() {
        QueryFailure::Crashed
    } else {
        let last = stderr.lines().map(str::trim).rfind(|l| !l.is_empty());
        QueryFailure::Other(last.unwrap_or("").to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Records ending with their own job id (squeue, sacct)

/// Most lines one record may span (a job name with newlines).
const MAX_RECORD_LINES: usize = 32;

/// Splits `record` into `fixed` `|`-separated fields, the name (which may contain `|`), and
/// checks that the last field repeats the first.
fn split_record(record: &str, fixed: usize) -> Result<(Vec<&str>, &str), ParseError> {
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
fn parse_records<T>(
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

fn optional(text: &str, none: &[&str]) -> Option<String> {
    (!text.is_empty() && !none.contains(&text)).then(|| text.to_string())
}

// ---------------------------------------------------------------------------------------------
// squeue

/// The `squeue -o` format [`parse_squeue`] reads: job id, state, reason, elapsed, time limit,
/// node count, partition, user, submit time, start time, end time, node list, GRES per node,
/// reason-or-node-list, name, and the job id again. Use it with `--noheader` (and `-t all` to
/// see finished jobs that slurmctld still remembers).
pub const SQUEUE_FORMAT: &str = "%i|%T|%r|%M|%l|%D|%P|%u|%V|%S|%e|%N|%b|%R|%j|%i";

/// Fields of [`SQUEUE_FORMAT`] before the name.
const SQUEUE_FIXED: usize = 14;

/// One job as `squeue -o` [`SQUEUE_FORMAT`] prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// `%i`: `42`, or `42_7` / `42_[1-5]` for arrays, `42+0` for heterogeneous jobs.
    pub job_id: String,
    /// `%T`.
    pub state: JobState,
    /// `%r`: why it waits (`None` for a running job), or how it ended.
    pub reason: PendingReason,
    /// `%M`: time used, in seconds; `None` for `INVALID`.
    pub elapsed: Option<u64>,
    /// `%l`.
    pub time_limit: SlurmDuration,
    /// `%D`: nodes allocated, or requested while pending.
    pub nodes: u32,
    /// `%P`.
    pub partition: String,
    /// `%u`.
    pub user: String,
    /// `%V`: submitted (reset by a requeue).
    pub submit_time: Option<Timestamp>,
    /// `%S`: started, or expected to start (pending).
    pub start_time: Option<Timestamp>,
    /// `%e`: ended, or expected to end (its time limit); `None` when unknown.
    pub end_time: Option<Timestamp>,
    /// `%N`: allocated nodes (a hostlist expression); `None` when there are none.
    pub nodelist: Option<String>,
    /// `%b`: GRES per node as asked, for example `gres:gpu:8`; `None` for `N/A`.
    pub gres: Option<String>,
    /// `%R`: the node list when it runs, `(Reason)` when it waits or failed, and empty for
    /// a job cancelled while pending.
    pub reason_or_nodelist: String,
    /// `%j`: the job name, exactly (it may contain `|`, spaces or newlines).
    pub name: String,
}

impl QueueEntry {
    /// The job id as a number, unless it names an array task or a het job component.
    pub fn id(&self) -> Option<u32> {
        self.job_id.parse().ok()
    }
}

/// Reads one record of [`SQUEUE_FORMAT`] (a newline inside belongs to the job name).
pub fn parse_squeue_record(record: &str) -> Result<QueueEntry, ParseError> {
    let (f, name) = split_record(record, SQUEUE_FIXED)?;
    let at = |e: ParseError, field| e.field(field);
    Ok(QueueEntry {
        job_id: job_id(f[0])?,
        state: JobState::parse(f[1]).map_err(|e| at(e, "state"))?,
        reason: PendingReason::parse(f[2]),
        elapsed: parse_duration(f[3]).map_err(|e| at(e, "elapsed"))?,
        time_limit: SlurmDuration::parse(f[4]).map_err(|e| at(e, "time limit"))?,
        nodes: number(f[5], "nodes")?,
        partition: f[6].to_string(),
        user: f[7].to_string(),
        submit_time: Timestamp::parse(f[8]).map_err(|e| at(e, "submit time"))?,
        start_time: Timestamp::parse(f[9]).map_err(|e| at(e, "start time"))?,
        end_time: Timestamp::parse(f[10]).map_err(|e| at(e, "end time"))?,
        nodelist: optional(f[11], &["(null)", "None assigned"]),
        gres: optional(f[12], &["N/A", "(null)"]),
        reason_or_nodelist: f[13].to_string(),
        name: name.to_string(),
    })
}

/// Reads `squeue --noheader -o` [`SQUEUE_FORMAT`] output; fails on the first bad record.
pub fn parse_squeue(output: &str) -> Result<Vec<QueueEntry>, ParseError> {
    let (entries, errors) = parse_squeue_lenient(output);
    errors.into_iter().next().map_or(Ok(entries), Err)
}

/// Reads `squeue --noheader -o` [`SQUEUE_FORMAT`] output, skipping bad records: the good
/// entries, and an error (with its line number) for each bad line.
pub fn parse_squeue_lenient(output: &str) -> (Vec<QueueEntry>, Vec<ParseError>) {
    parse_records(output, parse_squeue_record)
}

// ---------------------------------------------------------------------------------------------
// sacct

/// The `sacct -o` format [`parse_sacct`] reads, with `--noheader --parsable2`, from full
/// accounting (add `-X` for jobs without their steps) and from `sacct -c` (jobcomp/filetxt,
/// which supports every field here). It has no time fields, because `sacct -c` crashes on them
/// when one job name in the jobcomp file holds a newline, and no work directory, which may
/// contain `|`. The job id comes again at the end.
pub const SACCT_FORMAT: &str = "jobid,state,exitcode,derivedexitcode,elapsed,nnodes,ncpus,nodelist,partition,timelimit,jobname,jobid";

/// The format for `sacct -c`: the same as [`SACCT_FORMAT`].
pub const SACCT_JOBCOMP_FORMAT: &str = SACCT_FORMAT;

/// Fields of [`SACCT_FORMAT`] before the name.
const SACCT_FIXED: usize = 10;

/// One job (or step) as `sacct -o` [`SACCT_FORMAT`] prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountingEntry {
    /// `42`, `42_7`, or a step such as `42.batch` (full `sacct` without `-X`).
    pub job_id: String,
    /// The state. A requeued job shows up more than once in `sacct -c`, first as `PENDING`.
    pub state: JobState,
    /// The uid of `CANCELLED by <uid>` (full `sacct` only).
    pub cancelled_by: Option<u32>,
    /// `status:signal`.
    pub exit_code: ExitCode,
    /// The highest exit code of the job's steps.
    pub derived_exit_code: ExitCode,
    /// Seconds it ran; `None` for `INVALID`.
    pub elapsed: Option<u64>,
    /// Nodes; 0 for a job that never started.
    pub nodes: u32,
    /// CPUs.
    pub cpus: u32,
    /// Nodes it ran on; `None` for `(null)` or `None assigned`.
    pub nodelist: Option<String>,
    /// Partition.
    pub partition: String,
    /// Time limit (`sacct -c` prints minutes, full `sacct` a duration, and nothing for a
    /// step: [`SlurmDuration::NotSet`]).
    pub time_limit: SlurmDuration,
    /// The job name; `sacct -c` cuts it at its first space.
    pub name: String,
}

impl AccountingEntry {
    /// The job id as a number, unless it names an array task, a het component or a step.
    pub fn id(&self) -> Option<u32> {
        self.job_id.parse().ok()
    }
}

/// Reads one record of [`SACCT_FORMAT`] (a newline inside belongs to the job name).
pub fn parse_sacct_record(record: &str) -> Result<AccountingEntry, ParseError> {
    let (f, name) = split_record(record, SACCT_FIXED)?;
    if f[1].is_empty() {
        // sacct -c lost the state: a job name or work directory with a space
        return Err(ParseError::new(ParseErrorKind::MissingValue, record).field("state"));
    }
    let (state, cancelled_by) = JobState::parse_with_canceller(f[1])?;
    Ok(AccountingEntry {
        job_id: job_id(f[0])?,
        state,
        cancelled_by,
        exit_code: ExitCode::parse(f[2]).map_err(|e| e.field("exit code"))?,
        derived_exit_code: ExitCode::parse(f[3]).map_err(|e| e.field("derived exit code"))?,
        elapsed: parse_duration(f[4]).map_err(|e| e.field("elapsed"))?,
        nodes: number(f[5], "nodes")?,
        cpus: number(f[6], "cpus")?,
        nodelist: optional(f[7], &["(null)", "None assigned"]),
        partition: f[8].to_string(),
        // full sacct prints no time limit for steps
        time_limit: match f[9] {
            "" => SlurmDuration::NotSet,
            limit => {
                SlurmDuration::parse_limit_minutes(limit).map_err(|e| e.field("time limit"))?
            }
        },
        name: name.to_string(),
    })
}

/// Reads `sacct [-c] --noheader --parsable2 -o` [`SACCT_FORMAT`] output; fails on the first
/// bad record. With `sacct -c`, prefer [`parse_sacct_lenient`]: any user's job name with a
/// space spoils that job's record.
pub fn parse_sacct(output: &str) -> Result<Vec<AccountingEntry>, ParseError> {
    let (entries, errors) = parse_sacct_lenient(output);
    errors.into_iter().next().map_or(Ok(entries), Err)
}

/// Reads `sacct [-c] --noheader --parsable2 -o` [`SACCT_FORMAT`] output, skipping bad
/// records: the good entries, and an error (with its line number) for each bad line.
pub fn parse_sacct_lenient(output: &str) -> (Vec<AccountingEntry>, Vec<ParseError>) {
    parse_records(output, parse_sacct_record)
}

// ---------------------------------------------------------------------------------------------
// scontrol show job -o

/// The keys `scontrol show job -o` prints in Slurm 22.05, in the order it prints them
/// (`slurm_sprint_job_info()`; most are optional).
const SCONTROL_JOB_KEYS: &[&str] = &[
    "JobId",
    "ArrayJobId",
    "ArrayTaskId",
    "ArrayTaskThrottle",
    "HetJobId",
    "HetJobOffset",
    "JobName",
    "HetJobIdSet",
    "UserId",
    "GroupId",
    "MCS_label",
    "Priority",
    "Nice",
    "Account",
    "QOS",
    "WCKey",
    "JobState",
    "Reason",
    "Dependency",
    "Requeue",
    "Restarts",
    "BatchFlag",
    "Reboot",
    "ExitCode",
    "DerivedExitCode",
    "RunTime",
    "TimeLimit",
    "TimeMin",
    "SubmitTime",
    "EligibleTime",
    "AccrueTime",
    "ResizeTime",
    "StartTime",
    "EndTime",
    "Deadline",
    "CronJob",
    "CrontabSpec",
    "PreemptEligibleTime",
    "PreemptTime",
    "SuspendTime",
    "SecsPreSuspend",
    "LastSchedEval",
    "Scheduler",
    "FedOrigin",
    "FedViableSiblings",
    "FedActiveSiblings",
    "Partition",
    "AllocNode:Sid",
    "ReqNodeList",
    "ExcNodeList",
    "NodeList",
    "SchedNodeList",
    "BatchFeatures",
    "BatchHost",
    "NumNodes",
    "NumCPUs",
    "NumTasks",
    "CPUs/Task",
    "ReqB:S:C:T",
    "TRES",
    "Socks/Node",
    "NtasksPerN:B:S:C",
    "CoreSpec",
    "ThreadSpec",
    "JOB_GRES",
    "MinCPUsNode",
    "MinMemoryNode",
    "MinMemoryCPU",
    "MinTmpDiskNode",
    "Features",
    "DelayBoot",
    "ClusterFeatures",
    "Prefer",
    "Reservation",
    "OverSubscribe",
    "Contiguous",
    "Licenses",
    "Network",
    "Command",
    "WorkDir",
    "AdminComment",
    "SystemComment",
    "Comment",
    "StdErr",
    "StdIn",
    "StdOut",
    "Switches",
    "BurstBuffer",
    "BurstBufferState",
    "Power",
    "GresEnforceBind",
    "KillOInInvalidDependent",
    "SpreadJob",
    "CpusPerTres",
    "MemPerTres",
    "TresBind",
    "TresFreq",
    "TresPerJob",
    "TresPerNode",
    "TresPerSocket",
    "TresPerTask",
    "MailUser",
    "MailType",
    "NtasksPerTRES",
    "Container",
    "SELinuxContext",
];

/// Keys whose values are free text, which may contain spaces and `Key=` text; an unknown key
/// inside one of them is part of the value.
const FREE_TEXT_KEYS: &[&str] = &[
    "JobName",
    "Command",
    "WorkDir",
    "AdminComment",
    "SystemComment",
    "Comment",
    "StdErr",
    "StdIn",
    "StdOut",
    "BurstBuffer",
    "BurstBufferState",
    "CrontabSpec",
    "MailUser",
    "Container",
    "SELinuxContext",
];

/// One job as `scontrol show job -o` prints it: its `Key=Value` pairs, in order, with typed
/// accessors for the ones hybridctl uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScontrolJob {
    fields: Vec<(String, String)>,
}

/// Where a key could start: after a space (or at 0), `[A-Za-z][A-Za-z0-9_:/]*=`. Returns
/// (start of key, the key, start of value).
fn key_candidates(line: &str) -> Vec<(usize, &str, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    for start in 0..bytes.len() {
        if start > 0 && bytes[start - 1] != b' ' {
            continue;
        }
        if !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_:/".contains(b))
            .count();
        if bytes.get(start + len) == Some(&b'=') {
            out.push((start, &line[start..start + len], start + len + 1));
        }
    }
    out
}

/// Indices (into `ranks`) of a longest strictly increasing subsequence; O(n log n).
fn longest_increasing(ranks: &[usize]) -> Vec<usize> {
    // tails[k]: index of the smallest tail of an increasing run of length k + 1
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; ranks.len()];
    for (i, &rank) in ranks.iter().enumerate() {
        let k = tails.partition_point(|&t| ranks[t] < rank);
        previous[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        out.push(i);
        at = previous[i];
    }
    out.reverse();
    out
}

impl ScontrolJob {
    /// Reads one job's line of `scontrol show job -o` (a newline inside belongs to a value,
    /// such as a job name). Values lose trailing spaces (`scontrol` pads some).
    pub fn parse(line: &str) -> Result<ScontrolJob, ParseError> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if line.trim().is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty, line));
        }
        if !line.starts_with("JobId=") {
            return Err(ParseError::new(ParseErrorKind::KeyValue, line).field("JobId"));
        }
        let candidates = key_candidates(line);
        let rank = |key: &str| SCONTROL_JOB_KEYS.iter().position(|k| *k == key);
        // the known keys that form the longest run in Slurm's order; JobId (rank 0) first
        let known: Vec<usize> = (1..candidates.len())
            .filter(|&i| rank(candidates[i].1).is_some_and(|r| r > 0))
            .collect();
        let ranks: Vec<usize> = known
            .iter()
            .map(|&i| rank(candidates[i].1).unwrap_or(0))
            .collect();
        let mut accepted = vec![false; candidates.len()];
        accepted[0] = true;
        for k in longest_increasing(&ranks) {
            accepted[known[k]] = true;
        }
        // an unknown key starts a field too, unless it sits inside a free-text value
        let mut current = candidates[0].1;
        for (i, candidate) in candidates.iter().enumerate().skip(1) {
            if accepted[i] {
                current = candidate.1;
            } else if rank(candidate.1).is_none() && !FREE_TEXT_KEYS.contains(&current) {
                accepted[i] = true;
                current = candidate.1;
            }
        }
        let starts: Vec<&(usize, &str, usize)> = candidates
            .iter()
            .zip(&accepted)
            .filter_map(|(c, a)| a.then_some(c))
            .collect();
        let mut fields = Vec::with_capacity(starts.len());
        for (n, &&(_, key, value_start)) in starts.iter().enumerate() {
            let end = starts.get(n + 1).map_or(line.len(), |next| next.0);
            let value = line[value_start..end].trim_end_matches(' ');
            fields.push((key.to_string(), value.to_string()));
        }
        let job = ScontrolJob { fields };
        let id = job.get("JobId").unwrap_or("");
        if !is_job_id(id) || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new(ParseErrorKind::JobId, id).field("JobId"));
        }
        Ok(job)
    }

    /// Every `Key=Value` pair, in Slurm's order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of `key` (the first, if it repeats).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn require(&self, key: &'static str) -> Result<&str, ParseError> {
        self.get(key)
            .ok_or_else(|| ParseError::new(ParseErrorKind::MissingKey, "").field(key))
    }

    /// `JobId`: digits (checked when parsed).
    pub fn job_id(&self) -> &str {
        self.get("JobId").unwrap_or("")
    }

    /// `JobName`.
    pub fn name(&self) -> Option<&str> {
        self.get("JobName")
    }

    /// `JobState`.
    pub fn state(&self) -> Result<JobState, ParseError> {
        JobState::parse(self.require("JobState")?).map_err(|e| e.field("JobState"))
    }

    /// `Reason` (`scontrol` writes `_` for spaces; [`PendingReason::parse`] reads both).
    pub fn reason(&self) -> Option<PendingReason> {
        self.get("Reason").map(PendingReason::parse)
    }

    /// `ExitCode`.
    pub fn exit_code(&self) -> Result<ExitCode, ParseError> {
        ExitCode::parse(self.require("ExitCode")?).map_err(|e| e.field("ExitCode"))
    }

    /// `NodeList`: `None` when empty or `(null)` (a pending job).
    pub fn node_list(&self) -> Option<&str> {
        self.get("NodeList")
            .filter(|v| !v.is_empty() && *v != "(null)")
    }

    /// `TimeLimit`.
    pub fn time_limit(&self) -> Result<SlurmDuration, ParseError> {
        SlurmDuration::parse(self.require("TimeLimit")?).map_err(|e| e.field("TimeLimit"))
    }

    /// `RunTime` in seconds; `None` for `INVALID`.
    pub fn run_time(&self) -> Result<Option<u64>, ParseError> {
        parse_duration(self.require("RunTime")?).map_err(|e| e.field("RunTime"))
    }

    /// `NumNodes`: the count, or the minimum of a pending job's range (`1-1`, `2-4`).
    pub fn num_nodes(&self) -> Result<u32, ParseError> {
        let value = self.require("NumNodes")?;
        let min = value.split_once('-').map_or(value, |(min, _)| min);
        number(min, "NumNodes")
    }

    /// `NumCPUs`: the count, or the minimum of a range.
    pub fn num_cpus(&self) -> Result<u32, ParseError> {
        let value = self.require("NumCPUs")?;
        let min = value.split_once('-').map_or(value, |(min, _)| min);
        number(min, "NumCPUs")
    }

    /// `TRES` as `(name, amount)` pairs, for example `("cpu", "2")`, `("gres/gpu", "16")`.
    /// Only TRES listed in `AccountingStorageTRES` appear; GPUs often do not.
    pub fn tres(&self) -> Result<Vec<(&str, &str)>, ParseError> {
        let value = self.require("TRES")?;
        if value.is_empty() || value == "(null)" {
            return Ok(Vec::new());
        }
        value
            .split(',')
            .map(|pair| {
                pair.split_once('=')
                    .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                    .ok_or_else(|| ParseError::new(ParseErrorKind::KeyValue, value).field("TRES"))
            })
            .collect()
    }

    /// `TresPerNode` as asked, for example `gres:gpu:8`; `None` when the job asked for none.
    pub fn tres_per_node(&self) -> Option<&str> {
        self.get("TresPerNode")
            .filter(|v| !v.is_empty() && *v != "(null)")
    }

    /// GPUs per node from `TresPerNode` (`gres:gpu:8`, `gres:gpu:a100:8`, `gres/gpu:8`,
    /// `gres/gpu=8`); `None` when the job asked for none or the text is not understood.
    pub fn gpus_per_node(&self) -> Option<u32> {
        self.tres_per_node()?.split(',').find_map(|item| {
            let item = item
                .strip_prefix("gres:gpu")
                .or_else(|| item.strip_prefix("gres/gpu"))?;
            if !item.starts_with([':', '=']) {
                return None;
            }
            item.rsplit([':', '=']).next()?.parse().ok()
        })
    }
}

/// Reads `scontrol show job -o` output with any number of jobs (an array job prints one line
/// per task). A line that does not start with `JobId=` continues the line before it (a job
/// name or comment with a newline).
pub fn parse_scontrol_jobs(output: &str) -> Result<Vec<ScontrolJob>, ParseError> {
    let mut records: Vec<(usize, String)> = Vec::new();
    for (n, line) in output.trim_end_matches('\n').split('\n').enumerate() {
        match records.last_mut() {
            Some((_, record)) if !line.starts_with("JobId=") => {
                record.push('\n');
                record.push_str(line);
            }
            _ if line.is_empty() => {}
            _ => records.push((n + 1, line.to_string())),
        }
    }
    records
        .iter()
        .map(|(n, record)| ScontrolJob::parse(record).map_err(|e| e.line(*n)))
        .collect()
}

/// Reads `scontrol show job -o ID` output for one job; an error unless it has exactly one.
pub fn parse_scontrol_job(output: &str) -> Result<ScontrolJob, ParseError> {
    let mut jobs = parse_scontrol_jobs(output)?;
    match jobs.len() {
        1 => Ok(jobs.remove(0)),
        0 => Err(ParseError::new(ParseErrorKind::Empty, output)),
        _ => Err(ParseError::new(ParseErrorKind::JobCount, output)),
    }
}

// ---------------------------------------------------------------------------------------------
// scontrol show config

/// The value of `key` in `scontrol show config` output (`KillWait                = 5 sec`),
/// trimmed.
pub fn config_value<'a>(output: &'a str, key: &str) -> Option<&'a str> {
    output.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim())
    })
}

/// `KillWait` in seconds, from `scontrol show config` output (`KillWait = 5 sec`).
pub fn parse_kill_wait(output: &str) -> Option<u64> {
    let value = config_value(output, "KillWait")?;
    let number = value.strip_suffix(" sec").unwrap_or(value);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::reasons::ReasonGroup;
    use super::*;

    /// A recorded fixture, byte for byte (`tests/fixtures/slurm/`, see `record.sh` there).
    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/slurm/",
                $name
            ))
        };
    }

    /// The exit status a fixture's `.source` file records.
    macro_rules! fixture_exit {
        ($name:literal) => {
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/slurm/",
                $name,
                ".source"
            ))
            .lines()
            .find_map(|l| l.strip_prefix("exit: "))
            .and_then(|v| v.parse::<i32>().ok())
        };
    }

    fn ts(text: &str) -> Option<Timestamp> {
        Timestamp::parse(text).expect("timestamp")
    }

    // --- small values ---------------------------------------------------------------------

    #[test]
    fn durations_in_every_slurm_form() {
        let ok = [
            ("0:00", Some(0)),
            ("0:05", Some(5)),
            ("1:20", Some(80)),
            ("59:59", Some(3599)),
            ("1:02:03", Some(3723)),
            ("00:01:00", Some(60)),
            ("00:00:04", Some(4)),
            ("2-03:04:05", Some(2 * 86_400 + 3 * 3600 + 4 * 60 + 5)),
            ("1-00:00:00", Some(86_400)),
            ("UNLIMITED", None),
            ("INFINITE", None),
            ("INVALID", None),
            ("NOT_SET", None),
            ("N/A", None),
            ("Partition_Limit", None),
        ];
        for (text, seconds) in ok {
            assert_eq!(parse_duration(text).expect(text), seconds, "{text}");
        }
        assert_eq!(
            SlurmDuration::parse("UNLIMITED"),
            Ok(SlurmDuration::Unlimited)
        );
        assert_eq!(
            SlurmDuration::parse("Partition_Limit"),
            Ok(SlurmDuration::PartitionLimit)
        );
        assert_eq!(SlurmDuration::parse("INVALID"), Ok(SlurmDuration::Invalid));
        assert_eq!(SlurmDuration::parse("NOT_SET"), Ok(SlurmDuration::NotSet));
        for bad in [
            "",
            "5",
            "-5",
            ":",
            "1:",
            ":05",
            "0:5",
            "0:60",
            "1:60:00",
            "1-24:00:00",
            "1-02:03",
            "1-2:03:04",
            "a:bc",
            "1:02:03:04",
            "+1:00",
            " 1:00",
            "1:00 ",
            "１:００",
            "1--1:00:00",
            "99999999999999999999:00",
            "213503982334602-00:00:00",
            "unlimited",
            "0x1:00",
        ] {
            let e = parse_duration(bad).expect_err(bad);
            assert_eq!(e.kind(), ParseErrorKind::Duration, "{bad}");
        }
    }

    #[test]
    fn durations_format_the_way_squeue_prints_them() {
        for (seconds, text) in [
            (0, "0:00"),
            (5, "0:05"),
            (80, "1:20"),
            (3599, "59:59"),
            (3600, "1:00:00"),
            (86_399, "23:59:59"),
            (86_400, "1-00:00:00"),
            (2 * 86_400 + 3723, "2-01:02:03"),
        ] {
            assert_eq!(format_duration(seconds), text);
            assert_eq!(SlurmDuration::Seconds(seconds).to_string(), text);
            assert_eq!(parse_duration(text), Ok(Some(seconds)));
        }
        assert_eq!(SlurmDuration::Unlimited.to_string(), "UNLIMITED");
        assert_eq!(format_duration(u64::MAX).split('-').count(), 2);
    }

    #[test]
    fn sacct_time_limits_are_minutes() {
        assert_eq!(
            SlurmDuration::parse_limit_minutes("2"),
            Ok(SlurmDuration::Seconds(120))
        );
        assert_eq!(
            SlurmDuration::parse_limit_minutes("UNLIMITED"),
            Ok(SlurmDuration::Unlimited)
        );
        assert_eq!(
            SlurmDuration::parse_limit_minutes("01:00:00"),
            Ok(SlurmDuration::Seconds(3600))
        );
        assert!(SlurmDuration::parse_limit_minutes("").is_err());
        assert!(SlurmDuration::parse_limit_minutes("307445734561825861").is_err());
    }

    #[test]
    fn timestamps() {
        let t = ts("2026-11-29T02:56:25").expect("some");
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2026, 11, 29, 2, 56, 25)
        );
        assert_eq!(t.to_string(), "2026-11-29T02:56:25");
        assert!(ts("2026-11-29T02:56:25") < ts("2026-11-29T02:56:26"));
        for none in ["", "N/A", "NONE", "None", "Unknown"] {
            assert_eq!(Timestamp::parse(none), Ok(None), "{none}");
        }
        for bad in [
            "2026-11-29 02:56:25",
            "2026-13-29T02:56:25",
            "2026-00-29T02:56:25",
            "2026-11-32T02:56:25",
            "2026-11-29T24:00:00",
            "2026-11-29T02:60:00",
            "2026-11-29T02:56:61",
            "2026-11-29T02:56",
            "2026-11-29T02:56:25Z",
            "２026-11-29T02:56:25",
            "now+1hour",
            "Tue 03:08",
        ] {
            let e = Timestamp::parse(bad).expect_err(bad);
            assert_eq!(e.kind(), ParseErrorKind::Timestamp, "{bad}");
        }
    }

    #[test]
    fn exit_codes() {
        assert_eq!(
            ExitCode::parse("3:0"),
            Ok(ExitCode {
                status: 3,
                signal: 0
            })
        );
        let killed = ExitCode::parse("0:15").expect("0:15");
        assert_eq!((killed.status, killed.signal), (0, 15));
        assert!(!killed.is_success());
        assert!(ExitCode::parse("0:0").expect("0:0").is_success());
        assert_eq!(killed.to_string(), "0:15");
        for bad in [
            "",
            "3",
            ":",
            "3:",
            ":0",
            "-1:0",
            "a:b",
            "3:0:0",
            "99999999999:0",
        ] {
            assert_eq!(
                ExitCode::parse(bad).map_err(|e| e.kind()),
                Err(ParseErrorKind::ExitCode),
                "{bad}"
            );
        }
    }

    #[test]
    fn job_ids() {
        for good in [
            "1",
            "42",
            "4294967295",
            "42_7",
            "42_[1-5]",
            "42_[1-5%2]",
            "42_[1,3,5-7]",
            "42+0",
            "42.batch",
            "42.extern",
            "42.0",
            "42_7.batch",
            "42+1.0",
        ] {
            assert!(is_job_id(good), "{good}");
        }
        for bad in [
            "",
            "0",
            "00",
            "_1",
            "a",
            "42_",
            "42.",
            "42 ",
            " 42",
            "42|42",
            "42_[1-5]x|",
            "-1",
            "42.ba tch",
            "４２",
            "42\n",
        ] {
            assert!(!is_job_id(bad), "{bad:?}");
        }
    }

    // --- job states -----------------------------------------------------------------------

    #[test]
    fn every_state_parses_by_name_and_code() {
        let names = [
            "PENDING",
            "RUNNING",
            "SUSPENDED",
            "COMPLETING",
            "COMPLETED",
            "CONFIGURING",
            "CANCELLED",
            "FAILED",
            "TIMEOUT",
            "PREEMPTED",
            "NODE_FAIL",
            "BOOT_FAIL",
            "DEADLINE",
            "OUT_OF_MEMORY",
            "REQUEUED",
            "RESIZING",
            "REVOKED",
            "SIGNALING",
            "SPECIAL_EXIT",
            "STAGE_OUT",
            "STOPPED",
            "REQUEUE_HOLD",
            "REQUEUE_FED",
            "RESV_DEL_HOLD",
        ];
        assert_eq!(JobState::ALL.len(), names.len());
        for (state, name) in JobState::ALL.iter().zip(names) {
            assert_eq!(state.as_str(), name);
            assert_eq!(JobState::parse(name), Ok(*state));
            assert_eq!(name.parse::<JobState>(), Ok(*state));
            assert_eq!(JobState::parse(state.compact()), Ok(*state));
            assert_eq!(state.to_string(), name);
            let phases = [state.is_pending(), state.is_active(), state.is_finished()];
            assert_eq!(phases.iter().filter(|p| **p).count(), 1, "{name}");
        }
        assert_eq!(JobState::parse("PD"), Ok(JobState::Pending));
        assert_eq!(JobState::parse("CG"), Ok(JobState::Completing));
        assert_eq!(JobState::parse("OOM"), Ok(JobState::OutOfMemory));
        assert_eq!(JobState::parse("S"), Ok(JobState::Suspended));
        assert_eq!(JobState::parse("ST"), Ok(JobState::Stopped));
    }

    #[test]
    fn cancelled_by_a_user() {
        assert_eq!(
            JobState::parse_with_canceller("CANCELLED by 0"),
            Ok((JobState::Cancelled, Some(0)))
        );
        assert_eq!(
            JobState::parse_with_canceller("CANCELLED by 1000"),
            Ok((JobState::Cancelled, Some(1000)))
        );
        assert_eq!(JobState::parse("CANCELLED by 0"), Ok(JobState::Cancelled));
        assert_eq!(
            JobState::parse_with_canceller("CANCELLED"),
            Ok((JobState::Cancelled, None))
        );
        for bad in [
            "",
            "pending",
            "Pending",
            "CANCELLED+",
            "CANCELLED by",
            "CANCELLED by root",
            "CANCELLED by -1",
            "RUNNING ",
            " RUNNING",
            "UNKNOWN",
            "P",
            "RUNNING by 0",
        ] {
            assert_eq!(
                JobState::parse(bad).map_err(|e| e.kind()),
                Err(ParseErrorKind::JobState),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_phases_of_states() {
        use JobState as S;
        for s in [
            S::Completed,
            S::Cancelled,
            S::Failed,
            S::Timeout,
            S::Preempted,
            S::NodeFail,
            S::BootFail,
            S::Deadline,
            S::OutOfMemory,
            S::Revoked,
        ] {
            assert!(s.is_finished() && !s.is_active() && !s.is_pending(), "{s}");
        }
        for s in [
            S::Running,
            S::Suspended,
            S::Stopped,
            S::Configuring,
            S::Completing,
            S::Signaling,
            S::Resizing,
            S::StageOut,
        ] {
            assert!(s.is_active(), "{s}");
        }
        for s in [
            S::Pending,
            S::Requeued,
            S::RequeueHold,
            S::RequeueFed,
            S::ResvDelHold,
            S::SpecialExit,
        ] {
            assert!(s.is_pending(), "{s}");
        }
    }

    // --- errors ---------------------------------------------------------------------------

    #[test]
    fn errors_say_where_and_cut_long_text() {
        let long = format!("{}é", "x".repeat(ParseError::MAX_TEXT - 1));
        let e = parse_squeue(&format!("1|nope|{long}")).expect_err("bad");
        assert_eq!(e.line_number(), Some(1));
        assert!(e.text().len() <= ParseError::MAX_TEXT + '…'.len_utf8());
        assert!(e.text().ends_with('…'));
        let e = JobState::parse("WAITING\n").expect_err("bad");
        assert_eq!(
            e.to_string(),
            "state: not a Slurm job state in `WAITING\\n`"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("WAITING"));
    }

    // --- sbatch ---------------------------------------------------------------------------

    #[test]
    fn sbatch_parsable_fixture() {
        assert_eq!(fixture_exit!("sbatch-parsable.stdout"), Some(0));
        assert_eq!(
            parse_sbatch_parsable(fixture!("sbatch-parsable.stdout")),
            Ok(("1".to_string(), None))
        );
    }

    #[test]
    fn sbatch_parsable_with_a_cluster_and_garbage() {
        assert_eq!(
            parse_sbatch_parsable("4242;gpu-west\n"),
            Ok(("4242".to_string(), Some("gpu-west".to_string())))
        );
        assert_eq!(parse_sbatch_parsable("  17 \n\n"), Ok(("17".into(), None)));
        for bad in [
            "",
            "\n",
            "0\n",
            "abc\n",
            "12 34\n",
            "12\n13\n",
            "12;\n",
            "12;a b\n",
            "12;x;y\n",
            "-1\n",
            "4294967296\n",
            "Submitted batch job 12\n",
            "sbatch: error: Batch job submission failed: Invalid partition name specified\n",
        ] {
            assert!(parse_sbatch_parsable(bad).is_err(), "{bad:?}");
        }
    }

    macro_rules! sbatch_case {
        ($name:literal, $kind:ident, $message:literal) => {
            (
                $name,
                fixture!($name),
                fixture_exit!($name),
                SbatchErrorKind::$kind,
                $message,
            )
        };
    }

    #[test]
    fn sbatch_refusals_recorded_from_slurm() {
        let cases = [
            sbatch_case!(
                "sbatch-invalid-partition.stderr",
                InvalidPartition,
                "Invalid partition name specified"
            ),
            sbatch_case!(
                "sbatch-gres-gpu9.stderr",
                NodeConfigUnavailable,
                "Requested node configuration is not available"
            ),
            sbatch_case!(
                "sbatch-gpus-per-node9.stderr",
                NodeConfigUnavailable,
                "Requested node configuration is not available"
            ),
            sbatch_case!(
                "sbatch-memory.stderr",
                NodeConfigUnavailable,
                "Requested node configuration is not available"
            ),
            sbatch_case!(
                "sbatch-too-many-cpus.stderr",
                NodeConfigUnavailable,
                "More processors requested than permitted"
            ),
            sbatch_case!(
                "sbatch-nodes3.stderr",
                NodeCount,
                "Node count specification invalid"
            ),
            sbatch_case!(
                "sbatch-partition-max-nodes.stderr",
                NodeCount,
                "Node count specification invalid"
            ),
            sbatch_case!(
                "sbatch-time-over-partition-max.stderr",
                TimeLimit,
                "Requested time limit is invalid (missing or exceeds some limit)"
            ),
            sbatch_case!(
                "sbatch-partition-inactive.stderr",
                PartitionUnavailable,
                "Required partition not available (inactive or drain)"
            ),
            sbatch_case!(
                "sbatch-partition-drain.stderr",
                PartitionUnavailable,
                "Required partition not available (inactive or drain)"
            ),
            sbatch_case!(
                "sbatch-account-not-allowed.stderr",
                InvalidAccount,
                "Invalid account or account/partition combination specified"
            ),
            sbatch_case!(
                "sbatch-invalid-gres-name.stderr",
                InvalidGres,
                "Invalid generic resource (gres) specification"
            ),
            sbatch_case!(
                "sbatch-controller-down.stderr",
                ControllerUnreachable,
                "Unable to contact slurm controller (connect failure)"
            ),
            sbatch_case!(
                "sbatch-no-config.stderr",
                Configuration,
                "Could not establish a configuration source"
            ),
            sbatch_case!(
                "sbatch-invalid-reservation.stderr",
                Other,
                "Requested reservation is invalid"
            ),
            sbatch_case!(
                "sbatch-invalid-feature.stderr",
                Other,
                "Invalid feature specification"
            ),
            sbatch_case!(
                "sbatch-invalid-nodename.stderr",
                Other,
                "Invalid node name specified"
            ),
            sbatch_case!(
                "sbatch-invalid-time-option.stderr",
                Other,
                "Invalid --time specification"
            ),
            // written by hand from Slurm 22.05's message table (see their .source files)
            sbatch_case!(
                "sbatch-invalid-qos.stderr",
                InvalidQos,
                "Invalid qos specification"
            ),
            sbatch_case!(
                "sbatch-accounting-policy.stderr",
                AccountingPolicy,
                "Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)"
            ),
        ];
        for (name, stderr, exit, kind, message) in cases {
            let expected_exit = if name.contains("time-option") { 255 } else { 1 };
            assert_eq!(exit, Some(expected_exit), "{name}");
            let failure = classify_sbatch_error(stderr, exit);
            assert_eq!(failure.kind, kind, "{name}");
            assert_eq!(failure.message, message, "{name}");
            assert_eq!(failure.exit_code, exit);
            assert_eq!(failure.stderr, stderr.trim());
            assert_eq!(
                failure.to_string(),
                format!("sbatch refused the job: {message}")
            );
            assert!(!kind.hint().is_empty() && !kind.as_str().is_empty());
        }
    }

    #[test]
    fn sbatch_refusals_without_the_usual_shape() {
        let f = classify_sbatch_error("", Some(1));
        assert_eq!(f.kind, SbatchErrorKind::Other);
        assert_eq!(f.message, "sbatch exited with status 1 and printed nothing");
        let f = classify_sbatch_error("", None);
        assert_eq!(
            f.message,
            "sbatch was ended by a signal and printed nothing"
        );
        let f = classify_sbatch_error("something odd\n", Some(1));
        assert_eq!(
            (f.kind, f.message.as_str()),
            (SbatchErrorKind::Other, "something odd")
        );
        // the kind comes from any line when the main message says nothing known
        let f = classify_sbatch_error(
            "sbatch: error: Unable to contact slurm controller (connect failure)\nsbatch: error: x\n",
            Some(1),
        );
        assert_eq!(f.kind, SbatchErrorKind::ControllerUnreachable);
        assert_eq!(f.message, "x");
        // a warning before the refusal does not hide it
        let f = classify_sbatch_error(
            "sbatch: warning: something\nsbatch: error: Batch job submission failed: Invalid qos specification\n",
            Some(1),
        );
        assert_eq!(f.kind, SbatchErrorKind::InvalidQos);
    }

    #[test]
    fn the_fixtures_were_recorded_with_these_formats() {
        let script = fixture!("record.sh");
        assert!(script.contains(&format!("\nSQUEUE_FORMAT='{SQUEUE_FORMAT}'\n")));
        assert!(script.contains(&format!("\nSACCT_FORMAT='{SACCT_FORMAT}'\n")));
        assert!(fixture!("squeue-pending.txt.source").contains(SQUEUE_FORMAT));
        assert!(fixture!("sacct-c.txt.source").contains(SACCT_FORMAT));
    }

    // --- squeue ---------------------------------------------------------------------------

    fn by_id<'a>(entries: &'a [QueueEntry], id: &str) -> &'a QueueEntry {
        entries
            .iter()
            .find(|e| e.job_id == id)
            .unwrap_or_else(|| panic!("no job {id}"))
    }

    #[test]
    fn squeue_pending_fixture() {
        let text = fixture!("squeue-pending.txt");
        let entries = parse_squeue(text).expect("parses");
        let ids: Vec<&str> = entries.iter().map(|e| e.job_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "18", "12", "13", "14", "15", "19", "20", "21", "22", "23", "17", "16", "9", "11"
            ]
        );
        let expect = [
            (
                "18",
                "PartitionDown",
                ReasonGroup::ReservationOrMaintenance,
                "closedpart",
            ),
            (
                "12",
                "Resources",
                ReasonGroup::ResourcesOrPriority,
                "needs gpus",
            ),
            (
                "13",
                "Priority",
                ReasonGroup::ResourcesOrPriority,
                "pipe|in name",
            ),
            ("14", "BeginTime", ReasonGroup::Other, "later"),
            ("15", "Dependency", ReasonGroup::Dependency, "after"),
            (
                "19",
                "Reservation",
                ReasonGroup::ReservationOrMaintenance,
                "inresv",
            ),
            ("20", "BeginTime", ReasonGroup::Other, "two\nlines"),
            ("21", "BeginTime", ReasonGroup::Other, "ünïcödé ✓"),
            ("22", "BeginTime", ReasonGroup::Other, "  spaces  around  "),
            (
                "23",
                "BeginTime",
                ReasonGroup::Other,
                "name JobState=COMPLETED",
            ),
            ("17", "JobHeldAdmin", ReasonGroup::Held, "adminheld"),
            ("16", "JobHeldUser", ReasonGroup::Held, "userheld"),
        ];
        for (id, code, group, name) in expect {
            let e = by_id(&entries, id);
            assert_eq!(e.state, JobState::Pending, "{id}");
            assert_eq!(e.reason.code(), Some(code), "{id}");
            assert_eq!(e.reason.group(), group, "{id}");
            assert_eq!(e.reason_or_nodelist, format!("({code})"));
            assert_eq!(e.name, name);
            assert_eq!(
                (e.elapsed, e.nodes, e.nodelist.as_deref()),
                (Some(0), 1, None)
            );
            assert_eq!(e.time_limit, SlurmDuration::Unlimited);
            assert_eq!(e.user, "root");
            assert_eq!(e.submit_time, ts("2026-11-29T03:11:21"));
            assert_eq!(e.id().map(|n| n.to_string()).as_deref(), Some(id));
        }
        let closed = by_id(&entries, "18");
        assert_eq!(closed.partition, "closed");
        assert_eq!(closed.reason.to_string(), "its partition is down");
        let resources = by_id(&entries, "12");
        assert_eq!(resources.gres.as_deref(), Some("gres:gpu:8"));
        assert_eq!((resources.start_time, resources.end_time), (None, None));
        let later = by_id(&entries, "14");
        assert_eq!(later.start_time, ts("2026-11-29T04:11:21"));
        assert_eq!((later.end_time, later.gres.as_deref()), (None, None));
        let timeout = by_id(&entries, "9");
        assert_eq!(timeout.state, JobState::Running);
        assert!(timeout.reason.is_no_reason());
        assert_eq!(timeout.elapsed, Some(4));
        assert_eq!(timeout.time_limit, SlurmDuration::Seconds(60));
        assert_eq!(timeout.nodelist.as_deref(), Some("node1"));
        assert_eq!(timeout.reason_or_nodelist, "node1");
        assert_eq!(timeout.start_time, ts("2026-11-29T03:11:20"));
        assert_eq!(timeout.end_time, ts("2026-11-29T03:12:20"));
        assert_eq!(timeout.name, "times out");
        let holder = by_id(&entries, "11");
        assert_eq!((holder.state, holder.nodes), (JobState::Running, 2));
        assert_eq!(holder.nodelist.as_deref(), Some("node[1-2]"));
        assert_eq!(holder.gres.as_deref(), Some("gres:gpu:8"));
        assert_eq!((holder.elapsed, holder.end_time), (Some(3), None));
    }

    #[test]
    fn squeue_transient_states_fixture() {
        let entries = parse_squeue(fixture!("squeue-transient.txt")).expect("parses");
        let got: Vec<(&str, JobState)> = entries
            .iter()
            .map(|e| (e.job_id.as_str(), e.state))
            .collect();
        assert_eq!(
            got,
            [
                ("29", JobState::Configuring),
                ("28", JobState::Completing),
                ("15", JobState::Pending),
                ("27", JobState::Pending),
                ("24", JobState::Suspended),
                ("26", JobState::SpecialExit),
                ("25", JobState::Stopped),
            ]
        );
        for id in ["29", "28", "24", "25"] {
            let e = by_id(&entries, id);
            assert!(e.state.is_active(), "{id}");
            assert_eq!(e.nodelist.as_deref(), Some("node2"));
            assert!(e.reason.is_no_reason());
        }
        assert_eq!(by_id(&entries, "28").end_time, ts("2026-11-29T03:11:33"));
        let never = by_id(&entries, "15");
        assert_eq!(never.reason.code(), Some("DependencyNeverSatisfied"));
        assert_eq!(never.reason.group(), ReasonGroup::Dependency);
        for id in ["27", "26"] {
            let e = by_id(&entries, id);
            assert!(e.state.is_pending(), "{id}");
            assert_eq!(e.reason.raw(), "job requeued in held state");
            assert_eq!(e.reason.group(), ReasonGroup::Held);
            assert_eq!(e.reason_or_nodelist, "(job requeued in held state)");
            // a requeue resets the submit time and delays the start
            assert_eq!(e.submit_time, ts("2026-11-29T03:11:32"));
            assert_eq!(e.start_time, ts("2026-11-29T03:13:32"));
        }
    }

    #[test]
    fn squeue_unavailable_nodes_fixture() {
        let entries = parse_squeue(fixture!("squeue-unavailable.txt")).expect("parses");
        assert_eq!(entries.len(), 2);
        let drained = by_id(&entries, "30");
        assert_eq!(drained.reason.code(), Some("ReqNodeNotAvail"));
        assert_eq!(drained.reason.unavailable_nodes(), Some("node2"));
        assert_eq!(
            drained.reason.group(),
            ReasonGroup::ReservationOrMaintenance
        );
        let reserved = by_id(&entries, "31");
        assert_eq!(
            reserved.reason.detail(),
            Some("May be reserved for other job")
        );
        assert_eq!(
            reserved.reason.to_string(),
            "the nodes it needs may be reserved for another job"
        );
        assert_eq!(reserved.start_time, ts("2026-11-29T05:12:01"));
    }

    #[test]
    fn squeue_finished_fixture() {
        let entries = parse_squeue(fixture!("squeue-finished.txt")).expect("parses");
        assert_eq!(entries.len(), 29);
        assert!(entries.iter().all(|e| e.state.is_finished()));
        let count = |s: JobState| entries.iter().filter(|e| e.state == s).count();
        assert_eq!(count(JobState::Cancelled), 21);
        assert_eq!(count(JobState::Completed), 2);
        assert_eq!(count(JobState::Failed), 4);
        assert_eq!(count(JobState::Deadline), 1);
        assert_eq!(count(JobState::Timeout), 1);
        let timeout = by_id(&entries, "9");
        assert_eq!(timeout.reason.code(), Some("TimeLimit"));
        assert_eq!(
            (timeout.elapsed, timeout.time_limit),
            (Some(80), SlurmDuration::Seconds(60))
        );
        assert_eq!(timeout.end_time, ts("2026-11-29T03:12:40"));
        assert_eq!(timeout.reason_or_nodelist, "(TimeLimit)");
        let deadline = by_id(&entries, "10");
        assert_eq!(deadline.reason.code(), Some("DeadLine"));
        assert_eq!(deadline.time_limit, SlurmDuration::Seconds(120));
        // refused at submit (exit 1), yet a FAILED job record exists
        let refused = by_id(&entries, "2");
        assert_eq!(refused.state, JobState::Failed);
        assert_eq!(refused.reason.code(), Some("BadConstraints"));
        assert_eq!(refused.gres.as_deref(), Some("gres:gpu:9"));
        assert_eq!(refused.nodelist, None);
        assert_eq!(by_id(&entries, "8").reason.code(), Some("NonZeroExitCode"));
        // a job cancelled while pending keeps its reason, but %R is empty
        let closed = by_id(&entries, "18");
        assert_eq!(closed.reason.code(), Some("PartitionDown"));
        assert_eq!(closed.reason_or_nodelist, "");
        assert_eq!(by_id(&entries, "20").name, "two\nlines");
        assert_eq!(by_id(&entries, "13").name, "pipe|in name");
    }

    #[test]
    fn squeue_empty_and_unknown_job_fixtures() {
        assert_eq!(parse_squeue(fixture!("squeue-empty.txt")), Ok(Vec::new()));
        assert_eq!(fixture_exit!("squeue-empty.txt"), Some(0));
        for (stderr, exit) in [
            (
                fixture!("squeue-invalid-job.stderr"),
                fixture_exit!("squeue-invalid-job.stderr"),
            ),
            (
                fixture!("scontrol-invalid-job.stderr"),
                fixture_exit!("scontrol-invalid-job.stderr"),
            ),
        ] {
            assert_eq!(exit, Some(1));
            assert!(is_invalid_job_id(stderr));
            assert_eq!(
                classify_query_failure(stderr, exit),
                QueryFailure::InvalidJobId
            );
        }
    }

    #[test]
    fn squeue_records_split_by_newlines_are_joined_and_spoofs_fail() {
        let row = |id: &str, name: &str| {
            format!(
                "{id}|RUNNING|None|0:04|1:00|1|gpu|root|2026-11-29T03:11:20|2026-11-29T03:11:20|NONE|node1|N/A|node1|{name}|{id}"
            )
        };
        // a name that carries a fake row of another job stays one name
        let fake = row("99", "fake");
        let text = format!("{}\n{}\n", row("5", &format!("a\n{fake}")), row("6", "b"));
        let entries = parse_squeue(&text).expect("parses");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].name, format!("a\n{fake}"));
        assert_eq!(entries[1].job_id, "6");
        // a record cut short is an error, and the next one still parses
        let text = format!("{}\n{}\n", &row("5", "x")[..40], row("6", "b"));
        let (entries, errors) = parse_squeue_lenient(&text);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].job_id, "6");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line_number(), Some(1));
        assert_eq!(
            parse_squeue(&text).map_err(|e| e.line_number()),
            Err(Some(1))
        );
        // a trailing id that differs is not a record
        let bad = row("5", "x").replace("|x|5", "|x|6");
        assert_eq!(
            parse_squeue_record(&bad).map_err(|e| e.kind()),
            Err(ParseErrorKind::Unterminated)
        );
        // CRLF endings are not Slurm's
        assert!(parse_squeue(&format!("{}\r\n", row("5", "x"))).is_err());
    }

    // --- sacct ----------------------------------------------------------------------------

    fn acct<'a>(entries: &'a [AccountingEntry], id: &str, state: JobState) -> &'a AccountingEntry {
        entries
            .iter()
            .find(|e| e.job_id == id && e.state == state)
            .unwrap_or_else(|| panic!("no job {id} {state}"))
    }

    #[test]
    fn sacct_jobcomp_fixture() {
        let text = fixture!("sacct-c.txt");
        assert_eq!(fixture_exit!("sacct-c.txt"), Some(0));
        let (entries, errors) = parse_sacct_lenient(text);
        assert_eq!(entries.len(), 25);
        // records spoiled by names with spaces or a newline: 21, 20, 0, 13, 22, 12, 9
        let bad_lines: Vec<Option<usize>> = errors.iter().map(ParseError::line_number).collect();
        assert_eq!(bad_lines, [10, 13, 14, 15, 16, 18, 32].map(Some).to_vec());
        assert!(
            errors
                .iter()
                .all(|e| e.kind() == ParseErrorKind::MissingValue)
        );
        assert!(errors.iter().all(|e| e.field_name() == Some("state")));
        let strict = parse_sacct(text).expect_err("strict");
        assert_eq!(strict.line_number(), Some(10));

        let failed = acct(&entries, "8", JobState::Failed);
        assert_eq!(
            failed.exit_code,
            ExitCode {
                status: 3,
                signal: 0
            }
        );
        assert_eq!(
            failed.derived_exit_code,
            ExitCode {
                status: 0,
                signal: 0
            }
        );
        assert_eq!((failed.nodes, failed.cpus), (1, 1));
        assert_eq!(failed.nodelist.as_deref(), Some("node1"));
        assert_eq!(failed.time_limit, SlurmDuration::Unlimited);
        assert_eq!(
            (failed.name.as_str(), failed.partition.as_str()),
            ("fails", "gpu")
        );
        let refused = acct(&entries, "2", JobState::Failed);
        assert_eq!(
            refused.exit_code,
            ExitCode {
                status: 0,
                signal: 1
            }
        );
        assert_eq!((refused.nodes, refused.nodelist.as_deref()), (0, None));
        let deadline = acct(&entries, "10", JobState::Deadline);
        assert_eq!(deadline.time_limit, SlurmDuration::Seconds(120));
        let holder = acct(&entries, "11", JobState::Cancelled);
        assert_eq!((holder.elapsed, holder.nodes, holder.cpus), (Some(3), 2, 2));
        assert_eq!(holder.nodelist.as_deref(), Some("node[1-2]"));
        assert_eq!(holder.cancelled_by, None);
        assert_eq!(acct(&entries, "1", JobState::Completed).name, "hybrid-ok");
        assert_eq!(
            acct(&entries, "18", JobState::Cancelled).partition,
            "closed"
        );
        // a requeued job: first a PENDING record (when requeued), then the final one
        acct(&entries, "26", JobState::Pending);
        acct(&entries, "26", JobState::Cancelled);
        let name_cut = acct(&entries, "23", JobState::Cancelled);
        assert_eq!(name_cut.name, "name");
    }

    #[test]
    fn sacct_failures_fixtures() {
        let stderr = fixture!("sacct-disabled.stderr");
        assert_eq!(fixture_exit!("sacct-disabled.stderr"), Some(1));
        assert!(is_accounting_disabled(stderr));
        assert_eq!(
            classify_query_failure(stderr, Some(1)),
            QueryFailure::AccountingDisabled
        );
        // `sacct -c` with time fields and a job name with a newline in the file: SIGSEGV
        // (bash reports 139); a spawned process sees no exit status
        let stderr = fixture!("sacct-c-time-fields.stderr");
        assert_eq!(fixture_exit!("sacct-c-time-fields.stderr"), Some(139));
        assert_eq!(classify_query_failure(stderr, None), QueryFailure::Crashed);
        // the warnings sacct -c prints for spoiled records, with exit status 0
        let stderr = fixture!("sacct-c.stderr");
        assert_eq!(fixture_exit!("sacct-c.stderr"), Some(0));
        assert_eq!(stderr.lines().count(), 7);
        assert!(
            stderr
                .lines()
                .all(|l| l.starts_with("sacct: error: Unknown type "))
        );
        assert_eq!(
            classify_query_failure(stderr, Some(0)),
            QueryFailure::Other("sacct: error: Unknown type out JobState: TIMEOUT".into())
        );
        assert_eq!(
            classify_query_failure(
                "squeue: error: Unable to contact slurm controller (connect failure)\n",
                Some(1)
            ),
            QueryFailure::ControllerUnreachable
        );
    }

    #[test]
    fn sacct_full_accounting_rows() {
        // the same format from full accounting (slurmdbd): `CANCELLED by`, steps, durations
        let text = "42|CANCELLED by 1000|0:15|0:0|00:10:00|2|32|gpu[01-02]|gpu|01:00:00|train|x|42\n\
                    42.batch|CANCELLED|0:15|0:0|00:10:00|1|16|gpu01|||batch|42.batch\n\
                    43|PENDING|0:0|0:0|00:00:00|1|1|None assigned|gpu|Partition_Limit|wait|43\n";
        let entries = parse_sacct(text).expect("parses");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].cancelled_by, Some(1000));
        assert_eq!(entries[0].name, "train|x");
        assert_eq!(entries[0].time_limit, SlurmDuration::Seconds(3600));
        assert_eq!(entries[0].id(), Some(42));
        assert_eq!(entries[1].job_id, "42.batch");
        assert_eq!(entries[1].id(), None);
        assert_eq!(entries[1].time_limit, SlurmDuration::NotSet);
        assert_eq!(entries[2].nodelist, None);
        assert_eq!(entries[2].time_limit, SlurmDuration::PartitionLimit);
    }

    // --- scontrol show job ----------------------------------------------------------------

    fn job(text: &str) -> ScontrolJob {
        parse_scontrol_job(text).expect("parses")
    }

    #[test]
    fn scontrol_running_fixture() {
        let j = job(fixture!("scontrol-job-running.txt"));
        assert_eq!(j.job_id(), "11");
        assert_eq!(j.name(), Some("holder"));
        assert_eq!(j.state(), Ok(JobState::Running));
        assert!(j.reason().is_some_and(|r| r.is_no_reason()));
        assert_eq!(
            j.exit_code(),
            Ok(ExitCode {
                status: 0,
                signal: 0
            })
        );
        assert_eq!(j.node_list(), Some("node[1-2]"));
        assert_eq!(j.time_limit(), Ok(SlurmDuration::Unlimited));
        assert_eq!(j.run_time(), Ok(Some(3)));
        assert_eq!((j.num_nodes(), j.num_cpus()), (Ok(2), Ok(2)));
        assert_eq!(
            j.tres(),
            Ok(vec![("cpu", "2"), ("node", "2"), ("billing", "2")])
        );
        assert_eq!(j.tres_per_node(), Some("gres:gpu:8"));
        assert_eq!(j.gpus_per_node(), Some(8));
        assert_eq!(j.get("BatchHost"), Some("node1"));
        assert_eq!(j.get("Partition"), Some("gpu"));
        assert_eq!(j.get("AllocNode:Sid"), Some("localhost:20033"));
        assert_eq!(j.get("Power"), Some(""));
        assert_eq!(j.get("StdIn"), Some("/dev/null"));
        let keys: Vec<&str> = j.fields().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), 61);
        assert_eq!(keys[..3], ["JobId", "JobName", "UserId"]);
        assert_eq!(keys.last(), Some(&"TresPerNode"));
    }

    #[test]
    fn scontrol_finished_fixtures() {
        let cases = [
            (
                fixture!("scontrol-job-completed.txt"),
                "7",
                JobState::Completed,
                "None",
                (0, 0),
                Some(0),
            ),
            (
                fixture!("scontrol-job-failed.txt"),
                "8",
                JobState::Failed,
                "NonZeroExitCode",
                (3, 0),
                Some(0),
            ),
            (
                fixture!("scontrol-job-cancelled.txt"),
                "11",
                JobState::Cancelled,
                "None",
                (0, 15),
                Some(3),
            ),
            (
                fixture!("scontrol-job-timeout.txt"),
                "9",
                JobState::Timeout,
                "TimeLimit",
                (0, 15),
                Some(80),
            ),
            (
                fixture!("scontrol-job-completing.txt"),
                "28",
                JobState::Completing,
                "None",
                (0, 0),
                Some(2),
            ),
            (
                fixture!("scontrol-job-configuring.txt"),
                "29",
                JobState::Configuring,
                "None",
                (0, 0),
                Some(2),
            ),
        ];
        for (text, id, state, reason, (status, signal), run_time) in cases {
            let j = job(text);
            assert_eq!(j.job_id(), id);
            assert_eq!(j.state(), Ok(state), "{id}");
            assert_eq!(
                j.reason().map(|r| r.raw().to_string()).as_deref(),
                Some(reason)
            );
            assert_eq!(j.exit_code(), Ok(ExitCode { status, signal }), "{id}");
            assert_eq!(j.run_time(), Ok(run_time), "{id}");
            assert!(j.node_list().is_some());
        }
        let timeout = job(fixture!("scontrol-job-timeout.txt"));
        assert_eq!(timeout.time_limit(), Ok(SlurmDuration::Seconds(60)));
        assert_eq!(timeout.name(), Some("times out"));
        assert_eq!(timeout.get("EndTime"), Some("2026-11-29T03:12:40"));
        assert_eq!(
            job(fixture!("scontrol-job-configuring.txt")).get("EndTime"),
            Some("Unknown")
        );
    }

    #[test]
    fn scontrol_pending_fixtures() {
        let resources = job(fixture!("scontrol-job-pending-resources.txt"));
        assert_eq!(resources.state(), Ok(JobState::Pending));
        assert_eq!(resources.reason().and_then(|r| r.code()), Some("Resources"));
        assert_eq!(resources.num_nodes(), Ok(1)); // printed as `1-1`
        assert_eq!(resources.get("NumNodes"), Some("1-1"));
        assert_eq!(resources.node_list(), None);
        assert_eq!(resources.gpus_per_node(), Some(8));
        assert_eq!(resources.name(), Some("needs gpus"));
        assert_eq!(
            resources.tres(),
            Ok(vec![
                ("cpu", "1"),
                ("mem", "62.50G"),
                ("node", "1"),
                ("billing", "1")
            ])
        );

        let held = job(fixture!("scontrol-job-held-user.txt"));
        assert_eq!(held.reason().map(|r| r.group()), Some(ReasonGroup::Held));
        assert_eq!(held.get("Priority"), Some("0"));
        assert_eq!(held.gpus_per_node(), None);

        let never = job(fixture!("scontrol-job-dependency-never.txt"));
        assert_eq!(
            never.reason().and_then(|r| r.code()),
            Some("DependencyNeverSatisfied")
        );
        assert_eq!(never.get("Dependency"), Some("afterok:11(failed)"));

        let unavailable = job(fixture!("scontrol-job-reqnodenotavail.txt"));
        let reason = unavailable.reason().expect("reason");
        assert_eq!(reason.raw(), "ReqNodeNotAvail,_UnavailableNodes:node2");
        assert_eq!(reason.unavailable_nodes(), Some("node2"));
        assert_eq!(unavailable.get("ReqNodeList"), Some("node2"));

        let requeued = job(fixture!("scontrol-job-requeue-held.txt"));
        let reason = requeued.reason().expect("reason");
        assert_eq!(reason.raw(), "job_requeued_in_held_state");
        assert_eq!(reason.group(), ReasonGroup::Held);
        assert_eq!(requeued.get("Restarts"), Some("1"));
    }

    #[test]
    fn scontrol_free_text_cannot_pass_for_keys() {
        // JobName=`name JobState=COMPLETED`, WorkDir with spaces, and
        // Comment=`free text ExitCode=9:0 Reason=None`
        let j = job(fixture!("scontrol-job-free-text.txt"));
        assert_eq!(j.job_id(), "23");
        assert_eq!(j.name(), Some("name JobState=COMPLETED"));
        assert_eq!(j.state(), Ok(JobState::Pending));
        assert_eq!(j.reason().and_then(|r| r.code()), Some("BeginTime"));
        assert_eq!(
            j.exit_code(),
            Ok(ExitCode {
                status: 0,
                signal: 0
            })
        );
        assert_eq!(j.get("Comment"), Some("free text ExitCode=9:0 Reason=None"));
        let work_dir = j.get("WorkDir").expect("WorkDir");
        assert!(work_dir.starts_with("/tmp/hybridctl-slurm-fixtures-work."));
        assert!(work_dir.ends_with("/dir with spaces"));
        assert_eq!(j.fields().filter(|(k, _)| *k == "JobState").count(), 1);
        assert_eq!(j.fields().filter(|(k, _)| *k == "ExitCode").count(), 1);
    }

    #[test]
    fn scontrol_several_jobs_and_newlines_in_values() {
        let one = fixture!("scontrol-job-completed.txt");
        let two = fixture!("scontrol-job-failed.txt");
        let jobs = parse_scontrol_jobs(&format!("{one}{two}")).expect("parses");
        assert_eq!(
            jobs.iter().map(ScontrolJob::job_id).collect::<Vec<_>>(),
            ["7", "8"]
        );
        assert_eq!(
            parse_scontrol_job(&format!("{one}{two}")).map_err(|e| e.kind()),
            Err(ParseErrorKind::JobCount)
        );
        // a job name with a newline, as `scontrol show job -o` prints it
        let text = one.replacen("JobName=ok", "JobName=two\nlines", 1);
        let j = job(&text);
        assert_eq!(j.name(), Some("two\nlines"));
        assert_eq!(j.state(), Ok(JobState::Completed));
        assert_eq!(parse_scontrol_jobs(""), Ok(Vec::new()));
        assert_eq!(
            parse_scontrol_job("").map_err(|e| e.kind()),
            Err(ParseErrorKind::Empty)
        );
    }

    #[test]
    fn scontrol_unknown_keys() {
        // a key this module does not know starts a field after a typed value, but not inside
        // a free-text one
        let j = job(
            "JobId=5 JobName=a NewKey=b JobState=RUNNING Reason=None NumNodes=2 Extra=x y Comment=c Other=d StdOut=/o",
        );
        assert_eq!(j.name(), Some("a NewKey=b"));
        assert_eq!(j.get("NumNodes"), Some("2"));
        assert_eq!(j.get("Extra"), Some("x y"));
        assert_eq!(j.get("Comment"), Some("c Other=d"));
        assert_eq!(j.get("StdOut"), Some("/o"));
        assert_eq!(j.state(), Ok(JobState::Running));
        // missing and malformed keys are errors of the accessor, not of the parse
        assert_eq!(
            j.exit_code().map_err(|e| (e.kind(), e.field_name())),
            Err((ParseErrorKind::MissingKey, Some("ExitCode")))
        );
        let j = job("JobId=5 JobState=WAITING NumNodes=x TRES=cpu TresPerNode=gres:gpus:2");
        assert!(j.state().is_err() && j.num_nodes().is_err() && j.tres().is_err());
        assert_eq!(j.gpus_per_node(), None);
        for (tpn, gpus) in [
            ("gres:gpu:a100:4", Some(4)),
            ("gres/gpu:2", Some(2)),
            ("gres/gpu=3", Some(3)),
            ("gres:nic:1,gres:gpu:8", Some(8)),
            ("gres:gpu", None),
            ("gres:gpu:x", None),
        ] {
            let j = job(&format!("JobId=5 TresPerNode={tpn}"));
            assert_eq!(j.gpus_per_node(), gpus, "{tpn}");
        }
    }

    // --- scontrol show config -------------------------------------------------------------

    #[test]
    fn show_config_fixture() {
        let text = fixture!("scontrol-show-config.txt");
        assert_eq!(parse_kill_wait(text), Some(5));
        assert_eq!(config_value(text, "ClusterName"), Some("hybridtest"));
        assert_eq!(config_value(text, "SLURM_VERSION"), Some("22.05.8"));
        assert_eq!(config_value(text, "MinJobAge"), Some("86400 sec"));
        assert_eq!(config_value(text, "NoSuchKey"), None);
        assert_eq!(parse_kill_wait("KillWait = 30 sec\n"), Some(30));
        assert_eq!(parse_kill_wait("KillWait=0\n"), Some(0));
        for bad in [
            "",
            "KillWait = \n",
            "KillWait = five sec\n",
            "KillWait = -1 sec\n",
            "KillWaitX = 5 sec\n",
        ] {
            assert_eq!(parse_kill_wait(bad), None, "{bad}");
        }
    }

    // --- hostile input --------------------------------------------------------------------

    /// A small deterministic generator (xorshift), so the test needs no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    fn parse_everything(text: &str) {
        let _ = parse_sbatch_parsable(text);
        let _ = classify_sbatch_error(text, Some(1));
        let _ = classify_query_failure(text, None);
        let _ = parse_squeue(text);
        let _ = parse_squeue_lenient(text);
        let _ = parse_sacct(text);
        let _ = parse_sacct_lenient(text);
        if let Ok(jobs) = parse_scontrol_jobs(text) {
            for j in jobs {
                let _ = (
                    j.state(),
                    j.reason(),
                    j.exit_code(),
                    j.node_list(),
                    j.time_limit(),
                );
                let _ = (
                    j.run_time(),
                    j.num_nodes(),
                    j.num_cpus(),
                    j.tres(),
                    j.gpus_per_node(),
                );
            }
        }
        let _ = parse_kill_wait(text);
        for word in text.split(['|', ' ', '\n', '=']) {
            let _ = SlurmDuration::parse(word);
            let _ = SlurmDuration::parse_limit_minutes(word);
            let _ = Timestamp::parse(word);
            let _ = ExitCode::parse(word);
            let _ = JobState::parse(word);
            let _ = PendingReason::parse(word).to_string();
        }
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "",
            "\n",
            "|",
            "||||||||||||||||",
            "\n\n\n",
            "JobId=",
            "JobId=x",
            "JobId=5 =",
            "JobId=5 A=",
            "JobId=5 JobName= JobState=",
            "=",
            " = ",
            "é|é|é",
            "\u{0}|\u{0}",
            "1|",
            "1|1",
            "1|RUNNING|None|0:00|1:00|1|p|u|N/A|N/A|N/A|n|N/A|n|x|1",
            "0|RUNNING|None|0:00|1:00|1|p|u|N/A|N/A|N/A|n|N/A|n|x|0",
            "1|RUNNING|None|0:00|1:00|99999999999|p|u|N/A|N/A|N/A|n|N/A|n|x|1",
            "1|RUNNING|None|-0:01|1:00|1|p|u|N/A|N/A|N/A|n|N/A|n|x|1",
            "1|COMPLETED|0:0|0:0|00:00:00|1|1|n|p|5|x|1",
            "1|COMPLETED|0:0|0:0|00:00:00|1|1|n|p|5|x",
            "KillWait = 99999999999999999999999 sec",
        ];
        for s in samples {
            parse_everything(s);
        }
        // the good sample rows parse
        assert!(parse_squeue(samples[16]).is_ok());
        assert!(parse_sacct(samples[20]).is_ok());
        assert!(parse_squeue(samples[17]).is_err());
        assert!(parse_squeue(samples[18]).is_err());
        assert!(parse_squeue(samples[19]).is_err());
        assert!(parse_sacct(samples[21]).is_err());

        let alphabet: Vec<char> = "|=:- _()[],.\n0123456789JobIdStateRUNNINGPDé✓\u{0}\t%"
            .chars()
            .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let len = rng.below(120);
            let text: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            parse_everything(&text);
            parse_everything(&format!("JobId=1 {text}"));
        }
    }

    #[test]
    fn mutated_fixtures_never_panic() {
        let fixtures = [
            fixture!("squeue-pending.txt"),
            fixture!("squeue-finished.txt"),
            fixture!("squeue-transient.txt"),
            fixture!("sacct-c.txt"),
            fixture!("scontrol-job-running.txt"),
            fixture!("scontrol-job-free-text.txt"),
            fixture!("scontrol-show-config.txt"),
            fixture!("sbatch-memory.stderr"),
        ];
        let inserts = ["|", "=", " ", "\n", "é", ":", "-", "JobState=", "(", ")"];
        let mut rng = Rng(42);
        for text in fixtures {
            let chars: Vec<char> = text.chars().collect();
            for _ in 0..60 {
                let mut mutated = chars.clone();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(mutated.len() + 1);
                    match rng.below(3) {
                        0 if at < mutated.len() => {
                            mutated.remove(at);
                        }
                        1 if at < mutated.len() => mutated[at] = '|',
                        _ => {
                            let insert = inserts[rng.below(inserts.len())];
                            for (i, c) in insert.chars().enumerate() {
                                mutated.insert(at + i, c);
                            }
                        }
                    }
                }
                parse_everything(&mutated.into_iter().collect::<String>());
            }
        }
    }

    #[test]
    fn huge_input_is_fine() {
        let name = "n ".repeat(50_000);
        let line = format!(
            "JobId=1 JobName={name} JobState=RUNNING Comment={}",
            "A= ".repeat(50_000)
        );
        let j = job(&line);
        assert_eq!(j.state(), Ok(JobState::Running));
        assert_eq!(j.name().map(str::len), Some(name.trim_end().len()));
        // duplicates of a key: the last one counts, the others end up in JobId, which then
        // is not a job id
        let many = format!("JobId=1 {}", "JobState=RUNNING ".repeat(20_000));
        assert_eq!(
            parse_scontrol_job(&many).map_err(|e| e.kind()),
            Err(ParseErrorKind::JobId)
        );
        let row =
            "5|RUNNING|None|0:04|1:00|1|gpu|root|N/A|N/A|N/A|node1|N/A|node1|x|5\n".repeat(20_000);
        assert_eq!(parse_squeue(&row).map(|v| v.len()), Ok(20_000));
        let broken =
            "5|RUNNING|None|0:04|1:00|1|gpu|root|N/A|N/A|N/A|node1|N/A|node1|x\n".repeat(5_000);
        let (ok, errors) = parse_squeue_lenient(&broken);
        assert_eq!((ok.len(), errors.len()), (0, 5_000));
    }
}
