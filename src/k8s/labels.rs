//! The labels and annotations hybridctl puts on Kubernetes objects, and reading them back.
//!
//! Every object of a job carries `hybridctl.io/slurm-job-id=<id>`: the three cleanup paths
//! (`launch` on SIGTERM, the epilog hook, `gc`) find what to delete by that label alone.

use std::collections::BTreeMap;

use kube::api::ObjectMeta;

/// The Slurm job an object belongs to.
pub const LABEL_JOB_ID: &str = "hybridctl.io/slurm-job-id";
/// The job spec's `name`.
pub const LABEL_JOB_NAME: &str = "hybridctl.io/job-name";
pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// The extended resource of NVIDIA's device plugin.
pub const GPU_RESOURCE: &str = "nvidia.com/gpu";
/// The node label the scheduler matches `nodeSelector`/affinity against.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// Every job that holds a node, in admission order, comma-separated. The label can name only
/// one job, and nodes may be shared (a partition without exclusive nodes): the label names
/// the latest job, this annotation all of them, so that the taint comes back only when the
/// last one ends.
pub const ANNOTATION_JOB_IDS: &str = "hybridctl.io/slurm-job-ids";

/// The Slurm job id an object is labelled with: the one place that reads the label.
pub fn job_id_of(meta: &ObjectMeta) -> Option<&str> {
    meta.labels
        .as_ref()
        .and_then(|l| l.get(LABEL_JOB_ID))
        .map(String::as_str)
}

/// The jobs that hold a node: the annotation's ids, and the label's when the annotation
/// lacks it (a node labelled by hand).
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
    if let Some(label) = job_id_of(meta)
        && !jobs.iter().any(|j| j == label)
    {
        jobs.push(label.to_string());
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_and_the_annotation_name_the_jobs() {
        let meta = ObjectMeta {
            labels: Some(BTreeMap::from([(
                LABEL_JOB_ID.to_string(),
                "7".to_string(),
            )])),
            annotations: Some(BTreeMap::from([(
                ANNOTATION_JOB_IDS.to_string(),
                " 5,6,5,".to_string(),
            )])),
            ..ObjectMeta::default()
        };
        assert_eq!(job_id_of(&meta), Some("7"));
        assert_eq!(jobs_of(&meta), ["5", "6", "7"]);
        assert_eq!(job_id_of(&ObjectMeta::default()), None);
        assert!(jobs_of(&ObjectMeta::default()).is_empty());
    }
}
