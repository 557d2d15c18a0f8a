//! The Kubernetes adapter: every call to the API server (client and its errors, access
//! reviews, launch, the hooks and gc, pod logs, job state). The pure types and verdicts it
//! sends and reads are in [`crate::k8s`].

pub mod access;
pub mod claims;
pub mod client;
pub mod discovery;
pub mod hooks;
pub mod launch;
pub mod logs;
pub mod rbac;
pub mod state;
