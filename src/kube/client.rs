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
    #[error("no kubeconfig: $KUBECONFIG is not set, the site config names none, and `{}` does not exist", default.display())]
    Missing { default: PathBuf },
    #[error("{origin} names `{}`, which does not exist", path.display())]
    NotThere { origin: &'static str, path: PathBuf },
    #[error("the kubeconfig has no context `{context}` (it has: {})", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    NoContext {
        context: String,
        available: Vec<String>,
    },
    #[error("the kubeconfig sets no current-context, and no --context was given (contexts: {})", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    NoCurrentContext { available: Vec<String> },
    #[error("the kubeconfig is not usable{}", context.as_ref().map(|c| format!(" with context `{c}`")).unwrap_or_default())]
    Config {
        context: Option<String>,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("could not build a Kubernetes client")]
    Client(#[source] kube::Error),
}

impl crate::error::Advice for ConnectError {
    fn hint(&self) -> String {
        match self {
            Self::Missing { .. } => {
                "pass --kubeconfig, set $KUBECONFIG, or set `kubeconfig` in the site config".into()
            }
            Self::Config { .. } | Self::NoContext { .. } | Self::NoCurrentContext { .. } => {
                "pass --context NAME (or set `kubernetes.context`); `kubectl config get-contexts` lists them".into()
            }
            Self::NotThere { .. } => {
                "fix the path, or unset it to fall back to the site config's `kubeconfig` and ~/.kube/config".into()
            }
            Self::Unreadable(_) => {
                "a kubeconfig is a regular YAML file: check --kubeconfig, $KUBECONFIG and the site config's `kubeconfig`".into()
            }
            _ => "check the kubeconfig with `kubectl version`".into(),
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
    // A path the user named that is not there is said as such, not as "no kubeconfig".
    let named = if conn.kubeconfig.is_some() {
        Some("--kubeconfig")
    } else if env.get("KUBECONFIG").is_some() {
        Some("$KUBECONFIG")
    } else if site_kubeconfig.is_some() {
        Some("the site config's `kubeconfig`")
    } else {
        None
    };
    if let Some(origin) = named
        && let Some(path) = paths.iter().find(|p| !p.exists())
        && (paths.len() == 1 || paths.iter().all(|p| !p.exists()))
    {
        return Err(ConnectError::NotThere {
            origin,
            path: path.clone(),
        });
    }
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
    let available: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    match &conn.context {
        Some(c) if !available.contains(c) => {
            return Err(ConnectError::NoContext {
                context: c.clone(),
                available,
            });
        }
        None if kubeconfig
            .current_context
            .as_deref()
            .is_none_or(str::is_empty) =>
        {
            return Err(ConnectError::NoCurrentContext { available });
        }
        _ => {}
    }
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
    let _ = SERVER.set(
        config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string(),
    );
    kube::Client::try_from(config).map_err(ConnectError::Client)
}

/// The API server this process talks to, recorded when the client is built, so an error can
/// name it.
static SERVER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// What went wrong with a Kubernetes call, in the terms a user acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing answered at the address (connection refused, reset, timed out).
    Unreachable(String),
    /// The server's host name does not resolve.
    Dns(String),
    /// TLS failed: an unknown CA, a name mismatch, an expired certificate.
    Tls(String),
    /// 401: the credentials were not accepted.
    Unauthorized(String),
    /// 403: the identity may not do it (the server's message names verb, resource, user).
    Forbidden(String),
    /// 404 for a namespace.
    NamespaceMissing(String),
    /// 404 for a whole resource type: its CRD is not installed.
    NoSuchResource(String),
    /// Anything else: the error in one line.
    Other(String),
}

fn chain_text(e: &dyn std::error::Error) -> Vec<String> {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts
}

/// Classify a Kubernetes error (pure: tested with constructed errors).
pub fn classify(e: &kube::Error) -> Failure {
    let server = SERVER.get().map_or_else(
        || "the API server".to_string(),
        |s| format!("the API server at {s}"),
    );
    if let kube::Error::Api(s) = e {
        return match s.code {
            401 => Failure::Unauthorized(format!(
                "{server} did not accept the credentials in the kubeconfig ({}, HTTP 401)",
                s.message
            )),
            403 => Failure::Forbidden(format!("{} (HTTP 403)", s.message)),
            404 if s.message.contains("namespaces \"") => {
                let ns = s.message.split('"').nth(1).unwrap_or_default().to_string();
                Failure::NamespaceMissing(ns)
            }
            404 if s
                .message
                .contains("the server could not find the requested resource") =>
            {
                Failure::NoSuchResource(format!("{server} does not serve this resource type"))
            }
            _ => Failure::Other(format!("{} (HTTP {})", s.message, s.code)),
        };
    }
    let parts = chain_text(e);
    let all = parts.join(": ").to_ascii_lowercase();
    if all.contains("dns error") || all.contains("failed to lookup address") {
        Failure::Dns(format!(
            "{server}: its host name does not resolve ({})",
            parts.last().cloned().unwrap_or_default()
        ))
    } else if all.contains("certificate") || all.contains("tls") || all.contains("handshake") {
        Failure::Tls(format!(
            "TLS with {server} failed: {}",
            parts.last().cloned().unwrap_or_default()
        ))
    } else if all.contains("connection refused") {
        Failure::Unreachable(format!(
            "{server} refused the connection (nothing listens there)"
        ))
    } else if all.contains("timed out") || all.contains("deadline") {
        Failure::Unreachable(format!("{server} did not answer in time"))
    } else if all.contains("connection reset") || all.contains("connect error") {
        Failure::Unreachable(format!(
            "{server} could not be reached ({})",
            parts.last().cloned().unwrap_or_default()
        ))
    } else {
        Failure::Other(parts.join(": "))
    }
}

impl crate::error::Advice for Failure {
    /// The next step, in one sentence.
    fn hint(&self) -> String {
        match self {
            Self::Unreachable(_) => "check the `server:` of the kubeconfig (`kubectl config view --minify`) and that this node may reach it (`kubectl version`); retry when the API server is back".into(),
            Self::Dns(_) => "check the `server:` of the kubeconfig and this node's DNS (`getent hosts HOST`)".into(),
            Self::Tls(_) => "the kubeconfig's `certificate-authority-data` must be the cluster's CA; `kubectl version` shows the same error".into(),
            Self::Unauthorized(_) => "the token or client certificate is wrong or expired: get a fresh kubeconfig for this identity".into(),
            Self::Forbidden(_) => "the identity lacks this permission; `hybridctl rbac` prints the role it needs and `hybridctl doctor` checks every verb".into(),
            Self::NamespaceMissing(ns) => format!("create it (`kubectl create namespace {ns}`) or set `kubernetes.namespace` (`-n`) to the training namespace"),
            Self::NoSuchResource(_) => "install the CRD it needs: Kubeflow's training-operator for PyTorchJobs (`kubectl get crd pytorchjobs.kubeflow.org`)".into(),
            Self::Other(_) => "check that the API server answers with this kubeconfig (`kubectl --kubeconfig PATH get nodes`)".into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NamespaceMissing(ns) => write!(f, "namespace `{ns}` does not exist"),
            Self::Unreachable(m)
            | Self::Dns(m)
            | Self::Tls(m)
            | Self::Unauthorized(m)
            | Self::Forbidden(m)
            | Self::NoSuchResource(m)
            | Self::Other(m) => f.write_str(m),
        }
    }
}

/// A Kubernetes error in one readable line that names the cause.
pub fn brief(e: &kube::Error) -> String {
    classify(e).to_string()
}

/// A failed Kubernetes call: the API server unreachable or overloaded is worth a retry (3); a
/// refusal (401/403), a missing namespace or CRD is the setup's (2).
impl crate::error::Advice for kube::Error {
    fn hint(&self) -> String {
        classify(self).hint()
    }

    fn status(&self) -> crate::error::ExitStatus {
        use crate::error::ExitStatus;
        match self {
            kube::Error::Api(s) if s.code >= 500 || s.code == 429 => ExitStatus::Unavailable,
            kube::Error::Api(_) => ExitStatus::Error,
            kube::Error::HyperError(_) | kube::Error::Service(_) => ExitStatus::Unavailable,
            _ => ExitStatus::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Advice;

    fn api(code: u16, message: &str) -> kube::Error {
        let status: kube::core::Status = serde_json::from_value(serde_json::json!({
            "status": "Failure", "code": code, "message": message, "reason": ""
        }))
        .expect("status");
        kube::Error::Api(Box::new(status))
    }

    /// Messages as kube-apiserver v1.36 words them.
    #[test]
    fn api_errors_name_their_cause() {
        let forbidden = api(
            403,
            "pytorchjobs.kubeflow.org is forbidden: User \"hybridctl-user\" cannot list resource \"pytorchjobs\" in API group \"kubeflow.org\" in the namespace \"default\"",
        );
        let f = classify(&forbidden);
        assert!(matches!(f, Failure::Forbidden(_)));
        assert!(
            f.to_string()
                .contains("cannot list resource \"pytorchjobs\"")
        );
        assert!(f.hint().contains("hybridctl rbac"));
        assert_eq!(
            classify(&api(404, "namespaces \"nosuch\" not found")),
            Failure::NamespaceMissing("nosuch".into())
        );
        assert!(matches!(
            classify(&api(
                404,
                "the server could not find the requested resource"
            )),
            Failure::NoSuchResource(_)
        ));
        assert!(matches!(
            classify(&api(401, "Unauthorized")),
            Failure::Unauthorized(_)
        ));
        assert!(matches!(
            classify(&api(500, "etcdserver: leader changed")),
            Failure::Other(_)
        ));
    }

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
