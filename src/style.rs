//! Styling text for a terminal: the theme and the one function that writes ANSI sequences.
//! Pure: whether a stream is coloured is the printer's decision ([`crate::output`]); the
//! core's text reports take it as a flag.

use anstyle::{AnsiColor, Style};

/// The styles hybridctl uses; a theme in one place.
pub mod styles {
    use anstyle::{AnsiColor, Effects, Style};
    pub const ERROR: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
    pub const WARNING: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
    pub const HINT: Style = AnsiColor::Cyan.on_default().effects(Effects::BOLD);
    pub const PASS: Style = AnsiColor::Green.on_default();
    pub const DIM: Style = Style::new().effects(Effects::DIMMED);
    pub const BOLD: Style = Style::new().effects(Effects::BOLD);
}

/// `text` in `style` when `on` (the caller's stream is coloured), else `text` as it is.
/// The only place hybridctl writes an ANSI sequence.
pub fn paint(on: bool, style: Style, text: &str) -> String {
    if on && style != Style::new() {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// A colour by ANSI number (30-37, 90-97), for per-pod prefixes.
pub fn ansi(code: u8) -> Style {
    let c = match code {
        31 | 91 => AnsiColor::Red,
        32 | 92 => AnsiColor::Green,
        33 | 93 => AnsiColor::Yellow,
        34 | 94 => AnsiColor::Blue,
        35 | 95 => AnsiColor::Magenta,
        36 | 96 => AnsiColor::Cyan,
        37 | 97 => AnsiColor::White,
        _ => AnsiColor::BrightBlack,
    };
    let c = if code >= 90 { c.bright(true) } else { c };
    c.on_default()
}
