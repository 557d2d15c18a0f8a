//! Name and value rules shared by validation and rendering.
//!
//! The job name becomes a Slurm job name, a PyTorchJob name (`<name>-<jobid>`), pod names
//! (`<name>-<jobid>-worker-<i>`) and Service names, which the training operator creates per
//! pod. Services are DNS-1035 labels of at most 63 characters, so the job name must be a
//! DNS-1035 label short enough to leave room for a 10-digit Slurm job id and `-worker-NNNN`.

/// Longest job name: 63 - len("-") - 10 (job id) - len("-worker-") - 4 (index) = 40.
pub const MAX_JOB_NAME: usize = 40;

pub use crate::k8s::names::{check_dns_label, check_dns_subdomain, check_resource_name};

/// DNS-1035 label (Kubernetes Service names): `[a-z]([-a-z0-9]*[a-z0-9])?`.
pub fn check_job_name(name: &str) -> Result<(), String> {
    let q = crate::excerpt::excerpt(name);
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.len() > MAX_JOB_NAME {
        return Err(format!(
            "`{q}` is {} characters long; at most {MAX_JOB_NAME} fit into the pod and Service names the training operator derives from it",
            name.len()
        ));
    }
    check_dns_label(name, 63)?;
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!(
            "`{q}` must start with a lowercase letter (Kubernetes Service names are DNS-1035 labels)"
        ));
    }
    Ok(())
}

/// Characters allowed in values of `#SBATCH` lines. sbatch parses these lines itself, not a
/// shell: a backslash escapes even inside single quotes and an unquoted `#` starts a comment
/// (see `_get_argument` in Slurm's `src/sbatch/opt.c`), so no quoting can make every value
/// safe. We allow a conservative set and reject the rest with a clear error.
pub fn check_sbatch_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("the value is empty".into());
    }
    if let Some(bad) = value.chars().find(|c| !is_sbatch_char(*c)) {
        return Err(format!(
            "{} is not allowed in an `#SBATCH` value (allowed: letters, digits and {})",
            describe_char(bad),
            SBATCH_PUNCT
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    Ok(())
}

const SBATCH_PUNCT: &[char] = &[
    '-', '_', '.', ',', ':', '=', '+', '/', '@', '%', '&', '|', '[', ']', '*', '(', ')', '!',
];

fn is_sbatch_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || SBATCH_PUNCT.contains(&c)
}

pub fn describe_char(c: char) -> String {
    match c {
        '\n' => "a newline".into(),
        '\t' => "a tab".into(),
        ' ' => "a space".into(),
        '\0' => "a NUL byte".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// Environment variable names: C identifiers, as POSIX shells and Kubernetes expect.
pub fn check_env_name(name: &str) -> Result<(), String> {
    let q = crate::excerpt::excerpt(name);
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{q}` is not a valid environment variable name (letters, digits and `_`, not starting with a digit)"
        ))
    }
}

/// Names that hybridctl sets itself and that the spec must not override in `container.env`.
pub const RESERVED_ENV: &[&str] = &[
    "HYBRIDCTL_JOB_ID",
    "HYBRIDCTL_JOB_NAME",
    "HYBRIDCTL_CHECKPOINT_DIR",
    "SLURM_JOB_ID",
    "MASTER_ADDR",
    "MASTER_PORT",
    "WORLD_SIZE",
    "RANK",
    "PET_NNODES",
    "PET_NODE_RANK",
    "PET_NPROC_PER_NODE",
    "PET_MASTER_ADDR",
    "PET_MASTER_PORT",
    "PET_RDZV_BACKEND",
    "PET_RDZV_ENDPOINT",
    "PET_RDZV_ID",
    "PET_RDZV_CONF",
    "PET_MAX_RESTARTS",
    "PET_STANDALONE",
    "PYTHONUNBUFFERED",
];

/// A name of an RDMA device (`mlx5_0`), optionally with a port (`mlx5_0:1`), as NCCL_IB_HCA
/// takes them.
pub fn check_hca(name: &str) -> Result<(), String> {
    let q = crate::excerpt::excerpt(name);
    let (dev, port) = match name.split_once(':') {
        Some((d, p)) => (d, Some(p)),
        None => (name, None),
    };
    let dev_ok = !dev.is_empty()
        && dev.len() <= 64
        && dev
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if dev_ok && port_ok {
        Ok(())
    } else {
        Err(format!(
            "`{q}` is not an RDMA device name such as `mlx5_0` or `mlx5_0:1`"
        ))
    }
}

/// A network interface name as the kernel allows it (at most 15 bytes, no `/`, no spaces);
/// NCCL_SOCKET_IFNAME additionally takes a `^` (exclude) or `=` (exact) prefix and commas.
pub fn check_ifname_list(value: &str) -> Result<(), String> {
    let body = value.strip_prefix(['^', '=']).unwrap_or(value);
    for name in body.split(',') {
        let ok = !name.is_empty()
            && name.len() <= 15
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'));
        if !ok {
            let name = crate::excerpt::excerpt(name);
            return Err(format!(
                "`{name}` is not a network interface name (e.g. `eth0`, `ens1f0`, `^lo,docker`)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names() {
        assert!(check_job_name("llama-70b").is_ok());
        assert!(check_job_name("a").is_ok());
        for bad in ["", "Llama", "7b", "a_b", "a-", "-a", "a.b", &"x".repeat(41)] {
            assert!(check_job_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sbatch_values() {
        for ok in ["gpu", "h100&ib", "[rack1|rack2]", "ml-team_1", "2-00:00:00"] {
            assert!(check_sbatch_value(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a b", "a#b", "a\\b", "a'b", "a\"b", "$(id)", "a\nb", "`id`", "",
        ] {
            assert!(check_sbatch_value(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn misc_names() {
        assert!(check_env_name("NCCL_IB_HCA").is_ok());
        assert!(check_env_name("1X").is_err());
        assert!(check_resource_name("rdma/rdma_shared_device_a").is_ok());
        assert!(check_resource_name("nvidia.com/gpu").is_ok());
        assert!(check_resource_name("gpu").is_err());
        assert!(check_hca("mlx5_0:1").is_ok());
        assert!(check_hca("mlx5 0").is_err());
        assert!(check_ifname_list("^lo,docker0").is_ok());
        assert!(check_ifname_list("eth0;rm").is_err());
        assert!(check_dns_subdomain("ml-team.training").is_ok());
        assert!(check_dns_subdomain("ML").is_err());
    }
}
