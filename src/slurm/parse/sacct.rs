//! `sacct` and `sacct -c` records ([`SACCT_FORMAT`]).

use super::*;

/// The `sacct -o` format [`parse_sacct`] reads, with `--noheader --parsable2`, from full
/// accounting (add `-X` for jobs without their steps) and from `sacct -c` (jobcomp/filetxt,
/// which supports every field here). It has no time fields, because `sacct -c` crashes on them
/// when one job name in the jobcomp file holds a newline, and no work directory, which may
/// contain `|`. The job id comes again at the end.
pub const SACCT_FORMAT: &str = "jobid,state,exitcode,derivedexitcode,elapsed,nnodes,ncpus,nodelist,partition,timelimit,jobname,jobid";

/// The format for `sacct -c`: the same as [`SACCT_FORMAT`].
pub const SACCT_JOBCOMP_FORMAT: &str = SACCT_FORMAT;

/// Fields of [`SACCT_FORMAT`] before the name.
pub(crate) const SACCT_FIXED: usize = 10;

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
