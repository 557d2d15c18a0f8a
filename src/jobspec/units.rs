//! Units in job specs: Slurm time limits, Slurm memory, Kubernetes quantities, byte sizes.
//!
//! Slurm and Kubernetes disagree on what `G` means: Slurm's `--mem=1800G` is 1800 GiB
//! (binary, see `sbatch(1)` "--mem"), Kubernetes' `1800G` is 1800 * 10^9 bytes. So
//! `slurm.memory` follows Slurm (both `G` and `Gi` mean GiB there), and container resources
//! follow Kubernetes' quantity rules. Every parser returns a normalised value, and the renderer
//! only ever prints normalised values.

/// A Slurm time limit in seconds; `None` means `UNLIMITED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit(pub Option<u64>);

impl TimeLimit {
    /// Slurm's `days-hours:minutes:seconds` form.
    pub fn to_slurm(self) -> String {
        match self.0 {
            None => "UNLIMITED".to_string(),
            Some(total) => {
                let (d, rem) = (total / 86_400, total % 86_400);
                let (h, rem) = (rem / 3600, rem % 3600);
                let (m, s) = (rem / 60, rem % 60);
                if d > 0 {
                    format!("{d}-{h:02}:{m:02}:{s:02}")
                } else {
                    format!("{h:02}:{m:02}:{s:02}")
                }
            }
        }
    }
}

/// The longest finite time limit Slurm can hold: `parse_time.c` turns a limit into seconds and
/// rounds up to minutes as `(seconds + 59) / 60` in 32-bit signed arithmetic, so any limit
/// above `(i32::MAX - 59) / 60` minutes wraps. Seen on the test cluster (sbatch 22.05.8):
/// `--time=35791393` is `TimeLimit=24855-03:13:00`, `--time=35791394` (and
/// `24855-03:13:59`) is `TimeLimit=2957761-01:03:00`, and `999999999` shows as `INVALID`.
pub const MAX_SLURM_MINUTES: u64 = (i32::MAX as u64 - 59) / 60;

/// Parse a time limit in any form `sbatch --time` accepts (`minutes`, `minutes:seconds`,
/// `hours:minutes:seconds`, `days-hours`, `days-hours:minutes`, `days-hours:minutes:seconds`,
/// `UNLIMITED`/`INFINITE`/`-1`) or a duration with units (`48h`, `90m`, `2d`, `1d12h`, `30s`).
/// As in Slurm (`sbatch(1)`, `src/common/parse_time.c`), `0` in Slurm's own forms asks for no
/// time limit, and `-1`, `INFINITE` and `UNLIMITED` are unlimited; a limit longer than
/// [`MAX_SLURM_MINUTES`] is refused rather than passed on to overflow.
pub fn parse_time(text: &str) -> Result<TimeLimit, String> {
    let q = crate::excerpt::excerpt(text);
    let t = text.trim();
    if t.is_empty() {
        return Err("empty time limit".into());
    }
    if t.eq_ignore_ascii_case("unlimited") || t.eq_ignore_ascii_case("infinite") || t == "-1" {
        return Ok(TimeLimit(None));
    }
    let within_slurm = |seconds: u64| -> Result<TimeLimit, String> {
        if seconds.div_ceil(60) > MAX_SLURM_MINUTES {
            return Err(format!(
                "`{q}` is longer than the longest time limit Slurm can hold, {MAX_SLURM_MINUTES} minutes ({}); write `UNLIMITED` for no limit",
                TimeLimit(Some(MAX_SLURM_MINUTES * 60)).to_slurm()
            ));
        }
        Ok(TimeLimit(Some(seconds)))
    };
    if t.bytes().any(|b| b.is_ascii_alphabetic()) {
        let seconds = parse_duration_units(t)?;
        if seconds == 0 {
            return Err(format!(
                "`{q}` is a time limit of zero: write `UNLIMITED` (or Slurm's `0`) for no limit"
            ));
        }
        return within_slurm(seconds);
    }
    let num = |s: &str| -> Result<u64, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 9 {
            return Err(format!("`{q}` is not a valid time limit"));
        }
        s.parse::<u64>()
            .map_err(|_| format!("`{q}` is not a valid time limit"))
    };
    let seconds = if let Some((days, rest)) = t.split_once('-') {
        let d = num(days)?;
        let parts: Vec<&str> = rest.split(':').collect();
        let (h, m, s) = match parts.as_slice() {
            [h] => (num(h)?, 0, 0),
            [h, m] => (num(h)?, num(m)?, 0),
            [h, m, s] => (num(h)?, num(m)?, num(s)?),
            _ => return Err(format!("`{q}` has too many `:` parts")),
        };
        d * 86_400 + h * 3600 + m * 60 + s
    } else {
        let parts: Vec<&str> = t.split(':').collect();
        match parts.as_slice() {
            [m] => num(m)? * 60,
            [m, s] => num(m)? * 60 + num(s)?,
            [h, m, s] => num(h)? * 3600 + num(m)? * 60 + num(s)?,
            _ => return Err(format!("`{q}` has too many `:` parts")),
        }
    };
    if seconds == 0 {
        // sbatch(1): "A time limit of zero requests that no time limit be imposed."
        return Ok(TimeLimit(None));
    }
    within_slurm(seconds)
}

/// A command-line duration: `500ms`, `30s`, `10m`, `2h`, `1d`, combinations like `1h30m`,
/// decimals like `1.5m`, or plain seconds (`90`). The one parser behind `logs --since`,
/// `fabric-check --watch` and `nccl-check --init-timeout`.
pub fn parse_cli_duration(text: &str) -> Result<std::time::Duration, String> {
    let q = crate::excerpt::excerpt(text);
    let t = text.trim();
    let err = || format!("`{q}` is not a duration: write e.g. `30s`, `10m`, `1h30m` or `500ms`");
    let secs = if let Ok(v) = t.parse::<f64>() {
        v
    } else {
        let mut total = 0.0f64;
        let mut rest = t;
        if rest.is_empty() {
            return Err(err());
        }
        while !rest.is_empty() {
            let n = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(err)?;
            let value: f64 = rest[..n].parse().map_err(|_| err())?;
            rest = &rest[n..];
            let (unit, len) = if rest.starts_with("ms") {
                (0.001, 2)
            } else {
                match rest.as_bytes()[0] {
                    b's' => (1.0, 1),
                    b'm' => (60.0, 1),
                    b'h' => (3600.0, 1),
                    b'd' => (86_400.0, 1),
                    _ => return Err(err()),
                }
            };
            total += value * unit;
            rest = &rest[len..];
        }
        total
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(err());
    }
    std::time::Duration::try_from_secs_f64(secs).map_err(|_| err())
}

fn parse_duration_units(t: &str) -> Result<u64, String> {
    let q = crate::excerpt::excerpt(t);
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut any = false;
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'd' | 'D' => 86_400,
            'h' | 'H' => 3600,
            'm' | 'M' => 60,
            's' | 'S' => 1,
            _ => return Err(format!("`{q}` is not a valid duration (units: d, h, m, s)")),
        };
        if digits.is_empty() || digits.len() > 9 {
            return Err(format!(
                "`{q}` is not a valid duration (e.g. `48h`, `1d12h`, `90m`)"
            ));
        }
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{q}` is not a valid duration"))?;
        total = total.saturating_add(n.saturating_mul(unit));
        digits.clear();
        any = true;
    }
    if !digits.is_empty() || !any {
        return Err(format!(
            "`{q}` is missing a unit after the last number (d, h, m, s)"
        ));
    }
    if total == 0 {
        return Err("a time limit of zero would stop the job at once".into());
    }
    Ok(total)
}

/// Parse `slurm.memory` (Slurm semantics: K, M, G, T are binary; `Ki`..`Ti` are accepted as
/// the same) into MiB. A bare number is MiB, as in `sbatch --mem`. `0` means "all memory of
/// the node" for Slurm and is kept.
pub fn parse_slurm_memory(text: &str) -> Result<u64, String> {
    let q = crate::excerpt::excerpt(text);
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() || num.len() > 15 || unit.starts_with('.') {
        return Err(format!(
            "`{q}` is not a whole memory size (e.g. `512G`, `1800G`, `64000M`; write `1536M` for 1.5G)"
        ));
    }
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{q}` is not a memory size"))?;
    let factor_kib: u64 = match unit {
        "K" | "k" | "Ki" | "KiB" | "KB" => 1,
        "" | "M" | "m" | "Mi" | "MiB" | "MB" => 1024,
        "G" | "g" | "Gi" | "GiB" | "GB" => 1024 * 1024,
        "T" | "t" | "Ti" | "TiB" | "TB" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "`{q}` has an unknown unit `{}` (Slurm units: K, M, G, T; all binary)",
                crate::excerpt::excerpt(unit)
            ));
        }
    };
    let kib = n
        .checked_mul(factor_kib)
        .ok_or("memory size is too large")?;
    if unit.starts_with(['K', 'k']) && kib % 1024 != 0 {
        return Err(format!("`{q}` is not a whole number of MiB"));
    }
    Ok(kib / 1024)
}

/// Slurm's shortest exact spelling of a MiB count (`1843200` -> `1800G`).
pub fn slurm_memory_string(mib: u64) -> String {
    if mib == 0 {
        return "0".into();
    }
    for (unit, size) in [("T", 1024 * 1024), ("G", 1024)] {
        if mib.is_multiple_of(size) {
            return format!("{}{unit}", mib / size);
        }
    }
    format!("{mib}M")
}

/// Check a Kubernetes resource quantity (`16`, `500m`, `64Gi`, `1.5`, `2e3`) and return it
/// unchanged. The grammar is apimachinery's `resource.Quantity`.
pub fn check_quantity(text: &str) -> Result<String, String> {
    let q = crate::excerpt::excerpt(text);
    let t = text.trim();
    let bad = || format!("`{q}` is not a Kubernetes quantity (e.g. `16`, `500m`, `64Gi`, `200G`)");
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let num_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (num, suffix) = body.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return Err(bad());
    }
    let suffix_ok = matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || (suffix.len() > 1
        && suffix.starts_with(['e', 'E'])
        && suffix[1..]
            .strip_prefix(['+', '-'])
            .unwrap_or(&suffix[1..])
            .bytes()
            .all(|b| b.is_ascii_digit())
        && !suffix[1..].trim_start_matches(['+', '-']).is_empty());
    if !suffix_ok {
        return Err(bad());
    }
    if t.starts_with('-') {
        return Err(format!("`{q}` is negative"));
    }
    Ok(t.to_string())
}

/// Parse a byte size with SI (`500G` = 500 * 10^9) or binary (`500Gi`) units, as Kubernetes
/// does; used for checkpoint sizes, which are compared against GPFS quotas in KiB.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let q = crate::excerpt::excerpt(text);
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{q}` is not a size (e.g. `500Gi`, `1.5T`, `800G`)"))?;
    let factor: f64 = match unit.trim() {
        "" | "B" => 1.0,
        "k" | "K" | "KB" => 1e3,
        "M" | "MB" => 1e6,
        "G" | "GB" => 1e9,
        "T" | "TB" => 1e12,
        "P" | "PB" => 1e15,
        "Ki" | "KiB" => 1024.0,
        "Mi" | "MiB" => 1024.0 * 1024.0,
        "Gi" | "GiB" => 1024.0 * 1024.0 * 1024.0,
        "Ti" | "TiB" => 1024.0_f64.powi(4),
        "Pi" | "PiB" => 1024.0_f64.powi(5),
        other => {
            return Err(format!(
                "`{q}` has an unknown unit `{}` (use B, K, M, G, T, P or Ki, Mi, Gi, Ti, Pi)",
                crate::excerpt::excerpt(other)
            ));
        }
    };
    let bytes = n * factor;
    if !bytes.is_finite() || !(0.0..=1e20).contains(&bytes) {
        return Err(format!("`{q}` is out of range"));
    }
    Ok(bytes.round() as u64)
}

/// Human-readable binary size (`1.5 TiB`).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `slurm.memory` (normalised Slurm form, binary units: `1800G`, `64000M`) as a Kubernetes
/// quantity (`1800Gi`); `None` for `0` (all the node's memory, which a pod cannot ask for).
pub fn slurm_memory_quantity(m: &str) -> Option<String> {
    let mib = parse_slurm_memory(m).ok()?;
    if mib == 0 {
        return None;
    }
    Some(if mib.is_multiple_of(1 << 20) {
        format!("{}Ti", mib >> 20)
    } else if mib.is_multiple_of(1 << 10) {
        format!("{}Gi", mib >> 10)
    } else {
        format!("{mib}Mi")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_durations() {
        use std::time::Duration;
        let d = |t: &str| parse_cli_duration(t);
        assert_eq!(d("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(d("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(d("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(d("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(d("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(d("90"), Ok(Duration::from_secs(90)));
        for bad in ["", "m", "5y", "soon", "-3s", "1h30", "1e400", "10é"] {
            let e = d(bad).unwrap_err();
            assert!(e.contains("is not a duration"), "{bad}: {e}");
        }
    }

    #[test]
    fn slurm_time_forms() {
        let cases = [
            ("60", "01:00:00"),
            ("90:30", "01:30:30"),
            ("12:00:00", "12:00:00"),
            ("2-00:00:00", "2-00:00:00"),
            ("1-12", "1-12:00:00"),
            ("1-12:30", "1-12:30:00"),
            ("48h", "2-00:00:00"),
            ("1d12h", "1-12:00:00"),
            ("90m", "01:30:00"),
            ("45s", "00:00:45"),
            ("UNLIMITED", "UNLIMITED"),
            ("infinite", "UNLIMITED"),
            // sbatch(1): zero asks for no limit; parse_time.c: -1 is INFINITE.
            ("0", "UNLIMITED"),
            ("00:00:00", "UNLIMITED"),
            ("-1", "UNLIMITED"),
            // The longest Slurm can hold, exactly.
            ("35791393", "24855-03:13:00"),
            ("24855-03:13:00", "24855-03:13:00"),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_time(input).map(TimeLimit::to_slurm),
                Ok(want.into()),
                "{input}"
            );
        }
        for bad in [
            "",
            "0s",
            "abc",
            "1:2:3:4",
            "2-",
            "-2",
            "35791394",
            "999999999",
            "24855-03:13:01",
            "24855-03:13:59",
            "999999999d",
            "48",
            "h",
            "12x",
            "1.5h",
            "1-2:3:4:5",
        ] {
            if bad == "48" {
                continue; // 48 minutes is valid
            }
            assert!(parse_time(bad).is_err(), "{bad} should be rejected");
        }
        let err = parse_time("999999999").unwrap_err();
        assert!(
            err.contains("35791393 minutes (24855-03:13:00)"),
            "the maximum is named: {err}"
        );
    }

    #[test]
    fn slurm_memory_is_binary() {
        assert_eq!(parse_slurm_memory("1800G"), Ok(1800 * 1024));
        assert_eq!(parse_slurm_memory("512Gi"), Ok(512 * 1024));
        assert_eq!(parse_slurm_memory("64000"), Ok(64000));
        assert_eq!(parse_slurm_memory("2T"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_slurm_memory("0"), Ok(0));
        assert!(parse_slurm_memory("1.5G").is_err());
        assert!(parse_slurm_memory("12X").is_err());
        assert!(parse_slurm_memory("G").is_err());
        assert!(parse_slurm_memory("1000K").is_err());
        assert_eq!(slurm_memory_string(1800 * 1024), "1800G");
        assert_eq!(slurm_memory_string(2 * 1024 * 1024), "2T");
        assert_eq!(slurm_memory_string(1500), "1500M");
    }

    #[test]
    fn quantities() {
        for ok in ["16", "500m", "64Gi", "1.5", "200G", "2e3", "100Mi", "0.5"] {
            assert!(check_quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["", "abc", "16 cores", "1..5", "-1", "12GB", "Gi", "1e"] {
            assert!(check_quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("500G"), Ok(500_000_000_000));
        assert_eq!(parse_bytes("1Gi"), Ok(1 << 30));
        assert_eq!(parse_bytes("1.5T"), Ok(1_500_000_000_000));
        assert!(parse_bytes("lots").is_err());
        assert_eq!(human_bytes(1 << 30), "1.0 GiB");
        assert_eq!(human_bytes(12), "12 B");
    }
}
