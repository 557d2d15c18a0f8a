//! `hybridctl submit SPEC`

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use serde::Serialize;

use super::{Context, Printer, require_valid, slurm_error};
use crate::check::Level;
use crate::cli::{SubmitArgs, TextOrJson};
use crate::error::{ExitStatus, UserError};
use crate::jobid::{JobId, JobIds};
use crate::jobspec::load::load_spec;
use crate::plan::{Allocation, Plan, PlanOptions, simulated_nodes};
use crate::process::display_command;
use crate::records::{JobRecord, Records};
use crate::render::Renderer;
use crate::slurm::Slurm;

/// What `submit -o json` prints.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmitReport<'a> {
    pub job_id: &'a str,
    pub cluster: Option<&'a str>,
    pub name: &'a str,
    /// The job record's directory.
    pub record: Option<String>,
}

impl crate::document::Document for SubmitReport<'_> {
    const KIND: &'static str = "Submission";
}

/// What `submit --dry-run -o json` prints: the exact command, its input and directory.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubmitPlan {
    pub command: Vec<String>,
    pub stdin: String,
    pub directory: String,
}

impl crate::document::Document for SubmitPlan {
    const KIND: &'static str = "SubmissionPlan";
}

pub fn run(args: SubmitArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let loaded = load_spec(settings, &args.spec, &args.overrides.to_overrides())?;
    let display = loaded.display_path.clone();
    let spec = require_valid(loaded, out)?;
    // The batch script does not depend on the job id or the nodes: `launch` reads those
    // from the allocation.
    let alloc = Allocation {
        job_id: "0".into(),
        nodes: simulated_nodes(spec.slurm.nodes),
    };
    let opts = PlanOptions {
        launcher: settings.launcher(),
        spec_path: display.clone(),
        node_names: settings.site.node_names.clone(),
    };
    let plan = Plan::new(&spec, &alloc, &opts).map_err(|e| {
        UserError::invalid(
            format!("cannot plan the job: {e}"),
            "check the spec with `hybridctl validate`",
        )
    })?;
    let script = Renderer::new(settings.templates_dir())?.sbatch(&plan)?;
    let sbatch_args = vec!["--parsable".to_string()];
    quota_preflight(settings, &spec, args.strict, out)?;

    if args.dry_run {
        let mut stdout = out.out();
        match args.output {
            TextOrJson::Text => {
                stdout.write_all(script.as_bytes())?;
                out.note(&format!(
                    "would run: {} < script (in {})",
                    display_command("sbatch", &sbatch_args),
                    cwd()
                ));
            }
            TextOrJson::Json => {
                let plan = SubmitPlan {
                    command: std::iter::once("sbatch".to_string())
                        .chain(sbatch_args.iter().cloned())
                        .collect(),
                    stdin: script,
                    directory: cwd(),
                };
                stdout.write_all(crate::document::to_string_pretty(&plan).as_bytes())?;
            }
        }
        return Ok(ExitStatus::Success);
    }

    let slurm = Slurm::from_settings(settings);
    let submitted = slurm.submit(&script, &[]).map_err(slurm_error)?;
    let record = JobRecord {
        job_id: submitted.job_id.clone(),
        name: spec.name.clone(),
        cluster: submitted.cluster.clone(),
        submitted_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        spec_path: display,
        submit_dir: cwd(),
        nodes: spec.slurm.nodes,
        gpus_per_node: spec.slurm.gpus_per_node,
        partition: spec.slurm.partition.clone(),
        output: spec.slurm.output.clone(),
    };
    let record_dir = match Records::from_env(&settings.env) {
        Some(records) => match records.save(&record, &plan.frozen_spec, &script) {
            Ok(dir) => Some(dir.display().to_string()),
            Err(e) => {
                let why = std::error::Error::source(&e)
                    .map(|s| format!(": {s}"))
                    .unwrap_or_default();
                out.warn(
                    &format!(
                        "job {} was submitted but not recorded: {e}{why}",
                        submitted.job_id
                    ),
                    Some(&format!(
                        "`hybridctl status {}` still finds it through Slurm; check $XDG_STATE_HOME",
                        submitted.job_id
                    )),
                );
                None
            }
        },
        None => {
            out.warn(
                &format!(
                    "job {} was submitted but not recorded: neither $XDG_STATE_HOME nor $HOME is set",
                    submitted.job_id
                ),
                None,
            );
            None
        }
    };
    {
        let mut stdout = out.out();
        match args.output {
            TextOrJson::Text => writeln!(stdout, "{}", submitted.job_id)?,
            TextOrJson::Json => {
                let report = SubmitReport {
                    job_id: &submitted.job_id,
                    cluster: submitted.cluster.as_deref(),
                    name: &spec.name,
                    record: record_dir,
                };
                stdout.write_all(crate::document::to_string_pretty(&report).as_bytes())?;
                writeln!(stdout)?;
            }
        }
        stdout.flush()?;
    }
    if args.follow {
        let id = JobId::parse(&submitted.job_id).map_err(|e| {
            UserError::environment(
                format!("sbatch answered with a job id hybridctl cannot follow: {e}"),
                "`hybridctl status` finds the job by its name",
            )
        })?;
        return follow(&slurm, &id, &record, &spec, out);
    }
    Ok(ExitStatus::Success)
}

/// Will the checkpoints fit in the job's GPFS fileset? Warn, or refuse when strict. When
/// `mmlsquota` is missing or fails, say so in one line and go on.
fn quota_preflight(
    settings: &crate::settings::Settings,
    spec: &crate::jobspec::Spec,
    strict_flag: bool,
    out: &Printer,
) -> Result<()> {
    let gpfs = settings.gpfs();
    let Some(need) = crate::preflight::need(spec, &gpfs) else {
        return Ok(());
    };
    let mode = if strict_flag {
        "strict"
    } else {
        gpfs.preflight.as_deref().unwrap_or("warn")
    };
    if mode == "off" {
        return Ok(());
    }
    let kind = crate::gpfs::QueryKind::Filesets(vec![crate::gpfs::FilesetRef {
        device: need.device.clone(),
        fileset: need.fileset.clone(),
    }]);
    let entries = match crate::gpfs::query(&gpfs, &kind, &[]) {
        Ok(e) => e,
        Err(e) => {
            out.note(&format!("note: GPFS quota preflight skipped: {e}"));
            return Ok(());
        }
    };
    let verdict = crate::preflight::verdict(&entries, &need);
    let text = crate::preflight::describe(&need, &verdict);
    match verdict.level() {
        Level::Fail if mode == "strict" => Err(UserError::invalid(
            format!("not submitted: {text}"),
            "free space in the fileset, keep fewer checkpoints (`storage.checkpointsKept`), or ask for more quota",
        )
        .into()),
        Level::Fail => {
            out.warn(
                &text,
                Some("the job may fail when it writes a checkpoint; `--strict` refuses to submit"),
            );
            Ok(())
        }
        Level::Unknown => {
            out.note(&format!("note: {text}"));
            Ok(())
        }
        Level::Pass | Level::Warn => Ok(()),
    }
}

fn cwd() -> String {
    std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| ".".into())
}

/// Wait for the job (a spinner with its state and pending reason), stream its batch output
/// (where `launch` writes every pod's log), then print its final state and the NCCL verdict,
/// and map its end to an exit code. Ctrl-C stops following; the job runs on.
fn follow(
    slurm: &Slurm,
    id: &JobId,
    record: &JobRecord,
    spec: &crate::jobspec::Spec,
    out: &Printer,
) -> Result<ExitStatus> {
    let interrupted = ctrl_c_flag();
    let spinner = out.spinner(format!("job {id} submitted"));
    let mut last_said = String::new();
    let mut output_path: Option<String> = None;
    let mut offset: u64 = 0;
    let ids = JobIds::one(id.clone());
    loop {
        let view = slurm.queue(&ids).map_err(slurm_error)?.into_iter().next();
        if let Some(v) = &view {
            let said = spinner_message(v);
            if said != last_said {
                spinner.set_message(said.clone());
                last_said = said;
            }
            if output_path.is_none() && v.state != "PENDING" {
                output_path = slurm
                    .show_job(id)
                    .ok()
                    .flatten()
                    .and_then(|j| j.get("StdOut").map(str::to_string));
            }
        }
        if let Some(path) = &output_path {
            offset = spinner.suspend(|| copy_new_bytes(path, offset, out));
        }
        // squeue --states=all keeps finished jobs until MinJobAge: finished is finished.
        let finished = view.as_ref().is_none_or(|v| v.is_finished());
        if finished {
            break;
        }
        if sleep_unless(&interrupted, Duration::from_secs(1)) {
            spinner.finish();
            out.note(&format!(
                "stopped following; job {id} ({}) goes on: `hybridctl status {id}` shows it, `hybridctl logs -f {id}` follows it, `hybridctl cancel {id}` stops it",
                record.name
            ));
            return Ok(ExitStatus::External(130));
        }
    }
    if let Some(path) = &output_path {
        spinner.suspend(|| copy_new_bytes(path, offset, out));
    }
    spinner.finish();
    let final_view = slurm
        .accounting(&ids)
        .map_err(slurm_error)?
        .and_then(|v| v.into_iter().next());
    let (state, exit) = match &final_view {
        Some(v) => (v.state.clone(), v.exit_code.clone()),
        None => ("UNKNOWN".to_string(), None),
    };
    out.note(&format!(
        "job {id} ({}) finished: {state}{}",
        record.name,
        exit.as_deref()
            .map(|e| format!(", exit code {e}"))
            .unwrap_or_default()
    ));
    let nccl_bad = match &output_path {
        Some(path) => nccl_verdict(std::path::Path::new(path), spec, out),
        None => false,
    };
    Ok(match state.as_str() {
        "COMPLETED" if nccl_bad => ExitStatus::Failure,
        "COMPLETED" => ExitStatus::Success,
        "FAILED" => exit
            .as_deref()
            .and_then(|e| e.split(':').next())
            .and_then(|c| c.parse::<u8>().ok())
            .filter(|c| *c != 0)
            .map_or(ExitStatus::Failure, ExitStatus::External),
        _ => ExitStatus::Failure,
    })
}

/// What the spinner says while following: the state and, while pending, Slurm's reason
/// and what it means.
fn spinner_message(v: &crate::slurm::JobView) -> String {
    let why = match (&v.reason, &v.reason_text) {
        (Some(code), Some(text)) if v.state == "PENDING" => format!(" ({code}): {text}"),
        (Some(code), None) if v.state == "PENDING" => format!(" ({code})"),
        _ => String::new(),
    };
    format!("job {} is {}{why}", v.job_id, v.state)
}

/// The NCCL verdict of the batch output, in a few lines on stderr; true when it is bad.
fn nccl_verdict(path: &std::path::Path, spec: &crate::jobspec::Spec, out: &Printer) -> bool {
    let expect = spec.nccl_expectation();
    match crate::nccl::scan::report_of_file(path, expect, true) {
        Ok(Some(report)) => {
            let outcome = serde_json::to_value(report.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            out.note(&format!(
                "NCCL: {outcome} ({} rank(s) seen; `hybridctl nccl-check {}` gives the details)",
                report.summary.ranks_seen,
                path.display()
            ));
            for v in &report.verdicts {
                let severity = format!("{:?}", v.severity).to_lowercase();
                out.note(&format!("NCCL {severity}: {}", v.message));
            }
            report.is_bad()
        }
        Ok(None) => {
            out.note("NCCL: no NCCL line in the batch output (NCCL_DEBUG=INFO writes them)");
            false
        }
        Err(e) => {
            out.note(&format!("NCCL: cannot read `{}`: {e}", path.display()));
            false
        }
    }
}

/// A flag Ctrl-C sets (instead of ending the process), watched from a thread of its own.
fn ctrl_c_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let set = flag.clone();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            let _ = ready_tx.send(());
            return;
        };
        rt.block_on(async {
            let signal = tokio::signal::ctrl_c();
            tokio::pin!(signal);
            // Registered once polled: tell the caller, then wait.
            let _ = futures::poll!(&mut signal);
            let _ = ready_tx.send(());
            if signal.await.is_ok() {
                set.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        });
    });
    let _ = ready_rx.recv_timeout(Duration::from_secs(2));
    flag
}

/// Sleep up to `total`, waking early when `flag` is set; true when it was.
fn sleep_unless(flag: &std::sync::atomic::AtomicBool, total: Duration) -> bool {
    let step = Duration::from_millis(100);
    let mut slept = Duration::ZERO;
    while slept < total {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            return true;
        }
        std::thread::sleep(step);
        slept += step;
    }
    flag.load(std::sync::atomic::Ordering::SeqCst)
}

fn copy_new_bytes(path: &str, offset: u64, out: &Printer) -> u64 {
    use std::io::{Seek, SeekFrom};
    // The job's output file, followed as it grows: copied through a small buffer (memory stays
    // bounded however much the job prints); anything but a regular file is not followed.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return offset;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return offset;
    };
    if f.seek(SeekFrom::Start(offset)).is_err() {
        return offset;
    }
    let mut stdout = out.out();
    let n = std::io::copy(&mut f, &mut stdout).unwrap_or(0);
    let _ = stdout.flush();
    offset + n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_says_why_a_job_waits() {
        let mut v = crate::slurm::JobView {
            job_id: "42".into(),
            name: "train".into(),
            state: "PENDING".into(),
            elapsed: None,
            time_limit: None,
            nodes: Some(2),
            nodelist: None,
            partition: None,
            reason: Some("Resources".into()),
            reason_group: Some("resources".into()),
            reason_text: Some("the nodes it needs are busy".into()),
            exit_code: None,
            user: None,
            source: crate::slurm::Source::Queue,
            kubernetes: None,
        };
        assert_eq!(
            spinner_message(&v),
            "job 42 is PENDING (Resources): the nodes it needs are busy"
        );
        v.state = "RUNNING".into();
        assert_eq!(spinner_message(&v), "job 42 is RUNNING");
    }
}
