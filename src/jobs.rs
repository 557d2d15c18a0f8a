//! The user's JOB arguments resolved to Slurm job ids: by id, or by the name of a job
//! hybridctl submitted (its record). Whatever matches nothing is kept and named in the
//! error, never dropped.

use std::collections::BTreeMap;

use crate::jobid::{JobId, JobIds};
use crate::records::{JobRecord, RecordError, Records};
use crate::slurm::{JobView, Slurm, SlurmError, Source};

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

/// State of each id: queue first, then accounting, then the record. Ids nobody knows are
/// returned separately. Every Slurm call is filtered by the ids given (never the whole queue).
pub fn lookup(
    slurm: &Slurm,
    ids: &JobIds,
    recs: &[JobRecord],
) -> Result<(Vec<JobView>, Vec<String>), SlurmError> {
    let mut found = slurm.queue(ids)?;
    if let Some(missing) = ids.missing_from(|id| found.iter().any(|v| v.job_id == id))
        && let Some(acct) = slurm.accounting(&missing)?
    {
        found.extend(acct);
    }
    let mut unknown = Vec::new();
    for id in ids {
        if found.iter().any(|v| v.job_id == id.as_str()) {
            continue;
        }
        match recs.iter().find(|r| r.job_id == id.as_str()) {
            Some(r) => found.push(JobView {
                job_id: r.job_id.clone(),
                name: r.name.clone(),
                state: "UNKNOWN".into(),
                elapsed: None,
                time_limit: None,
                nodes: Some(r.nodes),
                nodelist: None,
                partition: r.partition.clone(),
                reason: Some(
                    "no longer known to Slurm (left the queue; no accounting record)".into(),
                ),
                reason_group: None,
                reason_text: None,
                exit_code: None,
                user: None,
                source: Source::Record,
                kubernetes: None,
            }),
            None => unknown.push(id.to_string()),
        }
    }
    // Keep the order the user asked for.
    found.sort_by_key(|v| ids.position(&v.job_id).unwrap_or(usize::MAX));
    Ok((found, unknown))
}

/// The namespace of each job's PyTorchJob, from its record (or the flag), with the jobs to ask
/// about there. Only plain job ids can be label values; others are left out.
pub fn kube_targets<'a>(
    jobs: impl IntoIterator<Item = &'a str>,
    records: Option<&Records>,
    namespace: Option<&str>,
) -> BTreeMap<String, JobIds> {
    let mut by_ns: BTreeMap<String, Vec<JobId>> = BTreeMap::new();
    for job in jobs {
        let Ok(id) = JobId::parse_plain(job) else {
            continue;
        };
        let ns = namespace.map(str::to_string).or_else(|| {
            records
                .and_then(|r| r.spec(job))
                .map(|s| s.kubernetes.namespace)
        });
        if let Some(ns) = ns {
            by_ns.entry(ns).or_default().push(id);
        }
    }
    by_ns
        .into_iter()
        .filter_map(|(ns, ids)| JobIds::new(ids).map(|ids| (ns, ids)))
        .collect()
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
