//! Small values Slurm prints: numbers, job ids, durations, timestamps, exit codes.

use super::*;

pub(crate) fn number<T: FromStr>(text: &str, field: &'static str) -> Result<T, ParseError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::new(ParseErrorKind::Number, text).field(field));
    }
    text.parse()
        .map_err(|_| ParseError::new(ParseErrorKind::Number, text).field(field))
}

/// Whether `text` is a job id as Slurm prints one: `42`, an array task `42_7`, a pending array
/// `42_[1-5%2]`, a heterogeneous component `42+0`, or a step `42.batch` / `42.0` (`sacct`).
pub(crate) fn is_job_id(text: &str) -> bool {
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

pub(crate) fn job_id(text: &str) -> Result<String, ParseError> {
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
