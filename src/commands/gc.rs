//! `hybridctl gc` (being written; see issue 4).

use anyhow::Result;

use super::Output;
use crate::error::{ExitStatus, UserError};
use crate::settings::Env;

pub fn run(_args: crate::cli::GcArgs, _env: Env, _out: &Output) -> Result<ExitStatus> {
    Err(UserError::environment(
        "`hybridctl gc` is not built yet",
        "see the project's open issue on the Kubernetes side",
    )
    .into())
}
