//! `hybridctl rbac`: print the least-privilege RBAC of the Slurm-side identity.

use std::io::Write;

use anyhow::Result;

use super::Printer;
use crate::cli::RbacArgs;
use crate::error::{ExitStatus, UserError};
use crate::kube::rbac::{Subject, manifest};
use crate::settings::Env;

pub fn run(args: RbacArgs, _env: Env, out: &Printer) -> Result<ExitStatus> {
    // clap makes the three flags exclusive.
    let subject = match (args.service_account, args.user, args.group) {
        (Some(sa), _, _) => Subject::ServiceAccount(sa),
        (_, Some(user), _) => Subject::User(user),
        (_, _, Some(group)) => Subject::Group(group),
        _ => Subject::default(),
    };
    let text = manifest(&args.namespace, &subject)
        .map_err(|e| UserError::invalid(e.to_string(), e.hint()))?;
    let mut stdout = out.out();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(ExitStatus::Success)
}
