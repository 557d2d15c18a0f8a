//! What Kubernetes holds for a set of Slurm jobs: the PyTorchJob's latest condition and the
//! pods ready/total, for `status`, and what is left after `cancel`. One list call per kind
//! and namespace, whatever the number of jobs.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;
use kube::{Api, Client};
use serde::Serialize;

use super::pytorchjob::PyTorchJob;
use crate::jobs::JobIds;
use crate::plan::LABEL_JOB_ID;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct KubeSummary {
    pub namespace: String,
    /// `pytorchjob/<name>`, when it exists.
    pub pytorchjob: Option<String>,
    /// The latest condition whose status is True (`Created`, `Running`, `Succeeded`, ...).
    pub condition: Option<String>,
    pub pods_ready: u32,
    pub pods_total: u32,
}

impl KubeSummary {
    pub fn is_empty(&self) -> bool {
        self.pytorchjob.is_none() && self.pods_total == 0
    }
}

fn pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
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
    let jobs: Api<PyTorchJob> = Api::namespaced(client.clone(), namespace);
    for job in jobs.list(&lp).await?.items {
        let Some(id) = job
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(LABEL_JOB_ID))
            .cloned()
        else {
            continue;
        };
        let entry = summary_for(&mut out, id, namespace);
        entry.pytorchjob = job
            .metadata
            .name
            .as_ref()
            .map(|n| format!("pytorchjob/{n}"));
        entry.condition = job
            .status
            .as_ref()
            .and_then(|s| s.conditions.iter().rev().find(|c| c.status == "True"))
            .map(|c| c.type_.clone());
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    for pod in pods.list(&lp).await?.items {
        let Some(id) = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(LABEL_JOB_ID))
            .cloned()
        else {
            continue;
        };
        let entry = summary_for(&mut out, id, namespace);
        entry.pods_total += 1;
        if pod_ready(&pod) {
            entry.pods_ready += 1;
        }
    }
    Ok(out)
}

/// Wait, until `deadline`, for every PyTorchJob and pod of the jobs to be gone from one
/// namespace: one metadata watch per kind (no polling), done once both initial lists came in
/// and nothing is left. True when everything is gone in time; watch errors are retried by the
/// watcher's backoff until the deadline.
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
            Err(_) => Change::Error,
        };
        (kind, c)
    }
    let config = watcher::Config::default().labels(&selector(ids));
    let jobs: Api<PartialObjectMeta<PyTorchJob>> = Api::namespaced(client.clone(), namespace);
    let pods: Api<PartialObjectMeta<Pod>> = Api::namespaced(client.clone(), namespace);
    let jobs = watcher(jobs, config.clone())
        .default_backoff()
        .map(|e| change(0, e));
    let pods = watcher(pods, config)
        .default_backoff()
        .map(|e| change(1, e));
    let merged = futures::stream::select(jobs, pods);
    futures::pin_mut!(merged);
    let mut present: [BTreeSet<String>; 2] = Default::default();
    let mut listed = [false, false];
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
