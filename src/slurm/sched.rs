//! How often Slurm's scheduler acts, from `scontrol show config`: what `status --watch` may
//! poll at. A job changes state when a scheduling pass starts it (the main loop every
//! `sched_interval`, the backfill loop every `bf_interval`) or when it ends; asking `squeue`
//! more often than the scheduler runs only loads the controller.
//! <https://slurm.schedmd.com/slurm.conf.html#OPT_SchedulerParameters>

use std::time::Duration;

use super::parse::config_value;

/// `sched_interval`'s default: the main scheduling loop runs every 60 seconds.
pub const DEFAULT_SCHED_INTERVAL: u64 = 60;
/// `bf_interval`'s default: the backfill scheduler runs every 30 seconds.
pub const DEFAULT_BF_INTERVAL: u64 = 30;

/// The scheduler's periodic passes, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerInterval {
    /// `sched_interval`.
    pub main: u64,
    /// `bf_interval`, when the backfill scheduler is configured.
    pub backfill: Option<u64>,
}

impl SchedulerInterval {
    /// From `scontrol show config` output; a missing or malformed value is Slurm's default.
    pub fn from_config(output: &str) -> Self {
        let params = config_value(output, "SchedulerParameters").unwrap_or("");
        let param = |key: &str| {
            params.split(',').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                (k == key).then(|| v.trim().parse::<u64>().ok()).flatten()
            })
        };
        let backfill = config_value(output, "SchedulerType")
            .is_some_and(|t| t.contains("backfill"))
            .then(|| param("bf_interval").unwrap_or(DEFAULT_BF_INTERVAL));
        Self {
            main: param("sched_interval").unwrap_or(DEFAULT_SCHED_INTERVAL),
            backfill,
        }
    }

    /// The shortest time between two scheduling passes: no poll is useful faster. At least
    /// one second (an interval of 0 or -1 disables a loop in slurm.conf).
    pub fn poll(self) -> Duration {
        let main = Some(self.main).filter(|s| *s > 0);
        let fastest = match (main, self.backfill.filter(|s| *s > 0)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => DEFAULT_SCHED_INTERVAL,
        };
        Duration::from_secs(fastest.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fastest_pass_sets_the_poll() {
        // The test cluster's own `scontrol show config` lines (testenv/slurm.sh).
        let test_cluster = "SchedulerParameters     = batch_sched_delay=0\nSchedulerTimeSlice      = 30 sec\nSchedulerType           = sched/backfill\n";
        let i = SchedulerInterval::from_config(test_cluster);
        assert_eq!(
            i,
            SchedulerInterval {
                main: 60,
                backfill: Some(30)
            }
        );
        assert_eq!(i.poll(), Duration::from_secs(30));
        let tuned = "SchedulerParameters     = bf_interval=90,sched_interval=20,bf_continue\nSchedulerType           = sched/backfill\n";
        assert_eq!(
            SchedulerInterval::from_config(tuned).poll(),
            Duration::from_secs(20)
        );
        let builtin = "SchedulerParameters     = (null)\nSchedulerType           = sched/builtin\n";
        assert_eq!(
            SchedulerInterval::from_config(builtin).poll(),
            Duration::from_secs(60)
        );
        let off = "SchedulerParameters     = sched_interval=-1,bf_interval=5\nSchedulerType           = sched/backfill\n";
        assert_eq!(
            SchedulerInterval::from_config(off).poll(),
            Duration::from_secs(5)
        );
        assert_eq!(
            SchedulerInterval::from_config("").poll(),
            Duration::from_secs(60)
        );
    }
}
