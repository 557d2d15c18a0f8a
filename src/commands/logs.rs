//! `hybridctl logs JOB`: every pod of a job, one prefix and colour per pod, through one
//! writer. The engine is [`crate::kube::logs`]; this file resolves the job, watches the
//! PyTorchJob for the end, and prints.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use futures::StreamExt;
use kube::Api;
use kube::api::DynamicObject;
use kube::runtime::{WatchStreamExt, watcher};
use serde::Serialize;
use tokio::sync::mpsc;

use super::Context;
use crate::cli::{LogsArgs, TextOrJson};
use crate::error::{ExitStatus, UserError};
use crate::jobid::{JobId, JobIds};
use crate::k8s::labels::LABEL_JOB_ID;
use crate::k8s::workload::Backend;
use crate::kube::launch::{Outcome, outcome_of_object};
use crate::kube::logs::{self, Event, Line, Options, ReplicaFilter};
use crate::records::Records;

/// After the PyTorchJob finished: how long the streams may still deliver what the pods printed
/// last (a kubelet ends them when the containers exit; this bounds a stream that does not end).
const DRAIN: Duration = Duration::from_millis(1500);

/// Lines in flight between the pod streams and the writer (backpressure beyond that).
const CHANNEL: usize = 1024;

/// Eight colours that read well on dark and light terminals; a pod keeps its colour.
const COLOURS: [u8; 8] = [36, 33, 32, 35, 34, 31, 96, 93];

fn colour_of(prefix: &str) -> u8 {
    // FNV-1a: stable across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in prefix.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    COLOURS[(h as usize) % COLOURS.len()]
}

/// One log line as `logs -o json` prints it (one document per line).
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JsonLine<'a> {
    replica: &'a str,
    pod: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    line: &'a str,
}

impl crate::document::Document for JsonLine<'_> {
    const KIND: &'static str = "LogLine";
}

/// How lines are written.
struct LinePrinter {
    json: bool,
    prefix: bool,
    timestamps: bool,
    colour: bool,
}

impl LinePrinter {
    fn line(&self, out: &mut impl Write, line: &Line) -> std::io::Result<()> {
        if self.json {
            let j = JsonLine {
                replica: &line.prefix,
                pod: &line.pod,
                time: line.time.map(logs::format_time),
                line: &line.text,
            };
            return out.write_all(crate::document::to_line(&j).as_bytes());
        }
        if self.prefix {
            let prefix = format!("[{}]", line.prefix);
            let style = crate::output::ansi(colour_of(&line.prefix));
            write!(
                out,
                "{} ",
                crate::output::paint(self.colour, style, &prefix)
            )?;
        }
        if self.timestamps
            && let Some(t) = line.time
        {
            write!(out, "{} ", logs::format_time(t))?;
        }
        writeln!(out, "{}", line.text)
    }
}

/// The job's final state as the footer says it.
enum End {
    Finished(Outcome),
    Deleted,
}

pub fn run(args: LogsArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let since = args
        .since
        .as_deref()
        .map(crate::jobspec::units::parse_cli_duration)
        .transpose()
        .map_err(|e| UserError::invalid(e, "`--since` takes kubectl's durations"))?;
    let replica = match args.replica.as_deref() {
        Some(r) => ReplicaFilter::parse(r).map_err(|e| {
            UserError::invalid(e, "pods are named after their replica type and index")
        })?,
        None => ReplicaFilter::All,
    };
    let filter = logs::LineFilter::new(&args.include, &args.exclude).map_err(|e| {
        UserError::invalid(
            e,
            "the syntax is Rust's regex crate (like RE2): https://docs.rs/regex/latest/regex/#syntax",
        )
    })?;
    let nodes = args
        .node
        .as_deref()
        .map(crate::hostlist::expand)
        .transpose()
        .map_err(|e| {
            UserError::invalid(
                format!("`--node`: {e}"),
                "give a node name or a Slurm hostlist such as `gpu[01-04]`",
            )
        })?;
    if args.max_streams == 0 {
        return Err(UserError::invalid(
            "`--max-streams` must be at least 1",
            "it is how many pods are followed at once",
        )
        .into());
    }
    // The job: an id, or a name from the records.
    let records = Records::from_env(&settings.env);
    let resolved = crate::jobs::resolve(records.as_ref(), std::slice::from_ref(&args.job))?;
    // Only a plain job id can be a label value: an array task `ID_TASK` has its own id.
    let Some(job_id) = resolved
        .ids
        .first()
        .and_then(|id| JobId::parse_plain(id.as_str()).ok())
    else {
        return Err(UserError::invalid(
            format!(
                "no job matches `{}`: not a Slurm job id, nor the name of a job hybridctl submitted",
                args.job
            ),
            "give the Slurm job id, or a name `hybridctl status` lists",
        )
        .into());
    };
    let record = resolved.records.into_iter().next();
    let spec = records.as_ref().and_then(|r| r.spec(&job_id));
    let namespace = super::job_namespace(&args.kube, spec.as_ref(), settings);
    let colour = out.out_color();
    let printer = LinePrinter {
        json: matches!(args.output, TextOrJson::Json),
        prefix: !args.no_prefix,
        timestamps: args.timestamps,
        colour,
    };
    let mut opts = Options {
        follow: args.follow,
        since,
        tail: args.tail.map(i64::from),
        replica,
        max_streams: args.max_streams,
        container: logs::CONTAINER.into(),
        previous: args.previous,
        nodes,
    };
    let live_table = args.nccl && args.follow && !printer.json && out.stdout_is_terminal();
    let conn = super::connection(&args.kube, None);
    let runtime = ctx.runtime()?;
    let notice = |text: &str| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "{}",
            crate::output::paint(
                out.err_color(),
                crate::output::styles::DIM,
                &format!("hybridctl: {text}")
            )
        );
    };
    let mut nccl_bad = false;
    let nccl_bad_ref = &mut nccl_bad;
    let end = runtime.block_on(async {
        let client = super::kube_client(&conn, settings).await?;
        let selector = format!("{LABEL_JOB_ID}={job_id}");
        let api = spec.as_ref().map(|s| s.kubernetes.api).unwrap_or_default();
        let (backend, existing) = crate::kube::discovery::find_job(&client, &namespace, &selector, api)
            .await
            .map_err(|e| {
                UserError::environment(
                    format!(
                        "could not list the PyTorchJobs and TrainJobs in namespace `{namespace}`: {}",
                        crate::kube::client::brief(&e)
                    ),
                    "check the namespace (-n) and that the identity may list pytorchjobs or trainjobs there",
                )
            })?;
        let jobs: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), &namespace, &backend.api_resource());
        if let Some(rank) = args.rank {
            // Processes per pod: the job's (PyTorchJob `nprocPerNode`, TrainJob
            // `trainer.numProcPerNode`), else the spec's GPUs per node.
            let nproc = existing
                .as_ref()
                .and_then(|j| {
                    let spec = j.data.get("spec")?;
                    match backend {
                        Backend::PyTorchJob => spec.get("nprocPerNode")?.as_str()?.parse().ok(),
                        Backend::TrainJob => u32::try_from(
                            spec.pointer("/trainer/numProcPerNode")?.as_u64()?,
                        )
                        .ok(),
                    }
                })
                .or_else(|| spec.as_ref().map(|s| s.slurm.gpus_per_node))
                .ok_or_else(|| {
                    UserError::invalid(
                        format!(
                            "cannot tell which pod runs rank {rank} of job {job_id}: neither its {} nor its job record says how many processes a pod runs",
                            backend.kind()
                        ),
                        "select the pod with `--replica master-0` or `--replica worker-N` (`node-N` for a TrainJob)",
                    )
                })?;
            opts.replica = ReplicaFilter::Exact(match backend {
                Backend::PyTorchJob => logs::replica_of_rank(rank, nproc),
                Backend::TrainJob => format!("node-{}", rank / nproc.max(1)),
            });
        }
        if existing.is_none() {
            nothing_on_kubernetes(settings, &job_id, &namespace, record.as_ref(), args.follow)?;
            notice(&format!(
                "waiting for the {} of job {job_id} in namespace {namespace} (the job may still be pending)",
                backend.kind()
            ));
        }
        // --nccl: the analyzer sees every line instead of the terminal. What the job expects
        // comes from its spec (the job record), else from the PyTorchJob's NCCL variables.
        let mut nccl = args.nccl.then(|| {
            let mut expect = spec
                .as_ref()
                .map(|s| s.nccl_expectation())
                .or_else(|| {
                    existing
                        .as_ref()
                        .map(|j| crate::kube::launch::nccl_expectation_of(backend, j))
                })
                .unwrap_or_default();
            if args.follow {
                expect.init_threshold = Some(crate::kube::launch::NCCL_INIT_THRESHOLD);
            }
            crate::nccl::Analyzer::new(expect)
        });
        let (tx, mut rx) = mpsc::channel::<Event>(CHANNEL);
        let pods = Api::namespaced(client.clone(), &namespace);
        let engine = tokio::spawn(logs::follow(pods, selector.clone(), opts, tx));
        // The end of the job (only when following): a watch on its PyTorchJob.
        let (end_tx, mut end_rx) = mpsc::channel::<End>(1);
        let watch_end = args.follow.then(|| {
            tokio::spawn(async move {
                let stream = watcher(jobs, watcher::Config::default().labels(&selector))
                    .default_backoff();
                futures::pin_mut!(stream);
                let mut seen = false;
                while let Some(ev) = stream.next().await {
                    let Ok(ev) = ev else { continue };
                    match ev {
                        watcher::Event::Apply(j) | watcher::Event::InitApply(j) => {
                            seen = true;
                            if let Some(o) = outcome_of_object(backend, &j) {
                                let _ = end_tx.send(End::Finished(o)).await;
                                return;
                            }
                        }
                        watcher::Event::Delete(_) if seen => {
                            let _ = end_tx.send(End::Deleted).await;
                            return;
                        }
                        _ => {}
                    }
                }
            })
        });
        let mut stdout = out.out();
        let mut active: BTreeSet<Arc<str>> = BTreeSet::new();
        let mut end: Option<End> = None;
        let drain = tokio::time::sleep(Duration::MAX / 4);
        futures::pin_mut!(drain);
        let mut redraw = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                ev = rx.recv() => {
                    let Some(ev) = ev else { break };
                    match ev {
                        Event::Line(line) if nccl.is_some() => {
                            if let Some(a) = nccl.as_mut() {
                                a.feed_at(&line.prefix, &line.text, line.time.map(Into::into));
                                for v in a.take_new_alerts() {
                                    notice(&crate::kube::launch::nccl_alert(&v));
                                }
                            }
                        }
                        Event::Line(line) if !filter.keep(&line.text) => {}
                        Event::Line(line) => {
                            if printer.line(&mut stdout, &line).is_err() {
                                // stdout closed (`| head`): stop quietly.
                                break;
                            }
                            if rx.is_empty() {
                                let _ = stdout.flush();
                            }
                        }
                        Event::Started { prefix, pod, resumed } => {
                            if resumed {
                                notice(&format!("{prefix}: resumed the log of pod {pod}"));
                            }
                            active.insert(pod);
                        }
                        Event::Ended { prefix, pod, why } => {
                            active.remove(&pod);
                            if args.follow || why != logs::END_OF_LOG {
                                notice(&format!("{prefix}: {why}"));
                            }
                            if end.is_some() && active.is_empty() {
                                break;
                            }
                        }
                        Event::Notice(text) => notice(&text),
                    }
                }
                e = end_rx.recv(), if end.is_none() && watch_end.is_some() => {
                    let Some(e) = e else { continue };
                    end = Some(e);
                    if active.is_empty() {
                        break;
                    }
                    drain.as_mut().reset(tokio::time::Instant::now() + DRAIN);
                }
                _ = redraw.tick(), if nccl.is_some() => {
                    if let Some(a) = nccl.as_mut() {
                        a.tick(std::time::SystemTime::now());
                        for v in a.take_new_alerts() {
                            notice(&crate::kube::launch::nccl_alert(&v));
                        }
                        if live_table {
                            // Clear the screen and draw the table again.
                            let _ = write!(stdout, "\x1b[H\x1b[2J{}", a.report().summary_table(colour));
                            let _ = stdout.flush();
                        }
                    }
                }
                _ = &mut drain => break,
            }
        }
        if let Some(a) = nccl.as_mut() {
            a.finish();
            if matches!(end, Some(End::Finished(Outcome::Failed { .. }))) {
                // The job failed: a rank without `Init COMPLETE` never got there.
                a.job_ended();
            }
            let report = a.report();
            if printer.json {
                let _ = stdout.write_all(crate::document::to_string_pretty(&report).as_bytes());
            } else {
                if live_table {
                    let _ = write!(stdout, "\x1b[H\x1b[2J");
                }
                let _ = write!(stdout, "{}", report.summary_table(colour));
            }
            *nccl_bad_ref = report.is_bad();
        }
        let _ = stdout.flush();
        engine.abort();
        if let Some(w) = watch_end {
            w.abort();
        }
        Ok::<_, anyhow::Error>((end, backend.kind()))
    })?;
    let (end, kind) = end;
    let status = footer(end, &job_id, kind, &notice);
    if nccl_bad {
        return Ok(ExitStatus::Failure);
    }
    Ok(status)
}

/// The footer after the job ended, and the exit status it implies.
fn footer(end: Option<End>, job_id: &str, kind: &str, notice: &dyn Fn(&str)) -> ExitStatus {
    match end {
        None => ExitStatus::Success,
        Some(End::Finished(Outcome::Succeeded)) => {
            notice(&format!("job {job_id}: the {kind} succeeded"));
            ExitStatus::Success
        }
        Some(End::Finished(Outcome::Failed { reason, message })) => {
            notice(&format!(
                "job {job_id}: the {kind} failed: {reason}: {message}"
            ));
            ExitStatus::Failure
        }
        Some(End::Finished(Outcome::Interrupted { signal })) => {
            notice(&format!("job {job_id}: interrupted by {signal}"));
            ExitStatus::Failure
        }
        Some(End::Deleted) => {
            notice(&format!(
                "job {job_id}: the {kind} was deleted (the Slurm job ended or was cancelled; `hybridctl status {job_id}` says how)"
            ));
            ExitStatus::Success
        }
    }
}

/// No PyTorchJob (yet): fine for a pending job when following; otherwise say where the output
/// went. Asks Slurm once.
fn nothing_on_kubernetes(
    settings: &crate::settings::Settings,
    job_id: &JobId,
    namespace: &str,
    record: Option<&crate::records::JobRecord>,
    follow: bool,
) -> Result<()> {
    let slurm = crate::slurm::Slurm::from_settings(settings);
    let output = record
        .map(|r| format!("; its batch output is `{}` in `{}`", r.output, r.submit_dir))
        .unwrap_or_default();
    match slurm.queue(&JobIds::one(job_id.clone())) {
        Ok(v) if !v.is_empty() && follow => Ok(()),
        Ok(v) if !v.is_empty() => Err(UserError::invalid(
            format!(
                "job {job_id} is {} and has no PyTorchJob in namespace `{namespace}` yet",
                v[0].state
            ),
            format!("`hybridctl logs -f {job_id}` waits for it{output}"),
        )
        .into()),
        Ok(_) => Err(UserError::invalid(
            format!(
                "job {job_id} has nothing on Kubernetes in namespace `{namespace}` and is not in the queue"
            ),
            format!(
                "the epilog deletes the pods when a job ends{output}; `hybridctl status {job_id}` shows how it ended"
            ),
        )
        .into()),
        // Slurm cannot be asked: wait when following, else say what is known.
        Err(_) if follow => Ok(()),
        Err(e) => Err(UserError::invalid(
            format!("job {job_id} has no PyTorchJob in namespace `{namespace}`"),
            format!(
                "is it still pending, or over? Slurm could not be asked ({}){output}",
                crate::kube::hooks::one_line(&e)
            ),
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(prefix: &str, text: &str) -> Line {
        Line {
            prefix: Arc::from(prefix),
            pod: Arc::from(format!("job-4242-{prefix}").as_str()),
            time: Some("2026-11-29T05:00:01.5Z".parse().expect("time")),
            text: text.into(),
        }
    }

    fn print(p: &LinePrinter, l: &Line) -> String {
        let mut out = Vec::new();
        p.line(&mut out, l).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn each_pod_keeps_its_colour_and_plain_output_has_none() {
        let colour = LinePrinter {
            json: false,
            prefix: true,
            timestamps: false,
            colour: true,
        };
        let a = print(&colour, &line("worker-3", "x"));
        assert_eq!(
            a,
            print(&colour, &line("worker-3", "y")).replace("y\n", "x\n")
        );
        assert!(a.starts_with(&format!(
            "\x1b[{}m[worker-3]\x1b[0m ",
            colour_of("worker-3")
        )));
        let codes: std::collections::BTreeSet<u8> =
            (0..16).map(|i| colour_of(&format!("worker-{i}"))).collect();
        assert!(codes.len() > 4, "pods get different colours: {codes:?}");
        let plain = LinePrinter {
            colour: false,
            timestamps: true,
            ..colour
        };
        assert_eq!(
            print(&plain, &line("master-0", "step 1")),
            "[master-0] 2026-11-29T05:00:01.500000000Z step 1\n"
        );
        let json = LinePrinter {
            json: true,
            ..plain
        };
        let v: serde_json::Value =
            serde_json::from_str(&print(&json, &line("master-0", "a \"quoted\" line")))
                .expect("json");
        assert_eq!(v["line"], "a \"quoted\" line");
        assert_eq!(v["pod"], "job-4242-master-0");
    }
}
