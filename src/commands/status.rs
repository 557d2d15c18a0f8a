//! `hybridctl status [JOB...]`

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{Table, presets};

use super::{Context, Printer, slurm_error};
use crate::cli::{StatusArgs, TextOrJsonOrWide};
use crate::document::{self, Document, List};
use crate::error::{ExitStatus, UserError};
use crate::jobid::{JobId, JobIds};
use crate::jobs;
use crate::jobwatch;
use crate::records::{JobRecord, Records};
use crate::slurm::{JobView, Slurm};

/// How many recent records `status` shows without arguments.
const RECENT: usize = 20;

impl Document for List<JobView> {
    const KIND: &'static str = "JobStatusList";
}

/// Which jobs `status` shows: ids it resolved, or a slice of the queue.
enum Selection {
    /// Jobs by id (from arguments or the recent records), with their records.
    Ids(JobIds, Vec<JobRecord>),
    /// `--all`: every job in the queue.
    All,
    /// `--user USER`.
    User(String),
    /// `--me`.
    Me,
}

impl Selection {
    /// The jobs' current views (one squeue call; sacct for those that left the queue) and
    /// the ids nobody knows.
    fn views(&self, slurm: &Slurm) -> Result<(Vec<JobView>, Vec<String>)> {
        Ok(match self {
            Self::Ids(ids, recs) => jobs::lookup(slurm, ids, recs).map_err(slurm_error)?,
            Self::All => (slurm.queue_all().map_err(slurm_error)?, Vec::new()),
            Self::User(u) => (slurm.queue_of_user(u).map_err(slurm_error)?, Vec::new()),
            Self::Me => (slurm.queue_of_me().map_err(slurm_error)?, Vec::new()),
        })
    }
}

pub fn run(args: StatusArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let states = jobwatch::parse_states(&args.state)
        .map_err(|e| UserError::invalid(e, "`squeue --helpstate` lists the states"))?;
    let slurm = Slurm::from_settings(settings);
    let records = Records::from_env(&settings.env);
    let mut unknown = Vec::new();
    let selection = if args.all {
        Selection::All
    } else if let Some(user) = &args.user {
        Selection::User(user.clone())
    } else if args.me {
        Selection::Me
    } else if args.jobs.is_empty() {
        let recs: Vec<JobRecord> = match &records {
            Some(r) => r.list()?.into_iter().take(RECENT).collect(),
            None => Vec::new(),
        };
        let ids = JobIds::new(recs.iter().filter_map(|r| JobId::parse(&r.job_id).ok()));
        let Some(ids) = ids else {
            out.note(
                "no jobs submitted with hybridctl yet; `hybridctl status --all` shows the whole queue",
            );
            print(&[], args.output, out)?;
            return Ok(ExitStatus::Success);
        };
        Selection::Ids(ids, recs)
    } else {
        let resolved = jobs::resolve(records.as_ref(), &args.jobs)?;
        // Nothing matched: say so, and ask Slurm nothing (an empty filter would be the queue).
        let Some(ids) = JobIds::new(resolved.ids.iter().cloned()) else {
            return Err(jobs::unknown_jobs(&resolved.unknown));
        };
        unknown.extend(resolved.unknown);
        Selection::Ids(ids, resolved.records)
    };
    let refresh = || -> Result<(Vec<JobView>, Vec<String>)> {
        let (views, unknown) = selection.views(&slurm)?;
        let mut views = jobwatch::filter_states(views, &states);
        add_kubernetes(ctx, &args.kube, records.as_ref(), &mut views);
        Ok((views, unknown))
    };
    let (views, more_unknown) = refresh()?;
    unknown.extend(more_unknown);
    if !unknown.is_empty() {
        print(&views, args.output, out)?;
        return Err(jobs::unknown_jobs(&unknown));
    }
    if args.watch {
        return watch(ctx, &slurm, &args, records.as_ref(), views, refresh);
    }
    if views.is_empty() && !states.is_empty() && args.output != TextOrJsonOrWide::Json {
        out.note(&format!(
            "no job is in state {}",
            states
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    print(&views, args.output, out)?;
    Ok(ExitStatus::Success)
}

/// What wakes the watch loop.
enum Wake {
    /// A pod or PyTorchJob of a shown job changed.
    Kube,
    /// Ctrl-C.
    Stop,
}

/// `status --watch`: show the jobs again whenever something changed, until every job has
/// ended or Ctrl-C. Slurm is asked (one squeue call for every job) once per scheduler
/// interval; the Kubernetes side is watched and re-read when a pod or PyTorchJob changes.
fn watch(
    ctx: &Context,
    slurm: &Slurm,
    args: &StatusArgs,
    records: Option<&Records>,
    first: Vec<JobView>,
    refresh: impl Fn() -> Result<(Vec<JobView>, Vec<String>)>,
) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    use std::sync::mpsc::RecvTimeoutError;
    use std::time::{Duration, Instant};
    let interval = match slurm.scheduler_interval() {
        Ok(i) => i.poll(),
        Err(e) => {
            out.warn(
                &format!(
                    "cannot read the scheduler's interval ({}); asking Slurm every {} s",
                    crate::kube::hooks::one_line(&e),
                    crate::slurm::sched::DEFAULT_SCHED_INTERVAL
                ),
                None,
            );
            Duration::from_secs(crate::slurm::sched::DEFAULT_SCHED_INTERVAL)
        }
    };
    let targets = jobs::kube_targets(
        first.iter().map(|v| v.job_id.as_str()),
        records,
        args.kube.namespace.as_deref(),
    );
    let view = WatchView {
        format: args.output,
        terminal: out.stdout_is_terminal(),
        interval,
    };
    out.note(&format!(
        "watching {} job(s): Slurm every {} s (its scheduler's interval), pods as they change; Ctrl-C stops",
        first.len(),
        interval.as_secs()
    ));
    let (tx, rx) = std::sync::mpsc::channel::<Wake>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let spec_context = first.iter().find_map(|v| {
        records
            .and_then(|r| r.spec(&v.job_id))
            .and_then(|s| s.kubernetes.context)
    });
    let conn = super::connection(&args.kube, spec_context);
    std::thread::scope(|scope| -> Result<ExitStatus> {
        scope.spawn(move || watch_events(settings, conn, targets, tx, stop_rx));
        let mut shown = first;
        view.show(&[], &shown, out)?;
        let mut next_poll = Instant::now() + interval;
        let mut events = true;
        let result = loop {
            if jobwatch::all_ended(&shown) {
                out.note("every job has ended");
                break Ok(ExitStatus::Success);
            }
            let wait = next_poll.saturating_duration_since(Instant::now());
            let wake = if events {
                rx.recv_timeout(wait)
            } else {
                std::thread::sleep(wait);
                Err(RecvTimeoutError::Timeout)
            };
            let next = match wake {
                Ok(Wake::Stop) => break Ok(ExitStatus::Success),
                Ok(Wake::Kube) => {
                    let mut v = shown.clone();
                    add_kubernetes(ctx, &args.kube, records, &mut v);
                    v
                }
                Err(RecvTimeoutError::Disconnected) => {
                    events = false;
                    continue;
                }
                Err(RecvTimeoutError::Timeout) => {
                    next_poll = Instant::now() + interval;
                    match refresh() {
                        Ok((v, _)) => v,
                        Err(e) => break Err(e),
                    }
                }
            };
            if next != shown {
                view.show(&shown, &next, out)?;
                shown = next;
            }
        };
        let _ = stop_tx.send(());
        result
    })
}

/// How the watch shows each change.
struct WatchView {
    format: TextOrJsonOrWide,
    terminal: bool,
    interval: std::time::Duration,
}

impl WatchView {
    fn show(&self, before: &[JobView], after: &[JobView], out: &Printer) -> Result<()> {
        let now = k8s_openapi::jiff::Timestamp::now().round(k8s_openapi::jiff::Unit::Second)?;
        if self.format == TextOrJsonOrWide::Json {
            let mut stdout = out.out();
            stdout.write_all(document::to_line(&List::new(after.to_vec())).as_bytes())?;
            stdout.flush()?;
        } else if self.terminal {
            {
                let mut stdout = out.out();
                write!(
                    stdout,
                    "\x1b[H\x1b[2J{now}  (Slurm every {} s; Ctrl-C stops)\n\n",
                    self.interval.as_secs()
                )?;
            }
            print(after, self.format, out)?;
        } else {
            let mut stdout = out.out();
            for line in jobwatch::changes(before, after) {
                writeln!(stdout, "{now} {line}")?;
            }
            stdout.flush()?;
        }
        Ok(())
    }
}

/// The background half of the watch: Ctrl-C, and a watch on the pods and PyTorchJobs of the
/// jobs in each namespace (bursts of events become one wake-up). Ends when `stop` fires.
fn watch_events(
    settings: &crate::settings::Settings,
    conn: crate::kube::client::Connection,
    targets: BTreeMap<String, JobIds>,
    tx: std::sync::mpsc::Sender<Wake>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    use futures::StreamExt;
    use kube::runtime::{WatchStreamExt, watcher};
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        let changes = async {
            if targets.is_empty() {
                return futures::future::pending::<()>().await;
            }
            let Ok(client) = crate::kube::client::from_settings(&conn, settings).await else {
                return futures::future::pending::<()>().await;
            };
            let mut streams = Vec::new();
            for (ns, ids) in &targets {
                let config = watcher::Config::default().labels(&crate::kube::state::selector(ids));
                let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
                    kube::Api::namespaced(client.clone(), ns);
                let jobs: kube::Api<crate::k8s::pytorchjob::PyTorchJob> =
                    kube::Api::namespaced(client.clone(), ns);
                streams.push(
                    watcher(pods, config.clone())
                        .default_backoff()
                        .map(|e| e.is_ok())
                        .boxed(),
                );
                streams.push(
                    watcher(jobs, config)
                        .default_backoff()
                        .map(|e| e.is_ok())
                        .boxed(),
                );
            }
            let mut merged = futures::stream::select_all(streams);
            // The first list of each watch is what `status` already showed.
            let mut quiet_until =
                tokio::time::Instant::now() + std::time::Duration::from_millis(500);
            while let Some(ok) = merged.next().await {
                if !ok || tokio::time::Instant::now() < quiet_until {
                    continue;
                }
                // Let a burst (a job's pods starting together) settle, then wake once.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                while let Some(Some(_)) = futures::FutureExt::now_or_never(merged.next()) {}
                if tx.send(Wake::Kube).is_err() {
                    return;
                }
                quiet_until = tokio::time::Instant::now();
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => { let _ = tx.send(Wake::Stop); }
            () = changes => {}
            _ = stop => {}
        }
    });
}

fn print(views: &[JobView], format: TextOrJsonOrWide, out: &Printer) -> Result<()> {
    let mut stdout = out.out();
    if format == TextOrJsonOrWide::Json {
        let doc = List::new(views.to_vec());
        stdout.write_all(document::to_string_pretty(&doc).as_bytes())?;
        return Ok(());
    }
    if views.is_empty() {
        return Ok(());
    }
    let wide = format == TextOrJsonOrWide::Wide;
    let kube = views.iter().any(|v| v.kubernetes.is_some());
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    out.fit(&mut table);
    let mut header = vec![
        "JOBID",
        "NAME",
        "STATE",
        "TIME/LIMIT",
        "NODES",
        "NODELIST(REASON)",
    ];
    if kube {
        header.extend(["PYTORCHJOB", "PODS"]);
    }
    if wide {
        header.extend(["PARTITION", "USER", "EXIT", "SOURCE"]);
    }
    table.set_header(header);
    for v in views {
        let time = format!(
            "{}/{}",
            v.elapsed.as_deref().unwrap_or("-"),
            v.time_limit.as_deref().unwrap_or("-")
        );
        let where_ = match (&v.reason, &v.nodelist) {
            (Some(r), _) if v.state == "PENDING" => format!("({r})"),
            (_, Some(n)) if !n.is_empty() && n != "None assigned" => n.clone(),
            (Some(r), _) => format!("({r})"),
            _ => String::new(),
        };
        let mut row = vec![
            v.job_id.clone(),
            v.name.clone(),
            v.state.clone(),
            time,
            v.nodes.map_or_else(|| "-".into(), |n| n.to_string()),
            where_,
        ];
        if kube {
            let k = v.kubernetes.as_ref();
            let cond = k
                .map(|k| {
                    if k["pytorchjob"].is_null() && k["trainjob"].is_null() {
                        "-".to_string()
                    } else {
                        k["condition"].as_str().unwrap_or("Created").to_string()
                    }
                })
                .unwrap_or_default();
            let pods = k
                .map(|k| {
                    format!(
                        "{}/{}",
                        k["podsReady"].as_u64().unwrap_or(0),
                        k["podsTotal"].as_u64().unwrap_or(0)
                    )
                })
                .unwrap_or_default();
            row.extend([cond, pods]);
        }
        if wide {
            row.extend([
                v.partition.clone().unwrap_or_default(),
                v.user.clone().unwrap_or_default(),
                v.exit_code.clone().unwrap_or_default(),
                format!("{:?}", v.source).to_lowercase(),
            ]);
        }
        table.add_row(row);
    }
    writeln!(stdout, "{}", super::table_text(&table))?;
    // Pending jobs: say why in plain words, one line per cause; never invent a remedy.
    let causes = jobwatch::pending_by_cause(views);
    if !causes.is_empty() {
        writeln!(stdout, "\n{}", causes.join("\n"))?;
    }
    // The Kubernetes side: the operator's conditions, pods the scheduler cannot place.
    let details: Vec<String> = views
        .iter()
        .filter_map(|v| {
            let k = serde_json::from_value(v.kubernetes.clone()?).ok()?;
            Some(crate::kube::state::detail_lines(&v.job_id, &k))
        })
        .flatten()
        .collect();
    if !details.is_empty() {
        writeln!(stdout, "\n{}", details.join("\n"))?;
    }
    Ok(())
}

/// Fill in the Kubernetes side of each job (PyTorchJob condition, pods ready/total) when a
/// kubeconfig is available: two list calls per namespace. Without a kubeconfig the columns
/// are left out; when the API server cannot be reached, a warning says so.
fn add_kubernetes(
    ctx: &Context,
    kube: &crate::cli::KubeArgs,
    records: Option<&Records>,
    views: &mut [JobView],
) {
    let out = ctx.out;
    let targets = jobs::kube_targets(
        views.iter().map(|v| v.job_id.as_str()),
        records,
        kube.namespace.as_deref(),
    );
    if targets.is_empty() {
        return;
    }
    let spec_context = views.iter().find_map(|v| {
        records
            .and_then(|r| r.spec(&v.job_id))
            .and_then(|s| s.kubernetes.context)
    });
    let conn = super::connection(kube, spec_context);
    let (Ok(runtime), Ok(settings)) = (ctx.runtime(), ctx.settings()) else {
        return;
    };
    let result = runtime.block_on(async {
        let client = match crate::kube::client::from_settings(&conn, settings).await {
            Ok(c) => c,
            Err(crate::kube::client::ConnectError::Missing { .. }) => return Ok(BTreeMap::new()),
            Err(e) => return Err(e.to_string()),
        };
        let mut all = BTreeMap::new();
        for (ns, ids) in &targets {
            let found = tokio::time::timeout(
                std::time::Duration::from_secs(15),
                crate::kube::state::summarize(&client, ns, ids),
            )
            .await
            .map_err(|_| {
                format!("listing the jobs (PyTorchJobs, TrainJobs) in namespace `{ns}` timed out")
            })?
            .map_err(|e| {
                format!("listing the jobs (PyTorchJobs, TrainJobs) in namespace `{ns}`: {e}")
            })?;
            for id in ids {
                let summary = found.get(id.as_str()).cloned().unwrap_or_else(|| {
                    crate::kube::state::KubeSummary {
                        namespace: ns.clone(),
                        ..Default::default()
                    }
                });
                all.insert(id.to_string(), summary);
            }
        }
        Ok(all)
    });
    match result {
        Ok(all) => {
            for v in views.iter_mut() {
                if let Some(s) = all.get(&v.job_id) {
                    v.kubernetes = serde_json::to_value(s).ok();
                }
            }
        }
        Err(e) => out.warn(&format!("the Kubernetes side is not shown: {e}"), None),
    }
}
