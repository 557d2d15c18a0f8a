//! `describe`'s timeline: what Slurm, hybridctl and Kubernetes recorded about one job, as
//! entries sorted by time. Pure: the caller hands in the Slurm job (`scontrol show job`),
//! the job record, the PyTorchJob, its pods and their events.
//!
//! Slurm prints local times without a zone (`2026-11-29T02:56:25`); Kubernetes, UTC. Both
//! become UTC timestamps here, read in the time zone the caller gives (the system's).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use k8s_openapi::api::core::v1::{Event, Pod};
use serde::Serialize;

use crate::k8s::pytorchjob::PyTorchJob;
use crate::slurm::parse::{JobState, ScontrolJob, Timestamp as SlurmTime};

/// Who recorded an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Slurm,
    Hybridctl,
    Kubernetes,
}

/// One thing that happened to the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// RFC 3339, UTC, to the second; `None` when the source gave no time (sorted last).
    pub time: Option<String>,
    pub origin: Origin,
    /// The component that reported it: `slurmctld`, `training-operator`,
    /// `default-scheduler`, `kubelet`, ...
    pub component: String,
    /// What it is about: `job 42`, `pytorchjob/train-42`, `pod train-42-worker-0`.
    pub object: String,
    /// What happened, in one line.
    pub what: String,
    /// A Kubernetes warning event, a failure, a restart, an abnormal end.
    pub warning: bool,
    /// Where the entry falls in a job's life, for entries within the same second (the
    /// sources keep whole seconds): submitted, started, created, scheduled, running, ended.
    #[serde(skip)]
    #[schemars(skip)]
    pub stage: u8,
}

/// Stages of a job's life, in order.
mod stage {
    pub const SUBMITTED: u8 = 0;
    pub const ELIGIBLE: u8 = 1;
    pub const PENDING: u8 = 2;
    pub const STARTED: u8 = 3;
    pub const JOB_CREATED: u8 = 4;
    pub const POD_CREATED: u8 = 5;
    pub const SCHEDULED: u8 = 6;
    pub const CONTAINER: u8 = 7;
    pub const READY: u8 = 8;
    pub const RUNNING: u8 = 9;
    pub const ENDED: u8 = 10;
    pub const JOB_ENDED: u8 = 11;
    pub const DELETED: u8 = 12;
}

fn utc(t: Timestamp) -> String {
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// A Slurm time, read in `tz`.
pub fn slurm_time(t: SlurmTime, tz: &TimeZone) -> Option<Timestamp> {
    let dt = jiff::civil::DateTime::new(
        i16::try_from(t.year).ok()?,
        i8::try_from(t.month).ok()?,
        i8::try_from(t.day).ok()?,
        i8::try_from(t.hour).ok()?,
        i8::try_from(t.minute).ok()?,
        // A leap second as Slurm may print it is the last second of the minute here.
        i8::try_from(t.second.min(59)).ok()?,
        0,
    )
    .ok()?;
    tz.to_ambiguous_zoned(dt)
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

fn entry(
    time: Option<Timestamp>,
    origin: Origin,
    component: &str,
    object: &str,
    what: String,
) -> Entry {
    Entry {
        time: time.map(utc),
        origin,
        component: component.into(),
        object: object.into(),
        what,
        warning: false,
        stage: stage::SUBMITTED,
    }
}

fn at(mut e: Entry, stage: u8) -> Entry {
    e.stage = stage;
    e
}

/// What `scontrol show job` says: submitted, eligible (when later), the scheduler's last
/// look with the reason it gave (pending jobs), started on which nodes, ended how.
pub fn slurm_entries(job: &ScontrolJob, tz: &TimeZone) -> Vec<Entry> {
    let object = format!("job {}", job.job_id());
    let time = |key: &str| {
        job.get(key)
            .and_then(|v| SlurmTime::parse(v).ok().flatten())
            .and_then(|t| slurm_time(t, tz))
    };
    let mut out = Vec::new();
    let e = |t, what| entry(t, Origin::Slurm, "slurmctld", &object, what);
    let submit = time("SubmitTime");
    let partition = job.get("Partition").unwrap_or("?");
    out.push(e(
        submit,
        format!(
            "submitted to partition {partition} ({} node(s))",
            job.get("NumNodes").unwrap_or("?")
        ),
    ));
    let eligible = time("EligibleTime");
    if eligible.is_some() && eligible != submit {
        out.push(at(e(eligible, "eligible to run".into()), stage::ELIGIBLE));
    }
    let Ok(state) = job.state() else {
        return out;
    };
    let reason = job.reason();
    if state.is_pending() {
        let words = reason
            .as_ref()
            .map(|r| {
                let code = r.code().unwrap_or(r.raw());
                match r.explanation() {
                    Some(x) => format!("pending ({code}): {x}"),
                    None => format!("pending ({code})"),
                }
            })
            .unwrap_or_else(|| "pending".into());
        out.push(at(
            e(
                time("LastSchedEval"),
                format!("{words} (the scheduler's last look)"),
            ),
            stage::PENDING,
        ));
        return out;
    }
    let start = time("StartTime");
    let nodes = job.node_list();
    if let Some(nodes) = nodes {
        out.push(at(e(start, format!("started on {nodes}")), stage::STARTED));
    }
    if state.is_finished() {
        let exit = job
            .exit_code()
            .map(|c| format!(", exit code {c}"))
            .unwrap_or_default();
        let never = if nodes.is_none() {
            " (it never started)"
        } else {
            ""
        };
        let why = reason
            .as_ref()
            .map(|r| r.raw().to_string())
            .filter(|r| !r.is_empty() && r != "None")
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let mut end = e(time("EndTime"), format!("ended {state}{why}{exit}{never}"));
        end.warning = state != JobState::Completed;
        out.push(at(end, stage::JOB_ENDED));
    }
    out
}

/// A job the controller no longer keeps, from accounting (which gives no times here).
pub fn accounting_entry(v: &crate::slurm::JobView) -> Entry {
    let mut e = entry(
        None,
        Origin::Slurm,
        "accounting",
        &format!("job {}", v.job_id),
        format!(
            "ended {}{}{}",
            v.state,
            v.nodelist
                .as_deref()
                .map(|n| format!(" on {n}"))
                .unwrap_or_default(),
            v.exit_code
                .as_deref()
                .map(|e| format!(", exit code {e}"))
                .unwrap_or_default()
        ),
    );
    e.warning = v.state != "COMPLETED";
    at(e, stage::JOB_ENDED)
}

/// The job record hybridctl wrote at submission.
pub fn record_entry(record: &crate::records::JobRecord) -> Entry {
    let t = i64::try_from(record.submitted_at)
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok());
    entry(
        t,
        Origin::Hybridctl,
        "hybridctl submit",
        &format!("job {}", record.job_id),
        format!("submitted {} from {}", record.name, record.spec_path),
    )
}

/// What Kubernetes keeps: the PyTorchJob (created, each condition the operator set), each
/// pod (created, scheduled, containers started, ended, restarts), and the events about
/// them (operator, scheduler, kubelet).
pub fn kube_entries(job: Option<&PyTorchJob>, pods: &[Pod], events: &[Event]) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(j) = job {
        let object = format!("pytorchjob/{}", j.metadata.name.as_deref().unwrap_or("?"));
        out.push(at(
            entry(
                j.metadata.creation_timestamp.as_ref().map(|t| t.0),
                Origin::Kubernetes,
                "hybridctl launch",
                &object,
                "created".into(),
            ),
            stage::JOB_CREATED,
        ));
        for c in j.status.iter().flat_map(|s| s.conditions.iter()) {
            let t = c
                .last_transition_time
                .as_deref()
                .and_then(|t| t.parse::<Timestamp>().ok());
            let mut what = format!("{}={}", c.type_, c.status);
            if let Some(m) = c.message.as_deref().filter(|m| !m.is_empty()) {
                what.push_str(&format!(": {m}"));
            }
            let mut e = entry(t, Origin::Kubernetes, "training-operator", &object, what);
            e.warning = c.type_ == "Failed" && c.status == "True";
            e.stage = match c.type_.as_str() {
                "Created" => stage::JOB_CREATED,
                "Running" | "Restarting" => stage::RUNNING,
                _ => stage::ENDED,
            };
            out.push(e);
        }
    }
    for pod in pods {
        let object = format!("pod {}", pod.metadata.name.as_deref().unwrap_or("?"));
        let e = |t: Option<Timestamp>, component: &str, what: String| {
            entry(t, Origin::Kubernetes, component, &object, what)
        };
        out.push(at(
            e(
                pod.metadata.creation_timestamp.as_ref().map(|t| t.0),
                "training-operator",
                "created".into(),
            ),
            stage::POD_CREATED,
        ));
        let status = pod.status.as_ref();
        let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
        for c in status
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
        {
            let t = c.last_transition_time.as_ref().map(|t| t.0);
            match (c.type_.as_str(), c.status.as_str()) {
                ("PodScheduled", "True") => out.push(at(
                    e(
                        t,
                        "scheduler",
                        format!("scheduled to {}", node.unwrap_or("a node")),
                    ),
                    stage::SCHEDULED,
                )),
                ("Ready", "True") => out.push(at(e(t, "kubelet", "ready".into()), stage::READY)),
                _ => {}
            }
        }
        for cs in status
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
        {
            let name = &cs.name;
            let states = [cs.last_state.as_ref(), cs.state.as_ref()];
            for st in states.into_iter().flatten() {
                if let Some(r) = &st.running {
                    out.push(at(
                        e(
                            r.started_at.as_ref().map(|t| t.0),
                            "kubelet",
                            format!("container {name} started"),
                        ),
                        stage::CONTAINER,
                    ));
                }
                if let Some(t) = &st.terminated {
                    if let Some(s) = &t.started_at {
                        out.push(at(
                            e(Some(s.0), "kubelet", format!("container {name} started")),
                            stage::CONTAINER,
                        ));
                    }
                    let mut end = e(
                        t.finished_at.as_ref().map(|t| t.0),
                        "kubelet",
                        format!(
                            "container {name} ended: {}, exit code {}",
                            t.reason.as_deref().unwrap_or("terminated"),
                            t.exit_code
                        ),
                    );
                    end.warning = t.exit_code != 0;
                    out.push(at(end, stage::ENDED));
                }
            }
            if cs.restart_count > 0 {
                let mut r = e(
                    None,
                    "kubelet",
                    format!("container {name} restarted {} time(s)", cs.restart_count),
                );
                r.warning = true;
                out.push(at(r, stage::ENDED));
            }
        }
        if let Some(phase) = status.and_then(|s| s.phase.as_deref())
            && matches!(phase, "Succeeded" | "Failed")
        {
            let mut p = e(None, "kubelet", format!("phase {phase}"));
            p.warning = phase == "Failed";
            out.push(at(p, stage::ENDED));
        }
        if let Some(t) = &pod.metadata.deletion_timestamp {
            out.push(at(
                e(Some(t.0), "kubernetes", "being deleted".into()),
                stage::DELETED,
            ));
        }
    }
    for ev in events {
        let io = &ev.involved_object;
        let object = match io.kind.as_deref() {
            Some("Pod") => format!("pod {}", io.name.as_deref().unwrap_or("?")),
            Some(k) => format!("{}/{}", k.to_lowercase(), io.name.as_deref().unwrap_or("?")),
            None => io.name.clone().unwrap_or_default(),
        };
        let t = ev
            .last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| ev.event_time.as_ref().map(|t| t.0))
            .or_else(|| ev.first_timestamp.as_ref().map(|t| t.0));
        let component = ev
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .or_else(|| ev.reporting_component.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "kubernetes".into());
        let mut what = ev.reason.clone().unwrap_or_default();
        if let Some(m) = ev.message.as_deref().filter(|m| !m.is_empty()) {
            what.push_str(&format!(": {}", m.trim()));
        }
        if let Some(n) = ev.count.filter(|n| *n > 1) {
            what.push_str(&format!(" (x{n})"));
        }
        let mut e = entry(t, Origin::Kubernetes, &component, &object, what);
        e.warning = ev.type_.as_deref() == Some("Warning");
        e.stage = match (component.as_str(), ev.reason.as_deref()) {
            (c, _) if c.contains("scheduler") => stage::SCHEDULED,
            ("kubelet", _) => stage::CONTAINER,
            (_, Some(r)) if r.contains("Create") => stage::POD_CREATED,
            (_, Some(r)) if r.contains("Delete") => stage::DELETED,
            _ => stage::RUNNING,
        };
        out.push(e);
    }
    out
}

/// Sort by time (entries without one last), keeping the sources' own order for equal times;
/// drop exact duplicates (a pod condition and its event can say the same).
pub fn sorted(mut entries: Vec<Entry>) -> Vec<Entry> {
    let key = |e: &Entry| {
        e.time
            .as_deref()
            .and_then(|t| t.parse::<Timestamp>().ok())
            .map_or((1, Timestamp::MAX, e.stage), |t| (0, t, e.stage))
    };
    entries.sort_by_key(key);
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    for e in entries {
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scontrol show job -o` of the test cluster (Slurm 22.05), cut to the keys used.
    fn job(fields: &str) -> ScontrolJob {
        crate::slurm::parse::parse_scontrol_job(fields).expect("scontrol line")
    }

    #[test]
    fn slurm_times_are_local_and_become_utc() {
        let t = SlurmTime::parse("2026-12-06T19:33:07").unwrap().unwrap();
        let tz = TimeZone::fixed(jiff::tz::offset(1));
        assert_eq!(
            slurm_time(t, &tz).map(utc).as_deref(),
            Some("2026-12-06T18:33:07Z")
        );
        assert_eq!(
            slurm_time(t, &TimeZone::UTC).map(utc).as_deref(),
            Some("2026-12-06T19:33:07Z")
        );
    }

    #[test]
    fn a_finished_job_and_a_pending_one() {
        let done = job(
            "JobId=7 JobName=train UserId=root(0) GroupId=root(0) Priority=1 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 SubmitTime=2026-12-06T19:33:07 EligibleTime=2026-12-06T19:33:07 StartTime=2026-12-06T19:33:09 EndTime=2026-12-06T19:34:00 Partition=gpu NodeList=node[1-2] NumNodes=2",
        );
        let got: Vec<(Option<String>, String)> = slurm_entries(&done, &TimeZone::UTC)
            .into_iter()
            .map(|e| (e.time, e.what))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("2026-12-06T19:33:07Z".into()),
                    "submitted to partition gpu (2 node(s))".into()
                ),
                (
                    Some("2026-12-06T19:33:09Z".into()),
                    "started on node[1-2]".into()
                ),
                (
                    Some("2026-12-06T19:34:00Z".into()),
                    "ended FAILED (NonZeroExitCode), exit code 3:0".into()
                ),
            ]
        );
        let waiting = job(
            "JobId=8 JobName=w JobState=PENDING Reason=Resources ExitCode=0:0 SubmitTime=2026-12-06T19:33:07 EligibleTime=2026-12-06T19:33:08 StartTime=2027-01-01T00:00:00 EndTime=2027-01-02T00:00:00 LastSchedEval=2026-12-06T19:33:10 Partition=gpu NodeList=(null) NumNodes=1",
        );
        let got: Vec<String> = slurm_entries(&waiting, &TimeZone::UTC)
            .into_iter()
            .map(|e| format!("{} {}", e.time.unwrap_or_default(), e.what))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[1], "2026-12-06T19:33:08Z eligible to run");
        assert!(
            got[2].starts_with("2026-12-06T19:33:10Z pending (Resources): "),
            "the expected start time is not an event: {got:?}"
        );
    }

    #[test]
    fn kubernetes_entries_merge_by_time() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "t-7-worker-0", "creationTimestamp": "2026-12-06T19:33:10Z"},
            "spec": {"containers": [], "nodeName": "node2"},
            "status": {"phase": "Failed",
              "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-12-06T19:33:11Z"}],
              "containerStatuses": [{"name": "pytorch", "image": "i", "imageID": "", "ready": false, "restartCount": 1,
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2026-12-06T19:33:12Z", "finishedAt": "2026-12-06T19:33:20Z"}},
                "state": {"terminated": {"exitCode": 3, "reason": "Error", "startedAt": "2026-12-06T19:33:21Z", "finishedAt": "2026-12-06T19:33:59Z"}}}]}
        }))
        .unwrap();
        let ev: Event = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "e1"}, "involvedObject": {"kind": "PyTorchJob", "name": "t-7"},
            "reason": "SuccessfulCreatePod", "message": "Created pod: t-7-worker-0", "type": "Normal",
            "source": {"component": "pytorchjob-controller"}, "lastTimestamp": "2026-12-06T19:33:10Z"
        }))
        .unwrap();
        let all = sorted(kube_entries(None, &[pod], &[ev]));
        let lines: Vec<String> = all
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} {}",
                    e.time.as_deref().unwrap_or("-"),
                    e.component,
                    e.object,
                    e.what
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "2026-12-06T19:33:10Z training-operator pod t-7-worker-0 created",
                "2026-12-06T19:33:10Z pytorchjob-controller pytorchjob/t-7 SuccessfulCreatePod: Created pod: t-7-worker-0",
                "2026-12-06T19:33:11Z scheduler pod t-7-worker-0 scheduled to node2",
                "2026-12-06T19:33:12Z kubelet pod t-7-worker-0 container pytorch started",
                "2026-12-06T19:33:20Z kubelet pod t-7-worker-0 container pytorch ended: Error, exit code 1",
                "2026-12-06T19:33:21Z kubelet pod t-7-worker-0 container pytorch started",
                "2026-12-06T19:33:59Z kubelet pod t-7-worker-0 container pytorch ended: Error, exit code 3",
                "- kubelet pod t-7-worker-0 container pytorch restarted 1 time(s)",
                "- kubelet pod t-7-worker-0 phase Failed",
            ]
        );
        assert!(all[6].warning && all[7].warning && !all[0].warning);
    }
}
