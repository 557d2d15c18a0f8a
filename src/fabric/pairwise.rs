//! Pairwise RDMA tests between nodes: the pairs of each round run at the same time, each
//! pair starts its perftest server, then its client (retried while the server is still
//! starting), and every step has a timeout. A server is stopped (SIGTERM through the
//! launcher, then SIGKILL) as soon as its client has ended, so nothing is left running.
//!
//! The remote command is wrapped in coreutils `timeout`, so a step whose launcher dies
//! cannot leave perftest behind on the node either.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::audit::{NameFilter, NcclConfig};
use super::counters::Snapshot;
use super::perftest::{self, BwResult, Failure, FailureKind, LatResult};
use super::schedule::{self, Pair};
use crate::check::{Check, Level};
use crate::process::{ProcessError, Runner};

/// How nodes are paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PairMode {
    /// Every pair once (round-robin tournament).
    All,
    /// Each node with its neighbour.
    Ring,
}

#[derive(Debug, Clone)]
pub struct PairwiseConfig {
    pub nodes: Vec<String>,
    pub mode: PairMode,
    /// Launcher argv; `{host}` is replaced by the node. Empty: run on this host.
    pub launcher: Vec<String>,
    pub bw_test: String,
    pub lat_test: Option<String>,
    /// perftest arguments for both sides (device, GID index, units...).
    pub perftest_args: Vec<String>,
    /// Longest one perftest may take.
    pub test_timeout: Duration,
    /// How long the client retries connecting while its server starts.
    pub connect_window: Duration,
    /// The link rate to compare with (Gb/s) and the fraction that passes.
    pub rate_gbps: Option<f64>,
    pub min_fraction: f64,
    /// With `--rails`: every active port, tested one after the other in each pair (its
    /// `-d`/`-i`/`-x` are then not in `perftest_args`). Empty: one test per pair.
    pub rails: Vec<Rail>,
}

/// One RDMA port to test between every pair (nodes of a partition are alike).
#[derive(Debug, Clone, PartialEq)]
pub struct Rail {
    pub device: String,
    pub port: u32,
    /// `-x` on RoCE.
    pub gid: Option<u32>,
    /// Its link rate, Gb/s.
    pub rate_gbps: Option<f64>,
}

/// What the user asked for, on top of what the host and NCCL's settings say.
#[derive(Debug, Clone, Default)]
pub struct PortWish<'a> {
    /// `--device`.
    pub device: Option<&'a str>,
    /// `--gid-index`.
    pub gid_index: Option<u32>,
    /// `--expected-rate` or `fabric.expectedRateGbps`.
    pub rate_gbps: Option<f64>,
    /// `--rails`.
    pub rails: bool,
}

/// The port(s) the pairwise tests use, read off this host (nodes of a partition are alike).
#[derive(Debug, Clone, PartialEq)]
pub struct Ports {
    /// `-d DEV -i PORT [-x GID]` for the one port tested (empty with rails).
    pub args: Vec<String>,
    pub rails: Vec<Rail>,
    /// The link rate the results are compared with.
    pub rate_gbps: Option<f64>,
}

/// Choose the port: `--device`, else the first active port `NCCL_IB_HCA` selects (with NCCL's
/// own matching, [`NameFilter`]), else the first active port, else perftest's own choice. The
/// GID index on RoCE: `--gid-index`, else `NCCL_IB_GID_INDEX`, else the port's RoCE v2 IPv4
/// GID. With `wish.rails`, every active port, each with its own GID and rate.
pub fn choose_ports(
    host: &super::sysfs::Host,
    nccl: &NcclConfig,
    wish: &PortWish,
) -> Result<Ports, String> {
    let active: Vec<(&super::sysfs::Device, &super::sysfs::Port)> = host
        .devices
        .iter()
        .flat_map(|d| d.ports.iter().map(move |p| (d, p)))
        .filter(|(_, p)| p.is_active())
        .collect();
    let nccl_gid = nccl
        .gid_index
        .as_ref()
        .and_then(|s| s.value.trim().parse::<u32>().ok());
    let gid_of = |p: &super::sysfs::Port| {
        wish.gid_index
            .or(nccl_gid)
            .or_else(|| p.auto_gid().map(|g| g.index))
    };
    if wish.rails {
        if active.is_empty() {
            return Err(
                "--rails: this host has no active RDMA port to take the list of rails from".into(),
            );
        }
        let rails = active
            .iter()
            .map(|(d, p)| Rail {
                device: d.name.clone(),
                port: p.num,
                gid: if p.is_roce() { gid_of(p) } else { None },
                rate_gbps: wish.rate_gbps.or(p.rate_gbps),
            })
            .collect();
        return Ok(Ports {
            args: Vec::new(),
            rails,
            rate_gbps: wish.rate_gbps,
        });
    }
    let chosen = match wish.device {
        Some(dev) => active.iter().find(|(d, _)| d.name == dev),
        None => nccl
            .ib_hca
            .as_ref()
            .map(|s| NameFilter::parse(&s.value))
            .and_then(|f| active.iter().find(|(d, p)| f.selects(&d.name, Some(p.num))))
            .or(active.first()),
    };
    let mut args = Vec::new();
    match (chosen, wish.device) {
        (Some((d, p)), _) => {
            args.extend([
                "-d".to_string(),
                d.name.clone(),
                "-i".into(),
                p.num.to_string(),
            ]);
            if p.is_roce()
                && let Some(g) = gid_of(p)
            {
                args.extend(["-x".to_string(), g.to_string()]);
            }
        }
        // A device this host lacks (or has no active port of): the user's word, as is.
        (None, Some(dev)) => {
            args.extend(["-d".to_string(), dev.to_string()]);
            if let Some(g) = wish.gid_index.or(nccl_gid) {
                args.extend(["-x".to_string(), g.to_string()]);
            }
        }
        (None, None) => {
            if let Some(g) = wish.gid_index.or(nccl_gid) {
                args.extend(["-x".to_string(), g.to_string()]);
            }
        }
    }
    Ok(Ports {
        args,
        rails: Vec::new(),
        rate_gbps: wish
            .rate_gbps
            .or_else(|| chosen.and_then(|(_, p)| p.rate_gbps)),
    })
}

impl Rail {
    fn name(&self) -> String {
        format!("{}/{}", self.device, self.port)
    }

    fn args(&self) -> Vec<String> {
        let mut a = vec![
            "-d".to_string(),
            self.device.clone(),
            "-i".into(),
            self.port.to_string(),
        ];
        if let Some(g) = self.gid {
            a.extend(["-x".into(), g.to_string()]);
        }
        a
    }
}

/// What happened to one pair.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PairResult {
    pub round: usize,
    pub server: String,
    pub client: String,
    pub level: Level,
    pub reason: String,
    pub bandwidth: Option<BwResult>,
    pub latency: Option<LatResult>,
    pub failure: Option<Failure>,
    pub seconds: f64,
    /// The port tested (`mlx5_3/1`), with `--rails`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rail: Option<String>,
    /// A step did not finish in time (and both sides were stopped).
    pub timed_out: bool,
    /// Output lines that back the verdict (the failure line, stderr of the steps).
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PairwiseReport {
    pub nodes: Vec<String>,
    pub mode: PairMode,
    pub rounds: usize,
    pub rate_gbps: Option<f64>,
    pub min_fraction: f64,
    pub results: Vec<PairResult>,
    /// Wall time of each round, and of the longest test in it.
    pub round_seconds: Vec<f64>,
    pub round_longest_test_seconds: Vec<f64>,
    pub total_seconds: f64,
}

impl PairwiseReport {
    pub fn checks(&self) -> Vec<Check> {
        self.results
            .iter()
            .map(|r| {
                let mut c = Check::new(
                    "pairwise",
                    format!("{} <-> {}", r.server, r.client),
                    r.level,
                    r.reason.clone(),
                );
                c.evidence = r.evidence.clone();
                if let Some(f) = &r.failure {
                    c.hint = Some(f.kind.hint().to_string());
                } else if r.timed_out {
                    c.hint = Some("a test hung: check that perftest runs on both nodes (`srun -w NODE ib_write_bw -h`), the device and GID index, and raise `fabric.testTimeout` for long tests".into());
                } else if r.level == Level::Fail {
                    c.hint = Some("low bandwidth between these nodes: check the counters of both ends, PFC/ECN and the switch ports on the path".into());
                }
                c
            })
            .collect()
    }
}

/// The schedule for a mode.
pub fn schedule_for(mode: PairMode, n: usize) -> Vec<Vec<Pair>> {
    match mode {
        PairMode::All => schedule::round_robin(n),
        PairMode::Ring => schedule::ring(n),
    }
}

/// A step's result: its output, or how it failed.
struct Step {
    ok: bool,
    stdout: String,
    stderr: String,
    timed_out: bool,
    cancelled: bool,
}

fn step(runner: &Runner, argv: &[String], cancel: Option<&AtomicBool>) -> Step {
    let Some((program, args)) = argv.split_first() else {
        return Step {
            ok: false,
            stdout: String::new(),
            stderr: "empty command".into(),
            timed_out: false,
            cancelled: false,
        };
    };
    match runner.run_status_until(program, args, None, cancel) {
        Ok((status, out)) => Step {
            ok: status.success(),
            stdout: out.stdout,
            stderr: out.stderr,
            timed_out: false,
            cancelled: false,
        },
        Err(e) => Step {
            ok: false,
            stdout: String::new(),
            timed_out: matches!(e, ProcessError::Timeout { .. }),
            cancelled: matches!(e, ProcessError::Cancelled { .. }),
            stderr: e.to_string(),
        },
    }
}

impl PairwiseConfig {
    /// argv that runs `program args` on `host`, bounded by `secs` there too.
    fn remote(&self, host: &str, program: &str, extra: &[String], secs: u64) -> Vec<String> {
        let mut argv = self.on_node(host, secs, program);
        argv.extend(self.perftest_args.iter().cloned());
        argv.extend(extra.iter().cloned());
        argv
    }

    /// argv that runs `program` (arguments to be appended) on `host` through the launcher,
    /// inside coreutils `timeout secs` there.
    fn on_node(&self, host: &str, secs: u64, program: &str) -> Vec<String> {
        let mut argv: Vec<String> = self
            .launcher
            .iter()
            .map(|a| a.replace("{host}", host))
            .collect();
        argv.extend([
            "timeout".to_string(),
            "--kill-after=2".into(),
            secs.to_string(),
            program.to_string(),
        ]);
        argv
    }

    fn runner(&self, timeout: Duration) -> Runner {
        let mut r = Runner::default().with_timeout_from(timeout, "fabric.testTimeout");
        r.term_grace = Some(Duration::from_secs(3));
        r
    }

    /// One perftest between `server` and `client`: the server's and the client's step.
    fn one_test(
        &self,
        program: &str,
        server: &str,
        client: &str,
        rail: Option<&Rail>,
    ) -> (Step, Step) {
        let budget = self.test_timeout + self.connect_window;
        let remote_secs = budget.as_secs() + 1;
        let rail_args = rail.map(Rail::args).unwrap_or_default();
        let server_argv = self.remote(server, program, &rail_args, remote_secs);
        let mut to_server = rail_args.clone();
        to_server.push(server.to_string());
        let client_argv = self.remote(client, program, &to_server, remote_secs);
        let server_runner = self.runner(budget + Duration::from_secs(2));
        let stop = AtomicBool::new(false);
        let server_done = AtomicBool::new(false);
        std::thread::scope(|s| {
            let srv = s.spawn(|| {
                let st = step(&server_runner, &server_argv, Some(&stop));
                server_done.store(true, Ordering::SeqCst);
                st
            });
            let start = Instant::now();
            let client = loop {
                let left = budget.saturating_sub(start.elapsed());
                let st = step(
                    &self.runner(left.min(self.test_timeout)),
                    &client_argv,
                    None,
                );
                let refused = !st.ok
                    && !st.timed_out
                    && perftest::classify_failure(&st.stdout, &st.stderr).kind
                        == FailureKind::Connection;
                if refused
                    && !server_done.load(Ordering::SeqCst)
                    && start.elapsed() + Duration::from_millis(200) < self.connect_window
                {
                    std::thread::sleep(Duration::from_millis(200));
                    continue;
                }
                break st;
            };
            // A server whose client succeeded exits by itself; give it a moment, then stop it.
            let wait_until = Instant::now()
                + if client.ok {
                    Duration::from_secs(2)
                } else {
                    Duration::ZERO
                };
            while !server_done.load(Ordering::SeqCst) && Instant::now() < wait_until {
                std::thread::sleep(Duration::from_millis(10));
            }
            stop.store(true, Ordering::SeqCst);
            let server = srv.join().unwrap_or_else(|_| Step {
                ok: false,
                stdout: String::new(),
                stderr: "the server thread panicked".into(),
                timed_out: false,
                cancelled: false,
            });
            (server, client)
        })
    }

    fn evaluate(
        &self,
        round: usize,
        pair: &Pair,
        took: f64,
        bw: (Step, Step),
        lat: Option<(Step, Step)>,
        rail: Option<&Rail>,
    ) -> PairResult {
        let server = self.nodes[pair.server].clone();
        let client = self.nodes[pair.client].clone();
        let mut r = PairResult {
            round,
            server,
            client,
            level: Level::Pass,
            reason: String::new(),
            bandwidth: None,
            latency: None,
            failure: None,
            seconds: took,
            rail: rail.map(Rail::name),
            timed_out: false,
            evidence: Vec::new(),
        };
        let rate_gbps = rail.and_then(|r| r.rate_gbps).or(self.rate_gbps);
        let (srv, cli) = bw;
        match step_failure(&self.bw_test, &srv, &cli, self.test_timeout) {
            Some((reason, failure, ev)) => {
                r.level = Level::Fail;
                r.timed_out = cli.timed_out;
                r.reason = reason;
                r.failure = failure;
                r.evidence = ev;
                return r;
            }
            None => match perftest::parse_bw(&cli.stdout) {
                Ok(b) => {
                    let bidir = perftest::is_bidirectional(&cli.stdout, &self.perftest_args);
                    let j = perftest::judge_bw(
                        &b,
                        bidir,
                        rate_gbps,
                        self.min_fraction,
                        perftest::DEFAULT_MIN_MSG_RATE_MPPS,
                    );
                    r.level = match (j.pass, j.judged_on) {
                        (Some(true), _) => Level::Pass,
                        (Some(false), "bandwidth") => Level::Fail,
                        (Some(false), _) => Level::Warn,
                        (None, _) => Level::Unknown,
                    };
                    r.reason = j.reason;
                    r.bandwidth = Some(b);
                }
                Err(e) => {
                    r.level = Level::Fail;
                    r.reason = format!("`{}` printed no result: {e}", self.bw_test);
                    r.evidence = tail(&cli.stdout, &cli.stderr);
                    return r;
                }
            },
        }
        if let (Some((srv, cli)), Some(prog)) = (lat, &self.lat_test) {
            match step_failure(prog, &srv, &cli, self.test_timeout) {
                Some((reason, failure, ev)) => {
                    r.level = Level::Fail;
                    r.timed_out = cli.timed_out;
                    r.reason = format!("{}; latency: {reason}", r.reason);
                    r.failure = failure;
                    r.evidence = ev;
                }
                None => match perftest::parse_lat(&cli.stdout) {
                    Ok(l) => {
                        r.reason = format!("{}; {:.2} us average latency", r.reason, l.t_avg_us);
                        r.latency = Some(l);
                    }
                    Err(e) => {
                        r.level = r.level.max(Level::Warn);
                        r.reason = format!("{}; `{prog}` printed no result: {e}", r.reason);
                    }
                },
            }
        }
        r
    }
}

fn tail(stdout: &str, stderr: &str) -> Vec<String> {
    let lines: Vec<String> = stderr
        .lines()
        .chain(stdout.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("---") && !l.starts_with("GID:"))
        .map(str::to_string)
        .collect();
    lines[lines.len().saturating_sub(4)..].to_vec()
}

/// Why a test failed, from both steps; `None` when the client succeeded.
fn step_failure(
    program: &str,
    srv: &Step,
    cli: &Step,
    timeout: Duration,
) -> Option<(String, Option<Failure>, Vec<String>)> {
    if cli.ok {
        return None;
    }
    let sf = (!srv.ok && !srv.cancelled && !srv.timed_out)
        .then(|| perftest::classify_failure(&srv.stdout, &srv.stderr));
    if cli.timed_out {
        if let Some(sf) = sf.filter(|f| f.kind != FailureKind::Other) {
            return Some((
                format!(
                    "{} (server): {}; the client hung until the {} s timeout",
                    kind_text(sf.kind),
                    sf.line,
                    timeout.as_secs()
                ),
                Some(sf),
                tail(&srv.stdout, &srv.stderr),
            ));
        }
        return Some((
            format!(
                "`{program}` did not finish within {} s (timed out; both sides stopped)",
                timeout.as_secs()
            ),
            None,
            tail(&srv.stdout, &srv.stderr),
        ));
    }
    let cf = perftest::classify_failure(&cli.stdout, &cli.stderr);
    // The server's own failure is the better reason when the client only saw a refused
    // connection (e.g. no device on the server node).
    let (side, f, s) = match sf {
        Some(sf) if cf.kind == FailureKind::Connection && sf.kind != FailureKind::Other => {
            ("server", sf, srv)
        }
        _ => ("client", cf, cli),
    };
    Some((
        format!("{} ({side}): {}", kind_text(f.kind), f.line),
        Some(f),
        tail(&s.stdout, &s.stderr),
    ))
}

fn kind_text(k: FailureKind) -> &'static str {
    match k {
        FailureKind::NoDevice => "no RDMA device",
        FailureKind::Connection => "could not connect",
        FailureKind::QueuePair => "queue pair setup failed",
        FailureKind::Completion => "transport error",
        FailureKind::Other => "perftest failed",
    }
}

/// Run every round; the pairs of a round at the same time.
pub fn run(cfg: &PairwiseConfig) -> PairwiseReport {
    let rounds = schedule_for(cfg.mode, cfg.nodes.len());
    let start = Instant::now();
    let mut results = Vec::new();
    let mut round_seconds = Vec::new();
    let mut longest = Vec::new();
    for (ri, round) in rounds.iter().enumerate() {
        let t = Instant::now();
        let mut rs: Vec<PairResult> = std::thread::scope(|s| {
            let handles: Vec<_> = round
                .iter()
                .map(|pair| {
                    s.spawn(move || {
                        let (server, client) = (&cfg.nodes[pair.server], &cfg.nodes[pair.client]);
                        let rails: Vec<Option<&Rail>> = if cfg.rails.is_empty() {
                            vec![None]
                        } else {
                            cfg.rails.iter().map(Some).collect()
                        };
                        // One rail after the other: perftest's port and the NICs stay free.
                        rails
                            .into_iter()
                            .map(|rail| {
                                let t0 = Instant::now();
                                let bw = cfg.one_test(&cfg.bw_test, server, client, rail);
                                let lat = match &cfg.lat_test {
                                    Some(p) if bw.1.ok => {
                                        Some(cfg.one_test(p, server, client, rail))
                                    }
                                    _ => None,
                                };
                                cfg.evaluate(
                                    ri + 1,
                                    pair,
                                    t0.elapsed().as_secs_f64(),
                                    bw,
                                    lat,
                                    rail,
                                )
                            })
                            .collect::<Vec<PairResult>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .zip(round)
                .flat_map(|(h, pair)| {
                    h.join().unwrap_or_else(|_| {
                        vec![PairResult {
                            round: ri + 1,
                            server: cfg.nodes[pair.server].clone(),
                            client: cfg.nodes[pair.client].clone(),
                            level: Level::Fail,
                            reason: "internal error: the test thread panicked".into(),
                            bandwidth: None,
                            latency: None,
                            failure: None,
                            seconds: 0.0,
                            rail: None,
                            timed_out: false,
                            evidence: Vec::new(),
                        }]
                    })
                })
                .collect()
        });
        round_seconds.push(t.elapsed().as_secs_f64());
        longest.push(rs.iter().map(|r| r.seconds).fold(0.0, f64::max));
        results.append(&mut rs);
    }
    PairwiseReport {
        nodes: cfg.nodes.clone(),
        mode: cfg.mode,
        rounds: rounds.len(),
        rate_gbps: cfg.rate_gbps,
        min_fraction: cfg.min_fraction,
        results,
        round_seconds,
        round_longest_test_seconds: longest,
        total_seconds: start.elapsed().as_secs_f64(),
    }
}

/// How long reading one node's counters may take.
const COUNTER_TIMEOUT: Duration = Duration::from_secs(20);

/// The port counters of every node, read through the launcher (all nodes at once; the
/// script reads `<root>/sys/class/infiniband/...`, see [`super::counters::REMOTE_SCRIPT`]).
/// Nodes that could not be read come back with the reason.
pub fn remote_counters(cfg: &PairwiseConfig, root: &str) -> (Snapshot, Vec<(String, String)>) {
    let answers: Vec<(String, Step)> = std::thread::scope(|s| {
        let handles: Vec<_> = cfg
            .nodes
            .iter()
            .map(|node| {
                s.spawn(move || {
                    let mut argv = cfg.on_node(node, COUNTER_TIMEOUT.as_secs(), "sh");
                    argv.extend([
                        "-c".to_string(),
                        super::counters::REMOTE_SCRIPT.into(),
                        "sh".into(),
                        root.to_string(),
                    ]);
                    let runner = cfg.runner(COUNTER_TIMEOUT + Duration::from_secs(5));
                    (node.clone(), step(&runner, &argv, None))
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(&cfg.nodes)
            .map(|(h, node)| {
                h.join().unwrap_or_else(|_| {
                    (
                        node.clone(),
                        Step {
                            ok: false,
                            stdout: String::new(),
                            stderr: "internal error: the reading thread panicked".into(),
                            timed_out: false,
                            cancelled: false,
                        },
                    )
                })
            })
            .collect()
    });
    let mut snapshot = Snapshot::default();
    let mut failed = Vec::new();
    for (node, step) in answers {
        if step.ok {
            snapshot
                .values
                .extend(super::counters::parse_remote(&node, &step.stdout).values);
        } else {
            let why = if step.timed_out {
                format!("no answer within {} s", COUNTER_TIMEOUT.as_secs())
            } else {
                tail(&step.stdout, &step.stderr).join(" / ")
            };
            failed.push((node, why));
        }
    }
    (snapshot, failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fabric::audit::Setting;
    use crate::fabric::sysfs::{Root, discover};

    fn host(tree: &str) -> crate::fabric::sysfs::Host {
        discover(&Root(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/fabric")
                .join(tree),
        ))
    }

    fn nccl(hca: Option<&str>, gid: Option<&str>) -> NcclConfig {
        let set = |v: &str| Setting {
            value: v.into(),
            source: "environment".into(),
        };
        NcclConfig {
            ib_hca: hca.map(set),
            gid_index: gid.map(set),
            ..NcclConfig::default()
        }
    }

    fn args(h: &str, n: &NcclConfig, w: &PortWish) -> Vec<String> {
        choose_ports(&host(h), n, w).expect("ports").args
    }

    #[test]
    fn the_port_nccl_would_use_is_tested() {
        let w = PortWish::default();
        let healthy = "roce-healthy-8nic";
        assert_eq!(
            args(healthy, &nccl(Some("mlx5_3"), None), &w),
            ["-d", "mlx5_3", "-i", "1", "-x", "3"]
        );
        // NCCL's own matching: an exclusion list selects the first port it does not exclude.
        assert_eq!(
            args(healthy, &nccl(Some("^mlx5_0"), None), &w)[..2],
            ["-d", "mlx5_1"]
        );
        // NCCL_IB_GID_INDEX wins over the port's own RoCE v2 GID.
        assert_eq!(
            args(healthy, &nccl(None, Some("5")), &w),
            ["-d", "mlx5_0", "-i", "1", "-x", "5"]
        );
        // A down port is skipped; a --device the host has no active port of is passed as is.
        assert_eq!(
            args("roce-port-down", &nccl(Some("mlx5_1"), None), &w)[..2],
            ["-d", "mlx5_0"]
        );
        let dev = PortWish {
            device: Some("mlx5_1"),
            ..PortWish::default()
        };
        assert_eq!(
            args("roce-port-down", &nccl(None, None), &dev),
            ["-d", "mlx5_1"]
        );
        // No RDMA at all: perftest chooses.
        assert!(args("no-rdma", &nccl(None, None), &w).is_empty());
    }

    #[test]
    fn rails_are_every_active_port() {
        let w = PortWish {
            rails: true,
            ..PortWish::default()
        };
        let p = choose_ports(&host("roce-port-down"), &nccl(None, None), &w).expect("rails");
        assert!(p.args.is_empty());
        let names: Vec<String> = p.rails.iter().map(Rail::name).collect();
        assert_eq!(names, ["mlx5_0/1"], "the down port is not a rail");
        assert!(choose_ports(&host("no-rdma"), &nccl(None, None), &w).is_err());
    }
}
