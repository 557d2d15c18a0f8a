//! Kubernetes' naming rules: DNS-1123/1035 labels and subdomains, extended resource names.

/// DNS-1123 label: lowercase alphanumerics and `-`, starting and ending alphanumeric.
pub fn check_dns_label(name: &str, max: usize) -> Result<(), String> {
    let q = crate::excerpt::excerpt(name);
    if name.is_empty() || name.len() > max {
        return Err(format!("`{q}` must be 1 to {max} characters long"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "`{q}` may only contain lowercase letters, digits and `-`"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(format!("`{q}` must start and end with a letter or digit"));
    }
    Ok(())
}

/// DNS-1123 subdomain (namespaces are labels; ServiceAccounts, PriorityClasses and PVCs are
/// subdomains).
pub fn check_dns_subdomain(name: &str) -> Result<(), String> {
    let q = crate::excerpt::excerpt(name);
    if name.is_empty() || name.len() > 253 {
        return Err(format!("`{q}` must be 1 to 253 characters long"));
    }
    for part in name.split('.') {
        check_dns_label(part, 63).map_err(|_| {
            format!("`{q}` is not a DNS-1123 subdomain (lowercase letters, digits, `-` and `.`)")
        })?;
    }
    Ok(())
}

/// Kubernetes extended resource names such as `rdma/rdma_shared_device_a` or
/// `nvidia.com/gpu`: `<dns subdomain>/<name>`.
pub fn check_resource_name(name: &str) -> Result<(), String> {
    let q = crate::excerpt::excerpt(name);
    let Some((prefix, rest)) = name.split_once('/') else {
        return Err(format!(
            "`{q}` is not an extended resource name of the form `vendor.example/name`"
        ));
    };
    check_dns_subdomain(prefix).map_err(|_| {
        let prefix = crate::excerpt::excerpt(prefix);
        format!("`{q}`: `{prefix}` is not a DNS subdomain")
    })?;
    let ok = !rest.is_empty()
        && rest.len() <= 63
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && rest.starts_with(|c: char| c.is_ascii_alphanumeric())
        && rest.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        let rest = crate::excerpt::excerpt(rest);
        Err(format!("`{q}`: `{rest}` is not a valid resource name"))
    }
}
