//! hybridctl: one job spec, an sbatch script and a Kubeflow PyTorchJob that agree.
//!
//! The core (spec, plan, render, hostlist, parsers) is pure; the edges are `settings` (the
//! environment and config files, read once) and the command files.

pub mod bounded;
pub mod check;
pub mod cli;
pub mod commands;
pub mod decode;
pub mod diag;
pub mod document;
pub mod error;
pub mod excerpt;
pub mod fabric;
pub mod gpfs;
pub mod hostlist;
pub mod input;
pub mod jobid;
pub mod jobs;
pub mod jobspec;
pub mod jobwatch;
pub mod k8s;
pub mod kube;
pub mod nccl;
pub mod nodenames;
pub mod output;
pub mod plan;
pub mod preflight;
pub mod process;
pub mod quota;
pub mod records;
pub mod render;
pub mod settings;
pub mod slurm;
pub mod style;
pub mod timeline;
pub mod yaml;

/// The `apiVersion` of every document hybridctl prints (and of the job spec).
pub const API_VERSION: &str = "hybridctl.io/v1alpha1";

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::error::ExitStatus;

/// Parse arguments, run the command, print any error once, and return the exit code.
pub fn main_with_args<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let env = settings::Env::capture();
    let printer = output::Printer::new(cli.global.color, cli.global.quiet);
    match commands::run_with(cli, env, &printer) {
        Ok(status) => status.code(),
        // A write that bypassed the printer found stdout closed: the reader went away.
        Err(err) if error::is_broken_pipe(&err) => 0,
        Err(err) => {
            let (text, status) = error::report(&err, advice_of);
            let _ = printer.out().flush();
            printer.error_report(&text);
            if status == ExitStatus::Success {
                2
            } else {
                status.code()
            }
        }
    }
}

/// The [`error::Advice`] of a typed cause in an error chain: the one place that knows which
/// error types carry one (their own modules say what they mean).
pub fn advice_of<'a>(c: &'a (dyn std::error::Error + 'static)) -> Option<&'a dyn error::Advice> {
    if let Some(e) = c.downcast_ref::<process::ProcessError>() {
        Some(e)
    } else if let Some(e) = c.downcast_ref::<slurm::SlurmError>() {
        Some(e)
    } else if let Some(e) = c.downcast_ref::<kube::hooks::HookError>() {
        Some(e)
    } else if let Some(e) = c.downcast_ref::<::kube::Error>() {
        Some(e)
    } else {
        None
    }
}
