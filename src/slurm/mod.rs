//! Slurm through its command-line tools (the stable interface; we never link libslurm).
//!
//! Every call goes through [`crate::process::Runner`]; every output is parsed by the pure
//! functions in [`parse`]. One `squeue` call answers for any number of jobs.

pub mod parse;
pub mod reasons;
pub mod sched;

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use thiserror::Error;

use crate::jobid::{JobId, JobIds};
use crate::process::{ProcessError, Runner};

#[derive(Debug, Error)]
pub enum SlurmError {
    #[error(transparent)]
    Process(#[from] ProcessError),
    #[error("Slurm refused the job: {message}")]
    Refused {
        kind: parse::SbatchErrorKind,
        message: String,
    },
    #[error("could not read the output of `{command}`: {message}")]
    Parse { command: String, message: String },
}

impl crate::error::Advice for SlurmError {
    /// Refused by policy is the input's fault (1), a controller that does not answer is worth
    /// a retry (3).
    fn status(&self) -> crate::error::ExitStatus {
        use crate::error::ExitStatus;
        match self {
            Self::Refused {
                kind: parse::SbatchErrorKind::ControllerUnreachable,
                ..
            } => ExitStatus::Unavailable,
            Self::Refused { .. } => ExitStatus::Failure,
            Self::Process(p) => p.status(),
            Self::Parse { .. } => ExitStatus::Error,
        }
    }

    /// The next step for the user, in one sentence.
    fn hint(&self) -> String {
        match self {
            Self::Process(ProcessError::NotFound { program, .. }) => format!(
                "load the Slurm module (`module load slurm`) or set `slurm.binDir` in the site config to where `{program}` lives"
            ),
            Self::Process(ProcessError::Timeout { .. }) => {
                "the Slurm controller may be overloaded or down: `scontrol ping` tells; raise `slurm.timeout` in the site config if it is only slow".into()
            }
            Self::Process(ProcessError::OutputTooLarge { .. }) => {
                "this is not what a Slurm tool prints: check `slurm.binDir` and PATH for a wrapper".into()
            }
            Self::Process(_) => "check that the Slurm client tools work here, e.g. `sinfo`".into(),
            Self::Refused { kind, .. } => kind.hint().into(),
            Self::Parse { .. } => {
                "this Slurm version prints something hybridctl does not expect; please report it"
                    .into()
            }
        }
    }
}

/// A submitted job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submitted {
    pub job_id: String,
    pub cluster: Option<String>,
}

/// Where a job's state came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// `squeue`: the job is pending, running or completing.
    Queue,
    /// `sacct` (or `sacct -c` with jobcomp/filetxt): the job has finished.
    Accounting,
    /// Only hybridctl's own job record knows it.
    Record,
}

/// One job as `status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub job_id: String,
    pub name: String,
    pub state: String,
    pub elapsed: Option<String>,
    pub time_limit: Option<String>,
    pub nodes: Option<u32>,
    pub nodelist: Option<String>,
    pub partition: Option<String>,
    /// The pending reason code (e.g. `Resources`) or, for other states, Slurm's reason.
    pub reason: Option<String>,
    pub reason_group: Option<String>,
    pub reason_text: Option<String>,
    pub exit_code: Option<String>,
    pub user: Option<String>,
    pub source: Source,
    /// Filled in by the Kubernetes side (PyTorchJob conditions, pods), when it is configured.
    pub kubernetes: Option<serde_json::Value>,
}

impl JobView {
    /// Whether the job has ended, by its state as Slurm printed it; `None` for a state this
    /// version cannot read (callers decide what an unknown state means for them).
    pub fn finished(&self) -> Option<bool> {
        parse::JobState::finished_text(&self.state)
    }

    /// Whether the job has ended; an unreadable state counts as not ended.
    pub fn is_finished(&self) -> bool {
        self.finished() == Some(true)
    }
}

#[derive(Debug, Clone)]
pub struct Slurm {
    runner: Runner,
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_string()).collect()
}

impl Slurm {
    pub fn new(bin_dir: Option<&Path>) -> Self {
        Self::with_timeout(
            bin_dir,
            Duration::from_secs(crate::settings::DEFAULT_SLURM_TIMEOUT.into()),
        )
    }

    /// The site's Slurm: `slurm.binDir` and `slurm.timeout`.
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        Self::with_timeout(settings.slurm_bin_dir(), settings.slurm_timeout())
    }

    pub fn with_timeout(bin_dir: Option<&Path>, timeout: Duration) -> Self {
        let mut runner = Runner::new(bin_dir).with_timeout_from(timeout, "slurm.timeout");
        // The parsers read Slurm's standard time format; a user's own format must not leak in.
        runner
            .env
            .push(("SLURM_TIME_FORMAT".into(), "standard".into()));
        Self { runner }
    }

    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// `sbatch --parsable` with the script on standard input, run in `dir`.
    pub fn submit(&self, script: &str, extra: &[String]) -> Result<Submitted, SlurmError> {
        let mut a = args(&["--parsable"]);
        a.extend(extra.iter().cloned());
        match self.runner.run("sbatch", &a, Some(script.as_bytes())) {
            Ok(out) => {
                let (job_id, cluster) =
                    parse::parse_sbatch_parsable(&out.stdout).map_err(|e| SlurmError::Parse {
                        command: "sbatch --parsable".into(),
                        message: e.to_string(),
                    })?;
                Ok(Submitted { job_id, cluster })
            }
            Err(ProcessError::Failed { stderr, code, .. }) => {
                let failure = parse::classify_sbatch_error(&stderr, Some(code));
                Err(SlurmError::Refused {
                    kind: failure.kind,
                    message: failure.message,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The given jobs in the queue (any state). One call; never widens to other jobs.
    pub fn queue(&self, ids: &JobIds) -> Result<Vec<JobView>, SlurmError> {
        self.squeue(vec![
            "--states=all".into(),
            format!("--jobs={}", ids.joined()),
        ])
    }

    /// Every job in the queue the user may see (`squeue --all`): only for `status --all`.
    pub fn queue_all(&self) -> Result<Vec<JobView>, SlurmError> {
        self.squeue(vec!["--all".into()])
    }

    fn squeue(&self, filter: Vec<String>) -> Result<Vec<JobView>, SlurmError> {
        let mut a = args(&["--noheader", "--array", "-o", parse::SQUEUE_FORMAT]);
        a.extend(filter);
        let out = match self.runner.run("squeue", &a, None) {
            Ok(o) => o.stdout,
            // `squeue -j` of ids that all left the queue is an error, not an empty list.
            Err(ProcessError::Failed { stderr, .. }) if parse::is_invalid_job_id(&stderr) => {
                String::new()
            }
            Err(e) => return Err(e.into()),
        };
        let entries = parse::parse_squeue(&out).map_err(|e| SlurmError::Parse {
            command: "squeue".into(),
            message: e.to_string(),
        })?;
        Ok(entries.into_iter().map(view_from_queue).collect())
    }

    /// Finished jobs from accounting: `sacct`, or `sacct -c` (jobcomp) when the accounting
    /// database is disabled. `Ok(None)` when neither is available.
    pub fn accounting(&self, ids: &JobIds) -> Result<Option<Vec<JobView>>, SlurmError> {
        let jobs = format!("--jobs={}", ids.joined());
        let mut a = args(&[
            "--noheader",
            "--parsable2",
            "--allusers",
            "-o",
            parse::SACCT_FORMAT,
        ]);
        a.push(jobs.clone());
        match self.runner.run("sacct", &a, None) {
            Ok(out) => return Ok(Some(self.accounting_views(&out.stdout, ids)?)),
            Err(ProcessError::Failed { stderr, .. }) if parse::is_accounting_disabled(&stderr) => {}
            Err(e) => return Err(e.into()),
        }
        let mut a = args(&[
            "-c",
            "--noheader",
            "--parsable2",
            "-o",
            parse::SACCT_JOBCOMP_FORMAT,
        ]);
        a.push(jobs);
        match self.runner.run("sacct", &a, None) {
            Ok(out) => Ok(Some(self.accounting_views(&out.stdout, ids)?)),
            Err(ProcessError::Failed { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn accounting_views(&self, text: &str, ids: &JobIds) -> Result<Vec<JobView>, SlurmError> {
        // Lenient: with jobcomp/filetxt a space in one job's name spoils that job's record
        // (see tests/fixtures/slurm), which must not hide the others.
        let (entries, _spoiled) = parse::parse_sacct_lenient(text);
        // The last line for an id wins (requeued jobs appear more than once); steps are not
        // jobs.
        let mut out: Vec<JobView> = Vec::new();
        for e in entries {
            if !ids.contains(&e.job_id) {
                continue;
            }
            let v = view_from_accounting(e);
            if let Some(slot) = out.iter_mut().find(|x| x.job_id == v.job_id) {
                *slot = v;
            } else {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// `scontrol show job -o ID`, or `None` when Slurm no longer knows the job.
    pub fn show_job(&self, id: &JobId) -> Result<Option<parse::ScontrolJob>, SlurmError> {
        match self
            .runner
            .run("scontrol", &args(&["show", "job", "-o", id.as_str()]), None)
        {
            Ok(out) => parse::parse_scontrol_job(&out.stdout)
                .map(Some)
                .map_err(|e| SlurmError::Parse {
                    command: "scontrol show job".into(),
                    message: e.to_string(),
                }),
            Err(ProcessError::Failed { stderr, .. }) if parse::is_invalid_job_id(&stderr) => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The controller's KillWait: how long a job has between SIGTERM and SIGKILL.
    pub fn kill_wait(&self) -> Result<Option<Duration>, SlurmError> {
        let out = self
            .runner
            .run("scontrol", &args(&["show", "config"]), None)?;
        Ok(parse::parse_kill_wait(&out.stdout).map(Duration::from_secs))
    }

    /// How often the scheduler runs (`SchedulerParameters`), for `status --watch`.
    pub fn scheduler_interval(&self) -> Result<sched::SchedulerInterval, SlurmError> {
        let out = self
            .runner
            .run("scontrol", &args(&["show", "config"]), None)?;
        Ok(sched::SchedulerInterval::from_config(&out.stdout))
    }

    /// Every job of one user in the queue (`squeue --user`): for `status --user/--me`.
    pub fn queue_of_user(&self, user: &str) -> Result<Vec<JobView>, SlurmError> {
        self.squeue(vec![format!("--user={user}")])
    }

    /// The jobs of the user running hybridctl (`squeue --me`): for `status --me`.
    pub fn queue_of_me(&self) -> Result<Vec<JobView>, SlurmError> {
        self.squeue(vec!["--me".into()])
    }

    /// Send a signal to the batch step only (where `hybridctl launch` runs).
    pub fn signal_batch(&self, id: &JobId, signal: &str) -> Result<(), SlurmError> {
        let a = vec![
            "--batch".to_string(),
            format!("--signal={signal}"),
            id.to_string(),
        ];
        self.runner.run("scancel", &a, None)?;
        Ok(())
    }

    /// `scancel ID`: exactly one job, never a filter.
    pub fn cancel(&self, id: &JobId) -> Result<(), SlurmError> {
        self.runner.run("scancel", &args(&[id.as_str()]), None)?;
        Ok(())
    }
}

fn text(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn duration(seconds: Option<u64>) -> Option<String> {
    seconds.map(parse::format_duration)
}

fn view_from_queue(e: parse::QueueEntry) -> JobView {
    let (reason, group, explanation) = if e.state.is_pending() {
        let code = e
            .reason
            .code()
            .map_or_else(|| e.reason.raw().to_string(), str::to_string);
        let explanation = e
            .reason
            .explanation()
            .map(str::to_string)
            .or_else(|| text(e.reason.raw().to_string()).map(|r| format!("Slurm says `{r}`")));
        (
            text(code),
            Some(e.reason.group().label().to_string()),
            explanation,
        )
    } else {
        (
            text(e.reason.raw().to_string()).filter(|r| r != "None"),
            None,
            None,
        )
    };
    JobView {
        job_id: e.job_id,
        name: e.name,
        state: e.state.as_str().to_string(),
        elapsed: duration(e.elapsed),
        time_limit: Some(e.time_limit.to_string()),
        nodes: Some(e.nodes),
        nodelist: e.nodelist,
        partition: text(e.partition),
        reason,
        reason_group: group,
        reason_text: explanation,
        exit_code: None,
        user: text(e.user),
        source: Source::Queue,
        kubernetes: None,
    }
}

fn view_from_accounting(e: parse::AccountingEntry) -> JobView {
    JobView {
        job_id: e.job_id,
        name: e.name,
        state: e.state.as_str().to_string(),
        elapsed: duration(e.elapsed),
        time_limit: Some(e.time_limit.to_string()),
        nodes: Some(e.nodes),
        nodelist: e.nodelist,
        partition: text(e.partition),
        reason: None,
        reason_group: None,
        reason_text: None,
        exit_code: Some(e.exit_code.to_string()),
        user: None,
        source: Source::Accounting,
        kubernetes: None,
    }
}
