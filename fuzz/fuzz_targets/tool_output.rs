//! Every parser of an external program's output: sbatch, squeue, sacct, scontrol, mmlsquota,
//! mlnx_qos, dcb, ethtool, ibv_devinfo, perftest, remote counter snapshots, nccl.conf.
#![no_main]

use hybridctl::fabric::{audit, counters, ethtool, perftest, qos};
use hybridctl::slurm::parse as p;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let t = text.as_ref();
    let _ = p::parse_sbatch_parsable(t);
    let _ = p::classify_sbatch_error(t, Some(1));
    let _ = p::classify_query_failure(t, Some(1));
    let _ = p::parse_squeue_lenient(t);
    let _ = p::parse_sacct_lenient(t);
    let _ = p::parse_scontrol_jobs(t);
    let _ = p::parse_kill_wait(t);
    let _ = hybridctl::jobspec::units::parse_time(t);
    let _ = hybridctl::gpfs::parse_mmlsquota_y(t);
    let _ = qos::parse_mlnx_qos(t);
    let _ = qos::parse_dcb_pfc(t);
    let _ = qos::parse_dcb_app_dscp(t);
    let _ = qos::parse_ibv_active_mtu(t);
    let _ = ethtool::pause_counters(&ethtool::parse_stats(t));
    let _ = perftest::parse_bw(t);
    let _ = perftest::parse_lat(t);
    let _ = perftest::classify_failure(t, t);
    let _ = counters::parse_remote("node1", t);
    let _ = audit::parse_nccl_conf(t);
});
