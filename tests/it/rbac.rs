//! rbac and doctor against the real API server (being written).
