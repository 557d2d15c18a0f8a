//! One thin file per subcommand: resolve settings, call the core, print.

mod cancel;
mod completions;
mod describe;
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

use std::cell::OnceCell;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command};
use crate::diag::Severity;
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::jobspec::load::{LoadedSpec, Overrides};
use crate::settings::{Env, Settings};

pub fn run(cli: Cli, env: Env) -> Result<ExitStatus> {
    let out = Printer::new(cli.global.color, cli.global.quiet);
    run_with(cli, env, &out)
}

/// Run a command with the printer `main` made (it prints the error report through it too).
pub fn run_with(cli: Cli, env: Env, out: &Printer) -> Result<ExitStatus> {
    let ctx = Context::new(env, out);
    let ctx = &ctx;
    match cli.command {
        Command::Render(args) => render::run(args, ctx),
        Command::Validate(args) => validate::run(args, ctx),
        Command::Submit(args) => submit::run(args, ctx),
        Command::Status(args) => status::run(args, ctx),
        Command::Describe(args) => describe::run(args, ctx),
        Command::Cancel(args) => cancel::run(args, ctx),
        Command::Quota(args) => quota::run(args, ctx),
        Command::NcclCheck(args) => nccl_check::run(args, ctx),
        Command::FabricCheck(args) => fabric_check::run(args, ctx),
        Command::Hook(args) => hook::run(args, ctx),
        Command::Gc(args) => gc::run(args, ctx),
        Command::Rbac(args) => rbac::run(args, ctx),
        Command::Doctor(args) => doctor::run(args, ctx),
        Command::Launch(args) => launch::run(args, ctx),
        Command::Logs(args) => logs::run(args, ctx),
        Command::Hostlist(args) => hostlist::run(args, ctx),
        Command::Completions(args) => completions::run(args, ctx),
        Command::Man(args) => man::run(args, ctx),
        Command::Schema(args) => schema::run(args, ctx),
        Command::Version(args) => version::run(args, ctx),
    }
}

/// What every command gets, built once: the captured environment, the printer, and what is
/// made on first use only: the layered settings, the async runtime and the Kubernetes
/// connection. A command that needs no cluster (render, validate, hostlist, nccl-check, man,
/// completions, schema, version) so starts no runtime, reads no kubeconfig and sets up no TLS.
pub struct Context<'p> {
    pub env: Env,
    pub out: &'p Printer,
    settings: OnceCell<Settings>,
    runtime: OnceCell<tokio::runtime::Runtime>,
}

impl<'p> Context<'p> {
    pub fn new(env: Env, out: &'p Printer) -> Self {
        Self {
            env,
            out,
            settings: OnceCell::new(),
            runtime: OnceCell::new(),
        }
    }

    /// The site and user config, read on first use (or why they could not be read).
    pub fn settings(&self) -> Result<&Settings> {
        if let Some(s) = self.settings.get() {
            return Ok(s);
        }
        let loaded = load_settings(self.env.clone())?;
        Ok(self.settings.get_or_init(|| loaded))
    }

    /// A single-threaded async runtime for the command's Kubernetes calls, started on first use.
    pub fn runtime(&self) -> Result<&tokio::runtime::Runtime> {
        if let Some(r) = self.runtime.get() {
            return Ok(r);
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("could not start the async runtime")?;
        Ok(self.runtime.get_or_init(|| rt))
    }
}

/// Where `--kubeconfig` and `--context` point, with a context to fall back on (the spec's,
/// or the user config's) when the flag is not given: the one place a connection is built.
pub fn connection(
    kube: &crate::cli::KubeArgs,
    default_context: Option<String>,
) -> crate::kube::client::Connection {
    crate::kube::client::Connection {
        kubeconfig: kube.kubeconfig.clone(),
        context: kube.context.clone().or(default_context),
    }
}

/// The training namespace of a job: `-n`, else its spec's (from the job record), else the
/// site's default.
pub fn job_namespace(
    kube: &crate::cli::KubeArgs,
    spec: Option<&crate::jobspec::Spec>,
    settings: &Settings,
) -> String {
    kube.namespace
        .clone()
        .or_else(|| spec.map(|s| s.kubernetes.namespace.clone()))
        .unwrap_or_else(|| settings.default_namespace())
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
        one::<describe::Description>(),
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
            env: self.env.clone(),
        }
    }
}

pub use crate::output::{Printer, table_text};

/// A Slurm error as the user sees it: the sentence and the next step.
pub fn slurm_error(e: crate::slurm::SlurmError) -> anyhow::Error {
    anyhow::Error::new(UserError::advised(&e))
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
