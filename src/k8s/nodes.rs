//! Admitting a node to a job and releasing it, as JSON merge patches computed from the node
//! as it was read (pure; `kube::hooks` sends them and recomputes after a 409 Conflict).
//!
//! The prolog labels each allocated node `hybridctl.io/slurm-job-id=<id>` and adds the id to
//! the annotation `hybridctl.io/slurm-job-ids`; the epilog drops it, and the site's taint
//! comes back only when no job holds the node. The patches carry the node's
//! `resourceVersion`, so a concurrent change makes them fail instead of overwriting it.

use k8s_openapi::api::core::v1::{Node, Taint};
use serde_json::{Map, Value};

use super::labels::{ANNOTATION_JOB_IDS, HOSTNAME_LABEL, LABEL_JOB_ID, job_id_of, jobs_of};
use super::taint::TaintSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeAction {
    Admitted,
    Released,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaintChange {
    Removed,
    Restored,
}

/// What a node patch changes.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeChange {
    /// A JSON merge patch, with the node's `resourceVersion` as a precondition.
    pub patch: Value,
    pub action: NodeAction,
    /// The job label: `Some(Some(id))` set, `Some(None)` removed, `None` unchanged.
    pub label: Option<Option<String>>,
    pub taint: Option<TaintChange>,
    /// The other jobs that hold the node after the change.
    pub others: Vec<String>,
}

/// The job id a node is labelled with.
pub fn node_job(node: &Node) -> Option<&str> {
    job_id_of(&node.metadata)
}

fn node_annotation(node: &Node) -> Option<&str> {
    node.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(ANNOTATION_JOB_IDS))
        .map(String::as_str)
}

/// The jobs that hold a node: the annotation's ids, and the label's when the annotation
/// lacks it (a node labelled by hand).
pub fn node_jobs(node: &Node) -> Vec<String> {
    jobs_of(&node.metadata)
}

fn node_taints(node: &Node) -> &[Taint] {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or(&[])
}

/// A merge patch for `node`, with its `resourceVersion` as the precondition.
#[derive(Default)]
struct NodePatch {
    label: Option<Value>,
    annotation: Option<Value>,
    taints: Option<Vec<Taint>>,
}

impl NodePatch {
    fn is_empty(&self) -> bool {
        self.label.is_none() && self.annotation.is_none() && self.taints.is_none()
    }

    fn build(self, node: &Node) -> Value {
        let mut metadata = Map::new();
        if let Some(rv) = &node.metadata.resource_version {
            metadata.insert("resourceVersion".into(), Value::String(rv.clone()));
        }
        let one = |key: &str, value: Value| {
            let mut m = Map::new();
            m.insert(key.to_string(), value);
            Value::Object(m)
        };
        if let Some(v) = self.label {
            metadata.insert("labels".into(), one(LABEL_JOB_ID, v));
        }
        if let Some(v) = self.annotation {
            metadata.insert("annotations".into(), one(ANNOTATION_JOB_IDS, v));
        }
        let mut patch = Map::new();
        patch.insert("metadata".into(), Value::Object(metadata));
        if let Some(taints) = self.taints {
            let list = serde_json::to_value(taints).unwrap_or(Value::Array(Vec::new()));
            patch.insert("spec".into(), one("taints", list));
        }
        Value::Object(patch)
    }
}

/// Admit a node to a job: label it with the job id, add the id to the node's job list and
/// remove the site's taint. `None` when the node is admitted already (the prolog is
/// idempotent).
pub fn admit(node: &Node, job_id: &str, taint: Option<&TaintSpec>) -> Option<NodeChange> {
    let mut jobs = node_jobs(node);
    if !jobs.iter().any(|j| j == job_id) {
        jobs.push(job_id.to_string());
    }
    let mut p = NodePatch::default();
    let label = (node_job(node) != Some(job_id)).then(|| Some(job_id.to_string()));
    if label.is_some() {
        p.label = Some(Value::String(job_id.to_string()));
    }
    let joined = jobs.join(",");
    if node_annotation(node) != Some(joined.as_str()) {
        p.annotation = Some(Value::String(joined));
    }
    let all = node_taints(node);
    let removed = taint.filter(|t| all.iter().any(|x| t.matches(x)));
    if let Some(t) = removed {
        p.taints = Some(all.iter().filter(|x| !t.matches(x)).cloned().collect());
    }
    if p.is_empty() {
        return None;
    }
    Some(NodeChange {
        patch: p.build(node),
        action: NodeAction::Admitted,
        label,
        taint: removed.map(|_| TaintChange::Removed),
        others: jobs.into_iter().filter(|j| j != job_id).collect(),
    })
}

/// Release a node from a job: drop the id from the node's job list; when no other job holds
/// the node, remove the label and restore the site's taint, else point the label at a job
/// that still holds it. `None` when the job does not hold the node (a second epilog, or a
/// node the prolog never admitted).
pub fn release(node: &Node, job_id: &str, taint: Option<&TaintSpec>) -> Option<NodeChange> {
    let jobs = node_jobs(node);
    if !jobs.iter().any(|j| j == job_id) {
        return None;
    }
    let others: Vec<String> = jobs.into_iter().filter(|j| j != job_id).collect();
    let mut p = NodePatch::default();
    let current = node_job(node);
    let label = match others.last() {
        None => current.is_some().then_some(None),
        Some(last) if current.is_none_or(|c| c == job_id) => Some(Some(last.clone())),
        Some(_) => None,
    };
    if let Some(l) = &label {
        p.label = Some(l.clone().map_or(Value::Null, Value::String));
    }
    p.annotation = Some(if others.is_empty() {
        Value::Null
    } else {
        Value::String(others.join(","))
    });
    let all = node_taints(node);
    let restored = taint.filter(|t| others.is_empty() && !all.iter().any(|x| t.matches(x)));
    if let Some(t) = restored {
        let mut list = all.to_vec();
        list.push(t.to_taint());
        p.taints = Some(list);
    }
    Some(NodeChange {
        patch: p.build(node),
        action: NodeAction::Released,
        label,
        taint: restored.map(|_| TaintChange::Restored),
        others,
    })
}

/// One log line for a node change.
pub fn describe_change(
    node: &str,
    job_id: &str,
    change: &NodeChange,
    taint: Option<&TaintSpec>,
) -> String {
    let held = |others: &[String]| {
        if others.is_empty() {
            String::new()
        } else {
            format!(" (also held by job {})", others.join(", job "))
        }
    };
    let mut text = match (change.action, &change.label) {
        (NodeAction::Admitted, Some(_)) => format!(
            "labelled node {node} {LABEL_JOB_ID}={job_id}{}",
            held(&change.others)
        ),
        (NodeAction::Admitted, None) => {
            format!("admitted node {node} for the job{}", held(&change.others))
        }
        (NodeAction::Released, _) if change.others.is_empty() => {
            format!("removed label {LABEL_JOB_ID}={job_id} from node {node}")
        }
        (NodeAction::Released, _) => format!(
            "released node {node} (still held by job {})",
            change.others.join(", job ")
        ),
    };
    let taint = taint.map(ToString::to_string).unwrap_or_default();
    match change.taint {
        Some(TaintChange::Removed) => text.push_str(&format!(", removed taint {taint}")),
        Some(TaintChange::Restored) => text.push_str(&format!(", restored taint {taint}")),
        None => {}
    }
    text
}

/// The Kubernetes node for a Slurm node name: by name or by `kubernetes.io/hostname`.
pub fn find_node<'n>(nodes: &'n [Node], slurm_name: &str) -> Option<&'n Node> {
    nodes
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some(slurm_name))
        .or_else(|| {
            nodes.iter().find(|n| {
                n.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(HOSTNAME_LABEL))
                    .map(String::as_str)
                    == Some(slurm_name)
            })
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::api::core::v1::NodeSpec;
    use kube::api::ObjectMeta;

    use super::*;

    fn node(label: Option<&str>, taints: &[Taint]) -> Node {
        held(label, None, taints)
    }

    /// A node with the job label and the job list annotation.
    fn held(label: Option<&str>, jobs: Option<&str>, taints: &[Taint]) -> Node {
        Node {
            metadata: ObjectMeta {
                name: Some("node1".into()),
                resource_version: Some("42".into()),
                labels: label.map(|l| BTreeMap::from([(LABEL_JOB_ID.to_string(), l.to_string())])),
                annotations: jobs
                    .map(|j| BTreeMap::from([(ANNOTATION_JOB_IDS.to_string(), j.to_string())])),
                ..ObjectMeta::default()
            },
            spec: Some(NodeSpec {
                taints: (!taints.is_empty()).then(|| taints.to_vec()),
                ..NodeSpec::default()
            }),
            status: None,
        }
    }

    fn taint() -> TaintSpec {
        TaintSpec::parse("hybridctl.io/slurm=owned:NoSchedule").expect("valid")
    }

    fn other_taint() -> Taint {
        Taint {
            key: "gpu".into(),
            value: None,
            effect: "NoExecute".into(),
            time_added: None,
        }
    }

    #[test]
    fn admit_labels_and_removes_only_the_site_taint() {
        let t = taint();
        let n = node(None, &[t.to_taint(), other_taint()]);
        let change = admit(&n, "12", Some(&t)).expect("a change");
        assert_eq!(change.action, NodeAction::Admitted);
        assert_eq!(change.label, Some(Some("12".into())));
        assert_eq!(change.taint, Some(TaintChange::Removed));
        assert_eq!(
            change.patch,
            serde_json::json!({
                "metadata": {
                    "resourceVersion": "42",
                    "labels": {LABEL_JOB_ID: "12"},
                    "annotations": {ANNOTATION_JOB_IDS: "12"},
                },
                "spec": {"taints": [{"key": "gpu", "effect": "NoExecute"}]},
            })
        );
        assert_eq!(
            describe_change("node1", "12", &change, Some(&t)),
            "labelled node node1 hybridctl.io/slurm-job-id=12, removed taint hybridctl.io/slurm=owned:NoSchedule"
        );
        // Admitted already: nothing to do (idempotent).
        let done = held(Some("12"), Some("12"), &[other_taint()]);
        assert_eq!(admit(&done, "12", Some(&t)), None);
        // Labelled by hand (no list yet): the list is written, the label stays.
        let change = admit(&node(Some("12"), &[]), "12", None).expect("a change");
        assert_eq!(change.label, None);
        assert_eq!(
            change.patch["metadata"]["annotations"][ANNOTATION_JOB_IDS],
            "12"
        );
    }

    #[test]
    fn a_shared_node_is_held_by_every_job_on_it() {
        let t = taint();
        // Job 11 holds node1; job 12 is admitted to it too: the label names 12, the list both.
        let n = held(Some("11"), Some("11"), &[]);
        let change = admit(&n, "12", Some(&t)).expect("a change");
        assert_eq!(change.label, Some(Some("12".into())));
        assert_eq!(change.others, ["11"]);
        assert_eq!(
            change.patch["metadata"]["annotations"][ANNOTATION_JOB_IDS],
            "11,12"
        );
        assert!(change.patch.get("spec").is_none());
        assert_eq!(
            describe_change("node1", "12", &change, Some(&t)),
            "labelled node node1 hybridctl.io/slurm-job-id=12 (also held by job 11)"
        );
        // Job 12 ends first: the label goes back to 11, and the taint stays off.
        let n = held(Some("12"), Some("11,12"), &[]);
        let change = release(&n, "12", Some(&t)).expect("a change");
        assert_eq!(change.label, Some(Some("11".into())));
        assert_eq!(change.taint, None);
        assert_eq!(
            change.patch,
            serde_json::json!({"metadata": {
                "resourceVersion": "42",
                "labels": {LABEL_JOB_ID: "11"},
                "annotations": {ANNOTATION_JOB_IDS: "11"},
            }})
        );
        assert_eq!(
            describe_change("node1", "12", &change, Some(&t)),
            "released node node1 (still held by job 11)"
        );
        // Job 11 ends while 12 runs: 12 keeps the label.
        let change = release(&n, "11", Some(&t)).expect("a change");
        assert_eq!(change.label, None);
        assert_eq!(
            change.patch["metadata"]["annotations"][ANNOTATION_JOB_IDS],
            "12"
        );
    }

    #[test]
    fn release_only_a_node_that_this_job_holds() {
        let t = taint();
        let n = held(Some("12"), Some("12"), &[other_taint()]);
        let change = release(&n, "12", Some(&t)).expect("change");
        assert_eq!(change.action, NodeAction::Released);
        assert_eq!(change.label, Some(None));
        assert_eq!(change.taint, Some(TaintChange::Restored));
        assert_eq!(
            change.patch,
            serde_json::json!({
                "metadata": {
                    "resourceVersion": "42",
                    "labels": {LABEL_JOB_ID: null},
                    "annotations": {ANNOTATION_JOB_IDS: null},
                },
                "spec": {"taints": [
                    {"key": "gpu", "effect": "NoExecute"},
                    {"key": "hybridctl.io/slurm", "value": "owned", "effect": "NoSchedule"},
                ]},
            })
        );
        assert_eq!(
            describe_change("node1", "12", &change, Some(&t)),
            "removed label hybridctl.io/slurm-job-id=12 from node node1, restored taint hybridctl.io/slurm=owned:NoSchedule"
        );
        // Taint there already: only the label goes. A node labelled by hand is released too.
        let change = release(&node(Some("12"), &[t.to_taint()]), "12", Some(&t)).expect("change");
        assert_eq!(change.taint, None);
        assert_eq!(change.label, Some(None));
        // Another job holds the node, or nobody does: hands off.
        assert_eq!(
            release(&held(Some("13"), Some("13"), &[]), "12", Some(&t)),
            None
        );
        assert_eq!(release(&node(None, &[]), "12", Some(&t)), None);
        // Ids are read leniently from the list.
        assert_eq!(
            node_jobs(&held(Some("3"), Some(" 1, 2,,1"), &[])),
            ["1", "2", "3"]
        );
    }
}
