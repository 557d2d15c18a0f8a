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
mod schema;
mod status;
mod submit;
mod validate;
mod version;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::diag::Severity;
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::settings::{Env, LoadedSpec, Overrides, Settings};

pub fn run(cli: Cli, env: Env) -> Result<ExitStatus> {
    let out = Printer::new(cli.global.color, cli.global.quiet);
    run_with(cli, env, &out)
}

/// Run a command with the printer `main` made (it prints the error report through it too).
pub fn run_with(cli: Cli, env: Env, out: &Printer) -> Result<ExitStatus> {
    match cli.command {
        Command::Render(args) => render::run(args, env, out),
        Command::Validate(args) => validate::run(args, env, out),
        Command::Submit(args) => submit::run(args, env, out),
        Command::Status(args) => status::run(args, env, out),
        Command::Cancel(args) => cancel::run(args, env, out),
        Command::Quota(args) => quota::run(args, env, out),
        Command::NcclCheck(args) => nccl_check::run(args, env, out),
        Command::FabricCheck(args) => fabric_check::run(args, env, out),
        Command::Hook(args) => hook::run(args, env, out),
        Command::Gc(args) => gc::run(args, env, out),
        Command::Rbac(args) => rbac::run(args, env, out),
        Command::Doctor(args) => doctor::run(args, env, out),
        Command::Launch(args) => launch::run(args, env, out),
        Command::Logs(args) => logs::run(args, env, out),
        Command::Hostlist(args) => hostlist::run(args, out),
        Command::Completions(args) => completions::run(args, out),
        Command::Man(args) => man::run(args, out),
        Command::Schema(args) => schema::run(args, out),
        Command::Version(args) => version::run(args, out),
    }
}

/// The man pages' EXAMPLES: (page, what, command).
pub fn man_examples() -> &'static [(&'static str, &'static str, &'static str)] {
    man::EXAMPLES
}

/// The JSON Schema of every document a command prints, by kind (see `crate::document`).
/// Every schema hybridctl ships, by name: the job spec, the config file, and each document.
pub fn schemas() -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = vec![
        ("spec".into(), crate::jobspec::schema::spec_schema()),
        ("config".into(), crate::jobspec::schema::config_schema()),
    ];
    for (kind, schema) in document_schemas() {
        out.push((crate::document::name_of(kind), schema));
    }
    out
}

fn document_schemas() -> Vec<(&'static str, serde_json::Value)> {
    use crate::document::{Document, List, schema_of};
    fn one<T: Document>() -> (&'static str, serde_json::Value) {
        (T::KIND, schema_of::<T>())
    }
    vec![
        one::<crate::render::Rendered<'static>>(),
        one::<List<validate::Report<'static>>>(),
        one::<submit::SubmitReport<'static>>(),
        one::<submit::SubmitPlan>(),
        one::<List<crate::slurm::JobView>>(),
        one::<List<cancel::Outcome>>(),
        one::<gc::GcReport<'static>>(),
        one::<List<quota::Row<'static>>>(),
        one::<doctor::Report>(),
        one::<hostlist::HostlistDoc>(),
        one::<logs::JsonLine<'static>>(),
        one::<version::VersionDoc>(),
        one::<crate::nccl::Report>(),
        one::<crate::fabric::report::Report>(),
        one::<crate::fabric::topology::TopologyReport>(),
    ]
}

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

pub use crate::output::{Printer, table_text};

/// A Slurm error as the user sees it: the sentence and the next step.
pub fn slurm_error(e: crate::slurm::SlurmError) -> anyhow::Error {
    let status = e.status();
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
pub fn require_valid(loaded: LoadedSpec, out: &Printer) -> Result<crate::jobspec::Spec> {
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
