//! The one output layer: what goes to stdout (data: tables, JSON, log lines) and to stderr
//! (notes, warnings, errors, progress), and whether each is coloured.
//!
//! Colour is decided once per stream, from that stream: stdout's styling from whether stdout
//! is a terminal, stderr's from stderr, with `--color auto|always|never` and the conventions
//! anstream honours (`NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `TERM=dumb`). Text is styled
//! with [`paint`] and written through [`Printer::out`], an anstream stream that strips the
//! styling when its stream must not have it, so nothing writes ANSI into a file or a pipe.
//!
//! A closed stdout (`hybridctl ... | head`) is not an error: writes after the reader went away
//! are dropped and remembered ([`Printer::stdout_closed`]), so a command finishes its work and
//! exits with the status its check would have had, as grep and ripgrep do. Progress spinners
//! draw only on a terminal stderr and never with `--quiet`.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anstream::ColorChoice as StreamChoice;
pub use anstyle::Style;

use crate::diag::{Diagnostic, Severity};

/// `--color`: whether to colour the output (per stream in `auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub use crate::style::{ansi, paint, styles};

fn decide(flag: ColorChoice, choice_of_stream: impl FnOnce() -> StreamChoice) -> bool {
    match flag {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => matches!(
            choice_of_stream(),
            StreamChoice::Always | StreamChoice::AlwaysAnsi
        ),
    }
}

/// The printer a command is given. Cheap to clone (the closed flag is shared).
#[derive(Debug, Clone)]
pub struct Printer {
    out_color: bool,
    err_color: bool,
    quiet: bool,
    out_tty: bool,
    err_tty: bool,
    closed: Arc<AtomicBool>,
}

impl Printer {
    /// Decide colour per stream from the flag, the environment and the streams themselves.
    pub fn new(flag: ColorChoice, quiet: bool) -> Self {
        let stdout = io::stdout();
        let stderr = io::stderr();
        Self {
            out_color: decide(flag, || anstream::AutoStream::choice(&stdout)),
            err_color: decide(flag, || anstream::AutoStream::choice(&stderr)),
            quiet,
            out_tty: stdout.is_terminal(),
            err_tty: stderr.is_terminal(),
            closed: Arc::default(),
        }
    }

    /// A printer with fixed decisions (tests, and library callers that print nothing).
    pub fn plain() -> Self {
        Self {
            out_color: false,
            err_color: false,
            quiet: false,
            out_tty: false,
            err_tty: false,
            closed: Arc::default(),
        }
    }

    /// Whether text for stdout may be styled.
    pub fn out_color(&self) -> bool {
        self.out_color
    }

    /// Whether text for stderr may be styled.
    pub fn err_color(&self) -> bool {
        self.err_color
    }

    pub fn stdout_is_terminal(&self) -> bool {
        self.out_tty
    }

    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// True once a write found stdout closed by its reader.
    pub fn stdout_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// stdout, styled or stripped as decided; a closed pipe swallows the rest.
    pub fn out(&self) -> Out {
        let choice = if self.out_color {
            StreamChoice::Always
        } else {
            StreamChoice::Never
        };
        Out {
            inner: anstream::AutoStream::new(io::stdout().lock(), choice),
            closed: Arc::clone(&self.closed),
        }
    }

    /// Write `text` to stdout as it is (a newline is not added).
    pub fn print(&self, text: &str) -> io::Result<()> {
        self.out().write_all(text.as_bytes())
    }

    /// One line of data on stdout.
    pub fn line(&self, text: &str) -> io::Result<()> {
        let mut out = self.out();
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")
    }

    /// A JSON document on stdout, pretty, with a final newline.
    pub fn json<T: serde::Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let mut out = self.out();
        serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }

    /// A table on stdout: fitted to the terminal's width on a terminal, never wrapped in a
    /// pipe or a file. Trailing blanks are trimmed.
    pub fn table(&self, table: &mut comfy_table::Table) -> io::Result<()> {
        self.fit(table);
        self.line(&table_text(table))
    }

    /// Fit a table to stdout (the terminal's width) without printing it.
    pub fn fit(&self, table: &mut comfy_table::Table) {
        match self.width() {
            Some(w) => {
                table.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
                table.set_width(w);
            }
            None => {
                table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
            }
        }
    }

    /// The width of the terminal stdout is, if it is one.
    pub fn width(&self) -> Option<u16> {
        if !self.out_tty {
            return None;
        }
        terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| w.0)
    }

    /// A note on stderr (silenced by `--quiet`).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{text}");
        }
    }

    /// `warning: ...` (and `  hint: ...`) on stderr; warnings are not silenced by `--quiet`.
    pub fn warn(&self, text: &str, hint: Option<&str>) {
        let mut err = io::stderr().lock();
        let _ = writeln!(
            err,
            "{} {text}",
            paint(self.err_color, styles::WARNING, "warning:")
        );
        if let Some(h) = hint {
            let _ = writeln!(
                err,
                "  {} {h}",
                paint(self.err_color, styles::HINT, "hint:")
            );
        }
    }

    /// The error report `main` prints: `error:` styled on a colour stderr.
    pub fn error_report(&self, text: &str) {
        let mut err = io::stderr().lock();
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            let first = match first.strip_prefix("error:") {
                Some(rest) => format!("{}{rest}", paint(self.err_color, styles::ERROR, "error:")),
                None => first.to_string(),
            };
            let _ = writeln!(err, "{first}");
        }
        for l in lines {
            let l = match l.strip_prefix("hint:") {
                Some(rest) => format!("{}{rest}", paint(self.err_color, styles::HINT, "hint:")),
                None => l.to_string(),
            };
            let _ = writeln!(err, "{l}");
        }
    }

    /// A spinner on stderr with `message`, drawn only on a terminal and without `--quiet`.
    pub fn spinner(&self, message: impl Into<std::borrow::Cow<'static, str>>) -> Spinner {
        let bar = if self.err_tty && !self.quiet {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(Duration::from_millis(120));
            b
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_message(message);
        Spinner(bar)
    }

    /// A diagnostic as text, styled for stderr.
    pub fn diagnostic(&self, d: &Diagnostic) -> String {
        let (label, style) = match d.severity {
            Severity::Error => ("error", styles::ERROR),
            Severity::Warning => ("warning", styles::WARNING),
        };
        let mut s = format!(
            "{}: {}: {}",
            d.file,
            paint(self.err_color, style, &format!("{label}[{}]", d.rule)),
            d.message
        );
        if let Some(h) = &d.hint {
            s.push_str(&format!(
                "\n  {} {h}",
                paint(self.err_color, styles::HINT, "hint:")
            ));
        }
        s
    }

    /// Diagnostics on stderr.
    pub fn diagnostics(&self, diags: &[Diagnostic]) -> io::Result<()> {
        let mut err = io::stderr().lock();
        for d in diags {
            writeln!(err, "{}", self.diagnostic(d))?;
        }
        Ok(())
    }
}

/// A table as text, without the trailing blanks comfy-table pads lines with.
pub fn table_text(table: &comfy_table::Table) -> String {
    table
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A progress spinner (hidden when it must not draw). Messages are set through it; it clears
/// itself when dropped.
pub struct Spinner(indicatif::ProgressBar);

impl Spinner {
    pub fn set_message(&self, message: impl Into<std::borrow::Cow<'static, str>>) {
        self.0.set_message(message);
    }

    /// Run `f` with the spinner hidden (for output that must not be drawn over).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.0.suspend(f)
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// stdout as the printer writes it: styled or stripped, and quiet once its reader is gone.
pub struct Out {
    inner: anstream::AutoStream<io::StdoutLock<'static>>,
    closed: Arc<AtomicBool>,
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(())
            }
            other => other,
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_only_when_the_stream_is_coloured() {
        assert_eq!(paint(false, styles::ERROR, "x"), "x");
        let on = paint(true, styles::ERROR, "x");
        assert!(on.starts_with("\x1b[") && on.ends_with("\x1b[0m") && on.contains('x'));
        assert_eq!(paint(true, Style::new(), "x"), "x");
    }

    #[test]
    fn the_flag_wins_over_the_stream() {
        assert!(decide(ColorChoice::Always, || StreamChoice::Never));
        assert!(!decide(ColorChoice::Never, || StreamChoice::Always));
        assert!(decide(ColorChoice::Auto, || StreamChoice::Always));
        assert!(!decide(ColorChoice::Auto, || StreamChoice::Never));
    }
}
