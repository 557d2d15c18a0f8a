//! `hybridctl completions SHELL`

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use clap_complete::Shell as CShell;

use super::Context;
use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::error::ExitStatus;

pub fn run(args: CompletionsArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let shell = match args.shell {
        Shell::Bash => CShell::Bash,
        Shell::Zsh => CShell::Zsh,
        Shell::Fish => CShell::Fish,
        Shell::Elvish => CShell::Elvish,
        Shell::Powershell => CShell::PowerShell,
    };
    let mut cmd = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("could not create `{}`", dir.display()))?;
            let path = clap_complete::generate_to(shell, &mut cmd, "hybridctl", &dir)
                .with_context(|| format!("could not write completions into `{}`", dir.display()))?;
            out.note(&format!("wrote {}", path.display()));
        }
        // Generated into memory first: clap_complete panics when its writer fails, and a
        // closed pipe (`completions bash | head -1`) is not a failure.
        None => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "hybridctl", &mut buf);
            std::io::Write::write_all(&mut out.out(), &buf)?;
        }
    }
    Ok(ExitStatus::Success)
}
