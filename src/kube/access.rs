//! What the current identity may do, asked of the API server itself.
//!
//! One SelfSubjectAccessReview per verb of each rule of [`super::rbac::RULES`] (namespaced
//! where the resource is), so `doctor` checks exactly what `hybridctl rbac` grants; a few
//! reviews for powers hybridctl must NOT have ([`extra_powers`]); and [`is_admin`], which
//! `doctor` refuses and `launch` should refuse too. The answers come from the server's
//! authorizers (RBAC, webhooks), so they hold whatever produced the permissions.
//!
//! Every authenticated user may create SelfSubjectAccessReviews and SelfSubjectReviews
//! (ClusterRole `system:basic-user`), so the least-privileged identity can run these checks.

use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::PostParams;
use kube::{Api, Client};
use serde::Serialize;
use thiserror::Error;

use super::rbac::{RULES, Rule, Scope};
use crate::k8s::workload::Backend;

/// One question to the authorizer: may I `verb` `resource` (in `namespace`)?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Question {
    pub verb: String,
    /// The API group; `""` is the core group, `*` any.
    pub group: String,
    pub resource: String,
    pub subresource: Option<String>,
    /// `None`: in every namespace (or a cluster-scoped resource).
    pub namespace: Option<String>,
}

impl Question {
    pub fn new(verb: &str, group: &str, resource: &str, namespace: Option<&str>) -> Self {
        Self {
            verb: verb.into(),
            group: group.into(),
            resource: resource.into(),
            subresource: None,
            namespace: namespace.map(str::to_string),
        }
    }

    /// The question for one verb of a rule of the table.
    pub fn for_rule(rule: &Rule, verb: &str, namespace: &str) -> Self {
        Self {
            verb: verb.into(),
            group: rule.group.into(),
            resource: rule.resource.into(),
            subresource: rule.subresource.map(str::to_string),
            namespace: (rule.scope == Scope::Namespace).then(|| namespace.to_string()),
        }
    }

    /// `list pods/log in namespace training`, `patch nodes`, `list secrets in all namespaces`.
    pub fn describe(&self) -> String {
        if self.verb == "*" && self.resource == "*" {
            return match &self.namespace {
                Some(ns) => format!("do anything to anything in namespace {ns}"),
                None => "do anything to anything in the whole cluster".into(),
            };
        }
        let mut resource = self.resource.clone();
        if !self.group.is_empty() && self.group != "*" {
            resource = format!("{resource}.{}", self.group);
        }
        if let Some(sub) = &self.subresource {
            resource = format!("{resource}/{sub}");
        }
        match &self.namespace {
            Some(ns) => format!("{} {resource} in namespace {ns}", self.verb),
            None => format!("{} {resource}", self.verb),
        }
    }

    fn review(&self) -> SelfSubjectAccessReview {
        SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(self.verb.clone()),
                    group: Some(self.group.clone()),
                    resource: Some(self.resource.clone()),
                    subresource: self.subresource.clone(),
                    namespace: self.namespace.clone(),
                    ..ResourceAttributes::default()
                }),
                ..SelfSubjectAccessReviewSpec::default()
            },
            ..SelfSubjectAccessReview::default()
        }
    }
}

/// The server's answer to a [`Question`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Answer {
    #[serde(flatten)]
    pub question: Question,
    pub allowed: bool,
    /// The authorizer's reason, when it gives one (RBAC names the binding that allowed it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Error)]
pub enum AccessError {
    #[error(
        "could not ask the API server whether this identity may {what}: {}",
        super::client::brief(error)
    )]
    Review { what: String, error: kube::Error },
    #[error("could not ask the API server who this identity is: {}", super::client::brief(.0))]
    WhoAmI(kube::Error),
}

impl crate::error::Advice for AccessError {
    fn hint(&self) -> String {
        match self {
            Self::Review {
                error: kube::Error::Api(s),
                ..
            }
            | Self::WhoAmI(kube::Error::Api(s))
                if s.code == 403 =>
            {
                "this identity may not even create self reviews; the cluster has removed `system:basic-user`, ask its admins".into()
            }
            _ => "check the API server and the kubeconfig (`kubectl auth can-i --list`)".into(),
        }
    }
}

/// Ask one question.
pub async fn ask(client: &Client, question: &Question) -> Result<Answer, AccessError> {
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let done = api
        .create(&PostParams::default(), &question.review())
        .await
        .map_err(|error| AccessError::Review {
            what: question.describe(),
            error,
        })?;
    let status = done.status.unwrap_or_default();
    let reason = status
        .reason
        .filter(|r| !r.is_empty())
        .or(status.evaluation_error.filter(|e| !e.is_empty()));
    Ok(Answer {
        question: question.clone(),
        allowed: status.allowed && status.denied != Some(true),
        reason,
    })
}

/// Every verb of every rule of the table that `backends` need, in table order, for the
/// training namespace.
pub fn questions(namespace: &str, backends: &[Backend]) -> Vec<(&'static Rule, Question)> {
    RULES
        .iter()
        .filter(|r| r.applies(backends))
        .flat_map(|rule| {
            rule.verbs
                .iter()
                .map(move |verb| (rule, Question::for_rule(rule, verb, namespace)))
        })
        .collect()
}

/// Whether the identity may do everything hybridctl does: one answer per verb of each rule.
pub async fn review(
    client: &Client,
    namespace: &str,
    backends: &[Backend],
) -> Result<Vec<(&'static Rule, Answer)>, AccessError> {
    let mut out = Vec::new();
    for (rule, q) in questions(namespace, backends) {
        out.push((rule, ask(client, &q).await?));
    }
    Ok(out)
}

/// Powers hybridctl never needs; an identity that has one is more than least privilege.
pub fn extra_questions(namespace: &str) -> Vec<Question> {
    vec![
        Question::new("create", "", "pods", Some(namespace)),
        Question::new("list", "", "secrets", Some(namespace)),
        Question::new("patch", "kubeflow.org", "pytorchjobs", Some(namespace)),
        Question::new("delete", "", "nodes", None),
        Question::new("create", "", "namespaces", None),
    ]
}

/// Which of [`extra_questions`] the identity may do (empty: none).
pub async fn extra_powers(client: &Client, namespace: &str) -> Result<Vec<Answer>, AccessError> {
    let mut out = Vec::new();
    for q in extra_questions(namespace) {
        let a = ask(client, &q).await?;
        if a.allowed {
            out.push(a);
        }
    }
    Ok(out)
}

/// The questions whose `yes` makes an identity an admin: anything on anything, or reading every
/// Secret of the cluster (which holds the tokens of every ServiceAccount).
pub fn admin_questions() -> Vec<Question> {
    vec![
        Question::new("*", "*", "*", None),
        Question::new("list", "", "secrets", None),
    ]
}

/// The admin powers the identity has (empty: not an admin).
pub async fn admin_powers(client: &Client) -> Result<Vec<Answer>, AccessError> {
    let mut out = Vec::new();
    for q in admin_questions() {
        let a = ask(client, &q).await?;
        if a.allowed {
            out.push(a);
        }
    }
    Ok(out)
}

/// What a Slurm-side command says when it refuses an admin identity.
pub const ADMIN_REFUSAL_HINT: &str = "use the least-privilege identity `hybridctl rbac` prints, or set `allowAdminIdentity: true` in the site config";

/// `Err(message)` when the identity has admin powers and the site does not allow that
/// (`allowAdminIdentity`). Principle: a batch script or a Slurm hook holding admin credentials
/// can do anything to the cluster. When the API server cannot answer the question, the
/// command goes on (its own requests will fail with a clear error if the API is down).
pub async fn refuse_admin(client: &Client, allowed: bool) -> Result<(), String> {
    if allowed {
        return Ok(());
    }
    match admin_powers(client).await {
        Ok(powers) => match powers.first() {
            Some(first) => Err(format!(
                "refusing to run with an admin identity: it may {}",
                first.question.describe()
            )),
            None => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// True when the identity may do anything on anything cluster-wide, or read every Secret.
/// Slurm-side commands (`launch`, the hooks) should refuse such an identity unless the site
/// allows it: a batch script holding admin credentials can do anything to the cluster.
pub async fn is_admin(client: &Client) -> Result<bool, AccessError> {
    Ok(!admin_powers(client).await?.is_empty())
}

/// Who the API server thinks this is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub username: Option<String>,
    pub groups: Vec<String>,
}

impl Identity {
    /// `user hybridctl-user (groups hybridctl-users, system:authenticated)`.
    pub fn describe(&self) -> String {
        let name = self.username.as_deref().unwrap_or("(no name)");
        if self.groups.is_empty() {
            format!("user {name}")
        } else {
            format!("user {name} (groups {})", self.groups.join(", "))
        }
    }
}

/// A SelfSubjectReview (`kubectl auth whoami`).
pub async fn whoami(client: &Client) -> Result<Identity, AccessError> {
    let api: Api<SelfSubjectReview> = Api::all(client.clone());
    let done = api
        .create(&PostParams::default(), &SelfSubjectReview::default())
        .await
        .map_err(AccessError::WhoAmI)?;
    let info = done.status.and_then(|s| s.user_info).unwrap_or_default();
    Ok(Identity {
        username: info.username,
        groups: info.groups.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_question_per_verb_namespaced_where_the_resource_is() {
        let qs = questions("training", &Backend::ALL);
        let total: usize = RULES.iter().map(|r| r.verbs.len()).sum();
        assert_eq!(qs.len(), total);
        let nodes: Vec<_> = qs.iter().filter(|(r, _)| r.resource == "nodes").collect();
        assert!(nodes.iter().all(|(_, q)| q.namespace.is_none()));
        let log = qs
            .iter()
            .find(|(r, _)| r.subresource == Some("log"))
            .map(|(_, q)| q)
            .expect("pods/log");
        assert_eq!(log.resource, "pods");
        assert_eq!(log.subresource.as_deref(), Some("log"));
        assert_eq!(log.namespace.as_deref(), Some("training"));
        assert_eq!(log.describe(), "get pods/log in namespace training");
    }

    #[test]
    fn descriptions() {
        let q = Question::new("create", "kubeflow.org", "pytorchjobs", Some("ns"));
        assert_eq!(
            q.describe(),
            "create pytorchjobs.kubeflow.org in namespace ns"
        );
        assert_eq!(
            admin_questions()[0].describe(),
            "do anything to anything in the whole cluster"
        );
        assert_eq!(admin_questions()[1].describe(), "list secrets");
    }

    #[test]
    fn extra_powers_are_not_in_the_table() {
        let granted = questions("training", &Backend::ALL);
        for extra in extra_questions("training") {
            assert!(
                !granted.iter().any(|(_, q)| *q == extra),
                "{} is both needed and extra",
                extra.describe()
            );
        }
    }

    #[test]
    fn review_body() {
        let q = Question::for_rule(&RULES[0], "patch", "training");
        let body = serde_json::to_value(q.review()).expect("json");
        assert_eq!(
            body["spec"]["resourceAttributes"],
            serde_json::json!({"group": "", "resource": "nodes", "verb": "patch"})
        );
    }
}
