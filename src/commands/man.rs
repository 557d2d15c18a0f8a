//! `hybridctl man --dir DIR`: one man page per command, from the clap definitions.

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::Printer;
use crate::cli::{Cli, ManArgs};
use crate::error::ExitStatus;

/// Every man page as (file name, roff text).
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let root = Cli::command();
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(root.clone()).render(&mut buf)?;
    pages.push(("hybridctl.1".to_string(), buf));
    for sub in root.get_subcommands() {
        let name = format!("hybridctl-{}", sub.get_name());
        let cmd = sub.clone().name(name.clone()).display_name(name.clone());
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut buf)?;
        pages.push((format!("{name}.1"), buf));
    }
    Ok(pages)
}

pub fn run(args: ManArgs, out: &Printer) -> Result<ExitStatus> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("could not create `{}`", args.dir.display()))?;
    for (name, text) in pages()? {
        let path = args.dir.join(&name);
        std::fs::write(&path, text)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        out.note(&format!("wrote {}", path.display()));
    }
    Ok(ExitStatus::Success)
}
