//! Slurm hooks and gc against the real Slurm and the real API server (being written).
