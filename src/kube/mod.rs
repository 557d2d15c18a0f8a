//! Kubernetes types and, later, the client side (create, watch, logs, cleanup).

pub mod client;
pub mod launch;
pub mod pytorchjob;
pub mod state;
