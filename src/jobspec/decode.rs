//! Decoding located YAML trees into typed values, collecting every problem.
//!
//! A [`MapReader`] hands out fields by name and remembers which it handed out; whatever is
//! left at [`MapReader::finish`] is an unknown field, reported with a did-you-mean hint among
//! the fields that section really has. So the code that reads a section *is* its schema, and
//! cannot drift from it.

use crate::decode::{Decoder, MapReader, ticked};
use crate::diag::did_you_mean;
use crate::jobspec::names;
use crate::jobspec::units;
use crate::jobspec::*;
use crate::yaml::{Node, PlainType, Pos, Value, plain_type};

/// Partition facts a site config declares; used to check a spec against its partition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartitionInfo {
    pub name: String,
    pub gpus_per_node: Option<u32>,
    pub pos: Option<Pos>,
}

/// A `NAME: value` mapping into ordered environment variables.
pub fn env_map(d: &mut Decoder, m: &mut MapReader<'_>, name: &'static str) -> Vec<EnvVar> {
    let Some(node) = m.field(name) else {
        return Vec::new();
    };
    let path = m.path(name);
    d.record(&path, node);
    if d.too_many(node, &path) {
        return Vec::new();
    }
    let Value::Map(entries) = &node.value else {
        d.type_error(node, &path, "a mapping of NAME: value");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let var_path = format!("{path}.{}", key.name);
        if let Err(e) = names::check_env_name(&key.name) {
            d.diags.error(&key.pos, "env-name", e);
            continue;
        }
        let value = match &value.value {
            Value::Scalar { text, .. } => text.clone(),
            Value::Null => String::new(),
            _ => {
                d.type_error(value, &var_path, "a string");
                continue;
            }
        };
        if value.contains('\0') {
            d.diags.error(
                &key.pos,
                "value",
                format!("`{var_path}` contains a NUL byte"),
            );
            continue;
        }
        d.spans.insert(var_path, key.pos.clone());
        out.push(EnvVar {
            name: key.name.clone(),
            value,
        });
    }
    out
}

/// Decode a merged spec tree. Returns `None` when there are errors; the diagnostics say why.
pub fn decode_spec(root: &Node, partition: Option<&PartitionInfo>) -> (Option<Spec>, Decoder) {
    let mut d = Decoder::new();
    let spec = decode_inner(&mut d, root, partition);
    let spec = if d.diags.has_errors() { None } else { spec };
    (spec, d)
}

fn decode_inner(d: &mut Decoder, root: &Node, partition: Option<&PartitionInfo>) -> Option<Spec> {
    let mut top = d.map(root, "")?;
    let api_version = d.req_string(
        &mut top,
        "apiVersion",
        &format!("add `apiVersion: {API_VERSION}`"),
    );
    if let Some(v) = &api_version
        && v != API_VERSION
    {
        let pos = d.pos_of("apiVersion");
        d.diags.error_hint(
            &pos,
            "api-version",
            format!("unsupported apiVersion `{v}`"),
            format!("this hybridctl reads `{API_VERSION}`"),
        );
    }
    let kind = d.req_string(&mut top, "kind", &format!("add `kind: {KIND}`"));
    if let Some(k) = &kind
        && k != KIND
    {
        let pos = d.pos_of("kind");
        d.diags.error_hint(
            &pos,
            "kind",
            format!("unsupported kind `{k}`"),
            format!("use `kind: {KIND}`"),
        );
    }
    let name = d.req_string(
        &mut top,
        "name",
        "add `name: my-job` (lowercase letters, digits and `-`)",
    );
    if let Some(n) = &name {
        d.check(
            "name",
            n,
            "name",
            "use lowercase letters, digits and `-`, starting with a letter, e.g. `llama-70b-pretrain`",
            names::check_job_name,
        );
    }
    let empty = Node {
        value: Value::Map(Vec::new()),
        pos: root.pos.clone(),
    };
    let slurm_node = top.field("slurm").unwrap_or(&empty);
    let kube_node = top.field("kubernetes").unwrap_or(&empty);
    let container_node = top.field("container");
    let network_node = top.field("network").unwrap_or(&empty);
    let storage_node = top.field("storage").unwrap_or(&empty);
    let training_node = top.field("training").unwrap_or(&empty);
    top.finish(d);

    let slurm = decode_slurm(d, slurm_node, partition);
    let kubernetes = decode_kubernetes(d, kube_node);
    let container = match container_node {
        Some(node) => decode_container(d, node),
        None => {
            d.diags.error_hint(
                &root.pos,
                "required",
                "`container` is required",
                "add `container:` with at least `image:`",
            );
            None
        }
    };
    let network = decode_network(d, network_node);
    let storage = decode_storage(d, storage_node);
    let training = decode_training(d, training_node);

    let spec = Spec {
        api_version: api_version?,
        kind: kind?,
        name: name?,
        slurm: slurm?,
        kubernetes: kubernetes?,
        container: container?,
        network: network?,
        storage: storage?,
        training: training?,
    };
    cross_checks(d, &spec, partition);
    if spec.kubernetes.api == KubeApi::Trainjob {
        for (path, why) in spec.trainjob_unsupported() {
            let pos = d.field_or_root(path);
            d.diags.error_hint(
                &pos,
                "trainjob",
                format!("`{path}` cannot be expressed in a TrainJob: {why}"),
                "remove it, set it in the training runtime, or use `kubernetes.api: pytorchjob`",
            );
        }
        if spec.kubernetes.priority_class_name.is_some() {
            let pos = d.field_or_root("kubernetes.priorityClassName");
            d.diags.warning_hint(
                &pos,
                "trainjob",
                "`kubernetes.priorityClassName` reaches a TrainJob's pods only through the training runtime",
                crate::k8s::trainjob::PRIORITY_NOTE,
            );
        }
    }
    Some(spec)
}

fn decode_slurm(d: &mut Decoder, node: &Node, partition: Option<&PartitionInfo>) -> Option<Slurm> {
    let mut m = d.map(node, "slurm")?;
    let directive = |d: &mut Decoder, m: &mut MapReader<'_>, name: &'static str| {
        let value = d.opt_string(m, name)?;
        let path = m.path(name);
        d.check(
            &path,
            &value,
            "sbatch-value",
            "`#SBATCH` lines are read by sbatch, not a shell, so quoting cannot protect them",
            names::check_sbatch_value,
        )
        .then_some(value)
    };
    let partition_name = directive(d, &mut m, "partition");
    let account = directive(d, &mut m, "account");
    let qos = directive(d, &mut m, "qos");
    // At most 4-digit worker indexes fit in pod names (see names::MAX_JOB_NAME).
    let nodes = d.opt_u32(&mut m, "nodes", 1, 9999);
    let gpus_per_node = d.opt_u32(&mut m, "gpusPerNode", 0, 64);
    if gpus_per_node.is_none()
        && m.field("gpusPerNode").is_none()
        && partition.and_then(|p| p.gpus_per_node).is_none()
    {
        d.diags.error_hint(
            m.pos(),
            "required",
            "`slurm.gpusPerNode` is required",
            "set `gpusPerNode: 8` (or declare the partition's GPUs in the site config)",
        );
    }
    let cpus_per_task = d.opt_u32(&mut m, "cpusPerTask", 1, 100_000);
    let memory = d
        .opt_string(&mut m, "memory")
        .and_then(|v| match units::parse_slurm_memory(&v) {
            Ok(mib) => Some(units::slurm_memory_string(mib)),
            Err(e) => {
                let pos = d.pos_of("slurm.memory");
                d.diags.error_hint(
                    &pos,
                    "memory",
                    format!("`slurm.memory`: {e}"),
                    "Slurm memory is per node, in K, M, G or T (binary units), e.g. `1800G`",
                );
                None
            }
        });
    let time = d.opt_string(&mut m, "time").and_then(|v| match units::parse_time(&v) {
        Ok(t) => Some(t.to_slurm()),
        Err(e) => {
            let pos = d.pos_of("slurm.time");
            d.diags.error_hint(
                &pos,
                "time",
                format!("`slurm.time`: {e}"),
                "use a Slurm time (`2-00:00:00`, `12:00:00`, `90` minutes) or a duration (`48h`, `1d12h`)",
            );
            None
        }
    });
    let constraint = directive(d, &mut m, "constraint");
    let reservation = directive(d, &mut m, "reservation");
    let exclusive = d.opt_bool(&mut m, "exclusive").unwrap_or(false);
    let gpu_bind = directive(d, &mut m, "gpuBind").and_then(|v| {
        let ok = matches!(v.as_str(), "closest" | "none")
            || ["single:", "map_gpu:", "mask_gpu:", "per_task:", "verbose,"]
                .iter()
                .any(|p| v.starts_with(p) && v.len() > p.len());
        if ok {
            Some(v)
        } else {
            let pos = d.pos_of("slurm.gpuBind");
            d.diags.error_hint(
                &pos,
                "enum",
                format!("`slurm.gpuBind`: `{v}` is not a Slurm `--gpu-bind` value"),
                "use `closest` (or `none`, `single:N`, `map_gpu:..`, `mask_gpu:..`, `per_task:N`)",
            );
            None
        }
    });
    let output = directive(d, &mut m, "output").unwrap_or_else(|| "hybridctl-%x-%j.out".into());
    let extra_options = decode_extra_options(d, &mut m);
    m.finish(d);
    Some(Slurm {
        partition: partition_name,
        account,
        qos,
        nodes: nodes.unwrap_or(1),
        gpus_per_node: gpus_per_node
            .or(partition.and_then(|p| p.gpus_per_node))
            .unwrap_or(0),
        cpus_per_task,
        memory,
        time,
        constraint,
        reservation,
        exclusive,
        gpu_bind,
        output,
        extra_options,
    })
}

fn decode_extra_options(d: &mut Decoder, m: &mut MapReader<'_>) -> Vec<ExtraOption> {
    let Some(node) = m.field("extraOptions") else {
        return Vec::new();
    };
    if d.too_many(node, "slurm.extraOptions") {
        return Vec::new();
    }
    let Value::Map(entries) = &node.value else {
        d.type_error(
            node,
            "slurm.extraOptions",
            "a mapping of sbatch option: value",
        );
        return Vec::new();
    };
    let allowed: Vec<&str> = EXTRA_SBATCH_OPTIONS.iter().map(|(n, _)| *n).collect();
    let mut out = Vec::new();
    for (key, value) in entries {
        let path = format!("slurm.extraOptions.{}", key.name);
        let Some((name, takes_value)) = EXTRA_SBATCH_OPTIONS.iter().find(|(n, _)| *n == key.name)
        else {
            let owned = [
                "nodes",
                "ntasks",
                "ntasks-per-node",
                "gres",
                "gpus",
                "gpus-per-node",
                "cpus-per-task",
                "mem",
                "time",
                "partition",
                "account",
                "qos",
                "constraint",
                "reservation",
                "exclusive",
                "output",
                "job-name",
            ];
            let hint = if owned.contains(&key.name.trim_start_matches('-')) {
                "this option is set from the spec's own `slurm` fields, so both artifacts agree"
                    .to_string()
            } else {
                match did_you_mean(&key.name, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? allowed: {}", ticked(&allowed)),
                    None => format!("allowed: {}", ticked(&allowed)),
                }
            };
            d.diags.error_hint(
                &key.pos,
                "sbatch-option",
                format!("`{}` is not an allowed extra sbatch option", key.name),
                hint,
            );
            continue;
        };
        if matches!(value.value, Value::Null) {
            continue;
        }
        let value = if *takes_value {
            let Some(v) = d.string(value, &path) else {
                continue;
            };
            if !d.check(
                &path,
                &v,
                "sbatch-value",
                "`#SBATCH` lines are read by sbatch, not a shell, so quoting cannot protect them",
                names::check_sbatch_value,
            ) {
                continue;
            }
            Some(v)
        } else {
            match &value.value {
                Value::Scalar { text, plain: true }
                    if plain_type(text) == PlainType::Bool(true) =>
                {
                    None
                }
                Value::Scalar { text, plain: true }
                    if plain_type(text) == PlainType::Bool(false) =>
                {
                    continue;
                }
                Value::Null => continue,
                _ => {
                    d.type_error(value, &path, "`true` (this option takes no value)");
                    continue;
                }
            }
        };
        out.push(ExtraOption {
            name: (*name).to_string(),
            value,
        });
    }
    out
}

fn decode_kubernetes(d: &mut Decoder, node: &Node) -> Option<Kubernetes> {
    let mut m = d.map(node, "kubernetes")?;
    let context = d.opt_string(&mut m, "context");
    let namespace = d
        .opt_string(&mut m, "namespace")
        .unwrap_or_else(|| "default".into());
    d.check(
        "kubernetes.namespace",
        &namespace,
        "name",
        "namespaces are DNS-1123 labels: lowercase letters, digits and `-`",
        |n| names::check_dns_label(n, 63),
    );
    let service_account = d.opt_string(&mut m, "serviceAccount");
    if let Some(sa) = &service_account {
        d.check(
            "kubernetes.serviceAccount",
            sa,
            "name",
            "a DNS-1123 subdomain",
            names::check_dns_subdomain,
        );
    }
    let priority_class_name = d.opt_string(&mut m, "priorityClassName");
    if let Some(pc) = &priority_class_name {
        d.check(
            "kubernetes.priorityClassName",
            pc,
            "name",
            "a DNS-1123 subdomain",
            names::check_dns_subdomain,
        );
    }
    let api = d
        .one_of(&mut m, "api", KubeApi::NAMES)
        .and_then(|a| KubeApi::from_name(&a))
        .unwrap_or_default();
    let runtime = d
        .opt_string(&mut m, "runtime")
        .unwrap_or_else(|| super::DEFAULT_RUNTIME.into());
    d.check(
        "kubernetes.runtime",
        &runtime,
        "name",
        "the name of a ClusterTrainingRuntime or TrainingRuntime (a DNS-1123 subdomain), e.g. `torch-distributed`",
        names::check_dns_subdomain,
    );
    let runtime_kind = match d
        .one_of(&mut m, "runtimeKind", RuntimeKind::NAMES)
        .as_deref()
    {
        Some("TrainingRuntime") => RuntimeKind::TrainingRuntime,
        _ => RuntimeKind::ClusterTrainingRuntime,
    };
    m.finish(d);
    Some(Kubernetes {
        context,
        namespace,
        service_account,
        priority_class_name,
        api,
        runtime,
        runtime_kind,
    })
}

fn decode_container(d: &mut Decoder, node: &Node) -> Option<Container> {
    let mut m = d.map(node, "container")?;
    let image = d.req_string(
        &mut m,
        "image",
        "add `image: registry.example/team/train:tag`",
    );
    if let Some(img) = &image {
        d.check(
            "container.image",
            img,
            "image",
            "an image reference has no spaces or control characters, e.g. `nvcr.io/nvidia/pytorch:25.01-py3`",
            super::names::check_image,
        );
    }
    let image_pull_policy = d.one_of(
        &mut m,
        "imagePullPolicy",
        &["Always", "IfNotPresent", "Never"],
    );
    let command = d.string_list(&mut m, "command");
    let args = d.string_list(&mut m, "args");
    let env = env_map(d, &mut m, "env");
    for var in &env {
        if names::RESERVED_ENV.contains(&var.name.as_str()) {
            let path = format!("container.env.{}", var.name);
            let pos = d.pos_of(&path);
            d.diags.error_hint(
                &pos,
                "env-reserved",
                format!(
                    "`{}` is set by hybridctl or the training operator",
                    var.name
                ),
                "remove it; the value is derived from the Slurm allocation",
            );
        }
        if var.name.starts_with("NCCL_") {
            let path = format!("container.env.{}", var.name);
            let pos = d.pos_of(&path);
            d.diags.error_hint(
                &pos,
                "env-nccl",
                format!("`{}` belongs in `network.ncclEnv`", var.name),
                "NCCL variables are computed once in `network` so the batch script and the pods agree",
            );
        }
    }
    let working_dir = d.opt_string(&mut m, "workingDir");
    if let Some(w) = &working_dir {
        d.check(
            "container.workingDir",
            w,
            "path",
            "use an absolute path",
            check_abs_path,
        );
    }
    let cpu = quantity(d, &mut m, "cpu");
    let memory = quantity(d, &mut m, "memory");
    let shm_size = quantity(d, &mut m, "shmSize");
    m.finish(d);
    if command.iter().chain(&args).any(|s| s.contains('\0')) {
        d.diags.error(
            node_pos(node),
            "value",
            "`container.command`/`args` contain a NUL byte",
        );
    }
    Some(Container {
        image: image?,
        image_pull_policy,
        command,
        args,
        env,
        working_dir,
        cpu,
        memory,
        shm_size,
    })
}

fn node_pos(node: &Node) -> &Pos {
    &node.pos
}

fn quantity(d: &mut Decoder, m: &mut MapReader<'_>, name: &'static str) -> Option<String> {
    let node = m.field(name)?;
    let path = m.path(name);
    let text = d.string(node, &path)?;
    match units::check_quantity(&text) {
        Ok(q) => Some(q),
        Err(e) => {
            d.diags.error_hint(
                &node.pos,
                "quantity",
                format!("`{path}`: {e}"),
                "Kubernetes quantities: `16`, `500m` CPUs; `64Gi` (binary) or `64G` (decimal) bytes",
            );
            None
        }
    }
}

fn check_abs_path(p: &str) -> Result<(), String> {
    if !p.starts_with('/') {
        return Err(format!("`{p}` is not an absolute path"));
    }
    if p.contains('\0') || p.contains('\n') {
        return Err("the path contains a NUL byte or a newline".into());
    }
    Ok(())
}

fn decode_network(d: &mut Decoder, node: &Node) -> Option<Network> {
    let mut m = d.map(node, "network")?;
    let fabric = d
        .one_of(&mut m, "fabric", Fabric::NAMES)
        .and_then(|f| Fabric::from_name(&f))
        .unwrap_or(Fabric::Roce);
    let rdma_resource = d.opt_string(&mut m, "rdmaResource");
    if let Some(r) = &rdma_resource {
        d.check(
            "network.rdmaResource",
            r,
            "resource",
            "the resource the RDMA device plugin advertises, e.g. `rdma/rdma_shared_device_a`",
            names::check_resource_name,
        );
    }
    let rdma_count = d.opt_u32(&mut m, "rdmaCount", 1, 1024).unwrap_or(1);
    let hcas = d.string_list(&mut m, "hcas");
    for (i, h) in hcas.iter().enumerate() {
        d.check(
            &format!("network.hcas[{i}]"),
            h,
            "hca",
            "e.g. `mlx5_0` or `mlx5_0:1`",
            names::check_hca,
        );
    }
    let gid_index = match m.field("gidIndex") {
        None => GidIndex::Auto,
        Some(n) => match &n.value {
            Value::Scalar { text, .. } if text == "auto" => GidIndex::Auto,
            _ => d
                .uint(n, "network.gidIndex", 0, 255)
                .and_then(|v| u32::try_from(v).ok())
                .map(GidIndex::Index)
                .unwrap_or(GidIndex::Auto),
        },
    };
    let traffic_class = d.opt_u32(&mut m, "trafficClass", 0, 255);
    let socket_interface = d.opt_string(&mut m, "socketInterface");
    if let Some(s) = &socket_interface {
        d.check(
            "network.socketInterface",
            s,
            "ifname",
            "NCCL_SOCKET_IFNAME syntax: `eth0`, `ens1f0,ens2f0`, `^lo,docker`",
            names::check_ifname_list,
        );
    }
    let nccl_debug = d
        .one_of(
            &mut m,
            "ncclDebug",
            &["VERSION", "WARN", "INFO", "TRACE", "ABORT"],
        )
        .unwrap_or_else(|| "INFO".into());
    let nccl_debug_subsys = d
        .opt_string(&mut m, "ncclDebugSubsys")
        .unwrap_or_else(|| "INIT,NET".into());
    d.check(
        "network.ncclDebugSubsys",
        &nccl_debug_subsys,
        "nccl",
        "a comma-separated list such as `INIT,NET` (a leading `^` excludes)",
        |s| {
            let body = s.strip_prefix('^').unwrap_or(s);
            if body
                .split(',')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
            {
                Ok(())
            } else {
                Err(format!("`{s}` is not a list of NCCL subsystems"))
            }
        },
    );
    let nccl_env = env_map(d, &mut m, "ncclEnv");
    for var in &nccl_env {
        if !var.name.starts_with("NCCL_")
            && !var.name.starts_with("UCX_")
            && !var.name.starts_with("TORCH_NCCL_")
        {
            let pos = d.pos_of(&format!("network.ncclEnv.{}", var.name));
            d.diags.error_hint(
                &pos,
                "env-nccl",
                format!("`{}` is not an NCCL variable", var.name),
                "put other variables in `container.env`",
            );
        }
    }
    m.finish(d);
    Some(Network {
        fabric,
        rdma_resource,
        rdma_count,
        hcas,
        gid_index,
        traffic_class,
        socket_interface,
        nccl_debug,
        nccl_debug_subsys,
        nccl_env,
    })
}

fn decode_storage(d: &mut Decoder, node: &Node) -> Option<Storage> {
    let mut m = d.map(node, "storage")?;
    let gpfs = match m.field("gpfs") {
        None => None,
        Some(g) => {
            let mut gm = d.map(g, "storage.gpfs")?;
            let claim_name = d.req_string(
                &mut gm,
                "claimName",
                "the PersistentVolumeClaim (ReadWriteMany) of the GPFS fileset",
            );
            if let Some(c) = &claim_name {
                d.check(
                    "storage.gpfs.claimName",
                    c,
                    "name",
                    "a DNS-1123 subdomain",
                    names::check_dns_subdomain,
                );
            }
            let mount_path = d.req_string(
                &mut gm,
                "mountPath",
                "where the fileset appears in the container, e.g. `/gpfs/project`",
            );
            if let Some(p) = &mount_path {
                d.check(
                    "storage.gpfs.mountPath",
                    p,
                    "path",
                    "use an absolute path",
                    check_abs_path,
                );
            }
            let fileset = d.opt_string(&mut gm, "fileset");
            if let Some(f) = &fileset {
                d.check(
                    "storage.gpfs.fileset",
                    f,
                    "name",
                    "a GPFS fileset name",
                    check_gpfs_name,
                );
            }
            let device = d.opt_string(&mut gm, "device");
            if let Some(f) = &device {
                d.check(
                    "storage.gpfs.device",
                    f,
                    "name",
                    "a GPFS file system device name, e.g. `gpfs01`",
                    check_gpfs_name,
                );
            }
            let read_only = d.opt_bool(&mut gm, "readOnly").unwrap_or(false);
            gm.finish(d);
            Some(Gpfs {
                claim_name: claim_name?,
                mount_path: mount_path?,
                fileset,
                device,
                read_only,
            })
        }
    };
    let checkpoint_dir = d.opt_string(&mut m, "checkpointDir");
    if let Some(c) = &checkpoint_dir {
        d.check(
            "storage.checkpointDir",
            c,
            "path",
            "use an absolute path",
            check_abs_path,
        );
        if !c.contains("{job_id}") {
            let pos = d.pos_of("storage.checkpointDir");
            d.diags.error_hint(
                &pos,
                "checkpoint-dir",
                "`storage.checkpointDir` does not contain `{job_id}`",
                "two jobs would write into the same directory; e.g. `/gpfs/project/ckpt/{name}/{job_id}`",
            );
        }
        let stripped = c.replace("{job_id}", "").replace("{name}", "");
        if stripped.contains('{') || stripped.contains('}') {
            let pos = d.pos_of("storage.checkpointDir");
            d.diags.error_hint(
                &pos,
                "checkpoint-dir",
                "`storage.checkpointDir` has an unknown placeholder",
                "the placeholders are `{job_id}` and `{name}`",
            );
        }
    }
    let checkpoint_size = match m.field("checkpointSize") {
        None => None,
        Some(n) => {
            let text = d.string(n, "storage.checkpointSize");
            text.and_then(|t| match units::parse_bytes(&t) {
                Ok(b) => Some(b),
                Err(e) => {
                    d.diags.error_hint(
                        &n.pos,
                        "size",
                        format!("`storage.checkpointSize`: {e}"),
                        "e.g. `500G` (decimal) or `465Gi` (binary)",
                    );
                    None
                }
            })
        }
    };
    let checkpoints_kept = d.opt_u32(&mut m, "checkpointsKept", 1, 10_000).unwrap_or(1);
    m.finish(d);
    if let (Some(g), Some(dir)) = (&gpfs, &checkpoint_dir)
        && !std::path::Path::new(dir).starts_with(&g.mount_path)
    {
        let pos = d.pos_of("storage.checkpointDir");
        d.diags.warning_hint(
            &pos,
            "checkpoint-dir",
            format!(
                "`storage.checkpointDir` is not under the GPFS mount `{}`",
                g.mount_path
            ),
            "checkpoints outside the shared file system are lost when a pod moves",
        );
    }
    if let (Some(g), Some(dir)) = (&gpfs, &checkpoint_dir)
        && g.read_only
        && std::path::Path::new(dir).starts_with(&g.mount_path)
    {
        let pos = d.pos_of("storage.checkpointDir");
        d.diags.error_hint(
            &pos,
            "checkpoint-dir",
            "`storage.checkpointDir` is on the GPFS mount, which is `readOnly: true`",
            "checkpoints cannot be written there; set `readOnly: false` or move the directory",
        );
    }
    if gpfs.is_none()
        && let Some(_) = &checkpoint_dir
    {
        let pos = d.pos_of("storage.checkpointDir");
        d.diags.warning_hint(
            &pos,
            "checkpoint-dir",
            "`storage.checkpointDir` is set but no shared file system (`storage.gpfs`) is mounted",
            "without a shared mount each pod writes into its own container file system",
        );
    }
    Some(Storage {
        gpfs,
        checkpoint_dir,
        checkpoint_size,
        checkpoints_kept,
    })
}

fn check_gpfs_name(n: &str) -> Result<(), String> {
    if !n.is_empty()
        && n.len() <= 255
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        Ok(())
    } else {
        Err(format!(
            "`{n}` may only contain letters, digits, `_`, `-` and `.`"
        ))
    }
}

fn decode_training(d: &mut Decoder, node: &Node) -> Option<Training> {
    let mut m = d.map(node, "training")?;
    let nproc_per_node = d.opt_u32(&mut m, "nprocPerNode", 1, 1024);
    let backoff_limit = d.opt_u32(&mut m, "backoffLimit", 0, 1000).unwrap_or(0);
    let clean_pod_policy = d
        .one_of(&mut m, "cleanPodPolicy", CleanPodPolicy::NAMES)
        .and_then(|c| CleanPodPolicy::from_name(&c))
        .unwrap_or(CleanPodPolicy::None);
    let restart_policy = d
        .one_of(&mut m, "restartPolicy", RESTART_POLICIES)
        .unwrap_or_else(|| "OnFailure".into());
    // The PyTorchJob field is an int32.
    let ttl_seconds_after_finished =
        d.opt_u32(&mut m, "ttlSecondsAfterFinished", 0, i32::MAX as u32);
    let active_deadline_seconds = m
        .field("activeDeadlineSeconds")
        .and_then(|n| d.uint(n, "training.activeDeadlineSeconds", 1, u64::from(u32::MAX)));
    let elastic = match m.field("elastic") {
        None => None,
        Some(e) => {
            let mut em = d.map(e, "training.elastic")?;
            let min_nodes = d.opt_u32(&mut em, "minNodes", 1, 100_000);
            let max_nodes = d.opt_u32(&mut em, "maxNodes", 1, 100_000);
            let max_restarts = d.opt_u32(&mut em, "maxRestarts", 0, 10_000);
            if min_nodes.is_none() && em.field("minNodes").is_none() {
                d.diags.error_hint(
                    em.pos(),
                    "required",
                    "`training.elastic.minNodes` is required",
                    "the fewest nodes the job may continue with",
                );
            }
            em.finish(d);
            Some(Elastic {
                min_nodes: min_nodes?,
                max_nodes: max_nodes.unwrap_or(0),
                max_restarts,
            })
        }
    };
    let master_port = d
        .opt_u32(&mut m, "masterPort", 1024, 65535)
        .unwrap_or(23456);
    m.finish(d);
    Some(Training {
        nproc_per_node,
        backoff_limit,
        clean_pod_policy,
        restart_policy,
        ttl_seconds_after_finished,
        active_deadline_seconds,
        elastic,
        master_port: u16::try_from(master_port).unwrap_or(23456),
    })
}

/// Rules that relate several fields.
/// With `slurm.cpusPerTask`/`memory` the pod is rendered Guaranteed; say what keeps it from
/// being one the kubelet can pin (docs/spec.md, "CPU and NUMA alignment").
fn guaranteed_checks(d: &mut Decoder, spec: &Spec) {
    let s = &spec.slurm;
    if s.cpus_per_task.is_none() && s.memory.is_none() {
        return;
    }
    let cpu = spec
        .container
        .cpu
        .clone()
        .or_else(|| s.cpus_per_task.map(|c| c.to_string()));
    // Fewer CPUs for the pod than Slurm gives is headroom (the kubelet's reserved CPUs);
    // more cannot be had.
    if let (Some(c), Some(n)) = (&spec.container.cpu, s.cpus_per_task)
        && c.trim().parse::<f64>().is_ok_and(|v| v > f64::from(n))
    {
        let pos = d.field_or_root("container.cpu");
        d.diags.warning_hint(
            &pos,
            "guaranteed",
            format!("`container.cpu` ({c}) is more than `slurm.cpusPerTask` ({n}): the pod asks for CPUs Slurm did not allocate"),
            "make `container.cpu` at most `slurm.cpusPerTask`, or leave it out to use `slurm.cpusPerTask` for the pod",
        );
    }
    if let Some(c) = &cpu
        && !c.trim().bytes().all(|b| b.is_ascii_digit())
    {
        let pos = d.field_or_root("container.cpu");
        d.diags.warning_hint(
            &pos,
            "guaranteed",
            format!("the pod's CPU request `{c}` is not a whole number of CPUs"),
            "the kubelet's static CPU manager pins cores only for an integer CPU request equal to its limit: use a whole number",
        );
    }
    let memory = spec.container.memory.is_some()
        || s.memory
            .as_deref()
            .and_then(super::units::slurm_memory_quantity)
            .is_some();
    if !memory {
        let pos = d.field_or_root("slurm.memory");
        d.diags.warning_hint(
            &pos,
            "guaranteed",
            if s.memory.as_deref() == Some("0") {
                "`slurm.memory: 0` (all of the node's memory) has no pod equivalent: the pod gets no memory request and is not Guaranteed".to_string()
            } else {
                "`slurm.cpusPerTask` without a memory size: the pod is not Guaranteed (that needs memory requests = limits too)".to_string()
            },
            "set `slurm.memory` (or `container.memory`) to what the pod may use, below the node's allocatable memory",
        );
    }
}

fn cross_checks(d: &mut Decoder, spec: &Spec, partition: Option<&PartitionInfo>) {
    let gpus = spec.slurm.gpus_per_node;
    if let Some(p) = partition
        && let Some(max) = p.gpus_per_node
        && gpus > max
    {
        let pos = d.pos_of("slurm.gpusPerNode");
        d.diags.error_hint(
            &pos,
            "partition-gpus",
            format!(
                "`slurm.gpusPerNode` is {gpus}, but nodes of partition `{}` have {max} GPUs",
                p.name
            ),
            format!("request at most {max} GPUs per node, or choose another partition"),
        );
    }
    if let Some(n) = spec.training.nproc_per_node
        && gpus > 0
        && n > gpus
    {
        let pos = d.pos_of("training.nprocPerNode");
        d.diags.error_hint(
            &pos,
            "nproc",
            format!("`training.nprocPerNode` is {n}, more than the {gpus} GPUs per node"),
            "use one process per GPU (leave nprocPerNode unset to default to gpusPerNode)",
        );
    }
    if let Some(e) = &spec.training.elastic {
        let max = if e.max_nodes == 0 {
            spec.slurm.nodes
        } else {
            e.max_nodes
        };
        if e.min_nodes > max {
            let pos = d.pos_of("training.elastic.minNodes");
            d.diags.error(
                &pos,
                "elastic",
                format!(
                    "`training.elastic.minNodes` ({}) is larger than `maxNodes` ({max})",
                    e.min_nodes
                ),
            );
        }
        if max != spec.slurm.nodes {
            let pos = d.pos_of("training.elastic.maxNodes");
            d.diags.error_hint(
                &pos,
                "elastic",
                format!("`training.elastic.maxNodes` ({max}) differs from `slurm.nodes` ({})", spec.slurm.nodes),
                "Slurm allocates `slurm.nodes` nodes and the job can only grow into those; set them equal",
            );
        }
    }
    // Warnings only make sense about a spec without errors (a rejected `fabric` defaults to
    // `roce` above, for instance).
    if d.diags.has_errors() {
        return;
    }
    guaranteed_checks(d, spec);
    if spec.network.fabric.uses_rdma() && spec.network.rdma_resource.is_none() {
        let pos = d.field_or_root("network.fabric");
        d.diags.warning_hint(
            &pos,
            "rdma-resource",
            format!("`network.fabric` is `{}` but no `network.rdmaResource` is requested", spec.network.fabric.name()),
            "without the RDMA device plugin's resource the pods may not see the HCAs, and NCCL (with NCCL_NET=IB) fails at init",
        );
    }
    if !spec.network.fabric.uses_rdma()
        && (!spec.network.hcas.is_empty() || spec.network.rdma_resource.is_some())
    {
        let pos = d.field_or_root("network.fabric");
        d.diags.warning_hint(
            &pos,
            "fabric",
            "`network.fabric` is `socket` but HCAs or an RDMA resource are set",
            "they are ignored with `socket`; choose `roce` or `ib` to use them",
        );
    }
    if spec.network.fabric != Fabric::Roce
        && (matches!(spec.network.gid_index, GidIndex::Index(_))
            || spec.network.traffic_class.is_some())
    {
        let pos = d.field_or_root("network.fabric");
        d.diags.warning_hint(
            &pos,
            "fabric",
            format!(
                "`network.gidIndex`/`trafficClass` only apply to RoCE, but `fabric` is `{}`",
                spec.network.fabric.name()
            ),
            "they are ignored; remove them or choose `fabric: roce`",
        );
    }
    if spec.slurm.nodes > 1 && gpus == 0 {
        let pos = d.field_or_root("slurm.gpusPerNode");
        d.diags.warning_hint(
            &pos,
            "gpus",
            "a multi-node job with no GPUs",
            "set `slurm.gpusPerNode`",
        );
    }
}
