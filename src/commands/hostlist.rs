//! `hybridctl hostlist expand|compress`

use std::io::Write;

use anyhow::Result;

use crate::cli::{HostlistAction, HostlistArgs};
use crate::error::{ExitStatus, UserError};

pub fn run(args: HostlistArgs) -> Result<ExitStatus> {
    let mut stdout = std::io::stdout().lock();
    let invalid = |list: &str, e: crate::hostlist::HostlistError| {
        UserError::invalid(
            format!(
                "`{}` is not a valid Slurm hostlist: {e}",
                crate::diag::excerpt(list)
            ),
            "e.g. `gpu[001-004,010],cpu1`",
        )
    };
    match args.action {
        HostlistAction::Expand { list } => {
            for host in crate::hostlist::expand(&list).map_err(|e| invalid(&list, e))? {
                writeln!(stdout, "{host}")?;
            }
        }
        HostlistAction::Compress { hosts } => {
            let mut all = Vec::new();
            for h in &hosts {
                all.extend(crate::hostlist::expand(h).map_err(|e| invalid(h, e))?);
            }
            writeln!(stdout, "{}", crate::hostlist::compress(&all))?;
        }
    }
    Ok(ExitStatus::Success)
}
