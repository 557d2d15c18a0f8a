//! Following the logs of every pod of a job, like `stern`: one task per pod stream, every line
//! sent to ONE receiver (so lines never interleave mid-line), pods found by one watch, and
//! streams that survive a dropped connection or an API-server restart without duplicating or
//! losing lines.
//!
//! **Resuming.** Every request asks for timestamps. A stream remembers the timestamp of the
//! last line it delivered and how many delivered lines carried exactly that timestamp. After
//! a reconnect it asks for `sinceTime` = that timestamp rounded *down* to the second (the API
//! takes whole seconds), drops lines older than the remembered timestamp, and drops as many
//! lines carrying exactly it as were delivered before. Lines without a parsable timestamp
//! (never sent by a kubelet) are delivered as they come.
//!
//! **Ending.** A stream ends when its pod is deleted or replaced (a new UID under the same
//! name is a new stream), or when the container has terminated and the log is read to its end.
//! Anything else (an error, a connection the server closed) is a reconnect with backoff.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures::{AsyncBufReadExt, StreamExt};

/// The longest log line delivered whole; longer ones come in pieces of this size.
pub const LOG_LINE_MAX: u64 = 1 << 20;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::{ListParams, LogParams};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// The container the PyTorchJob template names (`templates/pytorchjob.yaml.j2`).
pub const CONTAINER: &str = "pytorch";

/// The container whose log to read: `preferred` if the pod has it, else the trainer
/// container of a TrainJob's pod (`node`), else the pod's first container.
pub fn log_container(pod: &Pod, preferred: &str) -> String {
    let names: Vec<&str> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.as_str()).collect())
        .unwrap_or_default();
    [preferred, crate::k8s::trainjob::TRAINER_CONTAINER]
        .into_iter()
        .find(|n| names.contains(n))
        .or_else(|| names.first().copied())
        .unwrap_or(preferred)
        .to_string()
}

/// Which replicas to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplicaFilter {
    All,
    /// `master` or `worker` (any index).
    Type(String),
    /// Replica index across types: `0` is `master-0` and `worker-0`.
    Index(u32),
    /// One pod: `worker-3`.
    Exact(String),
}

impl ReplicaFilter {
    /// `master`, `worker`, `3`, `worker-3`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let lower = s.to_ascii_lowercase();
        if lower == "master" || lower == "worker" {
            return Ok(Self::Type(lower));
        }
        if let Ok(i) = lower.parse::<u32>() {
            return Ok(Self::Index(i));
        }
        if let Some((t, i)) = lower.split_once('-')
            && (t == "master" || t == "worker")
            && i.parse::<u32>().is_ok()
        {
            return Ok(Self::Exact(lower));
        }
        Err(format!(
            "`{s}` is not a replica: use `master`, `worker`, an index like `3`, or a pod like `worker-3`"
        ))
    }

    pub fn matches(&self, prefix: &str) -> bool {
        match self {
            Self::All => true,
            Self::Type(t) => prefix
                .split_once('-')
                .is_some_and(|(pt, _)| pt == t.as_str()),
            Self::Index(i) => prefix
                .rsplit_once('-')
                .is_some_and(|(_, pi)| pi == i.to_string()),
            Self::Exact(e) => prefix == e,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub follow: bool,
    /// Only lines newer than this (first request of each stream).
    pub since: Option<Duration>,
    /// Only the last N lines of each pod (first request of each stream).
    pub tail: Option<i64>,
    pub replica: ReplicaFilter,
    /// At most this many streams at once.
    pub max_streams: usize,
    pub container: String,
    /// The previous (terminated) container of each pod instead of the current one.
    pub previous: bool,
    /// Only pods bound to one of these nodes.
    pub nodes: Option<Vec<String>>,
}

impl Options {
    /// Whether a pod (with its prefix) is one to read: its replica and its node.
    pub fn wants(&self, pod: &Pod, prefix: &str) -> bool {
        self.replica.matches(prefix)
            && self.nodes.as_ref().is_none_or(|nodes| {
                pod.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| nodes.iter().any(|w| w == n))
            })
    }
}

/// Which lines to show: any `--include` matches (when there is one) and no `--exclude` does.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    include: Vec<regex::Regex>,
    exclude: Vec<regex::Regex>,
}

impl LineFilter {
    /// The filter of `--include`/`--exclude`; an error names the flag and the expression.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, String> {
        let compile = |flag: &str, list: &[String]| {
            list.iter()
                .map(|r| {
                    regex::RegexBuilder::new(r)
                        // A user's expression must not make us build a huge automaton.
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| format!("`--{flag} {r}` is not a regular expression: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            include: compile("include", include)?,
            exclude: compile("exclude", exclude)?,
        })
    }

    pub fn keep(&self, text: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(text)))
            && !self.exclude.iter().any(|r| r.is_match(text))
    }
}

/// The replica that runs global rank `rank` when each pod runs `nproc` processes: node rank
/// `rank / nproc`, where the training operator makes node rank 0 `master-0` and node rank k
/// `worker-(k-1)`.
pub fn replica_of_rank(rank: u32, nproc: u32) -> String {
    match rank / nproc.max(1) {
        0 => "master-0".into(),
        k => format!("worker-{}", k - 1),
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            follow: true,
            since: None,
            tail: None,
            replica: ReplicaFilter::All,
            max_streams: DEFAULT_MAX_STREAMS,
            container: CONTAINER.into(),
            previous: false,
            nodes: None,
        }
    }
}

/// Why a stream ended when it was read once, to its end (not worth telling).
pub const END_OF_LOG: &str = "end of log";

/// Streams followed at once unless `--max-streams` says otherwise.
pub const DEFAULT_MAX_STREAMS: usize = 128;

/// One line of one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `master-0`, `worker-3`, else the pod name.
    pub prefix: Arc<str>,
    pub pod: Arc<str>,
    pub time: Option<Timestamp>,
    pub text: String,
}

/// What the engine reports, in order, through one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Line(Line),
    /// A stream began (`resumed`: after a reconnect).
    Started {
        prefix: Arc<str>,
        pod: Arc<str>,
        resumed: bool,
    },
    /// A stream ended for good.
    Ended {
        prefix: Arc<str>,
        pod: Arc<str>,
        why: String,
    },
    /// Something the user should know (a limit reached, a reconnect).
    Notice(String),
}

/// A short stable name for a pod's lines: `master-0`, `worker-3` (a PyTorchJob's replica
/// type and index), `node-5` (a TrainJob's replicated job and the pod's completion index in
/// its indexed Job, which is the node rank), else the pod name.
pub fn pod_prefix(pod: &Pod) -> String {
    let labels = pod.metadata.labels.as_ref();
    let get = |k: &str| labels.and_then(|l| l.get(k)).cloned();
    match (
        get("training.kubeflow.org/replica-type"),
        get("training.kubeflow.org/replica-index"),
    ) {
        (Some(t), Some(i)) => format!("{}-{i}", t.to_lowercase()),
        _ => match (
            get("jobset.sigs.k8s.io/replicatedjob-name"),
            get("batch.kubernetes.io/job-completion-index"),
        ) {
            (Some(job), Some(i)) => format!("{job}-{i}"),
            _ => pod.metadata.name.clone().unwrap_or_default(),
        },
    }
}

/// Whether the pod's containers have started (only then is there a log to read).
pub fn pod_started(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Running" | "Succeeded" | "Failed")
    )
}

fn pod_finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// Split `2026-01-01T00:00:00.123456789Z text` into its timestamp and text.
pub fn split_timestamp(line: &str) -> (Option<Timestamp>, &str) {
    match line.split_once(' ') {
        Some((ts, rest)) if ts.len() >= 20 && ts.as_bytes()[4] == b'-' => match ts.parse() {
            Ok(t) => (Some(t), rest),
            Err(_) => (None, line),
        },
        _ => (None, line),
    }
}

/// Where a stream is: what it delivered last, for a resume without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resume {
    pub last: Option<Timestamp>,
    /// Delivered lines that carried exactly `last`.
    pub at_last: usize,
}

impl Resume {
    /// `sinceTime` for the next request: `last` rounded down to the second.
    pub fn since_time(&self) -> Option<Timestamp> {
        let last = self.last?;
        Some(Timestamp::from_second(last.as_second()).unwrap_or(last))
    }

    /// A filter for the lines of a resumed request: true for the lines to deliver. Call
    /// [`Resume::delivered`] for each delivered line.
    pub fn start(&self) -> Skip {
        Skip {
            last: self.last,
            to_skip: self.at_last,
        }
    }

    pub fn delivered(&mut self, time: Option<Timestamp>) {
        let Some(t) = time else { return };
        if Some(t) == self.last {
            self.at_last += 1;
        } else if self.last.is_none_or(|l| t > l) {
            self.last = Some(t);
            self.at_last = 1;
        }
    }
}

/// Drops what a resumed request repeats.
#[derive(Debug)]
pub struct Skip {
    last: Option<Timestamp>,
    to_skip: usize,
}

impl Skip {
    pub fn keep(&mut self, time: Option<Timestamp>) -> bool {
        let (Some(last), Some(t)) = (self.last, time) else {
            return true;
        };
        if t < last {
            return false;
        }
        if t == last && self.to_skip > 0 {
            self.to_skip -= 1;
            return false;
        }
        if t > last {
            // Past the old position: nothing more to drop.
            self.last = None;
        }
        true
    }
}

/// Follow one pod's container until the pod is gone or its log is read to its end.
async fn stream_pod(
    pods: Api<Pod>,
    name: String,
    uid: Option<String>,
    prefix: Arc<str>,
    opts: Options,
    tx: mpsc::Sender<Event>,
) {
    let pod_name: Arc<str> = Arc::from(name.as_str());
    // The stream's last word.
    let ended = |why: &str| {
        tx.send(Event::Ended {
            prefix: prefix.clone(),
            pod: pod_name.clone(),
            why: why.into(),
        })
    };
    let mut resume = Resume::default();
    let mut first = true;
    let mut failures = 0u32;
    loop {
        let mut params = LogParams {
            follow: opts.follow,
            timestamps: true,
            container: Some(opts.container.clone()),
            previous: opts.previous,
            ..LogParams::default()
        };
        if first {
            params.tail_lines = opts.tail;
            params.since_seconds = opts.since.map(|d| d.as_secs().max(1) as i64);
        } else {
            params.since_time = resume.since_time();
        }
        let resumed = !first;
        let mut delivered_now = 0usize;
        let result = pods.log_stream(&name, &params).await;
        match result {
            Ok(reader) => {
                if tx
                    .send(Event::Started {
                        prefix: prefix.clone(),
                        pod: pod_name.clone(),
                        resumed,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
                first = false;
                let mut skip = resume.start();
                let mut reader = reader;
                let mut buf = Vec::with_capacity(256);
                loop {
                    buf.clear();
                    // A pod that prints without a newline must not grow us: a line longer
                    // than LOG_LINE_MAX is delivered in pieces of that size.
                    match futures::AsyncReadExt::take(&mut reader, LOG_LINE_MAX)
                        .read_until(b'\n', &mut buf)
                        .await
                    {
                        Ok(0) => break,
                        Ok(_) => {
                            if buf.last() == Some(&b'\n') {
                                buf.pop();
                            }
                            if buf.last() == Some(&b'\r') {
                                buf.pop();
                            }
                            let raw = String::from_utf8_lossy(&buf);
                            let (time, text) = split_timestamp(&raw);
                            if !skip.keep(time) {
                                continue;
                            }
                            resume.delivered(time);
                            delivered_now += 1;
                            let line = Line {
                                prefix: prefix.clone(),
                                pod: pod_name.clone(),
                                time,
                                text: text.to_string(),
                            };
                            if tx.send(Event::Line(line)).await.is_err() {
                                return;
                            }
                        }
                        Err(_) => break,
                    }
                }
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {
                let _ = ended("the pod is gone").await;
                return;
            }
            // The kubelet's answer when the container never restarted: `previous terminated
            // container "pytorch" in pod "x" not found`. Nothing to retry.
            Err(kube::Error::Api(s)) if opts.previous && s.code == 400 => {
                let _ = ended(&format!("no previous container: {}", s.message)).await;
                return;
            }
            // Without --follow a log that cannot be read after a few tries is reported, not
            // retried forever.
            Err(e) if !opts.follow && failures >= 2 => {
                let _ = ended(&format!(
                    "cannot read the log of pod {name}: {}",
                    super::client::brief(&e)
                ))
                .await;
                return;
            }
            Err(e) => {
                failures += 1;
                if failures == 1 || failures.is_multiple_of(10) {
                    let _ = tx
                        .send(Event::Notice(format!(
                            "cannot read the log of pod {name} ({}); retrying",
                            super::client::brief(&e)
                        )))
                        .await;
                }
            }
        }
        if !opts.follow && !first {
            let _ = ended(END_OF_LOG).await;
            return;
        }
        // The stream ended: the pod finished, went away, or the connection dropped.
        match pods.get_opt(&name).await {
            Ok(None) => {
                let _ = ended("the pod was deleted").await;
                return;
            }
            Ok(Some(p)) if uid.is_some() && p.metadata.uid != uid => {
                let _ = ended("the pod was replaced").await;
                return;
            }
            Ok(Some(p)) if pod_finished(&p) && !first && delivered_now == 0 => {
                let _ = ended("the container has finished").await;
                return;
            }
            Ok(Some(_)) => failures = failures.min(1) + u32::from(delivered_now == 0),
            Err(_) => failures += 1,
        }
        // Back off a little longer each time nothing came through (max 5 s).
        let wait = if delivered_now > 0 {
            100
        } else {
            (200u64 << failures.min(5)).min(5000)
        };
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

/// Follow every pod matching `selector` (one watch); new pods (restarts, elastic scale-up)
/// start new streams. Runs until the watch ends (never, while following) or the receiver is
/// dropped. Without `follow`, reads every pod's log once, one pod after the other in replica
/// order, and returns.
pub async fn follow(pods: Api<Pod>, selector: String, opts: Options, tx: mpsc::Sender<Event>) {
    if !opts.follow {
        dump(pods, &selector, &opts, &tx).await;
        return;
    }
    let permits = Arc::new(Semaphore::new(opts.max_streams.max(1)));
    let mut tasks = JoinSet::new();
    // Followed pods by `name/uid`, with the handle that stops their stream.
    let mut followed: HashMap<String, Followed> = HashMap::new();
    let mut waiting_told = false;
    let mut relisted: Option<HashSet<String>> = None;
    let stream =
        watcher(pods.clone(), watcher::Config::default().labels(&selector)).default_backoff();
    futures::pin_mut!(stream);
    loop {
        tokio::select! {
            item = stream.next() => {
                let Some(item) = item else { break };
                let Ok(event) = item else { continue };
                let pod = match event {
                    watcher::Event::Apply(p) => p,
                    watcher::Event::InitApply(p) => {
                        if let Some(seen) = relisted.as_mut() {
                            seen.insert(pod_key(&p));
                        }
                        p
                    }
                    watcher::Event::Delete(p) => {
                        // A deleted pod's stream may never end by itself (the connection can
                        // outlive the container): close it here.
                        let key = pod_key(&p);
                        close(&mut followed, &key, &tx, "the pod was deleted").await;
                        continue;
                    }
                    watcher::Event::Init => {
                        relisted = Some(HashSet::new());
                        continue;
                    }
                    watcher::Event::InitDone => {
                        // After a reconnect the watch lists again and says nothing about pods
                        // deleted meanwhile: those are the followed ones the list lacks.
                        if let Some(seen) = relisted.take() {
                            let gone: Vec<String> =
                                followed.keys().filter(|k| !seen.contains(*k)).cloned().collect();
                            for key in gone {
                                close(&mut followed, &key, &tx, "the pod was deleted").await;
                            }
                        }
                        continue;
                    }
                };
                let Some(name) = pod.metadata.name.clone() else { continue };
                let prefix = pod_prefix(&pod);
                if !pod_started(&pod) || !opts.wants(&pod, &prefix) {
                    continue;
                }
                let key = pod_key(&pod);
                if followed.contains_key(&key) {
                    continue;
                }
                // A stream slot now, or a wait for one (said once, naming the flag).
                let permit = permits.clone().try_acquire_owned().ok();
                if permit.is_none() && !waiting_told {
                    waiting_told = true;
                    let _ = tx.send(Event::Notice(format!(
                        "following {} pods at most at once; pod {name} waits for a free stream (raise --max-streams to follow more)",
                        opts.max_streams
                    ))).await;
                }
                let permits = permits.clone();
                let pods = pods.clone();
                let mut opts = opts.clone();
                opts.container = log_container(&pod, &opts.container);
                let tx = tx.clone();
                let uid = pod.metadata.uid.clone();
                let shown: Arc<str> = Arc::from(prefix.as_str());
                let pod_name: Arc<str> = Arc::from(name.as_str());
                let handle = tasks.spawn(async move {
                    let _permit = match permit {
                        Some(p) => p,
                        None => match permits.acquire_owned().await {
                            Ok(p) => p,
                            Err(_) => return,
                        },
                    };
                    stream_pod(pods, name, uid, Arc::from(prefix.as_str()), opts, tx).await;
                });
                followed.insert(key, Followed { handle, prefix: shown, pod: pod_name });
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = tx.closed() => break,
        }
    }
}

/// Stop following a pod (if its stream still runs) and say why.
async fn close(
    followed: &mut HashMap<String, Followed>,
    key: &str,
    tx: &mpsc::Sender<Event>,
    why: &str,
) {
    if let Some(f) = followed.remove(key)
        && !f.handle.is_finished()
    {
        f.handle.abort();
        let _ = tx
            .send(Event::Ended {
                prefix: f.prefix,
                pod: f.pod,
                why: why.into(),
            })
            .await;
    }
}

/// A pod whose log is followed.
struct Followed {
    handle: tokio::task::AbortHandle,
    prefix: Arc<str>,
    pod: Arc<str>,
}

fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.name.as_deref().unwrap_or_default(),
        pod.metadata.uid.as_deref().unwrap_or_default()
    )
}

/// Every pod's log once, in replica order (`master-0`, `worker-0`, `worker-1`, ...): one list.
async fn dump(pods: Api<Pod>, selector: &str, opts: &Options, tx: &mpsc::Sender<Event>) {
    let list = match pods.list(&ListParams::default().labels(selector)).await {
        Ok(l) => l.items,
        Err(e) => {
            let _ = tx
                .send(Event::Notice(format!(
                    "cannot list the job's pods: {}",
                    super::client::brief(&e)
                )))
                .await;
            return;
        }
    };
    let mut ordered: BTreeMap<(u8, u32, String), Pod> = BTreeMap::new();
    for pod in list {
        let prefix = pod_prefix(&pod);
        if !pod_started(&pod) || !opts.wants(&pod, &prefix) {
            continue;
        }
        let (t, i) = prefix.rsplit_once('-').unwrap_or((prefix.as_str(), ""));
        let rank = match t {
            "master" => 0,
            "worker" => 1,
            _ => 2,
        };
        ordered.insert((rank, i.parse().unwrap_or(u32::MAX), prefix.clone()), pod);
    }
    for ((_, _, prefix), pod) in ordered {
        let Some(name) = pod.metadata.name.clone() else {
            continue;
        };
        stream_pod(
            pods.clone(),
            name,
            pod.metadata.uid.clone(),
            Arc::from(prefix.as_str()),
            Options {
                container: log_container(&pod, &opts.container),
                ..opts.clone()
            },
            tx.clone(),
        )
        .await;
    }
}

/// A timestamp as kubectl prints it with `--timestamps` (RFC 3339, nanoseconds).
pub fn format_time(t: Timestamp) -> String {
    // jiff prints the shortest exact form; kubectl pads to nanoseconds.
    format!("{t:.9}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn pod(labels: serde_json::Value, containers: &[&str]) -> Pod {
        let containers: Vec<_> = containers
            .iter()
            .map(|c| serde_json::json!({"name": c}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p-0-abcde", "labels": labels},
            "spec": {"containers": containers},
        }))
        .expect("pod")
    }

    #[test]
    fn prefixes_and_containers_of_both_backends() {
        let pt = pod(
            serde_json::json!({"training.kubeflow.org/replica-type": "Worker",
                "training.kubeflow.org/replica-index": "2"}),
            &["pytorch"],
        );
        assert_eq!(pod_prefix(&pt), "worker-2");
        assert_eq!(log_container(&pt, CONTAINER), "pytorch");
        // A TrainJob's pod: the JobSet's replicated job and the indexed Job's completion
        // index (the node rank); the Trainer's container is `node`.
        let tj = pod(
            serde_json::json!({"jobset.sigs.k8s.io/replicatedjob-name": "node",
                "batch.kubernetes.io/job-completion-index": "5"}),
            &["node"],
        );
        assert_eq!(pod_prefix(&tj), "node-5");
        assert_eq!(log_container(&tj, CONTAINER), "node");
        let other = pod(serde_json::json!({}), &["main", "sidecar"]);
        assert_eq!(pod_prefix(&other), "p-0-abcde");
        assert_eq!(log_container(&other, CONTAINER), "main");
    }

    #[test]
    fn timestamps_are_split_off() {
        let (t, text) = split_timestamp("2026-01-01T00:00:01.5Z hello world");
        assert_eq!(t, Some(ts("2026-01-01T00:00:01.5Z")));
        assert_eq!(text, "hello world");
        let (t, text) = split_timestamp("no timestamp here");
        assert_eq!(t, None);
        assert_eq!(text, "no timestamp here");
        let (t, text) = split_timestamp("2026-99-01T00:00:01Z x");
        assert_eq!(t, None);
        assert_eq!(text, "2026-99-01T00:00:01Z x");
    }

    /// A resumed request repeats everything since the second of the last line: the lines
    /// delivered before are dropped, including those that share the last timestamp.
    #[test]
    fn resume_drops_exactly_what_was_delivered() {
        let log = [
            "2026-01-01T00:00:00.100Z a",
            "2026-01-01T00:00:01.100Z b",
            "2026-01-01T00:00:01.200Z c",
            "2026-01-01T00:00:01.200Z d",
            "2026-01-01T00:00:01.200Z e",
            "2026-01-01T00:00:01.900Z f",
            "2026-01-01T00:00:02.000Z g",
        ];
        for cut in 0..=log.len() {
            let mut resume = Resume::default();
            let mut out = Vec::new();
            let mut skip = resume.start();
            for l in &log[..cut] {
                let (t, text) = split_timestamp(l);
                if skip.keep(t) {
                    resume.delivered(t);
                    out.push(text.to_string());
                }
            }
            // The server answers sinceTime (whole seconds) with every line from that second.
            let since = resume.since_time();
            let mut skip = resume.start();
            for l in &log {
                let (t, text) = split_timestamp(l);
                if since.is_some_and(|s| t.is_some_and(|t| t < s)) {
                    continue;
                }
                if skip.keep(t) {
                    resume.delivered(t);
                    out.push(text.to_string());
                }
            }
            assert_eq!(out, ["a", "b", "c", "d", "e", "f", "g"], "cut after {cut}");
        }
    }

    #[test]
    fn since_time_rounds_down() {
        let mut r = Resume::default();
        assert_eq!(r.since_time(), None);
        r.delivered(Some(ts("2026-01-01T00:00:01.999Z")));
        assert_eq!(r.since_time(), Some(ts("2026-01-01T00:00:01Z")));
    }

    #[test]
    fn replica_filters() {
        let f = ReplicaFilter::parse("worker").unwrap();
        assert!(f.matches("worker-3") && !f.matches("master-0"));
        let f = ReplicaFilter::parse("0").unwrap();
        assert!(f.matches("worker-0") && f.matches("master-0") && !f.matches("worker-10"));
        let f = ReplicaFilter::parse("Worker-3").unwrap();
        assert!(f.matches("worker-3") && !f.matches("worker-30"));
        assert!(ReplicaFilter::parse("chief").is_err());
        assert!(ReplicaFilter::All.matches("anything"));
    }

    #[test]
    fn include_and_exclude_select_lines() {
        let f = LineFilter::new(&["NCCL".into(), "^step".into()], &["WARN".into()]).unwrap();
        assert!(f.keep("node1:12:12 [0] NCCL INFO Init COMPLETE"));
        assert!(f.keep("step 10 loss 1.2"));
        assert!(!f.keep("a step in the middle"));
        assert!(!f.keep("NCCL WARN NET/IB : Got completion with error"));
        let none = LineFilter::default();
        assert!(none.keep("anything"));
        let only_exclude = LineFilter::new(&[], &["^$".into()]).unwrap();
        assert!(!only_exclude.keep("") && only_exclude.keep("x"));
        let bad = LineFilter::new(&["(".into()], &[]).unwrap_err();
        assert!(
            bad.starts_with("`--include (` is not a regular expression"),
            "{bad}"
        );
    }

    #[test]
    fn a_global_rank_lives_in_its_node_rank_pod() {
        assert_eq!(replica_of_rank(0, 8), "master-0");
        assert_eq!(replica_of_rank(7, 8), "master-0");
        assert_eq!(replica_of_rank(8, 8), "worker-0");
        assert_eq!(replica_of_rank(13, 8), "worker-0");
        assert_eq!(replica_of_rank(31, 8), "worker-2");
        assert_eq!(replica_of_rank(2, 1), "worker-1");
        // A zero count is read as one process per pod, never a division by zero.
        assert_eq!(replica_of_rank(1, 0), "worker-0");
    }

    #[test]
    fn node_selection_reads_the_pods_binding() {
        let pod = |node: Option<&str>| -> Pod {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": "p"},
                "spec": {"containers": [], "nodeName": node},
            }))
            .unwrap()
        };
        let opts = Options {
            nodes: Some(vec!["gpu01".into(), "gpu02".into()]),
            ..Options::default()
        };
        assert!(opts.wants(&pod(Some("gpu02")), "worker-0"));
        assert!(!opts.wants(&pod(Some("gpu03")), "worker-0"));
        assert!(!opts.wants(&pod(None), "worker-0"));
        assert!(Options::default().wants(&pod(None), "worker-0"));
    }

    #[test]
    fn kubectl_like_timestamps() {
        assert_eq!(
            format_time(ts("2026-01-01T00:00:01.5Z")),
            "2026-01-01T00:00:01.500000000Z"
        );
    }
}
