//! Kubernetes types and, later, the client side (create, watch, logs, cleanup).

pub mod access;
pub mod claims;
pub mod client;
pub mod discovery;
pub mod hooks;
pub mod kubelet;
pub mod launch;
pub mod logs;
pub mod pytorchjob;
pub mod rbac;
pub mod state;
pub mod trainjob;
pub mod workload;
