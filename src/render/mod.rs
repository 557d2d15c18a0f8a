//! Rendering the plan into the two artifacts with minijinja templates.
//!
//! Templates live in `templates/` (embedded into the binary) and can be overridden per file
//! by a site's template directory. They only substitute and loop over plan values. The batch
//! script template has no auto-escaping, so it must use the `shquote`/`sbatch_value`/
//! `heredoc_line` filters (see `quote`); the manifest template writes every value as JSON,
//! which is valid YAML, and its output is parsed back and checked against the typed
//! PyTorchJob before anyone sees it.

pub mod quote;

use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use thiserror::Error;

use crate::k8s::pytorchjob::PyTorchJob;
use crate::k8s::trainjob::TrainJob;
use crate::k8s::workload::Backend;
use crate::plan::Plan;

pub const SBATCH_TEMPLATE: &str = "sbatch.sh.j2";
pub const PYTORCHJOB_TEMPLATE: &str = "pytorchjob.yaml.j2";
pub const TRAINJOB_TEMPLATE: &str = "trainjob.yaml.j2";

const BUILTIN: &[(&str, &str)] = &[
    (
        SBATCH_TEMPLATE,
        include_str!("../../templates/sbatch.sh.j2"),
    ),
    (
        PYTORCHJOB_TEMPLATE,
        include_str!("../../templates/pytorchjob.yaml.j2"),
    ),
    (
        TRAINJOB_TEMPLATE,
        include_str!("../../templates/trainjob.yaml.j2"),
    ),
];

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("could not read template `{}`", path.display())]
    ReadTemplate {
        path: PathBuf,
        #[source]
        source: crate::bounded::ReadError,
    },
    #[error("template `{name}` is invalid: {message}")]
    Template { name: String, message: String },
    #[error("template `{name}` failed to render: {message}")]
    Render { name: String, message: String },
    #[error("template `{name}` produced a manifest that is not valid YAML: {message}")]
    ManifestYaml { name: String, message: String },
    #[error("template `{name}` produced a manifest that is not a valid {kind}: {message}")]
    ManifestShape {
        name: String,
        kind: &'static str,
        message: String,
    },
}

/// The rendered PyTorchJob: the document as rendered (for output) and its typed form.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub value: serde_json::Value,
    pub typed: PyTorchJob,
}

/// The rendered job for one backend: the document as rendered and checked against that
/// backend's types (what `launch` creates).
#[derive(Debug, Clone)]
pub struct Workload {
    pub backend: Backend,
    pub value: serde_json::Value,
}

pub struct Renderer {
    env: Environment<'static>,
    /// Where each template came from (`builtin` or a path), for messages.
    pub sources: Vec<(String, String)>,
}

fn filter_error(message: String) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, message)
}

impl Renderer {
    /// Templates from `override_dir` (only the files that exist there) or the built-in ones.
    pub fn new(override_dir: Option<&Path>) -> Result<Self, RenderError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".yaml.j2") {
                AutoEscape::Json
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if *state.auto_escape() == AutoEscape::Json && !value.is_safe() {
                let json = serde_json::to_string(value).map_err(|e| {
                    minijinja::Error::new(
                        ErrorKind::BadSerialization,
                        "cannot write a value as JSON",
                    )
                    .with_source(e)
                })?;
                out.write_str(&quote::yaml_safe_json(&json))
                    .map_err(minijinja::Error::from)
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        env.add_filter("shquote", |value: minijinja::Value| {
            let text = value.to_string();
            quote::shell_quote(&text)
                .map(|q| q.into_owned())
                .map_err(filter_error)
        });
        env.add_filter("sbatch_value", |value: minijinja::Value| {
            let text = value.to_string();
            quote::sbatch_value(&text)
                .map(str::to_string)
                .map_err(filter_error)
        });
        env.add_filter(
            "heredoc_line",
            |value: minijinja::Value, terminator: String| {
                let text = value.to_string();
                quote::heredoc_line(&text, &terminator)
                    .map(str::to_string)
                    .map_err(filter_error)
            },
        );
        let mut sources = Vec::new();
        let mut texts: Vec<(String, String)> = Vec::new();
        for (name, builtin) in BUILTIN {
            let custom = override_dir.map(|d| d.join(name)).filter(|p| p.is_file());
            let (source, origin) = match custom {
                Some(path) => {
                    let text = crate::bounded::read_string(&path, crate::bounded::TEMPLATE)
                        .map_err(|source| RenderError::ReadTemplate {
                            path: path.clone(),
                            source,
                        })?;
                    (text, path.display().to_string())
                }
                None => ((*builtin).to_string(), "builtin".to_string()),
            };
            texts.push(((*name).to_string(), source));
            sources.push(((*name).to_string(), origin));
        }
        // Templates are compiled when first used: `submit` never pays for the manifest's.
        env.set_loader(move |name| {
            Ok(texts
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, text)| text.clone()))
        });
        Ok(Self { env, sources })
    }

    fn origin(&self, name: &str) -> String {
        self.sources
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| {
                if o == "builtin" {
                    name.to_string()
                } else {
                    o.clone()
                }
            })
            .unwrap_or_else(|| name.to_string())
    }

    fn render(&self, name: &str, plan: &Plan) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| RenderError::Template {
                name: self.origin(name),
                message: describe(&e),
            })?;
        template
            .render(minijinja::Value::from(Serde(plan)))
            .map_err(|e| RenderError::Render {
                name: self.origin(name),
                message: describe(&e),
            })
    }

    /// The batch script.
    pub fn sbatch(&self, plan: &Plan) -> Result<String, RenderError> {
        let mut text = self.render(SBATCH_TEMPLATE, plan)?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }

    /// The PyTorchJob, parsed and checked.
    pub fn pytorchjob(&self, plan: &Plan) -> Result<Manifest, RenderError> {
        let (value, typed) =
            self.checked::<PyTorchJob>(PYTORCHJOB_TEMPLATE, "kubeflow.org/v1 PyTorchJob", plan)?;
        Ok(Manifest { value, typed })
    }

    /// The TrainJob, parsed and checked.
    pub fn trainjob(&self, plan: &Plan) -> Result<(serde_json::Value, TrainJob), RenderError> {
        self.checked::<TrainJob>(
            TRAINJOB_TEMPLATE,
            "trainer.kubeflow.org/v1alpha1 TrainJob",
            plan,
        )
    }

    /// The job for `backend`.
    pub fn workload(&self, plan: &Plan, backend: Backend) -> Result<Workload, RenderError> {
        let value = match backend {
            Backend::PyTorchJob => self.pytorchjob(plan)?.value,
            Backend::TrainJob => self.trainjob(plan)?.0,
        };
        Ok(Workload { backend, value })
    }

    /// Render `name`, parse it and hold it to the typed form `T` strictly.
    fn checked<T: serde::de::DeserializeOwned + Serialize>(
        &self,
        name: &str,
        kind: &'static str,
        plan: &Plan,
    ) -> Result<(serde_json::Value, T), RenderError> {
        let text = self.render(name, plan)?;
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).map_err(|e| RenderError::ManifestYaml {
                name: self.origin(name),
                message: e.to_string(),
            })?;
        let shape = |message: String| RenderError::ManifestShape {
            name: self.origin(name),
            kind,
            message,
        };
        let typed: T = serde_json::from_value(value.clone()).map_err(|e| shape(e.to_string()))?;
        // Strict: every field of the rendered document must survive the typed round trip (a
        // misspelt or misplaced field would otherwise be dropped without a word).
        let back = serde_json::to_value(&typed).map_err(|e| shape(e.to_string()))?;
        if let Some(path) = first_dropped(&value, &back, String::new()) {
            return Err(shape(format!("`{path}` is not a field of a {kind}")));
        }
        Ok((value, typed))
    }
}

/// The first field of `rendered` that is missing from `typed` (its typed round trip), as a
/// dotted path. A `null` counts as absent: the types leave out what is not set.
fn first_dropped(
    rendered: &serde_json::Value,
    typed: &serde_json::Value,
    path: String,
) -> Option<String> {
    use serde_json::Value;
    match (rendered, typed) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match b.get(k) {
                Some(w) => first_dropped(v, w, here),
                None if v.is_null() => None,
                None => Some(here),
            }
        }),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| first_dropped(v, w, format!("{path}[{i}]"))),
        _ => None,
    }
}

fn describe(e: &minijinja::Error) -> String {
    let mut msg = match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    };
    if let Some(line) = e.line() {
        msg.push_str(&format!(" (line {line})"));
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    msg
}

/// The manifest as YAML with a provenance header.
pub fn manifest_yaml(plan: &Plan, manifest: &serde_json::Value) -> Result<String, String> {
    let body = serde_saphyr::to_string(manifest).map_err(|e| e.to_string())?;
    Ok(format!(
        "# Generated by hybridctl {} from {} for Slurm job {}.\n{body}",
        plan.version, plan.spec_path, plan.job_id
    ))
}

/// The artifacts, as `render -o json` prints them (both, or the one `--only` names).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rendered<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sbatch: Option<&'a str>,
    /// The Kubeflow manifest, as the API server would take it (`kubernetes.api`
    /// `pytorchjob` or `auto`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pytorchjob: Option<&'a serde_json::Value>,
    /// The Kubeflow Trainer v2 manifest (`kubernetes.api: trainjob`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trainjob: Option<&'a serde_json::Value>,
    pub job_id: &'a str,
    pub nodes: &'a [String],
    pub gpus_per_node: u32,
}

impl crate::document::Document for Rendered<'_> {
    const KIND: &'static str = "Rendered";
}
