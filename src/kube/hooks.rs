//! The Slurm controller hooks (`hybridctl hook prolog|epilog`, run as `PrologSlurmctld` and
//! `EpilogSlurmctld`) and `hybridctl gc`: the two cleanup paths that do not depend on
//! `launch` surviving (architecture, principle 3: `launch` on SIGTERM, the epilog, `gc`).
//!
//! **Which jobs are hybridctl's.** A controller hook gets only the job's `SLURM_*` variables
//! (no `PATH`, `HOME` or `SLURM_CONF`; see `shared/reference/slurm-local-findings.md`,
//! Prolog/Epilog) and runs while slurmctld is starting or ending this very job, so it calls
//! no Slurm command. Instead:
//! * the **epilog** does not need to know. It lists by the label
//!   `hybridctl.io/slurm-job-id=<id>` the PyTorchJobs and pods (one list per kind and
//!   namespace) and the nodes (one list), and deletes or releases what it finds. For any other
//!   job the lists are empty, so it is safe for every job and idempotent;
//! * the **prolog** admits nodes (label, taint removal) only for jobs it recognises: the batch
//!   output file name starts with `hybridctl-` (`SLURM_JOB_STDOUT`; the spec's `slurm.output`
//!   defaults to `hybridctl-%x-%j.out`), or the job runs in a partition listed in the site
//!   config's `hooks.partitions`. Recognition only decides what is admitted; nothing is
//!   deleted because of it.
//!
//! **Nodes.** The prolog labels each allocated node `hybridctl.io/slurm-job-id=<id>` and adds
//! the id to the annotation `hybridctl.io/slurm-job-ids`. Nodes can be shared (in the test
//! cluster three 2-node jobs without GPUs ran on the same two nodes at once, their prologs
//! first, then their epilogs in any order): the label names the latest job, the annotation
//! all of them. The epilog drops its id; the label goes (or points at a job that still holds
//! the node), and the site's taint comes back only when no job holds the node. Node patches
//! are JSON merge patches that carry the node's `resourceVersion`, so a concurrent change
//! makes them fail with 409 Conflict; they are then recomputed from a fresh read.
//!
//! **gc** lists everything labelled with any job id, asks Slurm about all those ids in one
//! `squeue` call (the command does that), and removes what belongs to jobs that are not in
//! the queue or have finished ([`orphan_reason`]).
//!
//! PyTorchJobs are handled as dynamic objects: only their metadata matters here, and an
//! operator or webhook may add spec fields that the typed [`PyTorchJob`] would refuse.
//!
//! The pure parts (the job from the environment, recognition, taints, node patches, orphan
//! verdicts) are unit-tested below; the API calls run against the real API server in
//! `tests/it/hooks.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod, Taint};
use kube::api::ObjectMeta;
use kube::api::{
    ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PropagationPolicy,
};
use kube::core::PartialObjectMeta;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;
use tokio::time::Instant;

use super::pytorchjob::PyTorchJob;
use super::workload::Backend;
use crate::jobs::{JobId, JobIds};
use crate::plan::{HOSTNAME_LABEL, LABEL_JOB_ID};
use crate::settings::Settings;
use crate::slurm::parse::JobState;
use crate::yaml;

/// Batch output files whose name starts with this belong to hybridctl jobs (the default
/// `slurm.output` is `hybridctl-%x-%j.out`).
pub const OUTPUT_PREFIX: &str = "hybridctl-";

/// How many times a node patch is recomputed after a 409 Conflict.
const PATCH_ATTEMPTS: usize = 5;

// ---------------------------------------------------------------------------------------------
// The job, from the hook's environment

/// The job as `PrologSlurmctld` / `EpilogSlurmctld` describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookJob {
    /// `SLURM_JOB_ID`.
    pub job_id: JobId,
    /// `SLURM_JOB_NODELIST`, expanded; empty when it is not set.
    pub nodes: Vec<String>,
    /// `SLURM_JOB_PARTITION`.
    pub partition: Option<String>,
    /// `SLURM_JOB_STDOUT`: the batch output path as given, `%` patterns unexpanded.
    pub stdout: Option<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum JobEnvError {
    #[error("`SLURM_JOB_ID` is not set")]
    MissingJobId,
    #[error("`SLURM_JOB_ID` is `{0}`, which is not a Slurm job id")]
    BadJobId(String),
    #[error("`SLURM_JOB_NODELIST` `{list}` could not be expanded: {message}")]
    NodeList { list: String, message: String },
}

impl JobEnvError {
    pub fn hint(&self) -> &'static str {
        match self {
            Self::MissingJobId | Self::BadJobId(_) => {
                "`hybridctl hook` runs as PrologSlurmctld/EpilogSlurmctld, where Slurm sets the job's variables; see examples/slurm/"
            }
            Self::NodeList { .. } => {
                "this is a bug in hybridctl's hostlist parser; please report the value"
            }
        }
    }
}

impl HookJob {
    /// Read the job from the hook's variables (`get` looks one up; empty means unset).
    pub fn from_env<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, JobEnvError> {
        let raw = get("SLURM_JOB_ID").ok_or(JobEnvError::MissingJobId)?;
        // Digits only: array tasks and heterogeneous components have their own numeric ids here.
        let job_id = JobId::parse_plain(raw).map_err(|_| JobEnvError::BadJobId(raw.to_string()))?;
        let nodes = match get("SLURM_JOB_NODELIST") {
            Some(list) => crate::hostlist::expand(list).map_err(|e| JobEnvError::NodeList {
                list: list.to_string(),
                message: e.to_string(),
            })?,
            None => Vec::new(),
        };
        Ok(Self {
            job_id,
            nodes,
            partition: get("SLURM_JOB_PARTITION").map(str::to_string),
            stdout: get("SLURM_JOB_STDOUT").map(str::to_string),
        })
    }
}

/// Why the prolog takes a job for a hybridctl job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognised {
    /// The batch output file name starts with [`OUTPUT_PREFIX`].
    Output(String),
    /// The partition is listed in `hooks.partitions`.
    Partition(String),
}

impl fmt::Display for Recognised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Output(file) => write!(f, "its output file is `{file}`"),
            Self::Partition(p) => write!(f, "partition `{p}` is in `hooks.partitions`"),
        }
    }
}

/// Is this a hybridctl job? See the module documentation for why this is all the prolog asks.
pub fn recognise(job: &HookJob, partitions: &[String]) -> Option<Recognised> {
    if let Some(path) = &job.stdout {
        let file = path.rsplit('/').next().unwrap_or(path);
        if file.starts_with(OUTPUT_PREFIX) {
            return Some(Recognised::Output(file.to_string()));
        }
    }
    let partition = job.partition.as_deref()?;
    partition
        .split(',')
        .find(|p| partitions.iter().any(|l| l == p))
        .map(|p| Recognised::Partition(p.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Taints

const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// The site's taint for Slurm-managed nodes, as kubectl writes it: `key[=value]:Effect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaintSpec {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

fn label_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl TaintSpec {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (kv, effect) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("`{text}` has no effect (`:NoSchedule`, `:NoExecute`, ...)"))?;
        if !TAINT_EFFECTS.contains(&effect) {
            return Err(format!(
                "the effect `{effect}` is not one of `NoSchedule`, `PreferNoSchedule`, `NoExecute`"
            ));
        }
        let (key, value) = match kv.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (kv, None),
        };
        let name = key.rsplit_once('/').map_or(key, |(_, n)| n);
        let prefix_ok = key
            .rsplit_once('/')
            .is_none_or(|(p, _)| !p.is_empty() && p.len() <= 253 && label_chars(p));
        if name.is_empty() || name.len() > 63 || !label_chars(name) || !prefix_ok {
            return Err(format!(
                "the key `{key}` is not a valid taint key (`[prefix/]name`, letters, digits, `-`, `_`, `.`)"
            ));
        }
        if let Some(v) = value
            && (v.len() > 63 || !label_chars(v))
        {
            return Err(format!(
                "the value `{v}` is not a valid taint value (at most 63 letters, digits, `-`, `_`, `.`)"
            ));
        }
        Ok(Self {
            key: key.to_string(),
            value: value.map(str::to_string),
            effect: effect.to_string(),
        })
    }

    /// The same taint as far as Kubernetes is concerned: key and effect (as `kubectl taint
    /// key:Effect-` removes it).
    pub fn matches(&self, taint: &Taint) -> bool {
        taint.key == self.key && taint.effect == self.effect
    }

    pub fn to_taint(&self) -> Taint {
        Taint {
            key: self.key.clone(),
            value: self.value.clone(),
            effect: self.effect.clone(),
            time_added: None,
        }
    }
}

impl fmt::Display for TaintSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}={v}:{}", self.key, self.effect),
            None => write!(f, "{}:{}", self.key, self.effect),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Node patches (pure)

/// Every job that holds a node, in admission order, comma-separated. The label can name only
/// one job, and nodes may be shared (a partition without exclusive nodes): the label names
/// the latest job, this annotation all of them, so that the taint comes back only when the
/// last one ends.
pub const ANNOTATION_JOB_IDS: &str = "hybridctl.io/slurm-job-ids";

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
    node.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_JOB_ID))
        .map(String::as_str)
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

/// [`node_jobs`] from a node's metadata.
pub fn jobs_of(meta: &ObjectMeta) -> Vec<String> {
    let get = |map: &Option<BTreeMap<String, String>>, key: &str| {
        map.as_ref().and_then(|m| m.get(key)).cloned()
    };
    let mut jobs: Vec<String> = Vec::new();
    for id in get(&meta.annotations, ANNOTATION_JOB_IDS)
        .unwrap_or_default()
        .split(',')
    {
        let id = id.trim();
        if !id.is_empty() && !jobs.iter().any(|j| j == id) {
            jobs.push(id.to_string());
        }
    }
    if let Some(label) = get(&meta.labels, LABEL_JOB_ID)
        && !jobs.contains(&label)
    {
        jobs.push(label);
    }
    jobs
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

// ---------------------------------------------------------------------------------------------
// Settings the hooks and gc share

/// The namespace of the site's (or user's) `defaults.kubernetes.namespace`, else `default`,
/// as a spec without a namespace would get.
pub fn default_namespace(settings: &Settings) -> String {
    [
        settings.user.defaults.as_ref(),
        settings.site.defaults.as_ref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|d| match &d.get("kubernetes")?.get("namespace")?.value {
        yaml::Value::Scalar { text, .. } if !text.is_empty() => Some(text.clone()),
        _ => None,
    })
    .unwrap_or_else(|| "default".to_string())
}

/// Where the epilog and gc look: `-n`, else `hooks.namespaces`, else the default namespace.
pub fn namespaces(flag: Option<&str>, configured: &[String], default: &str) -> Vec<String> {
    if let Some(ns) = flag {
        return vec![ns.to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    for ns in configured {
        if !out.contains(ns) {
            out.push(ns.clone());
        }
    }
    if out.is_empty() {
        out.push(default.to_string());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Errors and the log

#[derive(Debug, Error)]
pub enum HookError {
    #[error("{verb} {what} failed: {}", super::client::brief(error))]
    Api {
        verb: &'static str,
        what: String,
        error: kube::Error,
    },
    #[error("node `{0}` of the allocation is not a Kubernetes node")]
    NoSuchNode(String),
    #[error("the job has no allocated nodes")]
    NoNodes,
    #[error("node `{0}` kept changing while it was being patched ({PATCH_ATTEMPTS} conflicts)")]
    Conflict(String),
    #[error("{count} pod(s) of job {job_id} in namespace `{namespace}` still exist: {names}")]
    PodsRemain {
        job_id: String,
        namespace: String,
        count: usize,
        names: String,
    },
}

impl HookError {
    pub fn hint(&self) -> String {
        match self {
            Self::Api {
                error: kube::Error::Api(s),
                verb,
                what,
            } if s.code == 403 => format!(
                "the Slurm-side identity may not {verb} {what}; `hybridctl rbac` prints the role it needs"
            ),
            Self::Api { error, .. } => super::client::classify(error).hint(),
            Self::NoNodes => {
                "PrologSlurmctld gets the allocated nodes in `SLURM_JOB_NODELIST`; is this hook run as PrologSlurmctld?".into()
            }
            Self::NoSuchNode(_) => {
                "Slurm node names must be Kubernetes node names (or their `kubernetes.io/hostname` labels)".into()
            }
            Self::Conflict(_) => {
                "another controller keeps updating the node; `hybridctl gc` repairs the labels later".into()
            }
            Self::PodsRemain { .. } => {
                "they are being deleted; `hybridctl gc` removes whatever is left once the job has ended".into()
            }
        }
    }
}

/// An error with its causes, on one line (a hook's log is line-oriented).
pub fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

fn api_err(verb: &'static str, what: impl Into<String>) -> impl FnOnce(kube::Error) -> HookError {
    let what = what.into();
    move |error| HookError::Api { verb, what, error }
}

fn is_status(e: &kube::Error, code: u16) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == code)
}

/// One line per action, with a fixed prefix, flushed at once (a hook that is killed at its
/// time limit must have said what it did).
pub struct Log<'a> {
    prefix: String,
    out: &'a mut (dyn Write + Send),
}

impl<'a> Log<'a> {
    pub fn new(prefix: impl Into<String>, out: &'a mut (dyn Write + Send)) -> Self {
        Self {
            prefix: prefix.into(),
            out,
        }
    }

    pub fn line(&mut self, message: impl fmt::Display) {
        let _ = writeln!(self.out, "{}: {message}", self.prefix);
        let _ = self.out.flush();
    }

    pub fn error(&mut self, message: impl fmt::Display, hint: impl fmt::Display) {
        self.line(format_args!("error: {message}"));
        self.line(format_args!("hint: {hint}"));
    }
}

/// What a hook did: the number of changes, and what went wrong.
#[derive(Debug, Default)]
pub struct Report {
    pub changes: usize,
    pub errors: Vec<HookError>,
}

impl Report {
    fn fail(&mut self, log: &mut Log<'_>, e: HookError) {
        log.error(one_line(&e), e.hint());
        self.errors.push(e);
    }
}

// ---------------------------------------------------------------------------------------------
// API calls

/// The job objects hybridctl's label is on, besides pods: PyTorchJobs, TrainJobs and the
/// JobSets the Trainer makes of them (they carry the label through hybridctl's runtime
/// patch). A kind whose CRD is not installed lists as 404 and is skipped.
const JOB_KINDS: [Kind; 3] = [Kind::PyTorchJob, Kind::TrainJob, Kind::JobSet];

fn job_api(client: &Client, namespace: &str, kind: Kind) -> Api<DynamicObject> {
    let resource = match kind {
        Kind::TrainJob => Backend::TrainJob.api_resource(),
        Kind::JobSet => super::workload::jobset_resource(),
        _ => ApiResource::erase::<PyTorchJob>(&()),
    };
    Api::namespaced_with(client.clone(), namespace, &resource)
}

enum Patched {
    Changed(NodeChange),
    Unchanged,
    Gone,
}

/// Patch a node with what `compute` says, recomputing after a conflict.
async fn patch_node(
    api: &Api<Node>,
    mut node: Node,
    compute: impl Fn(&Node) -> Option<NodeChange>,
) -> Result<Patched, HookError> {
    let name = node.metadata.name.clone().unwrap_or_default();
    for _ in 0..PATCH_ATTEMPTS {
        let Some(change) = compute(&node) else {
            return Ok(Patched::Unchanged);
        };
        match api
            .patch(&name, &PatchParams::default(), &Patch::Merge(&change.patch))
            .await
        {
            Ok(_) => return Ok(Patched::Changed(change)),
            Err(e) if is_status(&e, 409) => {
                node = match api.get_opt(&name).await {
                    Ok(Some(n)) => n,
                    Ok(None) => return Ok(Patched::Gone),
                    Err(e) => return Err(api_err("get", format!("node `{name}`"))(e)),
                };
            }
            Err(e) if is_status(&e, 404) => return Ok(Patched::Gone),
            Err(e) => return Err(api_err("patch", format!("node `{name}`"))(e)),
        }
    }
    Err(HookError::Conflict(name))
}

/// The Kubernetes node for a Slurm node name: by name or by `kubernetes.io/hostname`.
fn find_node<'n>(nodes: &'n [Node], slurm_name: &str) -> Option<&'n Node> {
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

/// The prolog: admit the allocated nodes to the job. One list call for the nodes, then one
/// patch per node that is not admitted yet.
pub async fn prolog(
    client: &Client,
    job: &HookJob,
    taint: Option<&TaintSpec>,
    log: &mut Log<'_>,
) -> Report {
    let mut report = Report::default();
    // An empty `in ()` would be refused by the API server; never send a selector that is not
    // exactly the allocation.
    if job.nodes.is_empty() {
        report.fail(log, HookError::NoNodes);
        return report;
    }
    let api: Api<Node> = Api::all(client.clone());
    let selector = format!("{HOSTNAME_LABEL} in ({})", job.nodes.join(","));
    let listed = match api.list(&ListParams::default().labels(&selector)).await {
        Ok(l) => l.items,
        Err(e) => {
            report.fail(log, api_err("list", "nodes")(e));
            return report;
        }
    };
    for slurm_name in &job.nodes {
        let Some(node) = find_node(&listed, slurm_name) else {
            report.fail(log, HookError::NoSuchNode(slurm_name.clone()));
            continue;
        };
        let name = node.metadata.name.clone().unwrap_or_default();
        match patch_node(&api, node.clone(), |n| admit(n, &job.job_id, taint)).await {
            Ok(Patched::Changed(change)) => {
                report.changes += 1;
                log.line(describe_change(&name, &job.job_id, &change, taint));
            }
            Ok(Patched::Unchanged) => log.line(format!("node {name} is admitted already")),
            Ok(Patched::Gone) => report.fail(log, HookError::NoSuchNode(slurm_name.clone())),
            Err(e) => report.fail(log, e),
        }
    }
    report
}

/// Delete the PyTorchJobs, TrainJobs, JobSets and pods with `selector` in one namespace (one
/// list per kind). Returns the names of the pods that were there.
async fn delete_labelled(
    client: &Client,
    namespace: &str,
    selector: &str,
    report: &mut Report,
    log: &mut Log<'_>,
) -> Vec<String> {
    let lp = ListParams::default().labels(selector);
    let background = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..DeleteParams::default()
    };
    for kind in JOB_KINDS {
        let jobs = job_api(client, namespace, kind);
        let what = kind.as_str();
        match jobs.list_metadata(&lp).await {
            Ok(list) => {
                for job in list.items {
                    let Some(name) = job.metadata.name else {
                        continue;
                    };
                    match jobs.delete(&name, &background).await {
                        Ok(_) => {
                            report.changes += 1;
                            log.line(format!("deleted {what} {namespace}/{name}"));
                        }
                        Err(e) if is_status(&e, 404) => {}
                        Err(e) => report.fail(
                            log,
                            api_err("delete", format!("{what} `{namespace}/{name}`"))(e),
                        ),
                    }
                }
            }
            // the CRD is not installed: no object of that kind can exist
            Err(e) if is_status(&e, 404) => {}
            Err(e) => report.fail(
                log,
                api_err("list", format!("{what}s in namespace `{namespace}`"))(e),
            ),
        }
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let mut names = Vec::new();
    match pods.list_metadata(&lp).await {
        Ok(list) => {
            for pod in list.items {
                let Some(name) = pod.metadata.name else {
                    continue;
                };
                names.push(name.clone());
                if pod.metadata.deletion_timestamp.is_some() {
                    log.line(format!("pod {namespace}/{name} is terminating already"));
                    continue;
                }
                match pods.delete(&name, &DeleteParams::default()).await {
                    Ok(_) => {
                        report.changes += 1;
                        log.line(format!("deleted pod {namespace}/{name}"));
                    }
                    Err(e) if is_status(&e, 404) => {}
                    Err(e) => report.fail(
                        log,
                        api_err("delete", format!("pod `{namespace}/{name}`"))(e),
                    ),
                }
            }
        }
        Err(e) => report.fail(
            log,
            api_err("list", format!("pods in namespace `{namespace}`"))(e),
        ),
    }
    names
}

/// Wait until no pod with `selector` is left in `namespace`, until `deadline`: a watch, not
/// a polling loop. Returns the pods still there.
async fn wait_pods_gone(
    client: &Client,
    namespace: &str,
    selector: &str,
    deadline: Instant,
) -> Vec<String> {
    let pods: Api<PartialObjectMeta<Pod>> = Api::namespaced(client.clone(), namespace);
    let stream = watcher(pods, watcher::Config::default().labels(selector)).default_backoff();
    futures::pin_mut!(stream);
    let mut present: BTreeSet<String> = BTreeSet::new();
    let mut init: BTreeSet<String> = BTreeSet::new();
    let mut listed = false;
    loop {
        let event = match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(event))) => event,
            Ok(Some(Err(_))) => continue,
            Ok(None) | Err(_) => break,
        };
        match event {
            watcher::Event::Init => init.clear(),
            watcher::Event::InitApply(p) => {
                if let Some(n) = p.metadata.name {
                    init.insert(n);
                }
            }
            watcher::Event::InitDone => {
                present = std::mem::take(&mut init);
                listed = true;
            }
            watcher::Event::Apply(p) => {
                if let Some(n) = p.metadata.name {
                    present.insert(n);
                }
            }
            watcher::Event::Delete(p) => {
                if let Some(n) = p.metadata.name {
                    present.remove(&n);
                }
            }
        }
        if listed && present.is_empty() {
            return Vec::new();
        }
    }
    if listed {
        present.into_iter().collect()
    } else {
        init.into_iter().collect()
    }
}

/// The epilog: delete every PyTorchJob, TrainJob, JobSet and pod of the job (one list per kind and namespace),
/// release its nodes (one list), then wait until its pods are gone, until `deadline`.
pub async fn epilog(
    client: &Client,
    job_id: &JobId,
    namespaces: &[String],
    taint: Option<&TaintSpec>,
    deadline: Instant,
    log: &mut Log<'_>,
) -> Report {
    let mut report = Report::default();
    let selector = format!("{LABEL_JOB_ID}={job_id}");
    let mut waiting: Vec<&str> = Vec::new();
    for ns in namespaces {
        let pods = delete_labelled(client, ns, &selector, &mut report, log).await;
        if !pods.is_empty() {
            waiting.push(ns);
        }
    }
    // Every node some job holds (a later job may have taken over the label), one list.
    let api: Api<Node> = Api::all(client.clone());
    match api.list(&ListParams::default().labels(LABEL_JOB_ID)).await {
        Ok(list) => {
            let held = list
                .items
                .into_iter()
                .filter(|n| node_jobs(n).iter().any(|j| j == job_id.as_str()));
            for node in held {
                let name = node.metadata.name.clone().unwrap_or_default();
                match patch_node(&api, node, |n| release(n, job_id, taint)).await {
                    Ok(Patched::Changed(change)) => {
                        report.changes += 1;
                        log.line(describe_change(&name, job_id, &change, taint));
                    }
                    Ok(Patched::Unchanged | Patched::Gone) => {}
                    Err(e) => report.fail(log, e),
                }
            }
        }
        Err(e) => report.fail(log, api_err("list", "nodes")(e)),
    }
    let started = Instant::now();
    for ns in waiting {
        let left = wait_pods_gone(client, ns, &selector, deadline).await;
        if left.is_empty() {
            log.line(format!(
                "no pod of the job is left in namespace {ns} ({:.1} s)",
                started.elapsed().as_secs_f64()
            ));
        } else {
            report.fail(
                log,
                HookError::PodsRemain {
                    job_id: job_id.to_string(),
                    namespace: ns.to_string(),
                    count: left.len(),
                    names: left.join(", "),
                },
            );
        }
    }
    report
}

// ---------------------------------------------------------------------------------------------
// gc

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

fn job_label(labels: Option<&BTreeMap<String, String>>) -> Option<String> {
    labels.and_then(|l| l.get(LABEL_JOB_ID)).cloned()
}

/// Everything labelled with any Slurm job id: one list per kind and namespace, one for nodes.
pub async fn inventory(client: &Client, namespaces: &[String]) -> Result<Vec<Labelled>, HookError> {
    let lp = ListParams::default().labels(LABEL_JOB_ID);
    let mut out = Vec::new();
    for ns in namespaces {
        for kind in JOB_KINDS {
            let jobs = match job_api(client, ns, kind).list_metadata(&lp).await {
                Ok(list) => list,
                // the CRD is not installed
                Err(e) if is_status(&e, 404) => continue,
                Err(e) => {
                    return Err(api_err(
                        "list",
                        format!("{}s in namespace `{ns}`", kind.as_str()),
                    )(e));
                }
            };
            for job in jobs.items {
                if let (Some(job_id), Some(name)) =
                    (job_label(job.metadata.labels.as_ref()), job.metadata.name)
                {
                    out.push(Labelled {
                        job_id,
                        kind,
                        namespace: Some(ns.clone()),
                        name,
                    });
                }
            }
        }
        let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
        let list = pods
            .list_metadata(&lp)
            .await
            .map_err(api_err("list", format!("pods in namespace `{ns}`")))?;
        for pod in list.items {
            if let (Some(job_id), Some(name)) =
                (job_label(pod.metadata.labels.as_ref()), pod.metadata.name)
            {
                out.push(Labelled {
                    job_id,
                    kind: Kind::Pod,
                    namespace: Some(ns.clone()),
                    name,
                });
            }
        }
    }
    let nodes: Api<Node> = Api::all(client.clone());
    let list = nodes
        .list_metadata(&lp)
        .await
        .map_err(api_err("list", "nodes"))?;
    for node in list.items {
        let Some(name) = node.metadata.name.clone() else {
            continue;
        };
        for job_id in jobs_of(&node.metadata) {
            out.push(Labelled {
                job_id,
                kind: Kind::NodeLabel,
                namespace: None,
                name: name.clone(),
            });
        }
    }
    out.sort();
    Ok(out)
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
    /// Job id → state, for the rows that name a job by its own id (`42`, or `42+0` for a
    /// heterogeneous job's first component).
    pub states: BTreeMap<String, String>,
    /// False when some row could not be tied to an id (an array task prints as `42_7`, not
    /// by the id its objects carry): then an id missing from the answer proves nothing.
    pub complete: bool,
}

impl QueueAnswer {
    /// From `(job id as squeue prints it, state)` rows.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut answer = Self {
            states: BTreeMap::new(),
            complete: true,
        };
        for (id, state) in rows {
            let base = id.split_once('+').map_or(id, |(b, _)| b);
            if JobId::parse_plain(base).is_ok() {
                answer.states.insert(base.to_string(), state.to_string());
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
        Some(state) => match JobState::parse(state) {
            Ok(s) if s.is_finished() => Some(format!("the job has ended ({state})")),
            _ => None,
        },
    }
}

/// Remove one orphan: delete the PyTorchJob or pod, or release the node.
pub async fn remove(
    client: &Client,
    item: &Labelled,
    taint: Option<&TaintSpec>,
) -> Result<(), HookError> {
    let ns = item.namespace.as_deref().unwrap_or("default");
    let result = match item.kind {
        Kind::PyTorchJob | Kind::TrainJob | Kind::JobSet => job_api(client, ns, item.kind)
            .delete(
                &item.name,
                &DeleteParams {
                    propagation_policy: Some(PropagationPolicy::Background),
                    ..DeleteParams::default()
                },
            )
            .await
            .map(|_| ()),
        Kind::Pod => Api::<Pod>::namespaced(client.clone(), ns)
            .delete(&item.name, &DeleteParams::default())
            .await
            .map(|_| ()),
        Kind::NodeLabel => {
            let api: Api<Node> = Api::all(client.clone());
            let node = match api.get_opt(&item.name).await {
                Ok(Some(n)) => n,
                Ok(None) => return Ok(()),
                Err(e) => return Err(api_err("get", format!("node `{}`", item.name))(e)),
            };
            return patch_node(&api, node, |n| release(n, &item.job_id, taint))
                .await
                .map(|_| ());
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) if is_status(&e, 404) => Ok(()),
        Err(e) => Err(api_err(
            "delete",
            format!("{} `{}`", item.kind.as_str(), item.display_name()),
        )(e)),
    }
}

/// After gc deleted pods: wait (until `deadline`) until they are gone, per namespace.
pub async fn wait_removed(
    client: &Client,
    removed: &[&Labelled],
    deadline: Instant,
) -> Vec<String> {
    let mut by_ns: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for item in removed.iter().filter(|i| i.kind == Kind::Pod) {
        if let Some(ns) = &item.namespace {
            by_ns.entry(ns).or_default().insert(&item.job_id);
        }
    }
    let mut left = Vec::new();
    for (ns, ids) in by_ns {
        // Pods of an item whose label is not a job id were deleted by name; only valid ids
        // can be watched by label.
        let Some(ids) = JobIds::new(ids.into_iter().filter_map(|i| JobId::parse_plain(i).ok()))
        else {
            continue;
        };
        let selector = super::state::selector(&ids);
        for name in wait_pods_gone(client, ns, &selector, deadline).await {
            left.push(format!("{ns}/{name}"));
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::NodeSpec;
    use kube::api::ObjectMeta;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| *v)
                .filter(|v| !v.is_empty())
        }
    }

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
    fn the_job_comes_from_the_slurmctld_hook_variables() {
        // As recorded from a real PrologSlurmctld (slurm-env-reference.txt).
        let vars = [
            ("SLURM_JOB_ID", "12"),
            ("SLURM_JOB_NODELIST", "node[1-2]"),
            ("SLURM_JOB_PARTITION", "gpu"),
            ("SLURM_JOB_STDOUT", "/home/u/hybridctl-%x-%j.out"),
        ];
        let job = HookJob::from_env(env(&vars)).expect("valid");
        assert_eq!(job.job_id.as_str(), "12");
        assert_eq!(job.nodes, ["node1", "node2"]);
        assert_eq!(
            recognise(&job, &[]),
            Some(Recognised::Output("hybridctl-%x-%j.out".into()))
        );
        assert_eq!(HookJob::from_env(env(&[])), Err(JobEnvError::MissingJobId));
        assert_eq!(
            HookJob::from_env(env(&[("SLURM_JOB_ID", "12; rm")])),
            Err(JobEnvError::BadJobId("12; rm".into()))
        );
        assert!(matches!(
            HookJob::from_env(env(&[
                ("SLURM_JOB_ID", "1"),
                ("SLURM_JOB_NODELIST", "n[1-")
            ])),
            Err(JobEnvError::NodeList { .. })
        ));
        // The epilog needs no node list.
        let job = HookJob::from_env(env(&[("SLURM_JOB_ID", "7")])).expect("valid");
        assert!(job.nodes.is_empty());
    }

    #[test]
    fn recognition_by_output_name_or_listed_partition() {
        let mut job = HookJob {
            job_id: JobId::parse_plain("3").expect("id"),
            nodes: vec![],
            partition: Some("gpu".into()),
            stdout: Some("/w/slurm-%j.out".into()),
        };
        assert_eq!(recognise(&job, &[]), None);
        assert_eq!(recognise(&job, &["cpu".into()]), None);
        assert_eq!(
            recognise(&job, &["gpu".into()]),
            Some(Recognised::Partition("gpu".into()))
        );
        job.stdout = Some("hybridctl-train-3.out".into());
        assert!(matches!(recognise(&job, &[]), Some(Recognised::Output(_))));
        // Only the file name counts, not a directory called hybridctl-something.
        job.stdout = Some("/scratch/hybridctl-runs/%j.out".into());
        assert_eq!(recognise(&job, &[]), None);
        job.partition = Some("cpu,gpu".into());
        assert_eq!(
            recognise(&job, &["gpu".into()]),
            Some(Recognised::Partition("gpu".into()))
        );
    }

    #[test]
    fn taints_parse_as_kubectl_writes_them() {
        let t = taint();
        assert_eq!(t.key, "hybridctl.io/slurm");
        assert_eq!(t.value.as_deref(), Some("owned"));
        assert_eq!(t.effect, "NoSchedule");
        assert_eq!(t.to_string(), "hybridctl.io/slurm=owned:NoSchedule");
        let t = TaintSpec::parse("slurm:NoExecute").expect("valid");
        assert_eq!(t.value, None);
        assert_eq!(t.to_string(), "slurm:NoExecute");
        for bad in [
            "slurm",
            "slurm=x",
            "slurm:Never",
            ":NoSchedule",
            "a b:NoSchedule",
            "k=v v:NoSchedule",
            "/x:NoSchedule",
        ] {
            assert!(TaintSpec::parse(bad).is_err(), "{bad}");
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

    #[test]
    fn namespaces_flag_then_config_then_default() {
        assert_eq!(namespaces(Some("x"), &["a".into()], "d"), ["x"]);
        assert_eq!(
            namespaces(None, &["a".into(), "b".into(), "a".into()], "d"),
            ["a", "b"]
        );
        assert_eq!(namespaces(None, &[], "d"), ["d"]);
    }

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
        let q =
            QueueAnswer::from_rows([("12", "RUNNING"), ("13", "COMPLETED"), ("14+0", "PENDING")]);
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
        let q = QueueAnswer::from_rows([("12", "COMPLETING")]);
        assert_eq!(orphan_reason("12", &q), None);
        // An array task prints as 40_2: a missing id then proves nothing.
        let q = QueueAnswer::from_rows([("40_2", "RUNNING")]);
        assert!(!q.complete);
        assert_eq!(orphan_reason("41", &q), None);
        // An unreadable state is kept.
        let q = QueueAnswer::from_rows([("12", "SOMETHING_NEW")]);
        assert_eq!(orphan_reason("12", &q), None);
    }
}
