//! `scontrol show job -o` and `scontrol show config`.

use super::*;

/// The keys `scontrol show job -o` prints in Slurm 22.05, in the order it prints them
/// (`slurm_sprint_job_info()`; most are optional).
pub(crate) const SCONTROL_JOB_KEYS: &[&str] = &[
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
pub(crate) const FREE_TEXT_KEYS: &[&str] = &[
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
pub(crate) fn key_candidates(line: &str) -> Vec<(usize, &str, usize)> {
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
pub(crate) fn longest_increasing(ranks: &[usize]) -> Vec<usize> {
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
