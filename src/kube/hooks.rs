//! The Slurm controller hooks (`hybridctl hook prolog|epilog`, run as `PrologSlurmctld` and
//! `EpilogSlurmctld`) and `hybridctl gc`: the two cleanup paths that do not depend on
//! `launch` surviving (three independent cleanup paths: `launch` on SIGTERM, the epilog, `gc`).
//!
//! **Which jobs are hybridctl's.** A controller hook gets only the job's `SLURM_*` variables
//! (no `PATH`, `HOME` or `SLURM_CONF`, as recorded from slurmctld 22.05 in the test cluster;
//! Slurm's prolog_epilog documentation lists the same) and runs while slurmctld is starting or ending this very job, so it calls
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
//! the queue or have finished ([`crate::k8s::orphans::orphan_reason`]).
//!
//! PyTorchJobs are handled as dynamic objects: only their metadata matters here, and an
//! operator or webhook may add spec fields that the typed
//! [`crate::k8s::pytorchjob::PyTorchJob`] would refuse.
//!
//! The job from the environment and its recognition are unit-tested below; the taint, the
//! node patches and the orphan verdicts are pure and live in [`crate::k8s`]; the API calls
//! run against the real API server in `tests/it/hooks.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{
    ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PropagationPolicy,
};
use kube::core::PartialObjectMeta;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use thiserror::Error;
use tokio::time::Instant;

use crate::error::Advice;
use crate::jobid::{JobId, JobIds};
use crate::k8s::labels::{HOSTNAME_LABEL, LABEL_JOB_ID, job_id_of, jobs_of};
use crate::k8s::nodes::{NodeChange, admit, describe_change, find_node, node_jobs, release};
use crate::k8s::orphans::{Kind, Labelled};
use crate::k8s::pytorchjob::PyTorchJob;
use crate::k8s::taint::TaintSpec;
use crate::k8s::workload::Backend;

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

impl crate::error::Advice for JobEnvError {
    fn hint(&self) -> String {
        match self {
            Self::MissingJobId | Self::BadJobId(_) => {
                "`hybridctl hook` runs as PrologSlurmctld/EpilogSlurmctld, where Slurm sets the job's variables; see examples/slurm/".into()
            }
            Self::NodeList { .. } => {
                "this is a bug in hybridctl's hostlist parser; please report the value".into()
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

impl crate::error::Advice for HookError {
    fn status(&self) -> crate::error::ExitStatus {
        match self {
            Self::Api { error, .. } => error.status(),
            _ => crate::error::ExitStatus::Error,
        }
    }

    fn hint(&self) -> String {
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
        Kind::JobSet => crate::k8s::workload::jobset_resource(),
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
/// list per kind).
/// Returns the names of the pods that were there.
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
                if let (Some(job_id), Some(name)) = (
                    job_id_of(&job.metadata).map(str::to_string),
                    job.metadata.name,
                ) {
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
            if let (Some(job_id), Some(name)) = (
                job_id_of(&pod.metadata).map(str::to_string),
                pod.metadata.name,
            ) {
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

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| *v)
                .filter(|v| !v.is_empty())
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
}
