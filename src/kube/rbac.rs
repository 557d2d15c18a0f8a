//! The least privilege of the Slurm-side identity, as one table.
//!
//! [`RULES`] is the only list of what hybridctl does on the API server. `hybridctl rbac`
//! prints it as a ClusterRole, a Role and their bindings ([`manifest`]); `hybridctl doctor`
//! asks the API server about exactly the same verbs ([`super::access::review`]). A verb that
//! a new feature needs is added here, and both follow.
//!
//! Pure: no client, no I/O. The manifest is built as JSON values and written by the same YAML
//! serializer as the rendered PyTorchJob, so every name is quoted correctly.

use std::fmt;

use serde::Serialize;
use serde_json::{Value, json};
use thiserror::Error;

use crate::k8s::names::{check_dns_label, check_dns_subdomain};
use crate::k8s::workload::Backend;

/// The ClusterRole for the cluster-scoped rules (nodes).
pub const CLUSTER_ROLE: &str = "hybridctl-nodes";
/// The Role, in the training namespace, for the namespaced rules.
pub const ROLE: &str = "hybridctl-training";
/// The ServiceAccount bound when no subject is named.
pub const DEFAULT_SERVICE_ACCOUNT: &str = "hybridctl";
/// Put on every object `hybridctl rbac` prints, so an admin can find them again.
pub const PART_OF_LABEL: (&str, &str) = ("app.kubernetes.io/part-of", "hybridctl");

/// Where a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Cluster-scoped objects (nodes): a ClusterRole.
    Cluster,
    /// Objects in the training namespace: a Role there.
    Namespace,
}

/// One resource and the verbs hybridctl uses on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The API group; `""` is the core group.
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: Option<&'static str>,
    pub verbs: &'static [&'static str],
    pub scope: Scope,
    /// Which commands need it (for readers of the table; `doctor -o json` reports it).
    pub why: &'static str,
    /// Only for this Kubernetes backend (`None`: for both).
    pub backend: Option<Backend>,
}

impl Rule {
    /// Whether a site running `backends` needs this rule.
    pub fn applies(&self, backends: &[Backend]) -> bool {
        self.backend.is_none_or(|b| backends.contains(&b))
    }

    /// The resource as RBAC rules write it: `pods/log`.
    pub fn resource_path(&self) -> String {
        match self.subresource {
            Some(sub) => format!("{}/{sub}", self.resource),
            None => self.resource.to_string(),
        }
    }

    /// The resource as kubectl names it: `pytorchjobs.kubeflow.org`, `pods/log`.
    pub fn display_name(&self) -> String {
        if self.group.is_empty() {
            self.resource_path()
        } else {
            match self.subresource {
                Some(sub) => format!("{}.{}/{sub}", self.resource, self.group),
                None => format!("{}.{}", self.resource, self.group),
            }
        }
    }
}

/// Everything hybridctl does on the API server. No `*`, no `update` of jobs (PyTorchJobs are
/// created with POST, never patched), no pod creation (the training operator creates pods).
///
/// Nodes: `launch` lists them once to check the allocation; the prolog/epilog hooks and `gc`
/// label and unlabel them with a merge patch. Nothing watches or replaces nodes, so `watch`
/// and `update` are not granted.
pub const RULES: &[Rule] = &[
    Rule {
        group: "",
        resource: "nodes",
        subresource: None,
        verbs: &["get", "list", "watch", "patch"],
        scope: Scope::Cluster,
        why: "launch checks the allocated nodes; hook and gc label and unlabel them",
        backend: None,
    },
    Rule {
        group: "kubeflow.org",
        resource: "pytorchjobs",
        subresource: None,
        verbs: &["create", "get", "list", "watch", "delete"],
        scope: Scope::Namespace,
        why: "launch creates and follows the job; cancel, the epilog and gc delete it",
        backend: Some(Backend::PyTorchJob),
    },
    Rule {
        group: "trainer.kubeflow.org",
        resource: "trainjobs",
        subresource: None,
        verbs: &["create", "get", "list", "watch", "delete"],
        scope: Scope::Namespace,
        why: "launch creates and follows the TrainJob; cancel, the epilog and gc delete it",
        backend: Some(Backend::TrainJob),
    },
    Rule {
        group: "jobset.x-k8s.io",
        resource: "jobsets",
        subresource: None,
        verbs: &["get", "list", "delete"],
        scope: Scope::Namespace,
        why: "status reads a TrainJob's JobSet; launch, the epilog and gc delete it with the TrainJob",
        backend: Some(Backend::TrainJob),
    },
    Rule {
        group: "trainer.kubeflow.org",
        resource: "clustertrainingruntimes",
        subresource: None,
        verbs: &["get"],
        scope: Scope::Cluster,
        why: "launch and doctor check the TrainJob's runtime (its trainer step, its priority class)",
        backend: Some(Backend::TrainJob),
    },
    Rule {
        group: "trainer.kubeflow.org",
        resource: "trainingruntimes",
        subresource: None,
        verbs: &["get"],
        scope: Scope::Namespace,
        why: "launch and doctor check a namespaced runtime (`kubernetes.runtimeKind: TrainingRuntime`)",
        backend: Some(Backend::TrainJob),
    },
    Rule {
        group: "",
        resource: "pods",
        subresource: None,
        verbs: &["get", "list", "watch", "delete"],
        scope: Scope::Namespace,
        why: "launch, status and logs follow the pods; cancel, the epilog and gc delete them",
        backend: None,
    },
    Rule {
        group: "",
        resource: "pods",
        subresource: Some("log"),
        verbs: &["get"],
        scope: Scope::Namespace,
        why: "launch and logs stream the pod logs",
        backend: None,
    },
    Rule {
        group: "",
        resource: "persistentvolumeclaims",
        subresource: None,
        verbs: &["get"],
        scope: Scope::Namespace,
        why: "launch and doctor check that the GPFS claim is Bound and ReadWriteMany",
        backend: None,
    },
    Rule {
        group: "storage.k8s.io",
        resource: "storageclasses",
        subresource: None,
        verbs: &["get"],
        scope: Scope::Cluster,
        why: "launch and doctor check the GPFS claim's CSI driver",
        backend: None,
    },
];

/// Whom the roles are bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A ServiceAccount in the training namespace (the default: `hybridctl`).
    ServiceAccount(String),
    /// A user, e.g. the CN of a client certificate.
    User(String),
    /// A group.
    Group(String),
}

impl Default for Subject {
    fn default() -> Self {
        Self::ServiceAccount(DEFAULT_SERVICE_ACCOUNT.to_string())
    }
}

impl Subject {
    fn kind(&self) -> &'static str {
        match self {
            Self::ServiceAccount(_) => "ServiceAccount",
            Self::User(_) => "User",
            Self::Group(_) => "Group",
        }
    }

    fn name(&self) -> &str {
        match self {
            Self::ServiceAccount(n) | Self::User(n) | Self::Group(n) => n,
        }
    }

    /// The flag that selects this subject on `hybridctl rbac`.
    fn flag(&self) -> Option<&'static str> {
        match self {
            Self::ServiceAccount(n) if n == DEFAULT_SERVICE_ACCOUNT => None,
            Self::ServiceAccount(_) => Some("--service-account"),
            Self::User(_) => Some("--user"),
            Self::Group(_) => Some("--group"),
        }
    }

    /// The part of the binding names that tells subjects apart, so that binding a second
    /// subject adds a binding instead of replacing the first one on `kubectl apply`.
    fn binding_suffix(&self, namespace: &str) -> String {
        let (kind, name) = match self {
            Self::ServiceAccount(n) => ("sa", format!("{namespace}:{n}")),
            Self::User(n) => ("user", n.clone()),
            Self::Group(n) => ("group", n.clone()),
        };
        // Object names of RBAC kinds are path segments: anything but `/` and `%`.
        let name: String = name
            .chars()
            .map(|c| if c == '/' || c == '%' { '-' } else { c })
            .collect();
        format!("{kind}:{name}")
    }

    fn to_json(&self, namespace: &str) -> Value {
        match self {
            Self::ServiceAccount(n) => json!({
                "kind": "ServiceAccount",
                "name": n,
                "namespace": namespace,
            }),
            Self::User(n) | Self::Group(n) => json!({
                "kind": self.kind(),
                "name": n,
                "apiGroup": "rbac.authorization.k8s.io",
            }),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.name())
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RbacError {
    #[error("namespace {0}")]
    Namespace(String),
    #[error("ServiceAccount name {0}")]
    ServiceAccount(String),
    #[error("the {kind} name is empty")]
    Empty { kind: &'static str },
    #[error("the {kind} name `{name}` contains a control character")]
    Control { kind: &'static str, name: String },
}

impl crate::error::Advice for RbacError {
    fn hint(&self) -> String {
        match self {
            Self::Namespace(_) => {
                "namespaces are DNS-1123 labels: lowercase letters, digits and `-`, at most 63".into()
            }
            Self::ServiceAccount(_) => {
                "ServiceAccount names are DNS-1123 subdomains: lowercase letters, digits, `-` and `.`".into()
            }
            Self::Empty { .. } | Self::Control { .. } => {
                "pass the name exactly as the API server authenticates it (`kubectl auth whoami` shows it)".into()
            }
        }
    }
}

fn check_subject(subject: &Subject) -> Result<(), RbacError> {
    let kind = match subject {
        Subject::ServiceAccount(n) => {
            return check_dns_subdomain(n).map_err(RbacError::ServiceAccount);
        }
        Subject::User(_) => "user",
        Subject::Group(_) => "group",
    };
    let name = subject.name();
    if name.is_empty() {
        return Err(RbacError::Empty { kind });
    }
    if name.chars().any(char::is_control) {
        return Err(RbacError::Control {
            kind,
            name: name.escape_debug().to_string(),
        });
    }
    Ok(())
}

fn metadata(name: &str, namespace: Option<&str>) -> Value {
    let mut meta = json!({ "name": name });
    if let Some(ns) = namespace {
        meta["namespace"] = json!(ns);
    }
    meta["labels"] = json!({ PART_OF_LABEL.0: PART_OF_LABEL.1 });
    meta
}

/// The `rules:` of a role: the table's rules of one scope for `backends`, in table order.
fn rules(scope: Scope, backends: &[Backend]) -> Value {
    RULES
        .iter()
        .filter(|r| r.scope == scope && r.applies(backends))
        .map(|r| {
            json!({
                "apiGroups": [r.group],
                "resources": [r.resource_path()],
                "verbs": r.verbs,
            })
        })
        .collect()
}

/// The command that prints this manifest, for its header.
fn command_line(namespace: &str, subject: &Subject, backends: &[Backend]) -> String {
    let mut words = vec!["hybridctl".to_string(), "rbac".to_string()];
    words.push("-n".into());
    words.push(namespace.into());
    if let [only] = backends {
        words.push("--api".into());
        words.push(only.short().into());
    }
    if let Some(flag) = subject.flag() {
        words.push(flag.into());
        words.push(subject.name().into());
    }
    shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| words.join(" "))
}

/// The objects, in the order `kubectl apply` should create them.
pub fn objects(
    namespace: &str,
    subject: &Subject,
    backends: &[Backend],
) -> Result<Vec<Value>, RbacError> {
    check_dns_label(namespace, 63).map_err(RbacError::Namespace)?;
    check_subject(subject)?;
    let suffix = subject.binding_suffix(namespace);
    let subjects = json!([subject.to_json(namespace)]);
    let mut out = Vec::new();
    if let Subject::ServiceAccount(name) = subject {
        out.push(json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": metadata(name, Some(namespace)),
        }));
    }
    out.push(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": metadata(CLUSTER_ROLE, None),
        "rules": rules(Scope::Cluster, backends),
    }));
    out.push(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": metadata(&format!("{CLUSTER_ROLE}:{suffix}"), None),
        "subjects": subjects,
        "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": CLUSTER_ROLE,
        },
    }));
    out.push(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": metadata(ROLE, Some(namespace)),
        "rules": rules(Scope::Namespace, backends),
    }));
    out.push(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": metadata(&format!("{ROLE}:{suffix}"), Some(namespace)),
        "subjects": subjects,
        "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": ROLE,
        },
    }));
    Ok(out)
}

fn header(namespace: &str, subject: &Subject, backends: &[Backend]) -> String {
    let command = command_line(namespace, subject, backends);
    let jobs = match backends {
        [Backend::PyTorchJob] => "PyTorchJobs",
        [Backend::TrainJob] => "TrainJobs (and their JobSets)",
        _ => "PyTorchJobs or TrainJobs (and their JobSets)",
    };
    let mut lines = vec![
        "Least-privilege RBAC for hybridctl's Slurm-side identity:".to_string(),
        match subject {
            Subject::ServiceAccount(_) => format!("{subject} in namespace `{namespace}`."),
            _ => format!("{subject}."),
        },
        format!(
            "Generated by hybridctl {} with `{command}`.",
            env!("CARGO_PKG_VERSION")
        ),
        String::new(),
        format!("It may read and label nodes, and create, follow and delete {jobs} and their pods"),
        format!("in `{namespace}`; nothing else: no wildcards, no pod creation, no secrets."),
        "`hybridctl doctor` checks the same rules with the identity's own kubeconfig.".into(),
        String::new(),
        format!("Apply it as a cluster admin (namespace `{namespace}` must exist):"),
        format!("  {command} | kubectl apply -f -"),
    ];
    if let Subject::ServiceAccount(name) = subject {
        lines.extend([
            "Then give the Slurm side a kubeconfig with a token of the ServiceAccount, e.g. from"
                .into(),
            format!("  kubectl create token {name} -n {namespace} --duration=24h"),
            "(short-lived; a Secret of type kubernetes.io/service-account-token is long-lived)."
                .into(),
        ]);
    }
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                "#\n".to_string()
            } else {
                format!("# {l}\n")
            }
        })
        .collect()
}

/// The multi-document YAML `hybridctl rbac` prints, ready for `kubectl apply -f -`.
pub fn manifest(
    namespace: &str,
    subject: &Subject,
    backends: &[Backend],
) -> Result<String, RbacError> {
    let objects = objects(namespace, subject, backends)?;
    let mut out = header(namespace, subject, backends);
    for object in &objects {
        // serde_json values always serialize; an error here would be a serializer bug.
        let body = serde_saphyr::to_string(object).unwrap_or_else(|e| format!("# error: {e}\n"));
        out.push_str("---\n");
        out.push_str(&body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_wildcards_anywhere() {
        for r in RULES {
            assert!(!r.group.contains('*'));
            assert!(!r.resource_path().contains('*'));
            assert!(r.verbs.iter().all(|v| !v.contains('*')));
        }
        for subject in [
            Subject::default(),
            Subject::User("alice".into()),
            Subject::Group("ml".into()),
        ] {
            let text = manifest("training", &subject, &Backend::ALL).expect("manifest");
            assert!(!text.contains('*'), "{text}");
        }
    }

    #[test]
    fn every_rule_is_in_a_role_once() {
        let objects = objects("training", &Subject::default(), &Backend::ALL).expect("objects");
        let kinds: Vec<&str> = objects.iter().filter_map(|o| o["kind"].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "ServiceAccount",
                "ClusterRole",
                "ClusterRoleBinding",
                "Role",
                "RoleBinding"
            ]
        );
        let mut seen = 0;
        for o in &objects {
            let scope = match o["kind"].as_str() {
                Some("ClusterRole") => Scope::Cluster,
                Some("Role") => Scope::Namespace,
                _ => continue,
            };
            for rule in o["rules"].as_array().expect("rules") {
                let path = rule["resources"][0].as_str().expect("resource");
                let table = RULES
                    .iter()
                    .find(|r| r.resource_path() == path && r.group == rule["apiGroups"][0])
                    .expect("a rule of the table");
                assert_eq!(table.scope, scope);
                assert_eq!(rule["verbs"], json!(table.verbs));
                seen += 1;
            }
        }
        assert_eq!(seen, RULES.len());
        assert_eq!(objects[3]["metadata"]["namespace"], "training");
        assert_eq!(objects[2]["metadata"].get("namespace"), None);
    }

    #[test]
    fn subjects_and_their_bindings() {
        let sa = objects(
            "research",
            &Subject::ServiceAccount("runner".into()),
            &Backend::ALL,
        )
        .expect("sa");
        assert_eq!(
            sa[2]["subjects"],
            json!([{"kind": "ServiceAccount", "name": "runner", "namespace": "research"}])
        );
        assert_eq!(
            sa[2]["metadata"]["name"],
            "hybridctl-nodes:sa:research:runner"
        );
        assert_eq!(
            sa[4]["metadata"]["name"],
            "hybridctl-training:sa:research:runner"
        );
        let user = objects(
            "training",
            &Subject::User("system:node/x".into()),
            &Backend::ALL,
        )
        .expect("user");
        assert_eq!(user.len(), 4, "no ServiceAccount object for a user");
        assert_eq!(
            user[1]["subjects"][0],
            json!({"kind": "User", "name": "system:node/x", "apiGroup": "rbac.authorization.k8s.io"})
        );
        assert_eq!(
            user[1]["metadata"]["name"],
            "hybridctl-nodes:user:system:node-x"
        );
        let group =
            objects("training", &Subject::Group("ml".into()), &Backend::ALL).expect("group");
        assert_eq!(group[3]["subjects"][0]["kind"], "Group");
    }

    #[test]
    fn bad_names_are_refused() {
        assert!(matches!(
            manifest("Training", &Subject::default(), &Backend::ALL),
            Err(RbacError::Namespace(_))
        ));
        assert!(matches!(
            manifest(
                "training",
                &Subject::ServiceAccount("A_B".into()),
                &Backend::ALL
            ),
            Err(RbacError::ServiceAccount(_))
        ));
        assert_eq!(
            manifest("training", &Subject::User(String::new()), &Backend::ALL),
            Err(RbacError::Empty { kind: "user" })
        );
        assert!(matches!(
            manifest("training", &Subject::Group("a\nb".into()), &Backend::ALL),
            Err(RbacError::Control { .. })
        ));
    }

    #[test]
    fn header_is_comments_and_names_the_command() {
        let text = manifest(
            "training",
            &Subject::User("alice smith".into()),
            &Backend::ALL,
        )
        .expect("user");
        let header: Vec<&str> = text.lines().take_while(|l| *l != "---").collect();
        assert!(header.iter().all(|l| l.starts_with('#')), "{text}");
        assert!(
            text.contains("hybridctl rbac -n training --user 'alice smith' | kubectl apply -f -"),
            "{text}"
        );
        assert_eq!(text.matches("\n---\n").count(), 4);
    }

    #[test]
    fn each_backend_gets_only_its_own_job_rules() {
        let resources = |backends: &[Backend]| -> Vec<String> {
            objects("training", &Subject::default(), backends)
                .expect("objects")
                .iter()
                .flat_map(|o| o["rules"].as_array().cloned().unwrap_or_default())
                .map(|r| r["resources"][0].as_str().unwrap_or_default().to_string())
                .collect()
        };
        let pt = resources(&[Backend::PyTorchJob]);
        assert!(pt.contains(&"pytorchjobs".to_string()), "{pt:?}");
        assert!(
            !pt.iter().any(|r| r.contains("train") || r == "jobsets"),
            "{pt:?}"
        );
        let tj = resources(&[Backend::TrainJob]);
        assert!(!tj.contains(&"pytorchjobs".to_string()), "{tj:?}");
        for r in [
            "trainjobs",
            "jobsets",
            "clustertrainingruntimes",
            "trainingruntimes",
            "pods",
            "nodes",
        ] {
            assert!(tj.contains(&r.to_string()), "{r} in {tj:?}");
        }
        let text = manifest("training", &Subject::default(), &[Backend::TrainJob]).expect("m");
        assert!(
            text.contains("hybridctl rbac -n training --api trainjob | kubectl apply -f -"),
            "{text}"
        );
    }

    #[test]
    fn display_names() {
        let names: Vec<String> = RULES.iter().map(Rule::display_name).collect();
        assert_eq!(
            names,
            [
                "nodes",
                "pytorchjobs.kubeflow.org",
                "trainjobs.trainer.kubeflow.org",
                "jobsets.jobset.x-k8s.io",
                "clustertrainingruntimes.trainer.kubeflow.org",
                "trainingruntimes.trainer.kubeflow.org",
                "pods",
                "pods/log",
                "persistentvolumeclaims",
                "storageclasses.storage.k8s.io"
            ]
        );
    }
}
