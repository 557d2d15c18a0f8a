//! The Kubeflow training operator's PyTorchJob (`kubeflow.org/v1`), as far as hybridctl
//! reads and writes it. Field names follow `pkg/apis/kubeflow.org/v1/pytorch_types.go` and
//! `common_types.go` of kubeflow/training-operator v1.9.
//! `runPolicy` must sit under `spec` (not at the top of `spec`'s siblings), see
//! training-operator issues #1241 and #1627.
//!
//! The types accept fields they do not know: objects read back from the API server may carry
//! fields of a newer operator or of a mutating webhook, and reading them must not fail. The
//! manifest hybridctl renders is held to the types strictly by a round trip instead
//! (`render::Renderer::pytorchjob`): a field the types drop is an error there.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use kube::CustomResource;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Debug, Clone, Serialize, Deserialize, PartialEq)]
#[kube(
    group = "kubeflow.org",
    version = "v1",
    kind = "PyTorchJob",
    plural = "pytorchjobs",
    namespaced,
    status = "PyTorchJobStatus",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct PyTorchJobSpec {
    pub run_policy: RunPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elastic_policy: Option<ElasticPolicy>,
    pub pytorch_replica_specs: BTreeMap<String, ReplicaSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nproc_per_node: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clean_pod_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds_after_finished: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling_policy: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ElasticPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdzv_backend: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdzv_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdzv_host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdzv_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_restarts: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standalone: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    pub template: PodTemplateSpec,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PyTorchJobStatus {
    #[serde(default)]
    pub conditions: Vec<JobCondition>,
    #[serde(default)]
    pub replica_statuses: BTreeMap<String, ReplicaStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// When the operator last changed the condition (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaStatus {
    #[serde(default)]
    pub active: Option<i32>,
    #[serde(default)]
    pub succeeded: Option<i32>,
    #[serde(default)]
    pub failed: Option<i32>,
}

impl PyTorchJob {
    /// What NCCL should do in this job, read off a PyTorchJob hybridctl rendered (for `logs
    /// --nccl` when no job record has the spec): several replicas = several nodes;
    /// `NCCL_IB_DISABLE=1` = sockets on purpose; `NCCL_NET=IB` = an RDMA fabric (the variables
    /// cannot tell RoCE from InfiniBand: RoCE is assumed, which changes only the wording).
    pub fn nccl_expectation(&self) -> crate::nccl::Expectation {
        use crate::nccl::Fabric;
        let specs = &self.spec.pytorch_replica_specs;
        let replicas: i32 = specs.values().map(|r| r.replicas.unwrap_or(1)).sum();
        let env: Vec<(&str, &str)> = specs
            .values()
            .filter_map(|r| r.template.spec.as_ref())
            .filter_map(|s| s.containers.first())
            .flat_map(|c| c.env.iter().flatten())
            .map(|e| (e.name.as_str(), e.value.as_deref().unwrap_or_default()))
            .collect();
        let get = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        let fabric = if get("NCCL_IB_DISABLE") == Some("1") {
            Fabric::Socket
        } else if get("NCCL_NET") == Some("IB") {
            Fabric::Roce
        } else {
            Fabric::Unknown
        };
        crate::nccl::Expectation {
            fabric,
            multi_node: replicas > 1,
            init_threshold: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nccl::Fabric;

    fn job(workers: i32, env: &[(&str, &str)]) -> PyTorchJob {
        let env: Vec<serde_json::Value> = env
            .iter()
            .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
            .collect();
        let template =
            serde_json::json!({"spec": {"containers": [{"name": "pytorch", "env": env}]}});
        serde_json::from_value(serde_json::json!({
            "apiVersion": "kubeflow.org/v1", "kind": "PyTorchJob",
            "metadata": {"name": "j"},
            "spec": {"runPolicy": {}, "pytorchReplicaSpecs": {
                "Master": {"replicas": 1, "template": template},
                "Worker": {"replicas": workers, "template": template},
            }},
        }))
        .expect("job")
    }

    #[test]
    fn nccl_expectation_from_the_rendered_variables() {
        let e = job(1, &[("NCCL_IB_DISABLE", "0"), ("NCCL_NET", "IB")]).nccl_expectation();
        assert_eq!((e.fabric, e.multi_node), (Fabric::Roce, true));
        let e = job(0, &[("NCCL_IB_DISABLE", "1")]).nccl_expectation();
        assert_eq!((e.fabric, e.multi_node), (Fabric::Socket, false));
        assert_eq!(job(3, &[]).nccl_expectation().fabric, Fabric::Unknown);
    }
}
