//! One thin file per subcommand: resolve settings, call the core, print.

mod cancel;
mod completions;
mod doctor;
mod fabric_check;
mod gc;
mod hook;
mod hostlist;
mod launch;
mod logs;
mod man;
mod nccl_check;
mod quota;
mod rbac;
mod render;
mod status;
mod submit;
mod validate;

use std::io::{IsTerminal, Write};

use anyhow::Result;

use crate::cli::{Cli, ColorChoice, Command};
use crate::diag::{Diagnostic, Severity};
use crate::error::{ExitStatus, UserError};
use crate::settings::{Env, LoadedSpec, Overrides, Settings};

pub fn run(cli: Cli, env: Env) -> Result<ExitStatus> {
    let color = match cli.global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            env.get("NO_COLOR").is_none()
                && env.get("TERM") != Some("dumb")
                && std::io::stderr().is_terminal()
        }
    };
    let out = Output { color };
    match cli.command {
        Command::Render(args) => render::run(args, env, &out),
        Command::Validate(args) => validate::run(args, env, &out),
        Command::Submit(args) => submit::run(args, env, &out),
        Command::Status(args) => status::run(args, env, &out),
        Command::Cancel(args) => cancel::run(args, env, &out),
        Command::Quota(args) => quota::run(args, env, &out),
        Command::NcclCheck(args) => nccl_check::run(args, env, &out),
        Command::FabricCheck(args) => fabric_check::run(args, env, &out),
        Command::Hook(args) => hook::run(args, env, &out),
        Command::Gc(args) => gc::run(args, env, &out),
        Command::Rbac(args) => rbac::run(args, env, &out),
        Command::Doctor(args) => doctor::run(args, env, &out),
        Command::Launch(args) => launch::run(args, env, &out),
        Command::Logs(args) => logs::run(args, env, &out, cli.global.color),
        Command::Hostlist(args) => hostlist::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// How to write messages (colour or not).
/// A single-threaded async runtime for a command's Kubernetes calls.
fn runtime() -> Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")
}

/// The command's Kubernetes client, or an error that says what to check.
async fn kube_client(
    conn: &crate::kube::client::Connection,
    settings: &Settings,
) -> Result<kube::Client> {
    crate::kube::client::from_settings(conn, settings)
        .await
        .map_err(|e| {
            let hint = e.hint();
            anyhow::Error::new(e)
                .context(UserError::environment("cannot connect to Kubernetes", hint))
        })
}

pub struct Output {
    pub color: bool,
}

impl Output {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn diagnostic(&self, d: &Diagnostic) -> String {
        let (label, code) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut s = format!(
            "{}: {}: {}",
            d.file,
            self.paint(code, &format!("{label}[{}]", d.rule)),
            d.message
        );
        if let Some(h) = &d.hint {
            s.push_str(&format!("\n  {} {h}", self.paint("1;36", "hint:")));
        }
        s
    }

    /// Print diagnostics to stderr.
    pub fn diagnostics(&self, diags: &[Diagnostic]) -> std::io::Result<()> {
        let mut err = std::io::stderr().lock();
        for d in diags {
            writeln!(err, "{}", self.diagnostic(d))?;
        }
        Ok(())
    }
}

impl crate::cli::SpecOverrides {
    pub fn to_overrides(&self) -> Overrides {
        let mut fields = Vec::new();
        if let Some(p) = &self.partition {
            fields.push(("slurm.partition", p.clone()));
        }
        if let Some(n) = self.nodes {
            fields.push(("slurm.nodes", n.to_string()));
        }
        if let Some(n) = &self.namespace {
            fields.push(("kubernetes.namespace", n.clone()));
        }
        if let Some(c) = &self.context {
            fields.push(("kubernetes.context", c.clone()));
        }
        Overrides {
            assignments: self.set.clone(),
            fields,
        }
    }
}

/// A table as text, without the trailing blanks comfy-table pads lines with.
pub fn table_text(table: &comfy_table::Table) -> String {
    table
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Slurm error as the user sees it: the sentence and the next step.
pub fn slurm_error(e: crate::slurm::SlurmError) -> anyhow::Error {
    let status = match &e {
        crate::slurm::SlurmError::Refused { .. } => crate::error::ExitStatus::Failure,
        _ => crate::error::ExitStatus::Error,
    };
    let hint = e.hint();
    anyhow::Error::new(UserError {
        message: e.to_string(),
        hint: Some(hint),
        status,
    })
}

/// Load settings, or explain why they could not be read.
pub fn load_settings(env: Env) -> Result<Settings> {
    Settings::load(env).map_err(|e| {
        anyhow::Error::new(e).context(UserError::environment(
            "could not load the hybridctl configuration",
            "fix or remove the file, or point $HYBRIDCTL_SITE_CONFIG / $HYBRIDCTL_CONFIG elsewhere",
        ))
    })
}

/// Print the diagnostics of a loaded spec and return the spec, or fail with exit code 1.
pub fn require_valid(loaded: LoadedSpec, out: &Output) -> Result<crate::spec::Spec> {
    out.diagnostics(&loaded.diagnostics)?;
    match loaded.spec {
        Some(spec) => Ok(spec),
        None => {
            let errors = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            Err(UserError::invalid(
                format!(
                    "`{}` is not a valid job spec ({errors} error{})",
                    loaded.display_path,
                    if errors == 1 { "" } else { "s" }
                ),
                format!(
                    "fix the problems above; `hybridctl validate {}` checks again",
                    loaded.display_path
                ),
            )
            .into())
        }
    }
}
