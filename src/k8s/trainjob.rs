//! Kubeflow Trainer v2's TrainJob (`trainer.kubeflow.org/v1alpha1`) and the JobSet
//! (`jobset.x-k8s.io/v1alpha2`) the Trainer renders it into, as far as hybridctl writes and
//! reads them. Pure types and rules, no client: field names follow
//! `pkg/apis/trainer/v1alpha1/trainjob_types.go` of kubeflow/trainer v2.3.0.
//!
//! Supported Trainer versions: **v2.2 and v2.3** (the test bed runs v2.3.0 with JobSet
//! v0.12.0). Per-job pod changes (node pinning, volumes, mounts, the pods' labels, the
//! service account) go through `spec.runtimePatches`, which v2.2 introduced; v2.0 and v2.1
//! had `podTemplateOverrides` instead, which hybridctl does not write.
//!
//! As for the PyTorchJob, reading accepts unknown fields, and the rendered manifest is held
//! to these types strictly by a round trip in `render`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, EnvVar, ResourceRequirements, SecurityContext, Toleration, Volume, VolumeMount,
};
use kube::CustomResource;
use serde::{Deserialize, Serialize};

pub const GROUP: &str = "trainer.kubeflow.org";
pub const VERSION: &str = "v1alpha1";
pub const KIND: &str = "TrainJob";
pub const PLURAL: &str = "trainjobs";
pub const JOBSET_GROUP: &str = "jobset.x-k8s.io";
pub const JOBSET_VERSION: &str = "v1alpha2";
pub const JOBSET_PLURAL: &str = "jobsets";
/// The label the JobSet controller puts on the Jobs and pods of a JobSet (its name is the
/// TrainJob's name).
pub const JOBSET_NAME_LABEL: &str = "jobset.sigs.k8s.io/jobset-name";
/// The runtime patch hybridctl owns (`runtimePatches[].manager`).
pub const PATCH_MANAGER: &str = "hybridctl.io/launch";
/// The replicated job and the container of the trainer step in Trainer's runtimes
/// (`torch-distributed` and the others in `manifests/base/runtimes/`).
pub const TRAINER_JOB: &str = "node";
pub const TRAINER_CONTAINER: &str = "node";
/// The Trainer releases whose TrainJob hybridctl renders.
pub const SUPPORTED_TRAINER: &str = "v2.2 to v2.3";

#[derive(CustomResource, Debug, Clone, Serialize, Deserialize, PartialEq)]
#[kube(
    group = "trainer.kubeflow.org",
    version = "v1alpha1",
    kind = "TrainJob",
    plural = "trainjobs",
    namespaced,
    status = "TrainJobStatus",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct TrainJobSpec {
    pub runtime_ref: RuntimeRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainer: Option<Trainer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_patches: Vec<RuntimePatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeRef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Trainer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_nodes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources_per_node: Option<ResourceRequirements>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_proc_per_node: Option<i32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RuntimePatch {
    pub manager: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_runtime_spec: Option<TrainingRuntimeSpecPatch>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrainingRuntimeSpecPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<JobSetTemplatePatch>,
}

/// Only labels and annotations may be patched in the metadata of the JobSet, the Jobs and
/// the pods.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetadataPatch {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobSetTemplatePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<JobSetSpecPatch>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobSetSpecPatch {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicated_jobs: Vec<ReplicatedJobPatch>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReplicatedJobPatch {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<JobTemplatePatch>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobTemplatePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<JobSpecPatch>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JobSpecPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplatePatch>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplatePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataPatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<PodSpecPatch>,
}

/// The pod fields a runtime patch may set (Trainer v2.3: no priority class, no image pull
/// policy, no working directory).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodSpecPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<ContainerPatch>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
}

/// `env` of the trainer container can only be set through `trainer.env`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPatch {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrainJobStatus {
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub jobs_status: Vec<ChildJobStatus>,
}

/// A `metav1.Condition` (TrainJob and JobSet).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChildJobStatus {
    pub name: String,
    #[serde(default)]
    pub ready: Option<i32>,
    #[serde(default)]
    pub succeeded: Option<i32>,
    #[serde(default)]
    pub failed: Option<i32>,
    #[serde(default)]
    pub active: Option<i32>,
    #[serde(default)]
    pub suspended: Option<i32>,
}

/// Why a spec's priority class goes through the runtime (a warning at validation; `launch`
/// checks the runtime with [`check_runtime`]).
pub const PRIORITY_NOTE: &str = "Trainer's runtime patches cannot set a pod's priority class: the TrainJob's pods get the one of the training runtime's `node` pod template, and `launch` refuses a runtime whose class differs";

/// The pod template of the trainer step (`replicatedJobs[name=node]`) of a
/// ClusterTrainingRuntime or TrainingRuntime, as read from the API server.
fn runtime_pod_spec(runtime: &serde_json::Value) -> Option<&serde_json::Value> {
    runtime
        .pointer("/spec/template/spec/replicatedJobs")?
        .as_array()?
        .iter()
        .find(|j| j.get("name").and_then(|n| n.as_str()) == Some(TRAINER_JOB))?
        .pointer("/template/spec/template/spec")
}

/// Whether the runtime can run this spec's job: it has the trainer step hybridctl patches
/// (`node`, with a container `node`), and it gives the pods the spec's priority class.
/// `kind` and `name` name the runtime (`kubernetes.runtimeKind`, `kubernetes.runtime`),
/// `priority_class` is the spec's `kubernetes.priorityClassName`.
pub fn check_runtime(
    kind: &str,
    name: &str,
    priority_class: Option<&str>,
    runtime: &serde_json::Value,
) -> Result<(), String> {
    let Some(pod) = runtime_pod_spec(runtime) else {
        return Err(format!(
            "{kind} `{name}` has no replicated job `{TRAINER_JOB}`, which hybridctl's runtime patch targets"
        ));
    };
    let has_container = pod
        .get("containers")
        .and_then(|c| c.as_array())
        .is_some_and(|c| {
            c.iter()
                .any(|c| c.get("name").and_then(|n| n.as_str()) == Some(TRAINER_CONTAINER))
        });
    if !has_container {
        return Err(format!(
            "{kind} `{name}`: its replicated job `{TRAINER_JOB}` has no container `{TRAINER_CONTAINER}`"
        ));
    }
    let have = pod.get("priorityClassName").and_then(|p| p.as_str());
    if let Some(want) = priority_class
        && have != Some(want)
    {
        return Err(format!(
            "the spec asks for priority class `{want}`, but {kind} `{name}` gives its pods {}; {PRIORITY_NOTE}",
            have.map_or_else(|| "none".to_string(), |h| format!("`{h}`"))
        ));
    }
    Ok(())
}

impl TrainJob {
    /// What NCCL should do in this job (for `logs --nccl` when no job record has the spec):
    /// the same reading of the rendered variables as for a PyTorchJob.
    pub fn nccl_expectation(&self) -> crate::nccl::Expectation {
        use crate::nccl::Fabric;
        let trainer = self.spec.trainer.as_ref();
        let nodes = trainer.and_then(|t| t.num_nodes).unwrap_or(1);
        let get = |k: &str| {
            trainer
                .into_iter()
                .flat_map(|t| t.env.iter())
                .find(|e| e.name == k)
                .and_then(|e| e.value.as_deref())
        };
        let fabric = if get("NCCL_IB_DISABLE") == Some("1") {
            Fabric::Socket
        } else if get("NCCL_NET") == Some("IB") {
            Fabric::Roce
        } else {
            Fabric::Unknown
        };
        crate::nccl::Expectation {
            fabric,
            multi_node: nodes > 1,
            init_threshold: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_must_have_the_node_step_and_the_priority_class() {
        let runtime = |pc: Option<&str>| {
            let mut pod = serde_json::json!({"containers": [{"name": "node", "image": "x"}]});
            if let Some(pc) = pc {
                pod["priorityClassName"] = pc.into();
            }
            serde_json::json!({"spec": {"template": {"spec": {"replicatedJobs": [
                {"name": "node", "template": {"spec": {"template": {"spec": pod}}}}]}}}})
        };
        let check = |pc: Option<&str>, rt: &serde_json::Value| {
            check_runtime("ClusterTrainingRuntime", "torch-distributed", pc, rt)
        };
        let high = Some("training-high");
        assert_eq!(check(high, &runtime(high)), Ok(()));
        let e = check(high, &runtime(None)).unwrap_err();
        assert!(e.starts_with("the spec asks for priority class `training-high`, but ClusterTrainingRuntime `torch-distributed` gives its pods none"), "{e}");
        assert_eq!(check(None, &runtime(None)), Ok(()));
        let e = check(None, &serde_json::json!({"spec": {}})).unwrap_err();
        assert!(e.contains("has no replicated job `node`"), "{e}");
    }

    #[test]
    fn a_status_from_the_server_reads_with_unknown_fields() {
        let s: TrainJobStatus = serde_json::from_value(serde_json::json!({
            "conditions": [{"type": "Complete", "status": "True", "reason": "JobSetCompleted",
                "message": "jobset completed", "lastTransitionTime": "2026-12-06T19:00:00Z"}],
            "jobsStatus": [{"name": "node", "ready": 0, "succeeded": 1, "failed": 0,
                "active": 0, "suspended": 0}],
        }))
        .expect("status");
        assert_eq!(s.conditions[0].type_, "Complete");
        assert_eq!(s.jobs_status[0].succeeded, Some(1));
    }
}
