//! What Kubernetes holds for a set of Slurm jobs: the PyTorchJob's latest condition and the
//! pods ready/total, for `status`, and what is left after `cancel`. One list call per kind
//! and namespace, whatever the number of jobs.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;
use kube::{Api, Client};
use serde::Serialize;

use super::pytorchjob::PyTorchJob;
use crate::plan::LABEL_JOB_ID;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
pub fn selector(ids: &[String]) -> String {
    format!("{LABEL_JOB_ID} in ({})", ids.join(","))
}

/// Summaries by Slurm job id, for jobs in one namespace.
pub async fn summarize(
    client: &Client,
    namespace: &str,
    ids: &[String],
) -> Result<BTreeMap<String, KubeSummary>, kube::Error> {
    let mut out: BTreeMap<String, KubeSummary> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
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
