//! What Kubernetes holds for a set of Slurm jobs: the PyTorchJob's conditions as the training
//! operator wrote them, and each pod with its phase, its node and, while the scheduler cannot
//! place it, the scheduler's own reason, for `status`; and what is left after `cancel`. One
//! list call per kind and namespace, whatever the number of jobs.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{DynamicObject, ListParams};
use kube::{Api, Client};
use serde::{Deserialize, Serialize};

use crate::jobid::JobIds;
use crate::k8s::labels::{LABEL_JOB_ID, job_id_of};
use crate::k8s::pytorchjob::PyTorchJob;
use crate::k8s::workload::Backend;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubeSummary {
    pub namespace: String,
    /// `pytorchjob/<name>`, when it exists.
    pub pytorchjob: Option<String>,
    /// `trainjob/<name>`, when it exists (Kubeflow Trainer v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainjob: Option<String>,
    /// The TrainJob's JobSet and its latest True condition: `jobset/<name>: Completed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobset: Option<String>,
    /// The latest condition whose status is True (`Created`, `Running`, `Succeeded`, ...).
    pub condition: Option<String>,
    pub pods_ready: u32,
    pub pods_total: u32,
    /// The PyTorchJob's conditions in the operator's order (`Created`, `Running`,
    /// `Restarting`, `Succeeded`, `Failed`), or the TrainJob's (`Suspended`, `Complete`,
    /// `Failed`).
    #[serde(default)]
    pub conditions: Vec<ConditionView>,
    /// The pods, by name.
    #[serde(default)]
    pub pods: Vec<PodView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConditionView {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PodView {
    pub name: String,
    /// `Pending`, `Running`, `Succeeded`, `Failed`.
    pub phase: String,
    /// The node the scheduler bound it to.
    pub node: Option<String>,
    /// While the scheduler cannot place the pod: `FailedScheduling: <the scheduler's
    /// message>` (its `PodScheduled=False` condition, the same text as its event).
    pub scheduling: Option<String>,
    /// Why a container ended or waits (`Error, exit code 3`, `ImagePullBackOff: ...`).
    pub container: Option<String>,
}

impl KubeSummary {
    pub fn is_empty(&self) -> bool {
        self.pytorchjob.is_none() && self.trainjob.is_none() && self.pods_total == 0
    }
}

fn pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// A pod as `status` shows it.
pub fn pod_view(pod: &Pod) -> PodView {
    let status = pod.status.as_ref();
    let scheduling = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "PodScheduled"))
        .filter(|c| c.status == "False")
        .map(|c| {
            // The scheduler sets reason `Unschedulable` and records the same message as a
            // `FailedScheduling` event; other reasons (`SchedulingGated`) are shown as they are.
            let reason = match c.reason.as_deref() {
                Some("Unschedulable") | None => "FailedScheduling",
                Some(r) => r,
            };
            match c.message.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => format!("{reason}: {}", m.trim()),
                None => reason.to_string(),
            }
        });
    let container = status
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|cs| {
            cs.iter().find_map(|c| {
                let st = c.state.as_ref()?;
                if let Some(t) = &st.terminated
                    && t.exit_code != 0
                {
                    return Some(format!(
                        "{}, exit code {}",
                        t.reason.as_deref().unwrap_or("terminated"),
                        t.exit_code
                    ));
                }
                st.waiting.as_ref().and_then(|w| {
                    let reason = w.reason.as_deref()?;
                    Some(match w.message.as_deref() {
                        Some(m) if !m.is_empty() => format!("{reason}: {m}"),
                        _ => reason.to_string(),
                    })
                })
            })
        });
    PodView {
        name: pod.metadata.name.clone().unwrap_or_default(),
        phase: status
            .and_then(|s| s.phase.clone())
            .unwrap_or_else(|| "Pending".into()),
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        scheduling,
        container,
    }
}

/// The lines `status` prints under its table for one job's Kubernetes side: the operator's
/// conditions, then each pod that is not simply running or done, with the scheduler's or
/// the container's reason.
pub fn detail_lines(job_id: &str, k: &KubeSummary) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(job) = k.pytorchjob.as_ref().or(k.trainjob.as_ref()) {
        let conds: Vec<String> = k
            .conditions
            .iter()
            .map(|c| {
                let mut s = c.type_.clone();
                if c.status != "True" {
                    s.push_str(&format!("={}", c.status));
                }
                s
            })
            .collect();
        let mut line = format!("job {job_id}: {job} in namespace {}", k.namespace);
        if conds.is_empty() {
            line.push_str(": no condition yet (no controller has acted on it)");
        } else {
            line.push_str(&format!(": {}", conds.join(" -> ")));
        }
        if let Some(last) = k.conditions.iter().rev().find(|c| c.status == "True")
            && let Some(m) = last.message.as_deref().filter(|m| !m.is_empty())
        {
            line.push_str(&format!(" ({m})"));
        }
        out.push(line);
    }
    if let Some(js) = &k.jobset {
        out.push(format!("  {js}"));
    }
    for p in &k.pods {
        let why = p.scheduling.as_ref().or(p.container.as_ref());
        match why {
            Some(why) => out.push(format!("  pod {}: {}: {why}", p.name, p.phase)),
            None if p.phase == "Pending" => out.push(format!("  pod {}: Pending", p.name)),
            None => {}
        }
    }
    out
}

fn summary_for<'a>(
    out: &'a mut BTreeMap<String, KubeSummary>,
    id: String,
    namespace: &str,
) -> &'a mut KubeSummary {
    out.entry(id).or_insert_with(|| KubeSummary {
        namespace: namespace.to_string(),
        ..KubeSummary::default()
    })
}

/// `hybridctl.io/slurm-job-id in (1,2,3)`.
pub fn selector(ids: &JobIds) -> String {
    format!("{LABEL_JOB_ID} in ({})", ids.joined())
}

/// Summaries by Slurm job id, for jobs in one namespace.
pub async fn summarize(
    client: &Client,
    namespace: &str,
    ids: &JobIds,
) -> Result<BTreeMap<String, KubeSummary>, kube::Error> {
    let mut out: BTreeMap<String, KubeSummary> = BTreeMap::new();
    let lp = ListParams::default().labels(&selector(ids));
    // The job objects of both backends and a TrainJob's JobSet. A kind whose CRD is not
    // installed (404), or that this site's role does not grant (403: a site runs one
    // backend), has nothing to show; the pods below are listed either way.
    let kinds = [
        (Backend::PyTorchJob.api_resource(), "pytorchjob"),
        (Backend::TrainJob.api_resource(), "trainjob"),
        (crate::k8s::workload::jobset_resource(), "jobset"),
    ];
    for (resource, short) in kinds {
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &resource);
        let list = match api.list(&lp).await {
            Ok(l) => l.items,
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 403 => continue,
            Err(e) => return Err(e),
        };
        for job in list {
            let Some(id) = job_id_of(&job.metadata).map(str::to_string) else {
                continue;
            };
            let entry = summary_for(&mut out, id, namespace);
            let name = job.metadata.name.as_deref().unwrap_or_default();
            let conditions: Vec<ConditionView> = crate::k8s::workload::conditions(&job.data)
                .into_iter()
                .map(|(type_, status, reason, message)| ConditionView {
                    type_,
                    status,
                    reason: Some(reason).filter(|r| !r.is_empty()),
                    message: Some(message).filter(|m| !m.is_empty()),
                })
                .collect();
            let latest = conditions
                .iter()
                .rev()
                .find(|c| c.status == "True")
                .map(|c| c.type_.clone());
            if short == "jobset" {
                entry.jobset = Some(match latest {
                    Some(c) => format!("jobset/{name}: {c}"),
                    None => format!("jobset/{name}"),
                });
                continue;
            }
            if short == "pytorchjob" {
                entry.pytorchjob = Some(format!("pytorchjob/{name}"));
            } else {
                entry.trainjob = Some(format!("trainjob/{name}"));
            }
            entry.condition = latest;
            entry.conditions = conditions;
        }
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    for pod in pods.list(&lp).await?.items {
        let Some(id) = job_id_of(&pod.metadata).map(str::to_string) else {
            continue;
        };
        let entry = summary_for(&mut out, id, namespace);
        entry.pods_total += 1;
        if pod_ready(&pod) {
            entry.pods_ready += 1;
        }
        entry.pods.push(pod_view(&pod));
    }
    for entry in out.values_mut() {
        entry.pods.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}

/// Wait, until `deadline`, for every PyTorchJob, TrainJob and pod of the jobs to be gone from
/// one namespace: one metadata watch per kind (no polling), done once every initial list came
/// in and nothing is left. A job kind whose CRD is not installed (404) or that the identity
/// may not list (403: the site runs the other backend) counts as listed and empty. True when
/// everything is gone in time; other watch errors are retried by the watcher's backoff until
/// the deadline.
pub async fn wait_gone(
    client: &Client,
    namespace: &str,
    ids: &JobIds,
    deadline: tokio::time::Instant,
) -> bool {
    use futures::StreamExt;
    use kube::core::PartialObjectMeta;
    use kube::runtime::{WatchStreamExt, watcher};
    use std::collections::BTreeSet;
    /// A watch event reduced to what the wait needs, so both kinds fit one stream.
    enum Change {
        Restart,
        Present(String),
        Gone(String),
        Listed,
        /// The kind is not installed (404) or not this site's (403): nothing of it exists.
        Absent,
        Error,
    }
    fn change<K>(
        kind: usize,
        e: Result<watcher::Event<PartialObjectMeta<K>>, watcher::Error>,
    ) -> (usize, Change) {
        let name = |o: PartialObjectMeta<K>| o.metadata.name.unwrap_or_default();
        let c = match e {
            Ok(watcher::Event::Init) => Change::Restart,
            Ok(watcher::Event::InitApply(o) | watcher::Event::Apply(o)) => Change::Present(name(o)),
            Ok(watcher::Event::Delete(o)) => Change::Gone(name(o)),
            Ok(watcher::Event::InitDone) => Change::Listed,
            Err(watcher::Error::InitialListFailed(kube::Error::Api(s)))
                if s.code == 404 || s.code == 403 =>
            {
                Change::Absent
            }
            Err(_) => Change::Error,
        };
        (kind, c)
    }
    let config = watcher::Config::default().labels(&selector(ids));
    let jobs: Api<PartialObjectMeta<PyTorchJob>> = Api::namespaced(client.clone(), namespace);
    let trainjobs: Api<PartialObjectMeta<DynamicObject>> =
        Api::namespaced_with(client.clone(), namespace, &Backend::TrainJob.api_resource());
    let pods: Api<PartialObjectMeta<Pod>> = Api::namespaced(client.clone(), namespace);
    let jobs = watcher(jobs, config.clone())
        .default_backoff()
        .map(|e| change(0, e));
    let trainjobs = watcher(trainjobs, config.clone())
        .default_backoff()
        .map(|e| change(2, e));
    let pods = watcher(pods, config)
        .default_backoff()
        .map(|e| change(1, e));
    let merged = futures::stream::select(futures::stream::select(jobs, pods), trainjobs);
    futures::pin_mut!(merged);
    let mut present: [BTreeSet<String>; 3] = Default::default();
    let mut listed = [false, false, false];
    let wait = async {
        while let Some((kind, c)) = merged.next().await {
            match c {
                Change::Restart => {
                    present[kind].clear();
                    listed[kind] = false;
                }
                Change::Present(n) => {
                    present[kind].insert(n);
                }
                Change::Gone(n) => {
                    present[kind].remove(&n);
                }
                Change::Listed => listed[kind] = true,
                Change::Absent => {
                    present[kind].clear();
                    listed[kind] = true;
                }
                // A kind that is not there keeps failing its list: it stays absent.
                Change::Error => continue,
            }
            if listed.iter().all(|l| *l) && present.iter().all(BTreeSet::is_empty) {
                return true;
            }
        }
        false
    };
    tokio::time::timeout_at(deadline, wait)
        .await
        .unwrap_or(false)
}

/// What Kubernetes holds about one job, for `describe`: its PyTorchJob, its pods, and the
/// events about any object named after the PyTorchJob (`NAME` and `NAME-...`, which covers
/// its pods even after they are deleted). Events are a separate answer: the least-privilege
/// identity may not list them.
pub struct JobObjects {
    pub job: Option<PyTorchJob>,
    pub pods: Vec<Pod>,
    pub events: Result<Vec<k8s_openapi::api::core::v1::Event>, kube::Error>,
}

/// The most events `describe` reads from a namespace (one list call).
const EVENTS_MAX: u32 = 2000;

pub async fn job_objects(
    client: &Client,
    namespace: &str,
    id: &crate::jobid::JobId,
    fallback_name: Option<&str>,
) -> Result<JobObjects, kube::Error> {
    let lp = ListParams::default().labels(&format!("{LABEL_JOB_ID}={id}"));
    let jobs: Api<PyTorchJob> = Api::namespaced(client.clone(), namespace);
    let job = jobs.list(&lp).await?.items.into_iter().next();
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let mut pods = pods.list(&lp).await?.items;
    pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let name = job
        .as_ref()
        .and_then(|j| j.metadata.name.clone())
        .or_else(|| fallback_name.map(str::to_string));
    let events = match name {
        None => Ok(Vec::new()),
        Some(name) => {
            let api: Api<k8s_openapi::api::core::v1::Event> =
                Api::namespaced(client.clone(), namespace);
            api.list(&ListParams::default().limit(EVENTS_MAX))
                .await
                .map(|l| {
                    let prefix = format!("{name}-");
                    l.items
                        .into_iter()
                        .filter(|e| {
                            e.involved_object
                                .name
                                .as_deref()
                                .is_some_and(|n| n == name || n.starts_with(&prefix))
                        })
                        .collect()
                })
        }
    };
    Ok(JobObjects { job, pods, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pod as kube-scheduler v1.36.3 of testenv/kube left one it could not place (the
    /// message is the one it wrote for `kube-status-987700-worker-0` in
    /// tests/it/kube.rs, copied from its FailedScheduling event), and one that kwok ended
    /// with exit code 3.
    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).expect("pod")
    }

    #[test]
    fn a_pod_the_scheduler_cannot_place_shows_its_reason() {
        let p = pod(serde_json::json!({
            "metadata": {"name": "j-worker-0"},
            "status": {"phase": "Pending", "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
            }]}
        }));
        let v = pod_view(&p);
        assert_eq!(v.phase, "Pending");
        assert_eq!(v.node, None);
        assert_eq!(
            v.scheduling.as_deref(),
            Some(
                "FailedScheduling: 0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
            )
        );
        let placed = pod(serde_json::json!({
            "metadata": {"name": "j-master-0"}, "spec": {"nodeName": "node1", "containers": []},
            "status": {"phase": "Failed", "conditions": [{"type": "PodScheduled", "status": "True"}],
                       "containerStatuses": [{"name": "pytorch", "image": "i", "imageID": "", "ready": false, "restartCount": 0,
                                              "state": {"terminated": {"exitCode": 3, "reason": "Error"}}}]}
        }));
        let v = pod_view(&placed);
        assert_eq!(v.node.as_deref(), Some("node1"));
        assert_eq!(v.scheduling, None);
        assert_eq!(v.container.as_deref(), Some("Error, exit code 3"));
    }

    #[test]
    fn detail_lines_show_the_conditions_and_only_the_pods_with_a_story() {
        let k = KubeSummary {
            namespace: "training".into(),
            pytorchjob: Some("pytorchjob/j-7".into()),
            trainjob: None,
            jobset: None,
            condition: Some("Running".into()),
            pods_ready: 1,
            pods_total: 2,
            conditions: vec![
                ConditionView {
                    type_: "Created".into(),
                    status: "True".into(),
                    reason: Some("PyTorchJobCreated".into()),
                    message: Some("PyTorchJob j-7 is created.".into()),
                },
                ConditionView {
                    type_: "Running".into(),
                    status: "True".into(),
                    reason: Some("PyTorchJobRunning".into()),
                    message: Some("PyTorchJob training/j-7 is running.".into()),
                },
            ],
            pods: vec![
                PodView {
                    name: "j-7-master-0".into(),
                    phase: "Running".into(),
                    node: Some("node1".into()),
                    ..PodView::default()
                },
                PodView {
                    name: "j-7-worker-0".into(),
                    phase: "Pending".into(),
                    scheduling: Some("FailedScheduling: 0/3 nodes are available".into()),
                    ..PodView::default()
                },
            ],
        };
        assert_eq!(
            detail_lines("7", &k),
            [
                "job 7: pytorchjob/j-7 in namespace training: Created -> Running (PyTorchJob training/j-7 is running.)",
                "  pod j-7-worker-0: Pending: FailedScheduling: 0/3 nodes are available",
            ]
        );
        let none = KubeSummary {
            pytorchjob: Some("pytorchjob/j-8".into()),
            namespace: "training".into(),
            ..KubeSummary::default()
        };
        assert_eq!(
            detail_lines("8", &none),
            [
                "job 8: pytorchjob/j-8 in namespace training: no condition yet (no controller has acted on it)"
            ]
        );
    }
}
