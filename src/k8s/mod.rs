//! The pure Kubernetes core: the custom resources hybridctl creates, the labels and
//! annotations that tie objects to a Slurm job, the hooks' taint, node admit/release patches
//! and the orphan verdicts of `gc`. Nothing here talks to an API server or reads settings:
//! the functions take objects and return values or patches, and [`crate::kube`] (the
//! adapter) sends them. As kube-rs splits `kube-core` from `kube-client`.

pub mod kubelet;
pub mod labels;
pub mod names;
pub mod nodes;
pub mod orphans;
pub mod pytorchjob;
pub mod taint;
pub mod trainjob;
pub mod workload;
