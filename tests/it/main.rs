//! The one integration-test binary (see `autotests = false` in Cargo.toml).
//! Modules are ordered from the least to the most powerful test that proves a thing.

mod util;

mod agreement;
mod architecture;
mod authoring;
mod bounds;
mod cli;
mod completion;
mod contract;
mod day;
mod describe;
mod everyday;
mod fabric;
mod generated;
mod hooks;
mod hostile;
mod install;
mod kube;
mod logs;
mod nccl;
mod properties;
mod quota;
mod rbac;
mod render;
mod slurm;
mod validate;
mod watch;
