//! Connecting to the API server the way kubectl does.
//!
//! The kubeconfig is `--kubeconfig`, else `$KUBECONFIG` (a `:`-separated list, merged in
//! order), else the site config's `kubeconfig` (the Slurm-side identity), else
//! `~/.kube/config`; the context is `--context`, else the spec's `kubernetes.context`, else the
//! kubeconfig's current context. A proxy from the environment is honoured, but kube-client
//! 5.0 matches NO_PROXY against the proxy instead of the API server, so we apply NO_PROXY
//! ourselves (crate-stack.md, pitfall 1).

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use thiserror::Error;

use crate::settings::Env;

#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
}

#[derive(Debug, Error)]
pub enum ConnectError {
    #[error("could not read the kubeconfig `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// Not a regular file, too large, or unreadable (the error names the file).
    #[error(transparent)]
    Unreadable(crate::bounded::ReadError),
    #[error("no kubeconfig found (tried $KUBECONFIG, the site config's `kubeconfig` and `{}`)", default.display())]
    Missing { default: PathBuf },
    #[error("the kubeconfig is not usable{}", context.as_ref().map(|c| format!(" with context `{c}`")).unwrap_or_default())]
    Config {
        context: Option<String>,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("could not build a Kubernetes client")]
    Client(#[source] kube::Error),
}

impl ConnectError {
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Missing { .. } => {
                "pass --kubeconfig, set $KUBECONFIG, or set `kubeconfig` in the site config"
            }
            Self::Unreadable(_) => {
                "a kubeconfig is a regular YAML file: check --kubeconfig, $KUBECONFIG and the site config's `kubeconfig`"
            }
            Self::Config { .. } => {
                "`kubectl config get-contexts` lists the contexts of the kubeconfig"
            }
            _ => "check the kubeconfig with `kubectl version`",
        }
    }
}

/// The kubeconfig files to read, in merge order.
pub fn kubeconfig_paths(
    conn: &Connection,
    env: &Env,
    site_kubeconfig: Option<&PathBuf>,
) -> Vec<PathBuf> {
    if let Some(p) = &conn.kubeconfig {
        return vec![p.clone()];
    }
    if let Some(list) = env.get("KUBECONFIG") {
        return list
            .split(':')
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect();
    }
    if let Some(p) = site_kubeconfig {
        return vec![p.clone()];
    }
    env.get("HOME")
        .map(|h| vec![PathBuf::from(h).join(".kube/config")])
        .unwrap_or_default()
}

/// Does NO_PROXY (`host`, `.domain`, `*`, `10.0.0.1`, `host:port`) cover `host`?
pub fn no_proxy_matches(no_proxy: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.to_ascii_lowercase();
            let entry = entry
                .split_once(':')
                .map_or(entry.as_str(), |(h, _)| h)
                .to_string();
            if entry == "*" {
                return true;
            }
            let bare = entry.trim_start_matches('.');
            host == bare || host.ends_with(&format!(".{bare}"))
        })
}

/// A client for the settings' identity: `--kubeconfig`/`--context` (in `conn`), then
/// `$KUBECONFIG`, then the site config's `kubeconfig`, then `~/.kube/config`.
pub async fn from_settings(
    conn: &Connection,
    settings: &crate::settings::Settings,
) -> Result<kube::Client, ConnectError> {
    client_with_timeouts(
        conn,
        &settings.env,
        settings.kubeconfig(),
        settings.kube_timeouts(),
    )
    .await
}

pub async fn client(
    conn: &Connection,
    env: &Env,
    site_kubeconfig: Option<&PathBuf>,
) -> Result<kube::Client, ConnectError> {
    let defaults = (
        Duration::from_secs(crate::settings::DEFAULT_KUBE_CONNECT_TIMEOUT.into()),
        Duration::from_secs(crate::settings::DEFAULT_KUBE_READ_TIMEOUT.into()),
    );
    client_with_timeouts(conn, env, site_kubeconfig, defaults).await
}

/// A client whose every API call has deadlines: `connect` to reach the server, `read` of
/// silence while waiting for a response (a hung API server is an error, not a hang). Watches
/// end on the server within 290 s and are restarted; a log stream silent for longer than `read`
/// reconnects and resumes where it was (`kube::logs`).
pub async fn client_with_timeouts(
    conn: &Connection,
    env: &Env,
    site_kubeconfig: Option<&PathBuf>,
    (connect, read): (Duration, Duration),
) -> Result<kube::Client, ConnectError> {
    let paths = kubeconfig_paths(conn, env, site_kubeconfig);
    let mut merged: Option<Kubeconfig> = None;
    for path in &paths {
        if !path.exists() && conn.kubeconfig.is_none() {
            continue;
        }
        // kube reads the file without a bound: check first that it is a regular file of a
        // sane size (a kubeconfig that is /dev/zero or a FIFO must not hang or grow us).
        crate::bounded::read(path, crate::bounded::KUBECONFIG).map_err(ConnectError::Unreadable)?;
        let kc = Kubeconfig::read_from(path).map_err(|source| ConnectError::Read {
            path: path.clone(),
            source,
        })?;
        merged = Some(match merged {
            None => kc,
            Some(m) => m.merge(kc).map_err(|source| ConnectError::Read {
                path: path.clone(),
                source,
            })?,
        });
    }
    let Some(kubeconfig) = merged else {
        return Err(ConnectError::Missing {
            default: paths
                .last()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("~/.kube/config")),
        });
    };
    let options = KubeConfigOptions {
        context: conn.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|source| ConnectError::Config {
            context: conn.context.clone(),
            source,
        })?;
    config.connect_timeout = Some(connect);
    config.read_timeout = Some(read);
    // Count the read timeout from when a request is sent, not from when its pooled
    // connection went idle.
    config.reset_reader_on_write = true;
    config.write_timeout = Some(read);
    let no_proxy = env.get("NO_PROXY").or_else(|| env.get("no_proxy"));
    if let (Some(np), Some(host)) = (no_proxy, config.cluster_url.host())
        && no_proxy_matches(np, host)
    {
        config.proxy_url = None;
    }
    kube::Client::try_from(config).map_err(ConnectError::Client)
}

/// A Kubernetes error in one readable line: for an API error the server's own message and the
/// HTTP code (kube's `Display` repeats the message and dumps the whole Status), otherwise the
/// error and its causes, each said once.
pub fn brief(e: &kube::Error) -> String {
    if let kube::Error::Api(s) = e {
        return format!("{} (HTTP {})", s.message, s.code);
    }
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_rules() {
        assert!(no_proxy_matches("127.0.0.1,localhost", "127.0.0.1"));
        assert!(no_proxy_matches(".example.org", "api.example.org"));
        assert!(no_proxy_matches("example.org", "api.example.org"));
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("api.example.org:6443", "api.example.org"));
        assert!(!no_proxy_matches("example.org", "example.com"));
        assert!(!no_proxy_matches("", "x"));
    }

    #[test]
    fn kubeconfig_order() {
        let env = Env::from_pairs([("KUBECONFIG", "/a:/b"), ("HOME", "/home/u")]);
        let site = PathBuf::from("/etc/site");
        assert_eq!(
            kubeconfig_paths(&Connection::default(), &env, Some(&site)),
            vec![PathBuf::from("/a"), PathBuf::from("/b")]
        );
        let env = Env::from_pairs([("HOME", "/home/u")]);
        assert_eq!(
            kubeconfig_paths(&Connection::default(), &env, Some(&site)),
            vec![site.clone()]
        );
        assert_eq!(
            kubeconfig_paths(&Connection::default(), &env, None),
            vec![PathBuf::from("/home/u/.kube/config")]
        );
        let conn = Connection {
            kubeconfig: Some(PathBuf::from("/x")),
            context: None,
        };
        assert_eq!(
            kubeconfig_paths(&conn, &env, Some(&site)),
            vec![PathBuf::from("/x")]
        );
    }
}
