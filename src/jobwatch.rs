//! What `status` derives from job views, with no I/O: the `--state` filter, pending reasons
//! grouped by cause (one line per cause, not a paragraph per job), and for `--watch` the
//! changes between two refreshes and whether every job has ended.

use std::collections::BTreeMap;

use crate::slurm::JobView;
use crate::slurm::parse::JobState;

/// The states `--state` names (long names or short codes, any case).
pub fn parse_states(names: &[String]) -> Result<Vec<JobState>, String> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            JobState::parse(&n.to_ascii_uppercase()).map_err(|_| {
                format!(
                    "`--state {n}` is not a Slurm job state (e.g. PENDING/PD, RUNNING/R, COMPLETED/CD, FAILED/F, CANCELLED/CA, TIMEOUT/TO)"
                )
            })
        })
        .collect()
}

/// A view's state, when it is one Slurm names (a job only the record knows is `UNKNOWN`).
fn state_of(v: &JobView) -> Option<JobState> {
    JobState::parse(&v.state).ok()
}

/// Keep the views in one of `states` (all of them when `states` is empty).
pub fn filter_states(views: Vec<JobView>, states: &[JobState]) -> Vec<JobView> {
    if states.is_empty() {
        return views;
    }
    views
        .into_iter()
        .filter(|v| state_of(v).is_some_and(|s| states.contains(&s)))
        .collect()
}

/// Every job has ended for good (or is no longer known to Slurm): a watch can stop.
pub fn all_ended(views: &[JobView]) -> bool {
    views
        .iter()
        .all(|v| state_of(v).is_none_or(JobState::is_finished))
}

/// How many job ids a grouped line names before `+N more`.
const IDS_SHOWN: usize = 8;

/// One line per cause for the pending jobs: `3 jobs pending (resources): <why> [ids]`.
/// Causes in order of first appearance; jobs in table order.
pub fn pending_by_cause(views: &[JobView]) -> Vec<String> {
    let mut causes: Vec<((String, String), Vec<&str>)> = Vec::new();
    for v in views.iter().filter(|v| v.state == "PENDING") {
        let (Some(group), Some(text)) = (&v.reason_group, &v.reason_text) else {
            continue;
        };
        let key = (group.clone(), text.clone());
        match causes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ids)) => ids.push(&v.job_id),
            None => causes.push((key, vec![&v.job_id])),
        }
    }
    causes
        .into_iter()
        .map(|((group, text), ids)| {
            let mut named = ids[..ids.len().min(IDS_SHOWN)].join(", ");
            if ids.len() > IDS_SHOWN {
                named.push_str(&format!(", +{} more", ids.len() - IDS_SHOWN));
            }
            match ids.len() {
                1 => format!("job {named} is pending ({group}): {text}"),
                n => format!("{n} jobs are pending ({group}): {text} [{named}]"),
            }
        })
        .collect()
}

/// The Kubernetes side of a view in a few words: `PyTorchJob Running, pods 2/2 ready`.
fn kube_words(v: &JobView) -> Option<String> {
    let k = v.kubernetes.as_ref()?;
    let cond = k["condition"].as_str();
    let job = k["pytorchjob"].as_str();
    let pods = format!(
        "pods {}/{} ready",
        k["podsReady"].as_u64().unwrap_or(0),
        k["podsTotal"].as_u64().unwrap_or(0)
    );
    Some(match (job, cond) {
        (None, _) => pods,
        (Some(_), Some(c)) => format!("PyTorchJob {c}, {pods}"),
        (Some(_), None) => format!("PyTorchJob created, {pods}"),
    })
}

fn where_words(v: &JobView) -> String {
    match (&v.reason, &v.nodelist) {
        (Some(r), _) if v.state == "PENDING" => format!(" ({r})"),
        (_, Some(n)) if !n.is_empty() && n != "None assigned" => format!(" on {n}"),
        _ => String::new(),
    }
}

/// What changed from `before` to `after`, one line per change, for `status --watch` when
/// stdout is not a terminal. A job seen for the first time is one line with its state.
pub fn changes(before: &[JobView], after: &[JobView]) -> Vec<String> {
    let old: BTreeMap<&str, &JobView> = before.iter().map(|v| (v.job_id.as_str(), v)).collect();
    let mut out = Vec::new();
    for v in after {
        let id = &v.job_id;
        let Some(o) = old.get(id.as_str()) else {
            let mut line = format!("job {id} ({}): {}{}", v.name, v.state, where_words(v));
            if let Some(k) = kube_words(v) {
                line.push_str(&format!("; {k}"));
            }
            out.push(line);
            continue;
        };
        if o.state != v.state {
            let mut line = format!("job {id}: {} -> {}{}", o.state, v.state, where_words(v));
            if let Some(e) = v
                .exit_code
                .as_deref()
                .filter(|_| o.exit_code != v.exit_code)
            {
                line.push_str(&format!(", exit code {e}"));
            }
            out.push(line);
        } else if v.state == "PENDING" && o.reason != v.reason {
            out.push(format!(
                "job {id}: pending reason {} -> {}",
                o.reason.as_deref().unwrap_or("none"),
                v.reason.as_deref().unwrap_or("none")
            ));
        } else if o.nodelist != v.nodelist && where_words(v) != where_words(o) {
            out.push(format!("job {id}: {}{}", v.state, where_words(v)));
        }
        let (ko, kn) = (kube_words(o), kube_words(v));
        if kn.is_some() && ko != kn {
            out.push(format!("job {id}: {}", kn.unwrap_or_default()));
        }
    }
    let now: Vec<&str> = after.iter().map(|v| v.job_id.as_str()).collect();
    for o in before.iter().filter(|o| !now.contains(&o.job_id.as_str())) {
        out.push(format!("job {}: no longer shown", o.job_id));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slurm::Source;

    fn view(id: &str, state: &str) -> JobView {
        JobView {
            job_id: id.into(),
            name: format!("train-{id}"),
            state: state.into(),
            elapsed: None,
            time_limit: None,
            nodes: Some(2),
            nodelist: None,
            partition: Some("gpu".into()),
            reason: None,
            reason_group: None,
            reason_text: None,
            exit_code: None,
            user: None,
            source: Source::Queue,
            kubernetes: None,
        }
    }

    fn pending(id: &str, code: &str, group: &str, text: &str) -> JobView {
        JobView {
            reason: Some(code.into()),
            reason_group: Some(group.into()),
            reason_text: Some(text.into()),
            ..view(id, "PENDING")
        }
    }

    #[test]
    fn states_by_name_or_code_in_any_case() {
        let s = parse_states(&["pd".into(), "RUNNING".into(), "Cd".into()]).unwrap();
        assert_eq!(
            s,
            [JobState::Pending, JobState::Running, JobState::Completed]
        );
        let e = parse_states(&["RUNNIN".into()]).unwrap_err();
        assert!(
            e.starts_with("`--state RUNNIN` is not a Slurm job state"),
            "{e}"
        );
        let views = vec![
            view("1", "RUNNING"),
            view("2", "PENDING"),
            view("3", "UNKNOWN"),
        ];
        let kept = filter_states(views.clone(), &[JobState::Pending]);
        assert_eq!(
            kept.iter().map(|v| v.job_id.as_str()).collect::<Vec<_>>(),
            ["2"]
        );
        assert_eq!(filter_states(views, &[]).len(), 3);
    }

    #[test]
    fn pending_jobs_are_grouped_by_cause() {
        let mut views: Vec<JobView> = (1..=10)
            .map(|i| {
                pending(
                    &i.to_string(),
                    "Resources",
                    "resources",
                    "the nodes are busy",
                )
            })
            .collect();
        views.push(pending("11", "Priority", "priority", "others go first"));
        views.push(view("12", "RUNNING"));
        assert_eq!(
            pending_by_cause(&views),
            [
                "10 jobs are pending (resources): the nodes are busy [1, 2, 3, 4, 5, 6, 7, 8, +2 more]",
                "job 11 is pending (priority): others go first",
            ]
        );
    }

    #[test]
    fn changes_name_what_moved() {
        let before = vec![
            pending("1", "Resources", "resources", "busy"),
            pending("2", "Priority", "priority", "later"),
            view("3", "RUNNING"),
        ];
        let mut running = view("1", "RUNNING");
        running.nodelist = Some("node[1-2]".into());
        running.kubernetes = Some(serde_json::json!({
            "pytorchjob": "pytorchjob/j-1", "condition": "Running", "podsReady": 2, "podsTotal": 2
        }));
        let mut failed = view("3", "FAILED");
        failed.exit_code = Some("3:0".into());
        let after = vec![
            running,
            pending("2", "Resources", "resources", "busy"),
            failed,
            view("4", "PENDING"),
        ];
        assert_eq!(
            changes(&before, &after),
            [
                "job 1: PENDING -> RUNNING on node[1-2]",
                "job 1: PyTorchJob Running, pods 2/2 ready",
                "job 2: pending reason Priority -> Resources",
                "job 3: RUNNING -> FAILED, exit code 3:0",
                "job 4 (train-4): PENDING",
            ]
        );
        assert!(changes(&after, &after).is_empty());
        assert_eq!(changes(&after[..1], &[]), ["job 1: no longer shown"]);
        assert!(!all_ended(&after));
        assert!(all_ended(&[view("5", "COMPLETED"), view("6", "UNKNOWN")]));
    }
}
