//! Running the job inside the allocation: check the nodes, create the PyTorchJob or the
//! TrainJob ([`Backend`]), follow its pods' logs, wait for its result with watches (never a
//! polling loop), and on SIGTERM or SIGINT delete everything it created and wait, bounded,
//! until the pods are gone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::api::{DeleteParams, DynamicObject, ListParams, PostParams, PropagationPolicy};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use thiserror::Error;
use tokio::sync::mpsc;

use super::logs::Event;
use crate::k8s::labels::{HOSTNAME_LABEL, LABEL_JOB_ID, job_id_of};
use crate::k8s::pytorchjob::PyTorchJobStatus;
use crate::k8s::workload::Backend;
use crate::plan::Plan;

/// How long cleanup waits for pods to disappear.
pub const CLEANUP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed {
        reason: String,
        message: String,
    },
    /// Stopped by a signal after cleaning up.
    Interrupted {
        signal: &'static str,
    },
}

#[derive(Debug, Error)]
pub enum LaunchError {
    #[error("{verb} {what} failed: {}", super::client::brief(error))]
    Api {
        verb: &'static str,
        what: String,
        error: kube::Error,
    },
    #[error("the allocated nodes are not usable on Kubernetes: {0}")]
    Nodes(String),
    #[error("{0}")]
    Claim(String),
    #[error("the TrainJob's training runtime cannot run this job: {0}")]
    Runtime(String),
    #[error("gave up on {}/{name}: {why}; deleted it and its pods", backend.short())]
    GaveUp {
        backend: Backend,
        name: String,
        why: GiveUp,
    },
    #[error("{} `{name}` already exists and belongs to another Slurm job", backend.kind())]
    Conflict { backend: Backend, name: String },
    #[error("watching {what} failed: {source}")]
    Watch {
        what: String,
        #[source]
        source: watcher::Error,
    },
}

impl crate::error::Advice for LaunchError {
    fn hint(&self) -> String {
        match self {
            Self::Api { error: kube::Error::Api(s), verb, what } if s.code == 403 => format!(
                "the identity may not {verb} {what}; `hybridctl rbac` prints the role the Slurm-side identity needs"
            ),
            Self::Nodes(_) => {
                "the Slurm node names must be Kubernetes node names that advertise the GPUs (and the RDMA resource)".into()
            }
            Self::Claim(_) => super::claims::REFUSAL_HINT.into(),
            Self::Runtime(_) => "set `kubernetes.runtime` (and `runtimeKind`) to a runtime that exists and has the trainer step `node` (`kubectl get clustertrainingruntimes`); `hybridctl doctor` checks it".into(),
            Self::GaveUp { why: GiveUp::NoController { .. }, backend: Backend::PyTorchJob, .. } => "is the Kubeflow training operator running and watching this namespace? (`kubectl get pods -n kubeflow`); HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT sets the wait".into(),
            Self::GaveUp { why: GiveUp::NoController { .. }, backend: Backend::TrainJob, .. } => "are the Kubeflow Trainer controller manager and the JobSet controller running? (`kubectl get pods -n kubeflow-system`; `hybridctl doctor` checks the runtime); HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT sets the wait".into(),
            Self::GaveUp { why: GiveUp::Unschedulable { .. }, .. } => "the scheduler's reason says what keeps the pod off the allocated node (a taint without a toleration, a cordoned node, a missing resource); `hybridctl status` shows it per pod; HYBRIDCTL_LAUNCH_SCHEDULE_TIMEOUT sets the wait".into(),
            Self::Conflict { backend, .. } => format!("delete the old {} (`hybridctl gc`) or use another job name", backend.kind()),
            _ => "check the API server and the kubeconfig (`kubectl get nodes`)".into(),
        }
    }
}

fn api_err(verb: &'static str, what: impl Into<String>) -> impl FnOnce(kube::Error) -> LaunchError {
    let what = what.into();
    move |error| LaunchError::Api { verb, what, error }
}

/// A PyTorchJob's result from its conditions: the last `Succeeded` or `Failed` condition
/// that is `True` (the training operator appends conditions in order).
pub fn outcome_of(status: Option<&PyTorchJobStatus>) -> Option<Outcome> {
    let conditions: Vec<_> = status?
        .conditions
        .iter()
        .map(|c| {
            (
                c.type_.clone(),
                c.status.clone(),
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default(),
            )
        })
        .collect();
    crate::k8s::workload::outcome_of_conditions(Backend::PyTorchJob, &conditions).map(|r| match r {
        Ok(()) => Outcome::Succeeded,
        Err((reason, message)) => Outcome::Failed { reason, message },
    })
}

/// The result of a job object of either backend, from its conditions.
pub fn outcome_of_object(backend: Backend, job: &DynamicObject) -> Option<Outcome> {
    let conditions = crate::k8s::workload::conditions(&job.data);
    crate::k8s::workload::outcome_of_conditions(backend, &conditions).map(|r| match r {
        Ok(()) => Outcome::Succeeded,
        Err((reason, message)) => Outcome::Failed { reason, message },
    })
}

/// What NCCL should do in a job, read off its object (either backend).
pub fn nccl_expectation_of(backend: Backend, job: &DynamicObject) -> crate::nccl::Expectation {
    let value = serde_json::to_value(job).unwrap_or_default();
    match backend {
        Backend::PyTorchJob => serde_json::from_value::<crate::k8s::pytorchjob::PyTorchJob>(value)
            .map(|j| j.nccl_expectation())
            .unwrap_or_default(),
        Backend::TrainJob => serde_json::from_value::<crate::k8s::trainjob::TrainJob>(value)
            .map(|j| j.nccl_expectation())
            .unwrap_or_default(),
    }
}

fn quantity_value(q: &Quantity) -> Option<u64> {
    let s = q.0.trim();
    if let Some(k) = s.strip_suffix('k') {
        return k.parse::<u64>().ok().map(|v| v * 1000);
    }
    s.parse().ok()
}

/// Check that every allocated node exists and advertises the GPUs and the RDMA resource.
/// One list call for all nodes.
pub fn check_nodes(plan: &Plan, nodes: &[Node]) -> Result<(), String> {
    let mut problems = Vec::new();
    for (slurm_name, name) in plan.nodes.iter().zip(&plan.kube_nodes) {
        let shown = if slurm_name == name {
            format!("`{name}`")
        } else {
            format!("`{name}` (Slurm node `{slurm_name}`)")
        };
        let Some(node) = nodes.iter().find(|n| {
            n.metadata.name.as_deref() == Some(name.as_str())
                || n.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(HOSTNAME_LABEL))
                    .map(String::as_str)
                    == Some(name.as_str())
        }) else {
            problems.push(format!("node {shown} does not exist"));
            continue;
        };
        let alloc = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
        for limit in &plan.limits {
            if limit.name == "memory" {
                continue;
            }
            let want: u64 = limit.value.parse().unwrap_or(0);
            let have = alloc
                .and_then(|a| a.get(&limit.name))
                .and_then(quantity_value)
                .unwrap_or(0);
            if have < want {
                problems.push(format!(
                    "node {shown} has {have} `{}`, the job needs {want}",
                    limit.name
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn selector(plan: &Plan) -> String {
    format!("{LABEL_JOB_ID}={}", plan.job_id)
}

/// How long the watch may keep failing (API server down) before `launch` gives up.
pub const WATCH_OUTAGE_LIMIT: Duration = Duration::from_secs(300);

/// Wait until the PyTorchJob reports a result. The watch reconnects with backoff when the
/// API server goes away (a restart, a load balancer failover); only a long outage ends it.
/// What the user should know goes to `notices`, the one writer's channel.
async fn wait_for_result(
    jobs: Api<DynamicObject>,
    backend: Backend,
    name: &str,
    seen: tokio::sync::watch::Sender<bool>,
    notices: mpsc::Sender<Event>,
) -> Result<Outcome, LaunchError> {
    let short = backend.short();
    let notice = |text: String| {
        // A full channel drops the notice rather than stall the watch.
        let _ = notices.try_send(Event::Notice(text));
    };
    let stream = watcher(
        jobs,
        watcher::Config::default().fields(&format!("metadata.name={name}")),
    )
    .default_backoff()
    .applied_objects();
    futures::pin_mut!(stream);
    let mut failing_since: Option<std::time::Instant> = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(job) => {
                if failing_since.take().is_some() {
                    notice(format!("watching {short}/{name} again"));
                }
                // Any status at all: a controller acts on the job (a TrainJob has no
                // condition until it ends, but its `jobsStatus` appears with the JobSet).
                if job
                    .data
                    .get("status")
                    .and_then(|s| s.as_object())
                    .is_some_and(|s| {
                        s.values()
                            .any(|v| !v.is_null() && v != &serde_json::json!([]))
                    })
                {
                    let _ = seen.send(true);
                }
                let conditions = crate::k8s::workload::conditions(&job.data);
                match crate::k8s::workload::outcome_of_conditions(backend, &conditions) {
                    Some(Ok(())) => return Ok(Outcome::Succeeded),
                    Some(Err((reason, message))) => return Ok(Outcome::Failed { reason, message }),
                    None => {}
                }
            }
            Err(source) => {
                let since = *failing_since.get_or_insert_with(|| {
                    notice(format!(
                        "the watch on {short}/{name} was interrupted ({source}); retrying"
                    ));
                    std::time::Instant::now()
                });
                if since.elapsed() > WATCH_OUTAGE_LIMIT {
                    return Err(LaunchError::Watch {
                        what: format!("{} `{name}`", backend.kind()),
                        source,
                    });
                }
            }
        }
    }
    Ok(Outcome::Failed {
        reason: "WatchEnded".into(),
        message: format!("the watch on the {} ended", backend.kind()),
    })
}

/// Delete the job (for a TrainJob also its JobSet, which the garbage collector would remove
/// a moment later, so that its Jobs do not replace the pods deleted here) and its pods, then
/// wait (bounded) until no pod of the job is left.
pub async fn cleanup(
    client: &Client,
    backend: Backend,
    namespace: &str,
    name: &str,
    job_id: &str,
) -> Result<usize, LaunchError> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..DeleteParams::default()
    };
    let mut owners = vec![(backend.api_resource(), backend.short())];
    if backend == Backend::TrainJob {
        owners.push((crate::k8s::workload::jobset_resource(), "jobset"));
    }
    for (resource, short) in owners {
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &resource);
        match api.delete(name, &dp).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(api_err("delete", format!("{short}/{name}"))(e)),
        }
    }
    let label = format!("{LABEL_JOB_ID}={job_id}");
    let list = pods
        .list(&ListParams::default().labels(&label))
        .await
        .map_err(api_err("list", "pods"))?;
    let mut deleted = 0;
    for pod in list.items {
        let Some(pod_name) = pod.metadata.name else {
            continue;
        };
        match pods.delete(&pod_name, &DeleteParams::default()).await {
            Ok(_) => deleted += 1,
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(api_err("delete", format!("pod/{pod_name}"))(e)),
        }
    }
    // Wait until the pods are gone: a watch, not a polling loop.
    let wait = async {
        let stream =
            watcher(pods.clone(), watcher::Config::default().labels(&label)).default_backoff();
        futures::pin_mut!(stream);
        let mut present: BTreeSet<String> = BTreeSet::new();
        let mut listed = false;
        while let Some(Ok(event)) = stream.next().await {
            match event {
                watcher::Event::Init => present.clear(),
                watcher::Event::InitApply(p) | watcher::Event::Apply(p) => {
                    if let Some(n) = p.metadata.name {
                        present.insert(n);
                    }
                }
                watcher::Event::Delete(p) => {
                    if let Some(n) = p.metadata.name {
                        present.remove(&n);
                    }
                }
                watcher::Event::InitDone => listed = true,
            }
            if listed && present.is_empty() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(CLEANUP_TIMEOUT, wait).await;
    Ok(deleted)
}

/// A TrainJob's runtime, before anything is created: it exists, has the trainer step
/// hybridctl's patch targets, and gives the pods the spec's priority class
/// ([`crate::k8s::trainjob::check_runtime`]).
pub async fn check_runtime(
    client: &Client,
    spec: &crate::jobspec::Spec,
) -> Result<(), LaunchError> {
    use crate::k8s::trainjob;
    use kube::core::{ApiResource, GroupVersionKind};
    let kind = spec.kubernetes.runtime_kind.name();
    let name = &spec.kubernetes.runtime;
    let resource = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(trainjob::GROUP, trainjob::VERSION, kind),
        &format!("{}s", kind.to_lowercase()),
    );
    let api: Api<DynamicObject> = match spec.kubernetes.runtime_kind {
        crate::jobspec::RuntimeKind::TrainingRuntime => {
            Api::namespaced_with(client.clone(), &spec.kubernetes.namespace, &resource)
        }
        crate::jobspec::RuntimeKind::ClusterTrainingRuntime => {
            Api::all_with(client.clone(), &resource)
        }
    };
    let runtime = match api.get(name).await {
        Ok(r) => r,
        Err(kube::Error::Api(s)) if s.code == 404 => {
            return Err(LaunchError::Runtime(format!(
                "{kind} `{name}` does not exist"
            )));
        }
        Err(e) => return Err(api_err("get", format!("{}/{name}", resource.plural))(e)),
    };
    let value = serde_json::to_value(&runtime).unwrap_or_default();
    trainjob::check_runtime(
        kind,
        name,
        spec.kubernetes.priority_class_name.as_deref(),
        &value,
    )
    .map_err(LaunchError::Runtime)
}

/// How long `launch` waits for the controllers before it gives up, cleans up and says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchOptions {
    /// The CSI driver the GPFS claim's storage class should name.
    pub csi_driver: String,
    /// No condition at all on the PyTorchJob after this long: no training operator acts on
    /// it (`HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT`, seconds; default 120).
    pub operator_timeout: Duration,
    /// A pod the scheduler keeps refusing for this long (`HYBRIDCTL_LAUNCH_SCHEDULE_TIMEOUT`,
    /// seconds; default 300): the allocation is wasted while it waits.
    pub schedule_timeout: Duration,
}

impl LaunchOptions {
    pub const OPERATOR_TIMEOUT: Duration = Duration::from_secs(120);
    pub const SCHEDULE_TIMEOUT: Duration = Duration::from_secs(300);

    /// From the environment of the batch step; a value that is not a positive number of
    /// seconds is an error naming the variable.
    pub fn from_env<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
        csi_driver: String,
    ) -> Result<Self, String> {
        let secs = |name: &str, default: Duration| -> Result<Duration, String> {
            match get(name) {
                None | Some("") => Ok(default),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Duration::from_secs(n)),
                    _ => Err(format!(
                        "`{name}` must be a positive number of seconds, not `{v}`"
                    )),
                },
            }
        };
        Ok(Self {
            csi_driver,
            operator_timeout: secs("HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT", Self::OPERATOR_TIMEOUT)?,
            schedule_timeout: secs("HYBRIDCTL_LAUNCH_SCHEDULE_TIMEOUT", Self::SCHEDULE_TIMEOUT)?,
        })
    }
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            csi_driver: super::claims::SPECTRUM_SCALE_DRIVER.into(),
            operator_timeout: Self::OPERATOR_TIMEOUT,
            schedule_timeout: Self::SCHEDULE_TIMEOUT,
        }
    }
}

/// Why `launch` gave up on a job that the controllers do not move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GiveUp {
    NoController {
        waited: Duration,
        kind: &'static str,
    },
    Unschedulable {
        pod: String,
        waited: Duration,
        reason: String,
    },
}

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoController { waited, kind } => write!(
                f,
                "no controller is acting on the {kind}: it has no status after {}s",
                waited.as_secs()
            ),
            Self::Unschedulable {
                pod,
                waited,
                reason,
            } => write!(
                f,
                "pod {pod} could not be scheduled for {}s: {reason}",
                waited.as_secs()
            ),
        }
    }
}

/// What `launch` sees of the controllers while it waits for the result: whether the
/// operator has written any status, and which pods the scheduler refuses, since when.
/// Pure: the caller feeds it the watch events and the clock.
#[derive(Debug)]
pub struct Watchdog {
    opts: LaunchOptions,
    backend: Backend,
    started: std::time::Instant,
    operator_seen: bool,
    operator_noted: bool,
    /// Pod -> (first refused at, the scheduler's reason, reported yet).
    refused: BTreeMap<String, (std::time::Instant, String, bool)>,
}

impl Watchdog {
    pub fn new(opts: LaunchOptions, now: std::time::Instant) -> Self {
        Self::for_backend(opts, now, Backend::PyTorchJob)
    }

    pub fn for_backend(opts: LaunchOptions, now: std::time::Instant, backend: Backend) -> Self {
        Self {
            opts,
            backend,
            started: now,
            operator_seen: false,
            operator_noted: false,
            refused: BTreeMap::new(),
        }
    }

    /// The PyTorchJob has (or still has no) condition.
    pub fn job(&mut self, has_conditions: bool) {
        self.operator_seen |= has_conditions;
    }

    /// A pod as the watch shows it: `scheduling` is the scheduler's refusal, if any.
    pub fn pod(&mut self, name: &str, scheduling: Option<String>, now: std::time::Instant) {
        match scheduling {
            Some(reason) => {
                let e = self
                    .refused
                    .entry(name.to_string())
                    .or_insert((now, String::new(), false));
                e.1 = reason;
            }
            None => {
                self.refused.remove(name);
            }
        }
        // Pods exist, so an operator acts on the job even before it writes a status.
        self.operator_seen = true;
    }

    pub fn pod_gone(&mut self, name: &str) {
        self.refused.remove(name);
    }

    /// Progress notes for the batch output, once each: the wait for an operator (after a
    /// tenth of its limit) and each pod the scheduler refuses, with its reason.
    pub fn notes(&mut self, now: std::time::Instant) -> Vec<String> {
        let mut out = Vec::new();
        let waited = now.duration_since(self.started);
        if !self.operator_seen && !self.operator_noted && waited >= self.opts.operator_timeout / 10
        {
            self.operator_noted = true;
            let who = match self.backend {
                Backend::PyTorchJob => "the training operator",
                Backend::TrainJob => "the Trainer",
            };
            out.push(format!(
                "waiting for {who} to act on the {} (no status after {}s; giving up after {}s)",
                self.backend.kind(),
                waited.as_secs(),
                self.opts.operator_timeout.as_secs()
            ));
        }
        for (pod, (_, reason, noted)) in &mut self.refused {
            if !*noted && !reason.is_empty() {
                *noted = true;
                out.push(format!(
                    "pod {pod} is not scheduled yet: {reason} (giving up after {}s)",
                    self.opts.schedule_timeout.as_secs()
                ));
            }
        }
        out
    }

    pub fn verdict(&self, now: std::time::Instant) -> Option<GiveUp> {
        let waited = now.duration_since(self.started);
        if !self.operator_seen && waited >= self.opts.operator_timeout {
            return Some(GiveUp::NoController {
                waited,
                kind: self.backend.kind(),
            });
        }
        self.refused
            .iter()
            .map(|(pod, (since, reason, _))| (pod, now.duration_since(*since), reason))
            .filter(|(_, w, _)| *w >= self.opts.schedule_timeout)
            .max_by_key(|(_, w, _)| *w)
            .map(|(pod, waited, reason)| GiveUp::Unschedulable {
                pod: pod.clone(),
                waited,
                reason: reason.clone(),
            })
    }
}

/// How long a rank may take from its first NCCL line to `Init COMPLETE` while following.
pub const NCCL_INIT_THRESHOLD: Duration = Duration::from_secs(600);

/// The one-line early warning for an NCCL verdict (`launch` and `logs --nccl`).
pub fn nccl_alert(v: &crate::nccl::Verdict) -> String {
    format!(
        "NCCL {}[{}]: {} (hint: {})",
        v.severity.as_str(),
        v.kind.name(),
        v.message,
        v.hint
    )
}

/// A log line or a message about the streams, into the batch output; NCCL lines also go to
/// the analyzer, whose new verdicts are printed at once.
fn print_event(out: &mut (dyn Write + Send), ev: &Event, nccl: &mut crate::nccl::Analyzer) {
    let _ = match ev {
        Event::Line(l) => {
            let _ = writeln!(out, "[{}] {}", l.prefix, l.text);
            nccl.feed_at(&l.prefix, &l.text, l.time.map(Into::into));
            for v in nccl.take_new_alerts() {
                let _ = writeln!(out, "hybridctl: {}", nccl_alert(&v));
            }
            Ok(())
        }
        Event::Started {
            prefix,
            pod,
            resumed: true,
        } => writeln!(out, "hybridctl: {prefix}: resumed the log of pod {pod}"),
        Event::Started { .. } | Event::Ended { .. } => Ok(()),
        Event::Notice(n) => writeln!(out, "hybridctl: {n}"),
    };
}

/// Check the spec's GPFS claim before anything is created ([`super::claims`]): a refusal
/// is an error, warnings go to `out`.
async fn check_claims(
    client: &Client,
    plan: &Plan,
    csi_driver: &str,
    out: &mut (dyn Write + Send),
) -> Result<(), LaunchError> {
    let ns = plan.namespace.as_str();
    for claim in plan.volumes.iter().filter_map(|v| v.claim_name.as_deref()) {
        let verdict = super::claims::check(client, ns, claim, csi_driver)
            .await
            .map_err(api_err(
                "get",
                format!("persistentvolumeclaims/{claim} in namespace {ns}"),
            ))?;
        if let Some(refusal) = verdict.refusal {
            return Err(LaunchError::Claim(refusal));
        }
        for w in verdict.warnings {
            let _ = writeln!(out, "hybridctl: warning: {w}");
        }
    }
    Ok(())
}

/// Create the job and see it through. Log lines and progress messages go to `out`.
/// `opts` names the GPFS claim's CSI driver and how long the controllers may take.
pub async fn run(
    client: Client,
    plan: &Plan,
    job: &crate::render::Workload,
    mut nccl: crate::nccl::Expectation,
    opts: &LaunchOptions,
    out: &mut (dyn Write + Send),
) -> Result<Outcome, LaunchError> {
    nccl.init_threshold = Some(NCCL_INIT_THRESHOLD);
    let mut nccl = crate::nccl::Analyzer::new(nccl);
    let ns = plan.namespace.as_str();
    let name = plan.k8s_name.as_str();
    let backend = job.backend;
    let short = backend.short();
    // Signals first: a job cancelled while the PyTorchJob is being created must still clean
    // up (Slurm runs EpilogSlurmctld at once on scancel, before this step is killed).
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    // 1. The allocated nodes: one list call.
    let nodes: Api<Node> = Api::all(client.clone());
    let selector_nodes = format!("{HOSTNAME_LABEL} in ({})", plan.kube_nodes.join(","));
    let listed = nodes
        .list(&ListParams::default().labels(&selector_nodes))
        .await
        .map_err(api_err("list", "nodes"))?;
    check_nodes(plan, &listed.items).map_err(LaunchError::Nodes)?;
    check_claims(&client, plan, &opts.csi_driver, out).await?;

    // 2. Create (or adopt our own, e.g. after `launch` restarted in the same allocation).
    let jobs: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), ns, &backend.api_resource());
    let object: DynamicObject = serde_json::from_value(job.value.clone()).map_err(|e| {
        LaunchError::Nodes(format!(
            "the rendered {} is not an object: {e}",
            backend.kind()
        ))
    })?;
    match jobs.create(&PostParams::default(), &object).await {
        Ok(_) => {
            let _ = writeln!(
                out,
                "hybridctl: created {short}/{name} in namespace {ns} on {}",
                crate::hostlist::compress(&plan.nodes)
            );
        }
        Err(kube::Error::Api(s)) if s.code == 409 => {
            let existing = jobs
                .get(name)
                .await
                .map_err(api_err("get", format!("{short}/{name}")))?;
            let ours = job_id_of(&existing.metadata) == Some(plan.job_id.as_str());
            if !ours {
                return Err(LaunchError::Conflict {
                    backend,
                    name: name.to_string(),
                });
            }
            let _ = writeln!(
                out,
                "hybridctl: {short}/{name} exists already for this Slurm job; following it"
            );
        }
        Err(e) => {
            return Err(api_err(
                "create",
                format!("{} in namespace {ns}", backend.plural()),
            )(e));
        }
    }
    let _ = out.flush();

    // 3. Logs (one writer), result, and signals.
    let (tx, mut rx) = mpsc::channel::<Event>(1024);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let notices = tx.clone();
    let logs = tokio::spawn(super::logs::follow(
        pods,
        selector(plan),
        super::logs::Options::default(),
        tx,
    ));
    let (seen_tx, mut seen_rx) = tokio::sync::watch::channel(false);
    let result = wait_for_result(jobs, backend, name, seen_tx, notices);
    futures::pin_mut!(result);
    // The controllers: does an operator act on the job, does the scheduler place its pods?
    let mut dog = Watchdog::for_backend(opts.clone(), std::time::Instant::now(), backend);
    let pod_events = watcher(
        Api::<Pod>::namespaced(client.clone(), ns),
        watcher::Config::default().labels(&selector(plan)),
    )
    .default_backoff();
    futures::pin_mut!(pod_events);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut gave_up = None;
    let outcome = loop {
        tokio::select! {
            ev = pod_events.next() => {
                let now = std::time::Instant::now();
                match ev {
                    Some(Ok(watcher::Event::InitApply(p) | watcher::Event::Apply(p))) => {
                        let v = super::state::pod_view(&p);
                        dog.pod(&v.name, v.scheduling, now);
                    }
                    Some(Ok(watcher::Event::Delete(p))) => {
                        dog.pod_gone(p.metadata.name.as_deref().unwrap_or_default());
                    }
                    _ => {}
                }
            }
            _ = seen_rx.changed() => dog.job(*seen_rx.borrow()),
            _ = tick.tick() => {
                let now = std::time::Instant::now();
                for note in dog.notes(now) {
                    let _ = writeln!(out, "hybridctl: {note}");
                    let _ = out.flush();
                }
                if let Some(why) = dog.verdict(now) {
                    gave_up = Some(why);
                    break Outcome::Interrupted { signal: "a deadline" };
                }
            }
            ev = rx.recv() => {
                if let Some(ev) = ev {
                    print_event(out, &ev, &mut nccl);
                    if rx.is_empty() {
                        let _ = out.flush();
                    }
                }
            }
            r = &mut result => break r?,
            _ = async { match term.as_mut() { Some(s) => { s.recv().await; } None => futures::future::pending::<()>().await } } => {
                break Outcome::Interrupted { signal: "SIGTERM" };
            }
            _ = async { match int.as_mut() { Some(s) => { s.recv().await; } None => futures::future::pending::<()>().await } } => {
                break Outcome::Interrupted { signal: "SIGINT" };
            }
        }
    };
    // Let the log streams drain what the pods printed (they end with the pods), bounded.
    let drain = tokio::time::sleep(Duration::from_millis(
        if matches!(outcome, Outcome::Interrupted { .. }) {
            200
        } else {
            1500
        },
    ));
    futures::pin_mut!(drain);
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(ev) => print_event(out, &ev, &mut nccl),
                None => break,
            },
            _ = &mut drain => break,
        }
    }
    logs.abort();
    // What NCCL did, when the job printed NCCL lines (NCCL_DEBUG=INFO is the default).
    nccl.finish();
    if matches!(outcome, Outcome::Failed { .. }) {
        // The job failed: a rank still without `Init COMPLETE` never got there. (A job that
        // succeeded did initialise; a missing line there is a log stream cut short.)
        nccl.job_ended();
    }
    let report = nccl.report();
    if !report.ranks.is_empty() {
        let _ = writeln!(out, "hybridctl: NCCL summary of {short}/{name}:");
        let _ = write!(out, "{}", report.summary_table(false));
    }
    if let Some(why) = gave_up {
        let _ = writeln!(
            out,
            "hybridctl: {why}: deleting {short}/{name} and its pods"
        );
        cleanup(&client, backend, ns, name, &plan.job_id).await?;
        let _ = out.flush();
        return Err(LaunchError::GaveUp {
            backend,
            name: name.to_string(),
            why,
        });
    }
    if let Outcome::Interrupted { signal } = &outcome {
        let _ = writeln!(
            out,
            "hybridctl: {signal}: deleting {short}/{name} and its pods"
        );
        let n = cleanup(&client, backend, ns, name, &plan.job_id).await?;
        let _ = writeln!(out, "hybridctl: deleted {short}/{name} and {n} pod(s)");
    }
    let _ = out.flush();
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::pytorchjob::JobCondition;

    fn cond(t: &str, s: &str) -> JobCondition {
        JobCondition {
            type_: t.into(),
            status: s.into(),
            reason: Some(format!("PyTorchJob{t}")),
            message: Some("m".into()),
            last_transition_time: None,
        }
    }

    #[test]
    fn outcome_follows_the_last_true_terminal_condition() {
        let mut st = PyTorchJobStatus::default();
        assert_eq!(outcome_of(Some(&st)), None);
        st.conditions = vec![cond("Created", "True"), cond("Running", "True")];
        assert_eq!(outcome_of(Some(&st)), None);
        st.conditions.push(cond("Succeeded", "True"));
        assert_eq!(outcome_of(Some(&st)), Some(Outcome::Succeeded));
        st.conditions = vec![cond("Running", "False"), cond("Failed", "True")];
        assert!(matches!(
            outcome_of(Some(&st)),
            Some(Outcome::Failed { .. })
        ));
        st.conditions = vec![cond("Succeeded", "False")];
        assert_eq!(outcome_of(Some(&st)), None);
    }

    fn opts(op: u64, sched: u64) -> LaunchOptions {
        LaunchOptions {
            operator_timeout: Duration::from_secs(op),
            schedule_timeout: Duration::from_secs(sched),
            ..LaunchOptions::default()
        }
    }

    #[test]
    fn the_watchdog_gives_up_when_no_operator_acts() {
        let t0 = std::time::Instant::now();
        let mut d = Watchdog::new(opts(10, 30), t0);
        assert!(d.notes(t0).is_empty());
        let n = d.notes(t0 + Duration::from_secs(1));
        assert_eq!(n.len(), 1);
        assert!(n[0].starts_with("waiting for the training operator to act on the PyTorchJob"));
        assert!(d.notes(t0 + Duration::from_secs(2)).is_empty(), "once");
        assert_eq!(d.verdict(t0 + Duration::from_secs(9)), None);
        let v = d.verdict(t0 + Duration::from_secs(10)).expect("gave up");
        assert_eq!(
            v.to_string(),
            "no controller is acting on the PyTorchJob: it has no status after 10s"
        );
        // A status (or a pod) in time: no verdict.
        let mut d = Watchdog::new(opts(10, 30), t0);
        d.job(true);
        assert_eq!(d.verdict(t0 + Duration::from_secs(60)), None);
    }

    #[test]
    fn the_watchdog_gives_up_on_a_pod_the_scheduler_keeps_refusing() {
        let t0 = std::time::Instant::now();
        let s = Duration::from_secs;
        let mut d = Watchdog::new(opts(10, 30), t0);
        d.job(true);
        let why = "FailedScheduling: 0/3 nodes are available: 1 node(s) were unschedulable.";
        d.pod("j-worker-0", Some(why.into()), t0 + s(1));
        assert_eq!(
            d.notes(t0 + s(1)),
            [format!(
                "pod j-worker-0 is not scheduled yet: {why} (giving up after 30s)"
            )]
        );
        // The reason may change; the clock runs from the first refusal.
        d.pod("j-worker-0", Some(why.into()), t0 + s(20));
        assert_eq!(d.verdict(t0 + s(30)), None);
        assert_eq!(
            d.verdict(t0 + s(31)),
            Some(GiveUp::Unschedulable {
                pod: "j-worker-0".into(),
                waited: s(30),
                reason: why.into()
            })
        );
        // Placed in the end: the clock stops.
        d.pod("j-worker-0", None, t0 + s(31));
        assert_eq!(d.verdict(t0 + s(100)), None);
    }

    #[test]
    fn launch_options_come_from_the_environment() {
        let env = |k: &str| match k {
            "HYBRIDCTL_LAUNCH_SCHEDULE_TIMEOUT" => Some("7"),
            _ => None,
        };
        let o = LaunchOptions::from_env(env, "d".into()).expect("valid");
        assert_eq!(o.schedule_timeout, Duration::from_secs(7));
        assert_eq!(o.operator_timeout, LaunchOptions::OPERATOR_TIMEOUT);
        let bad = |k: &str| (k == "HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT").then_some("soon");
        assert_eq!(
            LaunchOptions::from_env(bad, "d".into()),
            Err("`HYBRIDCTL_LAUNCH_OPERATOR_TIMEOUT` must be a positive number of seconds, not `soon`".into())
        );
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity_value(&Quantity("8".into())), Some(8));
        assert_eq!(quantity_value(&Quantity("1k".into())), Some(1000));
        assert_eq!(quantity_value(&Quantity("x".into())), None);
    }
}
