//! `hybridctl rbac`: print the least-privilege RBAC of the Slurm-side identity.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::cli::{RbacArgs, YamlOrJson};
use crate::error::Advice;
use crate::error::{ExitStatus, UserError};
use crate::jobspec::KubeApi;
use crate::k8s::workload::Backend;
use crate::kube::rbac::{Subject, manifest, objects};

pub fn run(args: RbacArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    // clap makes the three flags exclusive.
    let subject = match (args.service_account, args.user, args.group) {
        (Some(sa), _, _) => Subject::ServiceAccount(sa),
        (_, Some(user), _) => Subject::User(user),
        (_, _, Some(group)) => Subject::Group(group),
        _ => Subject::default(),
    };
    // `--api`: the backend the site runs; `auto` grants what either needs.
    let backends = match KubeApi::from_name(&args.api).unwrap_or_default() {
        KubeApi::Auto => Backend::ALL.to_vec(),
        one => vec![crate::k8s::workload::offline(one)],
    };
    let text = match args.output {
        YamlOrJson::Yaml => manifest(&args.namespace, &subject, &backends)
            .map_err(|e| UserError::invalid(e.to_string(), e.hint()))?,
        // A Kubernetes List, which `kubectl apply -f -` takes as it is.
        YamlOrJson::Json => {
            let items = objects(&args.namespace, &subject, &backends)
                .map_err(|e| UserError::invalid(e.to_string(), e.hint()))?;
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
            format!("{}\n", serde_json::to_string_pretty(&list)?)
        }
    };
    let mut stdout = out.out();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(ExitStatus::Success)
}
