//! `hybridctl describe JOB`: one timeline from Slurm, the job record and Kubernetes (built by
//! [`crate::timeline`]), then the NCCL verdict of the batch output.

use std::io::Write;

use anyhow::Result;
use comfy_table::{Table, presets};
use serde::Serialize;

use super::{Context, Printer, slurm_error};
use crate::cli::{DescribeArgs, TextOrJson};
use crate::error::ExitStatus;
use crate::jobid::{JobId, JobIds};
use crate::records::Records;
use crate::slurm::Slurm;
use crate::timeline::{self, Entry};

/// What `describe -o json` prints.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Description {
    pub job_id: String,
    pub name: Option<String>,
    /// Slurm's state now (`UNKNOWN` when only the record knows the job).
    pub state: String,
    /// The timeline, sorted by time (entries without a time last).
    pub items: Vec<Entry>,
    /// The NCCL report of the batch output, when it has NCCL lines.
    pub nccl: Option<crate::nccl::Report>,
    /// What could not be read, in one line each (Kubernetes unreachable, events forbidden,
    /// no batch output).
    pub notes: Vec<String>,
}

impl crate::document::Document for Description {
    const KIND: &'static str = "JobTimeline";
}

pub fn run(args: DescribeArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let settings = ctx.settings()?;
    let records = Records::from_env(&settings.env);
    let resolved = crate::jobs::resolve(records.as_ref(), std::slice::from_ref(&args.job))?;
    let Some(id) = resolved.ids.first().cloned() else {
        return Err(crate::jobs::unknown_jobs(&resolved.unknown));
    };
    let record = resolved.records.into_iter().next();
    let spec = records.as_ref().and_then(|r| r.spec(id.as_str()));
    let slurm = Slurm::from_settings(settings);
    let tz = jiff::tz::TimeZone::system();
    let mut items = Vec::new();
    let mut notes = Vec::new();
    let mut name = record.as_ref().map(|r| r.name.clone());
    if let Some(r) = &record {
        items.push(timeline::record_entry(r));
    }
    // Slurm: the controller's record while it keeps the job (MinJobAge), else accounting.
    let shown = slurm.show_job(&id).map_err(slurm_error)?;
    let mut output_file = None;
    let state = match &shown {
        Some(job) => {
            items.extend(timeline::slurm_entries(job, &tz));
            name = name.or_else(|| job.name().map(str::to_string));
            output_file = job.get("StdOut").map(std::path::PathBuf::from);
            job.state()
                .map_or_else(|_| "UNKNOWN".into(), |s| s.as_str().to_string())
        }
        None => {
            let ids = JobIds::one(id.clone());
            let view = slurm
                .accounting(&ids)
                .map_err(slurm_error)?
                .and_then(|v| v.into_iter().next());
            match view {
                Some(v) => {
                    notes.push(format!(
                        "the Slurm controller no longer keeps job {id}; accounting gives no times here"
                    ));
                    items.push(timeline::accounting_entry(&v));
                    v.state
                }
                None if record.is_some() => {
                    notes.push(format!(
                        "Slurm no longer knows job {id} (it left the queue; no accounting record)"
                    ));
                    "UNKNOWN".into()
                }
                None => return Err(crate::jobs::unknown_jobs(&[id.to_string()])),
            }
        }
    };
    // Kubernetes.
    let namespace = super::job_namespace(&args.kube, spec.as_ref(), settings);
    let context = spec.as_ref().and_then(|s| s.kubernetes.context.clone());
    let conn = super::connection(&args.kube, context);
    match JobId::parse_plain(id.as_str()) {
        Ok(plain) => {
            let fallback = name.as_ref().map(|n| format!("{n}-{plain}"));
            kubernetes(
                ctx,
                &conn,
                &namespace,
                &plain,
                fallback.as_deref(),
                &mut items,
                &mut notes,
            )?;
        }
        Err(_) => notes.push(format!(
            "job {id} is an array task: its Kubernetes objects are not labelled with it"
        )),
    }
    // NCCL: the batch output, where `launch` streams every pod's log.
    let output_file = output_file.or_else(|| {
        record
            .as_ref()
            .map(|r| r.output_path(settings.env.get("USER")))
    });
    let nccl = match &output_file {
        Some(path) => nccl_of(
            path,
            spec.as_ref(),
            crate::slurm::parse::JobState::finished_text(&state) == Some(true),
            &mut notes,
        ),
        None => None,
    };
    let doc = Description {
        job_id: id.to_string(),
        name,
        state,
        items: timeline::sorted(items),
        nccl,
        notes,
    };
    print(&doc, args.output, out)?;
    Ok(ExitStatus::Success)
}

/// The Kubernetes side: unreachable or forbidden is a note, not a failure (Slurm's side is
/// still worth showing). No kubeconfig at all: nothing to say.
fn kubernetes(
    ctx: &Context,
    conn: &crate::kube::client::Connection,
    namespace: &str,
    id: &JobId,
    fallback_name: Option<&str>,
    items: &mut Vec<Entry>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let runtime = ctx.runtime()?;
    let settings = ctx.settings()?;
    let found = runtime.block_on(async {
        let client = match crate::kube::client::from_settings(conn, settings).await {
            Ok(c) => c,
            Err(crate::kube::client::ConnectError::Missing { .. }) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        tokio::time::timeout(
            std::time::Duration::from_secs(20),
            crate::kube::state::job_objects(&client, namespace, id, fallback_name),
        )
        .await
        .map_err(|_| format!("reading namespace `{namespace}` timed out"))?
        .map(Some)
        .map_err(|e| crate::kube::client::brief(&e))
    });
    match found {
        Ok(None) => notes.push("no kubeconfig: the Kubernetes side is not shown".into()),
        Ok(Some(objects)) => {
            if objects.job.is_none() && objects.pods.is_empty() {
                notes.push(format!(
                    "nothing of job {id} in namespace `{namespace}` (not launched yet, or deleted when it ended)"
                ));
            }
            let events = match objects.events {
                Ok(e) => e,
                Err(e) => {
                    notes.push(format!(
                        "Kubernetes events are not shown: {}",
                        crate::kube::client::brief(&e)
                    ));
                    Vec::new()
                }
            };
            items.extend(timeline::kube_entries(
                objects.job.as_ref(),
                &objects.pods,
                &events,
            ));
        }
        Err(e) => notes.push(format!("the Kubernetes side is not shown: {e}")),
    }
    Ok(())
}

/// The NCCL report of the batch output, when it exists and has NCCL lines.
fn nccl_of(
    path: &std::path::Path,
    spec: Option<&crate::jobspec::Spec>,
    ended: bool,
    notes: &mut Vec<String>,
) -> Option<crate::nccl::Report> {
    if !path.is_file() {
        notes.push(format!(
            "no batch output at `{}`: no NCCL verdict",
            path.display()
        ));
        return None;
    }
    let expect = spec
        .map(crate::jobspec::Spec::nccl_expectation)
        .unwrap_or_default();
    match crate::nccl::scan::report_of_file(path, expect, ended) {
        Ok(Some(report)) => Some(report),
        Ok(None) => {
            notes.push(format!(
                "`{}` has no NCCL line (NCCL_DEBUG=INFO writes them): no NCCL verdict",
                path.display()
            ));
            None
        }
        Err(e) => {
            notes.push(format!("cannot read `{}`: {e}", path.display()));
            None
        }
    }
}

fn print(doc: &Description, format: TextOrJson, out: &Printer) -> Result<()> {
    let mut stdout = out.out();
    if format == TextOrJson::Json {
        stdout.write_all(crate::document::to_string_pretty(doc).as_bytes())?;
        return Ok(());
    }
    writeln!(
        stdout,
        "job {}{}: {}\n",
        doc.job_id,
        doc.name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        doc.state
    )?;
    let color = out.out_color();
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    out.fit(&mut table);
    table.set_header(["TIME", "FROM", "OBJECT", "WHAT"]);
    for e in &doc.items {
        let what = if e.warning {
            crate::output::paint(color, crate::output::styles::WARNING, &e.what)
        } else {
            e.what.clone()
        };
        table.add_row([
            e.time.clone().unwrap_or_else(|| "-".into()),
            e.component.clone(),
            e.object.clone(),
            what,
        ]);
    }
    writeln!(stdout, "{}", super::table_text(&table))?;
    if let Some(report) = &doc.nccl {
        writeln!(stdout, "\nNCCL ({:?}):", report.outcome)?;
        write!(stdout, "{}", report.summary_table(color))?;
    }
    drop(stdout);
    for n in &doc.notes {
        out.note(&format!("note: {n}"));
    }
    Ok(())
}
