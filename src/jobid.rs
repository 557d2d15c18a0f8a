//! Slurm job ids. Every command that acts on jobs (status, cancel, logs, gc, the hooks) goes
//! through these types. A [`JobIds`] is never empty: the Slurm and Kubernetes calls that
//! filter by job take one, so a filter that matched nothing cannot silently widen to "every
//! job" (`squeue` with no `--jobs`, a label selector with no values). Asking for the whole
//! queue is a separate call with its own name ([`crate::slurm::Slurm::queue_all`]).

use std::fmt;

use serde::Serialize;

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
