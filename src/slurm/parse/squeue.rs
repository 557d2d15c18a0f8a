//! `squeue -o` records ([`SQUEUE_FORMAT`]).

use super::*;

/// The `squeue -o` format [`parse_squeue`] reads: job id, state, reason, elapsed, time limit,
/// node count, partition, user, submit time, start time, end time, node list, GRES per node,
/// reason-or-node-list, name, and the job id again. Use it with `--noheader` (and `-t all` to
/// see finished jobs that slurmctld still remembers).
pub const SQUEUE_FORMAT: &str = "%i|%T|%r|%M|%l|%D|%P|%u|%V|%S|%e|%N|%b|%R|%j|%i";

/// Fields of [`SQUEUE_FORMAT`] before the name.
pub(crate) const SQUEUE_FIXED: usize = 14;

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
