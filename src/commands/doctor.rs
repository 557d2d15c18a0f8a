//! `hybridctl doctor`: check a setup and print one row per check (pass, warn or fail).
//!
//! Slurm: `sbatch` and `squeue` are found. Kubernetes, with the identity the Slurm side uses:
//! the kubeconfig and context work and the API server answers; who the identity is; the
//! PyTorchJob CRD is served; the namespace is there; nodes advertise the GPU and RDMA
//! resources; the site's GPFS claims are Bound and ReadWriteMany; every rule of
//! [`crate::kube::rbac::RULES`] is allowed; nothing beyond them is;
//! and the identity is not an admin. Exit 1 when a check fails (warnings are fine).
//!
//! The permission questions live in [`crate::kube::access`]; this file only sequences the
//! calls, bounds each one in time and prints the verdicts.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use comfy_table::{Table, presets};
use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::{Api, Client};
use serde::Serialize;

use super::{Context, Printer};
use crate::check::Level;
use crate::cli::{DoctorArgs, KubeArgs, TextOrJson};
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::jobspec::KubeApi;
use crate::k8s::labels::GPU_RESOURCE;
use crate::k8s::trainjob;
use crate::k8s::workload::{self, Backend};
use crate::kube::access::{self, Answer};
use crate::kube::client::{Connection, client, kubeconfig_paths};
use crate::kube::rbac::{Rule, Scope};
use crate::process::Runner;
use crate::settings::{ConfigFile, Settings};
use crate::yaml::Value as YamlValue;

/// Each API call gets this long; an API server that does not answer is a failed check, not a
/// hung command.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

const RBAC_HINT: &str = "`hybridctl rbac` prints the roles the Slurm-side identity needs; a cluster admin applies them with `kubectl apply -f -`";

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub check: String,
    /// How it went (`unknown`: the check could not tell, e.g. the identity may not read
    /// what it needs; not a failure).
    pub result: Level,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The SelfSubjectAccessReviews behind an RBAC row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<Answer>,
    /// For an RBAC row: what needs the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needed_by: Option<&'static str>,
}

#[derive(Debug, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    namespace: String,
    checks: Vec<Check>,
    passed: usize,
    warnings: usize,
    failed: usize,
}

impl crate::document::Document for Report {
    const KIND: &'static str = "DoctorReport";
}

impl Report {
    fn push(&mut self, check: impl Into<String>, result: Level, detail: impl Into<String>) {
        self.checks.push(Check {
            check: check.into(),
            result,
            detail: detail.into(),
            hint: None,
            access: Vec::new(),
            needed_by: None,
        });
    }

    fn push_hint(
        &mut self,
        check: impl Into<String>,
        result: Level,
        detail: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(check, result, detail);
        if let Some(last) = self.checks.last_mut() {
            last.hint = Some(hint.into());
        }
    }

    fn count(&mut self) {
        let n = |v| self.checks.iter().filter(|c| c.result == v).count();
        (self.passed, self.warnings, self.failed) =
            (n(Level::Pass), n(Level::Warn), n(Level::Fail));
    }
}

/// A string value under `defaults.kubernetes.<key>` of a config file.
fn kubernetes_default(config: &ConfigFile, key: &str) -> Option<String> {
    let node = config.defaults.as_ref()?.get("kubernetes")?.get(key)?;
    match &node.value {
        YamlValue::Scalar { text, .. } if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

/// `-n`, else `defaults.kubernetes.namespace` of the user config, then the site config (the
/// order a spec is layered in), else `default`.
pub fn namespace(settings: &Settings, kube: &KubeArgs) -> String {
    kube.namespace
        .clone()
        .unwrap_or_else(|| settings.default_namespace())
}

/// The RDMA resources the config files name (`network.rdmaResource` in `defaults` and in
/// each partition), each with where it is named.
pub fn rdma_resources(settings: &Settings) -> BTreeMap<String, Vec<String>> {
    fn rdma(layer: Option<&crate::yaml::Node>) -> Option<String> {
        match &layer?.get("network")?.get("rdmaResource")?.value {
            YamlValue::Scalar { text, .. } if !text.is_empty() => Some(text.clone()),
            _ => None,
        }
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (config, what) in [(&settings.site, "site"), (&settings.user, "user")] {
        if let Some(r) = rdma(config.defaults.as_ref()) {
            out.entry(r).or_default().push(format!("{what} defaults"));
        }
        for p in &config.partitions {
            if let Some(r) = rdma(Some(&p.layer)) {
                out.entry(r)
                    .or_default()
                    .push(format!("partition {}", p.name));
            }
        }
    }
    out
}

/// How many nodes advertise `resource` (allocatable, else capacity, not zero), and the sum
/// when every amount is a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advertised {
    pub nodes: usize,
    pub with: usize,
    pub total: Option<i64>,
}

pub fn advertised(nodes: &[Node], resource: &str) -> Advertised {
    let mut with = 0;
    let mut total = Some(0i64);
    for node in nodes {
        let status = node.status.as_ref();
        let amount = status
            .and_then(|s| s.allocatable.as_ref())
            .and_then(|a| a.get(resource))
            .or_else(|| {
                status
                    .and_then(|s| s.capacity.as_ref())
                    .and_then(|c| c.get(resource))
            })
            .map(|q| q.0.trim());
        let Some(amount) = amount.filter(|a| !a.is_empty() && *a != "0") else {
            continue;
        };
        with += 1;
        total = match (total, amount.parse::<i64>()) {
            (Some(t), Ok(n)) => t.checked_add(n),
            _ => None,
        };
    }
    Advertised {
        nodes: nodes.len(),
        with,
        total,
    }
}

fn status_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// Why an API call did not answer: its error, or the timeout.
enum CallError {
    Api(kube::Error),
    Timeout,
}

impl CallError {
    fn code(&self) -> Option<u16> {
        match self {
            Self::Api(e) => status_code(e),
            Self::Timeout => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Api(e) => crate::kube::client::brief(e),
            Self::Timeout => format!("no answer within {} s", CALL_TIMEOUT.as_secs()),
        }
    }
}

async fn call<T>(fut: impl Future<Output = Result<T, kube::Error>>) -> Result<T, CallError> {
    match tokio::time::timeout(CALL_TIMEOUT, fut).await {
        Ok(r) => r.map_err(CallError::Api),
        Err(_) => Err(CallError::Timeout),
    }
}

/// Same for the access reviews, whose errors carry their own hint.
async fn call_access<T>(
    fut: impl Future<Output = Result<T, access::AccessError>>,
) -> Result<T, (String, String)> {
    match tokio::time::timeout(CALL_TIMEOUT, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            let hint = e.hint();
            Err((e.to_string(), hint))
        }
        Err(_) => Err((
            format!(
                "the API server did not answer within {} s",
                CALL_TIMEOUT.as_secs()
            ),
            "check the API server and the kubeconfig (`kubectl version`)".to_string(),
        )),
    }
}

fn slurm_checks(settings: &Settings, report: &mut Report) {
    let runner = Runner::new(settings.slurm_bin_dir());
    for program in ["sbatch", "squeue"] {
        match runner.resolve(program) {
            Ok(path) => report.push(program, Level::Pass, path.display().to_string()),
            Err(e) => report.push_hint(
                program,
                Level::Fail,
                e.to_string(),
                "install the Slurm client commands on this node, or set `slurm.binDir` in the site config",
            ),
        }
    }
}

fn kubeconfig_text(conn: &Connection, settings: &Settings) -> String {
    let paths = kubeconfig_paths(conn, &settings.env, settings.kubeconfig());
    let files = paths
        .iter()
        .filter(|p| conn.kubeconfig.is_some() || p.exists())
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ");
    match &conn.context {
        Some(c) => format!("{files}, context `{c}`"),
        None => format!("{files}, current context"),
    }
}

async fn kube_checks(settings: &Settings, kube: &KubeArgs, ns: &str, report: &mut Report) {
    let conn = super::connection(
        kube,
        kubernetes_default(&settings.user, "context")
            .or_else(|| kubernetes_default(&settings.site, "context")),
    );
    let client = match client(&conn, &settings.env, settings.kubeconfig()).await {
        Ok(c) => c,
        Err(e) => {
            report.push_hint(
                "kubeconfig",
                Level::Fail,
                crate::kube::hooks::one_line(&e),
                e.hint(),
            );
            return;
        }
    };
    report.push("kubeconfig", Level::Pass, kubeconfig_text(&conn, settings));
    match call(client.apiserver_version()).await {
        Ok(info) => report.push(
            "api server",
            Level::Pass,
            format!("reachable, Kubernetes {}", info.git_version),
        ),
        Err(e) => {
            // Nothing else can be checked without an API server.
            report.push_hint(
                "api server",
                Level::Fail,
                format!("not reachable: {}", e.text()),
                "check the server address in the kubeconfig and that this node may reach it (`kubectl version`)",
            );
            return;
        }
    }
    match call_access(access::whoami(&client)).await {
        Ok(who) => report.push("identity", Level::Pass, who.describe()),
        Err((text, hint)) => report.push_hint("identity", Level::Warn, text, hint),
    }
    let (backend, rbac_backends) = api_checks(&client, settings, ns, report).await;
    namespace_check(&client, ns, backend, report).await;
    node_checks(&client, settings, report).await;
    claim_checks(&client, settings, ns, report).await;
    rbac_checks(&client, ns, &rbac_backends, report).await;
}

/// The GPFS claims of the site config (`gpfs.claims`): Bound, ReadWriteMany, and of the
/// Spectrum Scale CSI driver ([`crate::kube::claims`]).
async fn claim_checks(client: &Client, settings: &Settings, ns: &str, report: &mut Report) {
    let gpfs = settings.gpfs();
    let driver = gpfs
        .csi_driver
        .clone()
        .unwrap_or_else(|| crate::kube::claims::SPECTRUM_SCALE_DRIVER.into());
    for (claim, _, _) in &gpfs.claims {
        let check = format!("gpfs claim {claim}");
        match call(crate::kube::claims::check(client, ns, claim, &driver)).await {
            Ok(v) => match (v.refusal, v.warnings.is_empty()) {
                (Some(r), _) => {
                    report.push_hint(check, Level::Fail, r, crate::kube::claims::REFUSAL_HINT)
                }
                (None, false) => report.push(check, Level::Warn, v.warnings.join("; ")),
                (None, true) => report.push(check, Level::Pass, v.summary.unwrap_or_default()),
            },
            Err(e) => report.push_hint(
                check,
                Level::Fail,
                format!("get persistentvolumeclaims/{claim} failed: {}", e.text()),
                RBAC_HINT,
            ),
        }
    }
}

/// Which Kubeflow API this site's jobs use (`kubernetes.api` of the user, then the site
/// config's `defaults`; `auto` when neither sets it) against what the cluster serves (API
/// discovery, open to every authenticated user). For a TrainJob cluster also: the JobSet CRD
/// and the training runtime. Returns the backend `launch` would use, if any, and the
/// backends whose RBAC to check.
async fn api_checks(
    client: &Client,
    settings: &Settings,
    ns: &str,
    report: &mut Report,
) -> (Option<Backend>, Vec<Backend>) {
    let setting = |key: &str| {
        kubernetes_default(&settings.user, key).or_else(|| kubernetes_default(&settings.site, key))
    };
    let api = setting("api")
        .and_then(|a| KubeApi::from_name(&a))
        .unwrap_or_default();
    let served = match crate::kube::discovery::served(client).await {
        Ok(s) => s,
        Err(e) => {
            report.push_hint(
                "kubeflow api",
                Level::Fail,
                format!(
                    "could not ask the API server: {}",
                    crate::kube::client::brief(&e)
                ),
                "check the API server (`kubectl api-resources --api-group=kubeflow.org`)",
            );
            return (None, Backend::ALL.to_vec());
        }
    };
    let names: Vec<&str> = served.iter().map(|b| b.kind()).collect();
    let chosen = match workload::resolve(api, &served) {
        Ok(b) => {
            report.push(
                "kubeflow api",
                Level::Pass,
                format!(
                    "the cluster serves {}; `kubernetes.api: {}` runs jobs as {}s",
                    names.join(" and "),
                    api.name(),
                    b.kind()
                ),
            );
            Some(b)
        }
        Err(e) => {
            report.push_hint(
                "kubeflow api",
                Level::Fail,
                e,
                "install the Kubeflow training operator (PyTorchJob) or Kubeflow Trainer v2 (TrainJob, with JobSet), or set `kubernetes.api` in the site config to the one the cluster has",
            );
            None
        }
    };
    if chosen == Some(Backend::TrainJob) {
        trainjob_checks(client, ns, &setting, report).await;
    }
    let rbac = match api {
        KubeApi::Auto if !served.is_empty() => served,
        KubeApi::Auto => Backend::ALL.to_vec(),
        pinned => vec![workload::offline(pinned)],
    };
    (chosen, rbac)
}

/// A TrainJob cluster: the JobSet CRD the Trainer renders into, and the runtime the site's
/// jobs refer to (`kubernetes.runtime`, default `torch-distributed`).
async fn trainjob_checks(
    client: &Client,
    ns: &str,
    setting: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) {
    let gv = format!("{}/{}", trainjob::JOBSET_GROUP, trainjob::JOBSET_VERSION);
    match call(client.list_api_group_resources(&gv)).await {
        Ok(list)
            if list
                .resources
                .iter()
                .any(|r| r.name == trainjob::JOBSET_PLURAL) =>
        {
            report.push("jobset crd", Level::Pass, format!("{gv} jobsets is served"))
        }
        Ok(_) | Err(_) => report.push_hint(
            "jobset crd",
            Level::Fail,
            format!("{gv} jobsets is not served: the Trainer cannot run a TrainJob"),
            "install JobSet (the version your Trainer release names) with its webhooks",
        ),
    }
    let name = setting("runtime").unwrap_or_else(|| crate::jobspec::DEFAULT_RUNTIME.into());
    let kind = setting("runtimeKind").unwrap_or_else(|| "ClusterTrainingRuntime".into());
    let check = "trainjob runtime";
    let resource = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(trainjob::GROUP, trainjob::VERSION, &kind),
        &format!("{}s", kind.to_lowercase()),
    );
    let api: Api<DynamicObject> = if kind == "TrainingRuntime" {
        Api::namespaced_with(client.clone(), ns, &resource)
    } else {
        Api::all_with(client.clone(), &resource)
    };
    match call(api.get(&name)).await {
        Ok(_) => report.push(check, Level::Pass, format!("{kind} `{name}` exists")),
        Err(e) if e.code() == Some(404) => report.push_hint(
            check,
            Level::Fail,
            format!("{kind} `{name}` does not exist"),
            "install the Trainer's runtimes (manifests/base/runtimes in kubeflow/trainer), or set `kubernetes.runtime` to one that exists (`kubectl get clustertrainingruntimes`)",
        ),
        Err(e) => report.push_hint(
            check,
            Level::Fail,
            format!("could not read {kind} `{name}`: {}", e.text()),
            RBAC_HINT,
        ),
    }
}

/// Reading the Namespace object is the proof, but a least-privileged identity may not; then
/// listing PyTorchJobs in it (what its Role allows) is the evidence.
async fn namespace_check(client: &Client, ns: &str, backend: Option<Backend>, report: &mut Report) {
    let check = "namespace";
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let missing_hint = format!(
        "pass the training namespace with `-n`, or create it (`kubectl create namespace {ns}`) and apply `hybridctl rbac -n {ns}`"
    );
    match call(namespaces.get(ns)).await {
        Ok(_) => return report.push(check, Level::Pass, format!("`{ns}` exists")),
        Err(e) if e.code() == Some(404) => {
            return report.push_hint(
                check,
                Level::Fail,
                format!("`{ns}` does not exist"),
                missing_hint,
            );
        }
        Err(e) if e.code() == Some(403) => {}
        Err(e) => {
            return report.push_hint(
                check,
                Level::Fail,
                format!("could not read namespace `{ns}`: {}", e.text()),
                "check the API server and the kubeconfig (`kubectl get namespace`)",
            );
        }
    }
    let Some(backend) = backend else {
        return report.push(
            check,
            Level::Warn,
            format!(
                "cannot tell whether `{ns}` exists: this identity may not read it, and without the PyTorchJob or TrainJob CRD nothing in it can be listed"
            ),
        );
    };
    let kinds = format!("{}s", backend.kind());
    let jobs: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), ns, &backend.api_resource());
    match call(jobs.list_metadata(&ListParams::default().limit(1))).await {
        Ok(_) => report.push(
            check,
            Level::Pass,
            format!("`{ns}`: {kinds} in it can be listed (this identity may not read Namespace objects)"),
        ),
        Err(e) if e.code() == Some(403) => report.push_hint(
            check,
            Level::Warn,
            format!(
                "cannot tell whether `{ns}` exists: this identity may neither read it nor list {kinds} in it"
            ),
            missing_hint,
        ),
        Err(e) => report.push_hint(
            check,
            Level::Fail,
            format!("listing {kinds} in `{ns}` failed: {}", e.text()),
            format!("check the API server and the kubeconfig (`kubectl get {}`)", backend.plural()),
        ),
    }
}

/// At most this many kubelets are asked for their configz (one request each).
const KUBELETS_ASKED: usize = 64;

/// The GPU nodes' CPU and Topology Manager policies (`configz` through the API server), or why
/// doctor cannot tell: reading it needs `get nodes/proxy`, which the least-privilege identity
/// does not have (and should not), so for it this row is `unknown` with the reason.
async fn kubelet_checks(client: &Client, gpu_nodes: &[String], report: &mut Report) {
    const CHECK: &str = "kubelet topology";
    const HOW: &str = "a cluster admin checks it with `kubectl get --raw /api/v1/nodes/NODE/proxy/configz` (docs/spec.md, \"CPU and NUMA alignment\")";
    if gpu_nodes.is_empty() {
        return;
    }
    let mut question = crate::kube::access::Question::new("get", "", "nodes", None);
    question.subresource = Some("proxy".into());
    match crate::kube::access::ask(client, &question).await {
        Ok(a) if a.allowed => {}
        Ok(_) => {
            return report.push_hint(
                CHECK,
                Level::Unknown,
                "cannot tell: this identity may not `get nodes/proxy`, which reading a kubelet's configuration needs",
                HOW,
            );
        }
        Err(e) => {
            return report.push_hint(
                CHECK,
                Level::Unknown,
                format!("cannot tell: {}", crate::kube::hooks::one_line(&e)),
                HOW,
            );
        }
    }
    let mut misaligned = Vec::new();
    let mut unreadable = Vec::new();
    for node in gpu_nodes.iter().take(KUBELETS_ASKED) {
        let request = match http::Request::get(format!("/api/v1/nodes/{node}/proxy/configz"))
            .body(Vec::new())
        {
            Ok(r) => r,
            Err(e) => {
                unreadable.push(format!("{node}: {e}"));
                continue;
            }
        };
        match tokio::time::timeout(CALL_TIMEOUT, client.request_text(request)).await {
            Ok(Ok(text)) => match crate::k8s::kubelet::parse_configz(&text) {
                Ok(t) if t.aligns() => {}
                Ok(t) => misaligned.push(format!("{node} ({})", t.describe())),
                Err(e) => unreadable.push(format!("{node}: {e}")),
            },
            Ok(Err(e)) => unreadable.push(format!("{node}: {}", crate::kube::client::brief(&e))),
            Err(_) => unreadable.push(format!("{node}: no answer in {} s", CALL_TIMEOUT.as_secs())),
        }
    }
    if !misaligned.is_empty() {
        report.push_hint(
            CHECK,
            Level::Warn,
            format!(
                "{} of {} GPU node(s) do not align GPU, NIC and CPU on one NUMA node: {}",
                misaligned.len(),
                gpu_nodes.len().min(KUBELETS_ASKED),
                misaligned.join(", ")
            ),
            "set the kubelet's `cpuManagerPolicy: static` and `topologyManagerPolicy: single-numa-node` (or `restricted`) on the GPU nodes",
        );
    } else if !unreadable.is_empty() {
        report.push_hint(
            CHECK,
            Level::Unknown,
            format!("cannot tell: {}", unreadable.join("; ")),
            HOW,
        );
    } else {
        report.push(
            CHECK,
            Level::Pass,
            format!(
                "{} GPU node(s): static CPU Manager and a NUMA-aligning Topology Manager",
                gpu_nodes.len().min(KUBELETS_ASKED)
            ),
        );
    }
}

/// One node list for the GPU and every RDMA resource of the config.
async fn node_checks(client: &Client, settings: &Settings, report: &mut Report) {
    let api: Api<Node> = Api::all(client.clone());
    let nodes = match call(api.list(&ListParams::default())).await {
        Ok(list) => list.items,
        Err(e) => {
            let hint = if e.code() == Some(403) {
                RBAC_HINT
            } else {
                "check the API server and the kubeconfig (`kubectl get nodes`)"
            };
            return report.push_hint(
                "gpu nodes",
                Level::Fail,
                format!("could not list nodes: {}", e.text()),
                hint,
            );
        }
    };
    let gpu = advertised(&nodes, GPU_RESOURCE);
    let total = gpu
        .total
        .map(|t| format!(", {t} GPUs in all"))
        .unwrap_or_default();
    let detail = format!(
        "{} of {} nodes advertise `{GPU_RESOURCE}`{total}",
        gpu.with, gpu.nodes
    );
    if gpu.with == 0 {
        report.push_hint(
            "gpu nodes",
            Level::Fail,
            detail,
            "install the NVIDIA GPU Operator or device plugin on the GPU nodes (`kubectl describe node`)",
        );
    } else {
        report.push("gpu nodes", Level::Pass, detail);
    }
    let gpu_nodes: Vec<String> = nodes
        .iter()
        .filter(|n| advertised(std::slice::from_ref(n), GPU_RESOURCE).with > 0)
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    kubelet_checks(client, &gpu_nodes, report).await;
    for (resource, named_in) in rdma_resources(settings) {
        let r = advertised(&nodes, &resource);
        let check = format!("rdma {resource}");
        let detail = format!(
            "{} of {} nodes advertise `{resource}` (named in {})",
            r.with,
            r.nodes,
            named_in.join(", ")
        );
        if r.with == 0 {
            // A site may name a resource for partitions whose nodes are not in this cluster.
            report.push_hint(
                check,
                Level::Warn,
                detail,
                "jobs that request it stay Pending: install the RDMA device plugin, or fix `rdmaResource` in the site config",
            );
        } else {
            report.push(check, Level::Pass, detail);
        }
    }
}

/// One row per rule of the table: pass when every verb is allowed, else fail naming the
/// denied verbs and the resource.
fn rbac_row(ns: &str, rule: &Rule, answers: Vec<Answer>, report: &mut Report) {
    let resource = rule.display_name();
    let place = match rule.scope {
        Scope::Namespace => format!(" in namespace `{ns}`"),
        Scope::Cluster => String::new(),
    };
    let verbs = |allowed: bool| {
        answers
            .iter()
            .filter(|a| a.allowed == allowed)
            .map(|a| a.question.verb.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (granted, denied) = (verbs(true), verbs(false));
    let (result, detail, hint) = if denied.is_empty() {
        (
            Level::Pass,
            format!("{granted} on `{resource}`{place} allowed"),
            None,
        )
    } else {
        let also = if granted.is_empty() {
            String::new()
        } else {
            format!(" ({granted} allowed)")
        };
        (
            Level::Fail,
            format!("{denied} on `{resource}`{place} denied{also}"),
            Some(RBAC_HINT.replace("`hybridctl rbac`", &format!("`hybridctl rbac -n {ns}`"))),
        )
    };
    report.checks.push(Check {
        check: format!("rbac {resource}"),
        result,
        detail,
        hint,
        access: answers,
        needed_by: Some(rule.why),
    });
}

async fn rbac_checks(client: &Client, ns: &str, backends: &[Backend], report: &mut Report) {
    match call_access(access::review(client, ns, backends)).await {
        Ok(answers) => {
            // One row per rule of the table, in table order.
            let mut rows: Vec<(&Rule, Vec<Answer>)> = Vec::new();
            for (rule, answer) in answers {
                match rows.iter_mut().find(|(r, _)| *r == rule) {
                    Some((_, list)) => list.push(answer),
                    None => rows.push((rule, vec![answer])),
                }
            }
            for (rule, list) in rows {
                rbac_row(ns, rule, list, report);
            }
        }
        Err((text, hint)) => report.push_hint("rbac", Level::Fail, text, hint),
    }
    match call_access(access::extra_powers(client, ns)).await {
        Ok(extra) if extra.is_empty() => report.push(
            "least privilege",
            Level::Pass,
            "may not create pods, read secrets, patch PyTorchJobs, delete nodes or create namespaces",
        ),
        Ok(extra) => {
            let powers: Vec<String> = extra.iter().map(|a| a.question.describe()).collect();
            report.push_hint(
                "least privilege",
                Level::Warn,
                format!("may also {}; hybridctl needs none of it", powers.join(", ")),
                RBAC_HINT,
            );
            if let Some(last) = report.checks.last_mut() {
                last.access = extra;
            }
        }
        Err((text, hint)) => report.push_hint("least privilege", Level::Warn, text, hint),
    }
    match call_access(access::admin_powers(client)).await {
        Ok(powers) if powers.is_empty() => report.push(
            "not admin",
            Level::Pass,
            "may not do everything (`*` on `*`) nor list secrets in all namespaces",
        ),
        Ok(powers) => {
            let what: Vec<&str> = powers
                .iter()
                .map(|a| {
                    if a.question.verb == "*" {
                        "do anything on anything (`*` on `*`)"
                    } else {
                        "list secrets in all namespaces"
                    }
                })
                .collect();
            report.push_hint(
                "not admin",
                Level::Fail,
                format!(
                    "this identity is a cluster admin: it may {}",
                    what.join(" and ")
                ),
                "Slurm jobs must not hold admin credentials: use an identity with only what hybridctl needs (`hybridctl rbac` prints it)",
            );
            if let Some(last) = report.checks.last_mut() {
                last.access = powers;
            }
        }
        Err((text, hint)) => report.push_hint("not admin", Level::Fail, text, hint),
    }
}

fn print(report: &Report, format: TextOrJson, out: &Printer) -> Result<()> {
    let mut stdout = out.out();
    if format == TextOrJson::Json {
        stdout.write_all(crate::document::to_string_pretty(report).as_bytes())?;
        return Ok(());
    }
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    out.fit(&mut table);
    table.set_header(["CHECK", "RESULT", "DETAIL"]);
    for c in &report.checks {
        use crate::output::styles;
        let style = match c.result {
            Level::Pass => styles::PASS,
            Level::Unknown => styles::DIM,
            Level::Warn => styles::WARNING,
            Level::Fail => styles::ERROR,
        };
        let result = crate::output::paint(out.out_color(), style, c.result.as_str());
        table.add_row([c.check.clone(), result, c.detail.clone()]);
    }
    writeln!(stdout, "{}", super::table_text(&table))?;
    let hints = hints(report.checks.iter().filter(|c| c.result != Level::Pass));
    if !hints.is_empty() {
        writeln!(stdout)?;
        for (hint, checks) in hints {
            writeln!(stdout, "{}: {hint}", checks.join(", "))?;
        }
    }
    Ok(())
}

/// The distinct hints of some checks, in order, each with the checks it is for.
fn hints<'a>(checks: impl Iterator<Item = &'a Check>) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for c in checks {
        let Some(hint) = c.hint.as_deref() else {
            continue;
        };
        match out.iter_mut().find(|(h, _)| *h == hint) {
            Some((_, names)) => names.push(&c.check),
            None => out.push((hint, vec![&c.check])),
        }
    }
    out
}

pub fn run(args: DoctorArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let ns = namespace(settings, &args.kube);
    let mut report = Report {
        namespace: ns.clone(),
        ..Report::default()
    };
    slurm_checks(settings, &mut report);
    ctx.runtime()?
        .block_on(kube_checks(settings, &args.kube, &ns, &mut report));
    report.count();
    print(&report, args.output, out)?;
    let failed: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.result == Level::Fail)
        .collect();
    if failed.is_empty() {
        return Ok(ExitStatus::Success);
    }
    let names: Vec<String> = failed.iter().map(|c| format!("`{}`", c.check)).collect();
    let hint = match hints(failed.iter().copied()).as_slice() {
        [(only, _)] => (*only).to_string(),
        _ => "each failed check above has its own hint; `hybridctl doctor` checks again".into(),
    };
    Err(UserError {
        message: format!(
            "{} check{} failed: {}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            names.join(", ")
        ),
        hint: Some(hint),
        status: ExitStatus::Failure,
    }
    .into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::api::core::v1::NodeStatus;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    use super::*;

    fn node(resources: &[(&str, &str)]) -> Node {
        let map: BTreeMap<String, Quantity> = resources
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect();
        Node {
            status: Some(NodeStatus {
                allocatable: Some(map),
                ..NodeStatus::default()
            }),
            ..Node::default()
        }
    }

    #[test]
    fn counts_nodes_that_advertise_a_resource() {
        let nodes = [
            node(&[("nvidia.com/gpu", "8"), ("rdma/a", "1k")]),
            node(&[("nvidia.com/gpu", "8")]),
            node(&[("nvidia.com/gpu", "0")]),
            Node::default(),
        ];
        assert_eq!(
            advertised(&nodes, "nvidia.com/gpu"),
            Advertised {
                nodes: 4,
                with: 2,
                total: Some(16)
            }
        );
        assert_eq!(
            advertised(&nodes, "rdma/a"),
            Advertised {
                nodes: 4,
                with: 1,
                total: None
            }
        );
        assert_eq!(advertised(&[], "x").with, 0);
    }

    use crate::settings::test_settings as settings_with;

    #[test]
    fn namespace_from_flag_then_user_then_site_then_default() {
        let site = "defaults:\n  kubernetes:\n    namespace: site-ns\n";
        let user = "defaults:\n  kubernetes:\n    namespace: user-ns\n";
        let flag = KubeArgs {
            namespace: Some("flag-ns".into()),
            ..KubeArgs::default()
        };
        assert_eq!(namespace(&settings_with(site, user), &flag), "flag-ns");
        let none = KubeArgs::default();
        assert_eq!(namespace(&settings_with(site, user), &none), "user-ns");
        assert_eq!(namespace(&settings_with(site, ""), &none), "site-ns");
        assert_eq!(namespace(&settings_with("", ""), &none), "default");
    }

    #[test]
    fn rdma_resources_from_defaults_and_partitions() {
        let site = "defaults:\n  network:\n    rdmaResource: rdma/a\npartitions:\n  h100:\n    gpusPerNode: 8\n    network:\n      rdmaResource: rdma/a\n  ib:\n    gpusPerNode: 4\n    network:\n      rdmaResource: nvidia.com/hostdev\n";
        let found = rdma_resources(&settings_with(site, ""));
        assert_eq!(
            found.get("rdma/a"),
            Some(&vec![
                "site defaults".to_string(),
                "partition h100".to_string()
            ])
        );
        assert_eq!(
            found.get("nvidia.com/hostdev"),
            Some(&vec!["partition ib".to_string()])
        );
        assert!(rdma_resources(&settings_with("", "")).is_empty());
    }
}
