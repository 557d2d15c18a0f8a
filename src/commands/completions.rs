//! `hybridctl completions SHELL`

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell as CShell;

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::error::ExitStatus;

pub fn run(args: CompletionsArgs) -> Result<ExitStatus> {
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
            eprintln!("wrote {}", path.display());
        }
        None => clap_complete::generate(shell, &mut cmd, "hybridctl", &mut std::io::stdout()),
    }
    Ok(ExitStatus::Success)
}
