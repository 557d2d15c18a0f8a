//! `hybridctl version [-o json]`

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::cli::{TextOrJson, VersionArgs};
use crate::error::ExitStatus;

/// What `version -o json` prints.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionDoc {
    /// hybridctl's version, e.g. `0.1.0`.
    pub version: &'static str,
    /// What it was built for: architecture, OS and C library, e.g. `x86_64-linux-gnu`.
    pub target: String,
    /// The TLS implementation talking to the API server: `rustls` or `openssl`.
    pub tls: &'static str,
    /// The spec and document version it reads and writes.
    pub spec_api_version: &'static str,
}

impl crate::document::Document for VersionDoc {
    const KIND: &'static str = "Version";
}

pub fn doc() -> VersionDoc {
    VersionDoc {
        version: env!("CARGO_PKG_VERSION"),
        target: target(),
        tls: if cfg!(feature = "rustls") {
            "rustls"
        } else {
            "openssl"
        },
        spec_api_version: crate::API_VERSION,
    }
}

fn target() -> String {
    let libc = if cfg!(target_env = "musl") {
        "-musl"
    } else if cfg!(target_env = "gnu") {
        "-gnu"
    } else {
        ""
    };
    format!("{}-{}{libc}", std::env::consts::ARCH, std::env::consts::OS)
}

pub fn run(args: VersionArgs, ctx: &Context) -> Result<ExitStatus> {
    let out = ctx.out;
    let d = doc();
    match args.output {
        TextOrJson::Text => out.line(&format!("hybridctl {}", d.version))?,
        TextOrJson::Json => out.print(&crate::document::to_string_pretty(&d))?,
    }
    Ok(ExitStatus::Success)
}
