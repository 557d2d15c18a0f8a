//! `fabric-check`: a RoCEv2 / InfiniBand lossless-fabric audit of a host and pairwise RDMA
//! tests between nodes.
//!
//! The core is pure: [`sysfs::discover`] reads a tree under a root directory into
//! [`sysfs::Host`], the tool outputs (`mlnx_qos`, `ethtool -S`, perftest) have parsers
//! ([`qos`], [`ethtool`], [`perftest`]), [`audit`] turns facts into [`Check`]s, [`counters`]
//! compares snapshots, [`schedule`] pairs nodes in rounds and [`report`] prints. The edges
//! are [`probe`] (tools through `process::Runner`) and [`pairwise`] (launching perftest on
//! nodes through `srun` or a configured launcher, every step with a timeout).

pub mod audit;
pub mod counters;
pub mod ethtool;
pub mod pairwise;
pub mod perftest;
pub mod probe;
pub mod qos;
pub mod report;
pub mod schedule;
pub mod sysfs;
pub mod topology;
