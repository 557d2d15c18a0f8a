//! The one door to external programs.
//!
//! Every call of sbatch, squeue, sacct, scontrol, scancel, srun, mmlsquota, ib_write_bw…
//! goes through [`Runner`]: programs are looked up in a configurable directory first, run
//! with a timeout, their stdout and stderr captured on separate threads (so a chatty child
//! can never block on a full pipe), and every way they can fail becomes one sentence.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ProcessError {
    #[error("`{program}` was not found{}", where_.as_ref().map(|d| format!(" in `{}` or on PATH", d.display())).unwrap_or_else(|| " on PATH".into()))]
    NotFound {
        program: String,
        where_: Option<PathBuf>,
    },
    #[error("could not run `{program}`")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// The program ran past its time limit and was stopped (exit status 3: an external tool
    /// timed out).
    #[error("`{command}` did not finish within {} and was stopped{}", show_duration(*timeout), setting.map(|s| format!(" (the limit is `{s}` in the site config)")).unwrap_or_default())]
    Timeout {
        command: String,
        timeout: Duration,
        /// The config key that sets this limit.
        setting: Option<&'static str>,
    },
    /// The program printed more than [`crate::bounded::TOOL_OUTPUT`] on one stream and was
    /// stopped: a tool that prints without end must not grow our memory.
    #[error("`{command}` printed more than {cap} on its {stream} and was stopped")]
    OutputTooLarge {
        command: String,
        stream: &'static str,
        cap: crate::bounded::Cap,
    },
    #[error("`{command}` failed with exit code {code}{}", stderr_suffix(stderr))]
    Failed {
        command: String,
        code: i32,
        stdout: String,
        stderr: String,
    },
    #[error("`{command}` was stopped: {why}")]
    Cancelled { command: String, why: String },
    #[error("`{command}` was killed by signal {signal}")]
    Signal { command: String, signal: i32 },
    #[error("could not talk to `{program}`")]
    Io {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

/// Stderr quoted in a message: its last lines, at most [`STDERR_IN_MESSAGE`] characters (a
/// tool may print megabytes before it fails).
fn stderr_suffix(stderr: &str) -> String {
    let trimmed = stderr.trim();
    if trimmed.is_empty() {
        String::new()
    } else if trimmed.len() <= STDERR_IN_MESSAGE {
        format!(": {trimmed}")
    } else {
        let mut start = trimmed.len() - STDERR_IN_MESSAGE;
        while !trimmed.is_char_boundary(start) {
            start += 1;
        }
        format!(
            ": ...{} (last {} of {} bytes)",
            &trimmed[start..],
            trimmed.len() - start,
            trimmed.len()
        )
    }
}

const STDERR_IN_MESSAGE: usize = 2000;

/// `500 ms`, `10 s`, `2 min 5 s`.
pub fn show_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        format!("{} ms", d.as_millis())
    } else if secs < 120 {
        format!("{secs} s")
    } else if secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

impl ProcessError {
    /// Captured stderr of a failed program, if any.
    pub fn stderr(&self) -> Option<&str> {
        match self {
            Self::Failed { stderr, .. } => Some(stderr),
            _ => None,
        }
    }

    /// The program timed out (a distinct case for callers and the exit-status mapping).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }
}

/// What a successful run printed.
#[derive(Debug, Clone, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

#[derive(Debug, Clone)]
pub struct Runner {
    /// Looked up before PATH (site config `slurm.binDir`).
    pub bin_dir: Option<PathBuf>,
    pub timeout: Duration,
    /// Extra environment for every child (e.g. `SLURM_CONF` is inherited as usual).
    pub env: Vec<(String, String)>,
    /// When set, a child that times out or is cancelled gets SIGTERM first and SIGKILL only
    /// after this grace period (`srun` forwards SIGTERM to its remote tasks; SIGKILL would
    /// leave them running).
    pub term_grace: Option<Duration>,
    /// The config key that sets `timeout`, named in the timeout error.
    pub timeout_setting: Option<&'static str>,
    /// The most one stream (stdout or stderr) may carry before the program is stopped.
    pub output_cap: crate::bounded::Cap,
}

impl Default for Runner {
    fn default() -> Self {
        Self {
            bin_dir: None,
            timeout: Duration::from_secs(60),
            env: Vec::new(),
            term_grace: None,
            timeout_setting: None,
            output_cap: crate::bounded::TOOL_OUTPUT,
        }
    }
}

impl Runner {
    pub fn new(bin_dir: Option<&Path>) -> Self {
        Self {
            bin_dir: bin_dir.map(Path::to_path_buf),
            ..Self::default()
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout and the config key that sets it (named when a program runs past it).
    pub fn with_timeout_from(mut self, timeout: Duration, setting: &'static str) -> Self {
        self.timeout = timeout;
        self.timeout_setting = Some(setting);
        self
    }

    /// The program's path: `bin_dir/program` if it exists there, else the first match on
    /// PATH.
    pub fn resolve(&self, program: &str) -> Result<PathBuf, ProcessError> {
        if program.contains('/') {
            return Ok(PathBuf::from(program));
        }
        if let Some(dir) = &self.bin_dir {
            let p = dir.join(program);
            if is_executable(&p) {
                return Ok(p);
            }
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .map(|d| d.join(program))
            .find(|p| is_executable(p))
            .ok_or_else(|| ProcessError::NotFound {
                program: program.to_string(),
                where_: self.bin_dir.clone(),
            })
    }

    /// Run a program to completion; a non-zero exit is an error carrying the output.
    pub fn run(
        &self,
        program: &str,
        args: &[String],
        stdin: Option<&[u8]>,
    ) -> Result<Output, ProcessError> {
        let (status, out) = self.run_status(program, args, stdin)?;
        let command = display_command(program, args);
        match status.code() {
            Some(0) => Ok(out),
            Some(code) => Err(ProcessError::Failed {
                command,
                code,
                stdout: out.stdout,
                stderr: out.stderr,
            }),
            None => Err(ProcessError::Signal {
                command,
                signal: signal_of(&status),
            }),
        }
    }

    /// Run a program to completion and return its status whatever it is.
    pub fn run_status(
        &self,
        program: &str,
        args: &[String],
        stdin: Option<&[u8]>,
    ) -> Result<(ExitStatus, Output), ProcessError> {
        self.run_status_until(program, args, stdin, None)
    }

    /// Like [`Runner::run_status`], but the run is stopped (an error `Cancelled`) as soon as
    /// `cancel` becomes true, e.g. a perftest server whose client has ended.
    pub fn run_status_until(
        &self,
        program: &str,
        args: &[String],
        stdin: Option<&[u8]>,
        cancel: Option<&std::sync::atomic::AtomicBool>,
    ) -> Result<(ExitStatus, Output), ProcessError> {
        let path = self.resolve(program)?;
        let mut cmd = Command::new(&path);
        cmd.args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ProcessError::NotFound {
                    program: program.to_string(),
                    where_: self.bin_dir.clone(),
                }
            } else {
                ProcessError::Spawn {
                    program: program.to_string(),
                    source,
                }
            }
        })?;
        let io_err = |source| ProcessError::Io {
            program: program.to_string(),
            source,
        };
        // Each pipe is drained on its own thread (a full pipe would block the child), and the
        // threads report back when the child closes them, which is when it exits: no polling
        // delay is added to fast programs such as sbatch.
        // A stream that passes the cap is reported as `None`, and the child is stopped.
        let (tx, rx) = std::sync::mpsc::channel::<(bool, Option<Vec<u8>>)>();
        let cap = self.output_cap;
        for (is_stdout, pipe) in [
            (
                true,
                child
                    .stdout
                    .take()
                    .map(|p| Box::new(p) as Box<dyn Read + Send>),
            ),
            (
                false,
                child
                    .stderr
                    .take()
                    .map(|p| Box::new(p) as Box<dyn Read + Send>),
            ),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(p) = pipe {
                    let _ = p.take(cap.bytes.saturating_add(1)).read_to_end(&mut buf);
                }
                let over = buf.len() as u64 > cap.bytes;
                let _ = tx.send((is_stdout, (!over).then_some(buf)));
            });
        }
        drop(tx);
        // Stdin is written on its own thread too: a child that hangs without reading it must
        // still meet its deadline.
        let writer = match (stdin, child.stdin.take()) {
            (Some(data), Some(mut pipe)) => {
                let data = data.to_vec();
                Some(std::thread::spawn(move || {
                    // A child that exits without reading all of stdin closes the pipe: not
                    // our error.
                    match pipe.write_all(&data) {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
                        _ => Ok(()),
                    }
                }))
            }
            _ => None,
        };
        let deadline = Instant::now() + self.timeout;
        let stop = |child: &mut std::process::Child| {
            if let Some(grace) = self.term_grace {
                terminate(child, grace);
            }
            let _ = child.kill();
            let _ = child.wait();
        };
        let timeout = |child: &mut std::process::Child| {
            stop(child);
            ProcessError::Timeout {
                command: display_command(program, args),
                timeout: self.timeout,
                setting: self.timeout_setting,
            }
        };
        let cancelled = || cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst));
        let (mut stdout, mut stderr) = (None, None);
        let mut exited_at: Option<Instant> = None;
        while stdout.is_none() || stderr.is_none() {
            let now = Instant::now();
            if now >= deadline {
                return Err(timeout(&mut child));
            }
            if cancelled() {
                stop(&mut child);
                return Err(ProcessError::Cancelled {
                    command: display_command(program, args),
                    why: "its partner step ended".into(),
                });
            }
            // A grandchild may keep the pipes open after the child exited: give it a moment,
            // then go on with what was read.
            if exited_at.is_some_and(|t| now.duration_since(t) > Duration::from_millis(500)) {
                break;
            }
            let wait = deadline
                .saturating_duration_since(now)
                .min(Duration::from_millis(100));
            match rx.recv_timeout(wait) {
                Ok((is_stdout, None)) => {
                    stop(&mut child);
                    return Err(ProcessError::OutputTooLarge {
                        command: display_command(program, args),
                        stream: if is_stdout { "stdout" } else { "stderr" },
                        cap,
                    });
                }
                Ok((true, Some(b))) => stdout = Some(b),
                Ok((false, Some(b))) => stderr = Some(b),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if exited_at.is_none() && child.try_wait().map_err(io_err)?.is_some() {
                        exited_at = Some(Instant::now());
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        // The pipes are closed; the child is exiting (or closed them and lives on).
        let mut pause = Duration::from_micros(50);
        let status = loop {
            if let Some(status) = child.try_wait().map_err(io_err)? {
                break status;
            }
            if Instant::now() >= deadline {
                return Err(timeout(&mut child));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(25));
        };
        if let Some(w) = writer
            && w.is_finished()
            && let Ok(Err(e)) = w.join()
        {
            return Err(io_err(e));
        }
        let (stdout, stderr) = (stdout.unwrap_or_default(), stderr.unwrap_or_default());
        Ok((
            status,
            Output {
                stdout: String::from_utf8_lossy(&stdout).into_owned(),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
            },
        ))
    }
}

/// SIGTERM (through `kill`, std has only SIGKILL), then wait up to `grace` for the exit.
fn terminate(child: &mut std::process::Child, grace: Duration) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let end = Instant::now() + grace;
    while Instant::now() < end {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(unix)]
fn signal_of(status: &ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.signal().unwrap_or(0)
}

/// `program arg1 'arg 2'` for messages.
pub fn display_command(program: &str, args: &[String]) -> String {
    let mut s = program.to_string();
    for a in args {
        s.push(' ');
        s.push_str(
            &shlex::try_quote(a)
                .map(|q| q.into_owned())
                .unwrap_or_else(|_| a.escape_debug().to_string()),
        );
    }
    s
}

/// Words with which Slurm's and GPFS's tools say the service is not there right now.
pub fn unreachable_in(stderr: &str) -> bool {
    [
        "Unable to contact slurm controller",
        "Socket timed out on send/recv operation",
        "Slurm backup controller in standby mode",
        "GPFS is down on this node",
        "The GPFS daemon is not running",
    ]
    .iter()
    .any(|w| stderr.contains(w))
}

impl crate::error::Advice for ProcessError {
    fn hint(&self) -> String {
        match self {
            Self::NotFound { program, .. } => {
                format!("is `{program}` installed on this node? check PATH or the site config")
            }
            Self::Timeout { .. } => {
                "the system behind it may be overloaded or down; retry later".into()
            }
            _ => "the message above is the program's own".into(),
        }
    }

    /// A timeout or a controller that cannot be reached is worth a retry (3); a program
    /// that is missing or cannot be started is the environment's fault (2).
    fn status(&self) -> crate::error::ExitStatus {
        use crate::error::ExitStatus as S;
        match self {
            Self::Timeout { .. } => S::Unavailable,
            Self::Failed { stderr, .. } if unreachable_in(stderr) => S::Unavailable,
            _ => S::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn captures_output_and_passes_stdin() {
        let r = Runner::default();
        let out = r.run("cat", &[], Some(b"hello")).expect("cat runs");
        assert_eq!(out.stdout, "hello");
    }

    #[test]
    fn missing_program_is_a_sentence() {
        let r = Runner::new(Some(Path::new("/nonexistent/bin")));
        let err = r.run("no-such-program-hybridctl", &[], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`no-such-program-hybridctl` was not found in `/nonexistent/bin` or on PATH"
        );
    }

    #[test]
    fn failure_keeps_stderr_and_code() {
        let r = Runner::default();
        let err = r
            .run("sh", &args(&["-c", "echo oops >&2; exit 3"]), None)
            .unwrap_err();
        match &err {
            ProcessError::Failed { code, stderr, .. } => {
                assert_eq!(*code, 3);
                assert_eq!(stderr.trim(), "oops");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "`sh -c 'echo oops >&2; exit 3'` failed with exit code 3: oops"
        );
    }

    #[test]
    fn timeouts_kill_the_child() {
        let r = Runner::default().with_timeout(Duration::from_millis(200));
        let t = Instant::now();
        let err = r.run("sleep", &args(&["5"]), None).unwrap_err();
        assert!(matches!(err, ProcessError::Timeout { .. }));
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn cancel_terminates_gracefully() {
        let mut r = Runner::default().with_timeout(Duration::from_secs(20));
        r.term_grace = Some(Duration::from_secs(2));
        let flag = std::sync::atomic::AtomicBool::new(false);
        let t = Instant::now();
        let err = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(200));
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            r.run_status_until(
                "sh",
                &args(&["-c", "trap 'exit 7' TERM; while :; do sleep 0.05; done"]),
                None,
                Some(&flag),
            )
            .unwrap_err()
        });
        assert!(matches!(err, ProcessError::Cancelled { .. }), "{err:?}");
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }

    #[test]
    fn a_grandchild_holding_the_pipes_does_not_hang_us() {
        let r = Runner::default().with_timeout(Duration::from_secs(10));
        let t = Instant::now();
        let out = r
            .run("sh", &args(&["-c", "echo started; sleep 3 & exit 0"]), None)
            .expect("runs");
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        let _ = out;
    }

    #[test]
    fn endless_output_is_stopped_at_the_cap() {
        let mut r = Runner::default().with_timeout(Duration::from_secs(20));
        r.output_cap = crate::bounded::Cap {
            what: "tool output",
            bytes: 1 << 20,
        };
        let t = Instant::now();
        let err = r.run("yes", &[], None).unwrap_err();
        assert!(
            matches!(
                err,
                ProcessError::OutputTooLarge {
                    stream: "stdout",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "`yes` printed more than 1 MiB on its stdout and was stopped"
        );
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        // And on stderr.
        let err = r.run("sh", &args(&["-c", "yes >&2"]), None).unwrap_err();
        assert!(
            matches!(
                err,
                ProcessError::OutputTooLarge {
                    stream: "stderr",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_child_that_never_reads_stdin_still_times_out() {
        // More than a pipe buffer of stdin to a child that sleeps: the write must not block
        // the deadline.
        let r = Runner::default().with_timeout_from(Duration::from_millis(300), "slurm.timeout");
        let data = vec![b'x'; 4 << 20];
        let t = Instant::now();
        let err = r.run("sleep", &args(&["30"]), Some(&data)).unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
        assert_eq!(
            err.to_string(),
            "`sleep 30` did not finish within 300 ms and was stopped (the limit is `slurm.timeout` in the site config)"
        );
    }

    #[test]
    fn long_stderr_is_cut_in_messages() {
        let r = Runner::default();
        let err = r
            .run(
                "sh",
                &args(&[
                    "-c",
                    "head -c 100000 /dev/zero | tr '\\0' e >&2; echo last >&2; exit 1",
                ]),
                None,
            )
            .unwrap_err();
        let text = err.to_string();
        assert!(text.len() < 2200, "{}", text.len());
        assert!(
            text.ends_with(" bytes)") && text.contains("last (last 2000 of 1000"),
            "{}",
            &text[text.len() - 60..]
        );
        assert_eq!(show_duration(Duration::from_secs(150)), "2 min 30 s");
        assert_eq!(show_duration(Duration::from_secs(120)), "2 min");
    }

    #[test]
    fn large_output_does_not_deadlock() {
        let r = Runner::default();
        let out = r
            .run("sh", &args(&["-c", "head -c 1000000 /dev/zero | tr '\\0' x; head -c 1000000 /dev/zero | tr '\\0' y >&2"]), None)
            .expect("runs");
        assert_eq!(out.stdout.len(), 1_000_000);
        assert_eq!(out.stderr.len(), 1_000_000);
    }
}
