//! Slurm job ids, and the user's JOB arguments resolved to them.
//!
//! Every command that acts on jobs (status, cancel, logs, gc, the hooks) goes through these
//! types. A [`JobIds`] is never empty: the Slurm and Kubernetes calls that filter by job take
//! one, so a filter that matched nothing cannot silently widen to "every job" (`squeue` with no
//! `--jobs`, a label selector with no values). Asking for the whole queue is a separate call
//! with its own name ([`crate::slurm::Slurm::queue_all`]).

use std::fmt;

use serde::Serialize;

use crate::records::{JobRecord, RecordError, Records};

/// The longest id accepted: Slurm job ids are 32-bit (`MaxJobId` is at most 67,043,328).
const MAX_DIGITS: usize = 10;

/// A Slurm job id: digits, or an array task `ID_TASK` as squeue prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct JobId(String);

/// Why a text is not a job id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Slurm job id (digits, or ID_TASK for an array task)")]
pub struct InvalidJobId(pub String);

fn digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_DIGITS && s.bytes().all(|b| b.is_ascii_digit())
}

impl JobId {
    pub fn parse(text: &str) -> Result<Self, InvalidJobId> {
        let ok = match text.split_once('_') {
            Some((job, task)) => digits(job) && digits(task),
            None => digits(text),
        };
        if ok {
            Ok(Self(text.to_string()))
        } else {
            Err(InvalidJobId(text.to_string()))
        }
    }

    /// Only the plain numeric form (what `SLURM_JOB_ID` holds, and what hybridctl writes into
    /// the `hybridctl.io/slurm-job-id` label).
    pub fn parse_plain(text: &str) -> Result<Self, InvalidJobId> {
        if digits(text) {
            Ok(Self(text.to_string()))
        } else {
            Err(InvalidJobId(text.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A job id reads as the text it is (it is validated on the way in, not on the way out).
impl std::ops::Deref for JobId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for JobId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One or more job ids, in the order given, without repeats. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobIds(Vec<JobId>);

impl JobIds {
    /// `None` when `ids` is empty: the caller must say what matched nothing.
    pub fn new(ids: impl IntoIterator<Item = JobId>) -> Option<Self> {
        let mut out: Vec<JobId> = Vec::new();
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        (!out.is_empty()).then_some(Self(out))
    }

    pub fn one(id: JobId) -> Self {
        Self(vec![id])
    }

    pub fn iter(&self) -> std::slice::Iter<'_, JobId> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false; here so clippy's `len_without_is_empty` is satisfied honestly.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|j| j.as_str() == id)
    }

    /// `1,2,3`, as `squeue --jobs` and a label selector's `in (...)` take them.
    pub fn joined(&self) -> String {
        let mut s = String::new();
        for (i, id) in self.0.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(id.as_str());
        }
        s
    }

    /// The ids that are not in `found`, or `None` when every one was found.
    pub fn missing_from<'a>(&self, found: impl Fn(&str) -> bool + 'a) -> Option<JobIds> {
        Self::new(self.0.iter().filter(|id| !found(id.as_str())).cloned())
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.0.iter().position(|j| j.as_str() == id)
    }
}

impl<'a> IntoIterator for &'a JobIds {
    type Item = &'a JobId;
    type IntoIter = std::slice::Iter<'a, JobId>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// JOB arguments resolved against the job records.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Ids in the order asked, each once.
    pub ids: Vec<JobId>,
    /// The records of the ids that have one.
    pub records: Vec<JobRecord>,
    /// Arguments that are neither a job id nor the name of a recorded job.
    pub unknown: Vec<String>,
}

impl Resolved {
    pub fn record(&self, id: &JobId) -> Option<&JobRecord> {
        self.records.iter().find(|r| r.job_id == id.as_str())
    }
}

/// Resolve JOB arguments: a recorded job by id or by name (the newest with that name), else
/// a job id as it is. Anything else is returned in [`Resolved::unknown`], never dropped.
pub fn resolve(records: Option<&Records>, jobs: &[String]) -> Result<Resolved, RecordError> {
    let mut out = Resolved::default();
    for job in jobs {
        let id = JobId::parse(job).ok();
        let rec = match records {
            // A record directory is named by its id: only an id is looked up as a path.
            Some(r) => match &id {
                Some(id) => r.load(id.as_str())?,
                None => r.find_by_name(job)?,
            },
            None => None,
        };
        match (rec, id) {
            (Some(rec), _) => match JobId::parse(&rec.job_id) {
                Ok(id) => {
                    if !out.ids.contains(&id) {
                        out.ids.push(id);
                    }
                    if !out.records.iter().any(|r| r.job_id == rec.job_id) {
                        out.records.push(rec);
                    }
                }
                // A record whose id is not an id (edited by hand): not a job to act on.
                Err(_) => out.unknown.push(job.clone()),
            },
            (None, Some(id)) => {
                if !out.ids.contains(&id) {
                    out.ids.push(id);
                }
            }
            (None, None) => out.unknown.push(job.clone()),
        }
    }
    Ok(out)
}

/// The error for JOB arguments that matched no job: names them, exit status 1.
pub fn unknown_jobs(unknown: &[String]) -> anyhow::Error {
    let list = unknown
        .iter()
        .map(|j| format!("`{j}`"))
        .collect::<Vec<_>>()
        .join(", ");
    crate::error::UserError::invalid(
        format!(
            "no job matches {list}: not a job id known to Slurm, nor the name of a job hybridctl submitted"
        ),
        "`hybridctl status` lists the jobs hybridctl submitted; `hybridctl status --all` the whole queue",
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_digits_or_array_tasks() {
        for ok in ["1", "4242", "123_4", "4294967295"] {
            assert!(JobId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "abc",
            "12a",
            "-1",
            "1_",
            "_1",
            "1_2_3",
            "1+0",
            " 1",
            "12345678901",
            "1,2",
        ] {
            assert!(JobId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(JobId::parse_plain("123_4").is_err());
        assert!(JobId::parse_plain("123").is_ok());
    }

    #[test]
    fn empty_job_ids_cannot_be_built() {
        assert_eq!(JobIds::new(Vec::new()), None);
        let ids =
            JobIds::new(["3", "1", "3"].map(|s| JobId::parse(s).expect("id"))).expect("non-empty");
        assert_eq!(ids.joined(), "3,1");
        assert_eq!(
            ids.missing_from(|id| id == "3").map(|m| m.joined()),
            Some("1".into())
        );
        assert_eq!(ids.missing_from(|_| true), None);
    }

    #[test]
    fn unknown_names_are_kept_not_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let records = Records {
            dir: dir.path().join("jobs"),
        };
        let r = resolve(
            Some(&records),
            &["no-such-job".into(), "77".into(), "../../etc".into()],
        )
        .expect("resolve");
        assert_eq!(r.ids, vec![JobId::parse("77").expect("id")]);
        assert_eq!(
            r.unknown,
            vec!["no-such-job".to_string(), "../../etc".into()]
        );
    }
}
