//! The two Kubernetes backends of a job: the training-operator's PyTorchJob and Kubeflow
//! Trainer v2's TrainJob (rendered by the Trainer into a JobSet). Pure: which API resource
//! each is, how `kubernetes.api` resolves against what a cluster serves, and what a job's
//! result is from either's conditions. The client code (`launch`, `hooks`, `status`) works
//! through [`Backend`] and never spells a group or plural itself.

use kube::core::{ApiResource, GroupVersionKind};
use serde::{Deserialize, Serialize};

/// `kubernetes.api`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum KubeApi {
    Pytorchjob,
    Trainjob,
    #[default]
    Auto,
}

impl KubeApi {
    pub const NAMES: &'static [&'static str] = &["pytorchjob", "trainjob", "auto"];

    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "pytorchjob" => Some(Self::Pytorchjob),
            "trainjob" => Some(Self::Trainjob),
            "auto" => Some(Self::Auto),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Pytorchjob => "pytorchjob",
            Self::Trainjob => "trainjob",
            Self::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backend {
    PyTorchJob,
    TrainJob,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::PyTorchJob, Backend::TrainJob];

    pub fn group(self) -> &'static str {
        match self {
            Self::PyTorchJob => "kubeflow.org",
            Self::TrainJob => super::trainjob::GROUP,
        }
    }
    pub fn version(self) -> &'static str {
        match self {
            Self::PyTorchJob => "v1",
            Self::TrainJob => super::trainjob::VERSION,
        }
    }
    pub fn kind(self) -> &'static str {
        match self {
            Self::PyTorchJob => "PyTorchJob",
            Self::TrainJob => super::trainjob::KIND,
        }
    }
    pub fn plural(self) -> &'static str {
        match self {
            Self::PyTorchJob => "pytorchjobs",
            Self::TrainJob => super::trainjob::PLURAL,
        }
    }
    /// As kubectl and hybridctl's messages name an object: `pytorchjob`, `trainjob`.
    pub fn short(self) -> &'static str {
        match self {
            Self::PyTorchJob => "pytorchjob",
            Self::TrainJob => "trainjob",
        }
    }
    /// What runs it, for messages.
    pub fn controller(self) -> &'static str {
        match self {
            Self::PyTorchJob => "the Kubeflow training operator",
            Self::TrainJob => "the Kubeflow Trainer controller manager (and the JobSet controller)",
        }
    }
    pub fn api_resource(self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(self.group(), self.version(), self.kind()),
            self.plural(),
        )
    }
    pub fn api(self) -> KubeApi {
        match self {
            Self::PyTorchJob => KubeApi::Pytorchjob,
            Self::TrainJob => KubeApi::Trainjob,
        }
    }
}

/// The JobSet a TrainJob becomes (read for `status`, removed by `gc` when orphaned).
pub fn jobset_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(
            super::trainjob::JOBSET_GROUP,
            super::trainjob::JOBSET_VERSION,
            "JobSet",
        ),
        super::trainjob::JOBSET_PLURAL,
    )
}

/// `kubernetes.api` without a cluster to ask (`render`, `submit`): `auto` is PyTorchJob.
pub fn offline(api: KubeApi) -> Backend {
    match api {
        KubeApi::Trainjob => Backend::TrainJob,
        KubeApi::Pytorchjob | KubeApi::Auto => Backend::PyTorchJob,
    }
}

/// `kubernetes.api` against what the cluster serves (`served`, from API discovery). A pinned
/// API must be served; `auto` takes PyTorchJob when both are, since a site that keeps the
/// training-operator installed beside Trainer still runs its PyTorchJobs there (the site
/// config pins `trainjob` per partition to move).
pub fn resolve(api: KubeApi, served: &[Backend]) -> Result<Backend, String> {
    let pinned = match api {
        KubeApi::Pytorchjob => Some(Backend::PyTorchJob),
        KubeApi::Trainjob => Some(Backend::TrainJob),
        KubeApi::Auto => None,
    };
    match pinned {
        Some(b) if served.contains(&b) => Ok(b),
        Some(b) => Err(format!(
            "`kubernetes.api` is `{}`, but the cluster does not serve {}/{} {}",
            b.short(),
            b.group(),
            b.version(),
            b.plural()
        )),
        None => Backend::ALL
            .into_iter()
            .find(|b| served.contains(b))
            .ok_or_else(|| {
                "`kubernetes.api` is `auto`, but the cluster serves neither kubeflow.org/v1 pytorchjobs nor trainer.kubeflow.org/v1alpha1 trainjobs".to_string()
            }),
    }
}

/// A job's result from the conditions of either kind: PyTorchJob `Succeeded`/`Failed`,
/// TrainJob `Complete`/`Failed` (the last `True` one counts). `Ok(None)`: still running.
pub fn outcome_of_conditions(
    backend: Backend,
    conditions: &[(String, String, String, String)],
) -> Option<Result<(), (String, String)>> {
    let done = match backend {
        Backend::PyTorchJob => "Succeeded",
        Backend::TrainJob => "Complete",
    };
    conditions
        .iter()
        .rev()
        .find(|(t, s, _, _)| s == "True" && (t == done || t == "Failed"))
        .map(|(t, _, reason, message)| {
            if t == done {
                Ok(())
            } else {
                Err((reason.clone(), message.clone()))
            }
        })
}

/// `(type, status, reason, message)` of each condition in an object's `status.conditions`.
pub fn conditions(object: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let s = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    object
        .pointer("/status/conditions")
        .and_then(|c| c.as_array())
        .map(|items| {
            items
                .iter()
                .map(|c| {
                    (
                        s(c, "type"),
                        s(c, "status"),
                        s(c, "reason"),
                        s(c, "message"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_and_pins_resolve_against_what_is_served() {
        use Backend::*;
        assert_eq!(resolve(KubeApi::Auto, &[TrainJob]), Ok(TrainJob));
        assert_eq!(
            resolve(KubeApi::Auto, &[PyTorchJob, TrainJob]),
            Ok(PyTorchJob)
        );
        assert_eq!(
            resolve(KubeApi::Trainjob, &[PyTorchJob, TrainJob]),
            Ok(TrainJob)
        );
        assert!(resolve(KubeApi::Auto, &[]).unwrap_err().contains("neither"));
        let e = resolve(KubeApi::Trainjob, &[PyTorchJob]).unwrap_err();
        assert_eq!(
            e,
            "`kubernetes.api` is `trainjob`, but the cluster does not serve trainer.kubeflow.org/v1alpha1 trainjobs"
        );
        assert_eq!(offline(KubeApi::Auto), PyTorchJob);
        assert_eq!(offline(KubeApi::Trainjob), TrainJob);
    }

    #[test]
    fn outcomes_of_both_kinds() {
        let c = |t: &str, s: &str| {
            (
                t.to_string(),
                s.to_string(),
                "R".to_string(),
                "m".to_string(),
            )
        };
        let tj = [c("Created", "True"), c("Complete", "True")];
        assert_eq!(outcome_of_conditions(Backend::TrainJob, &tj), Some(Ok(())));
        assert_eq!(outcome_of_conditions(Backend::PyTorchJob, &tj), None);
        let f = [c("Failed", "True")];
        assert_eq!(
            outcome_of_conditions(Backend::TrainJob, &f),
            Some(Err(("R".into(), "m".into())))
        );
        let v =
            serde_json::json!({"status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(conditions(&v)[0].0, "Complete");
    }
}
