//! `gc`'s verdicts: which labelled objects belong to jobs Slurm no longer runs (pure; the
//! inventory and the deletions are `kube::hooks`, the queue question is the command's).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::jobid::{JobId, JobIds};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub enum Kind {
    #[serde(rename = "pytorchjob")]
    PyTorchJob,
    #[serde(rename = "trainjob")]
    TrainJob,
    #[serde(rename = "jobset")]
    JobSet,
    #[serde(rename = "pod")]
    Pod,
    /// The job label on a node (the node itself stays).
    #[serde(rename = "node-label")]
    NodeLabel,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PyTorchJob => "pytorchjob",
            Self::TrainJob => "trainjob",
            Self::JobSet => "jobset",
            Self::Pod => "pod",
            Self::NodeLabel => "node-label",
        }
    }
}

/// Something labelled with a Slurm job id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Labelled {
    pub job_id: String,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl Labelled {
    /// `pytorchjob training/x-12`, `pod training/x-12-master-0`, `node node1`.
    pub fn display_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The ids to ask Slurm about: the distinct valid job ids, in numeric order; `None` when no
/// item carries a valid one (then there is nothing to ask).
pub fn job_ids(items: &[Labelled]) -> Option<JobIds> {
    let mut ids: Vec<JobId> = items
        .iter()
        .filter_map(|i| JobId::parse_plain(&i.job_id).ok())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ids.sort_by_key(|id| id.as_str().parse::<u64>().unwrap_or(u64::MAX));
    JobIds::new(ids)
}

/// What Slurm's queue says about the ids gc asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueAnswer {
    /// Job id → state as Slurm prints it and whether that state is a finished one (`None`:
    /// a state this version cannot read), for the rows that name a job by its own id (`42`,
    /// or `42+0` for a heterogeneous job's first component).
    pub states: BTreeMap<String, (String, Option<bool>)>,
    /// False when some row could not be tied to an id (an array task prints as `42_7`, not
    /// by the id its objects carry): then an id missing from the answer proves nothing.
    pub complete: bool,
}

impl QueueAnswer {
    /// From `(job id as squeue prints it, state, finished)` rows; the caller reads the state
    /// (`slurm::parse::JobState`), this module only judges.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str, Option<bool>)>) -> Self {
        let mut answer = Self {
            states: BTreeMap::new(),
            complete: true,
        };
        for (id, state, finished) in rows {
            let base = id.split_once('+').map_or(id, |(b, _)| b);
            if JobId::parse_plain(base).is_ok() {
                answer
                    .states
                    .insert(base.to_string(), (state.to_string(), finished));
            } else {
                answer.complete = false;
            }
        }
        answer
    }
}

/// Why the objects of `job_id` are orphans, or `None` when they must stay: the job is in the
/// queue and has not finished (pending, running, completing), or the answer cannot tell.
pub fn orphan_reason(job_id: &str, queue: &QueueAnswer) -> Option<String> {
    if JobId::parse_plain(job_id).is_err() {
        return Some(format!("`{job_id}` is not a Slurm job id"));
    }
    match queue.states.get(job_id) {
        None if queue.complete => Some("Slurm does not know the job".into()),
        None => None,
        Some((state, Some(true))) => Some(format!("the job has ended ({state})")),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, kind: Kind) -> Labelled {
        Labelled {
            job_id: id.into(),
            kind,
            namespace: None,
            name: "n".into(),
        }
    }

    #[test]
    fn gc_verdicts() {
        let items = [
            item("12", Kind::Pod),
            item("9", Kind::NodeLabel),
            item("12", Kind::PyTorchJob),
            item("x", Kind::Pod),
        ];
        assert_eq!(job_ids(&items).map(|ids| ids.joined()), Some("9,12".into()));
        assert_eq!(
            job_ids(&[item("x", Kind::Pod)]),
            None,
            "nothing valid: nothing to ask"
        );
        let q = QueueAnswer::from_rows([
            ("12", "RUNNING", Some(false)),
            ("13", "COMPLETED", Some(true)),
            ("14+0", "PENDING", Some(false)),
        ]);
        assert!(q.complete);
        assert_eq!(orphan_reason("12", &q), None);
        assert_eq!(
            orphan_reason("14", &q),
            None,
            "a pending job keeps its objects"
        );
        assert_eq!(
            orphan_reason("13", &q).as_deref(),
            Some("the job has ended (COMPLETED)")
        );
        assert_eq!(
            orphan_reason("9", &q).as_deref(),
            Some("Slurm does not know the job")
        );
        assert!(orphan_reason("x", &q).is_some());
        // A COMPLETING job still holds its nodes: keep.
        let q = QueueAnswer::from_rows([("12", "COMPLETING", Some(false))]);
        assert_eq!(orphan_reason("12", &q), None);
        // An array task prints as 40_2: a missing id then proves nothing.
        let q = QueueAnswer::from_rows([("40_2", "RUNNING", Some(false))]);
        assert!(!q.complete);
        assert_eq!(orphan_reason("41", &q), None);
        // An unreadable state is kept.
        let q = QueueAnswer::from_rows([("12", "SOMETHING_NEW", None)]);
        assert_eq!(orphan_reason("12", &q), None);
    }
}
