
use builtin;
use str;

set edit:completion:arg-completer[hybridctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hybridctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hybridctl'= {
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Write a commented starter job spec for one of the site''s partitions'
            cand explain 'Describe a job spec field: type, default, where the value ends up, allowed values, example'
            cand config 'Show the effective configuration: every value after all layers, and where it came from'
            cand render 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)'
            cand validate 'Check job specs and report every problem with file:line:col, the rule and a hint'
            cand submit 'Validate, render and submit a job spec with `sbatch`; prints the job id'
            cand status 'Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait'
            cand describe 'One job''s story: Slurm''s and Kubernetes'' records merged into one timeline'
            cand cancel 'Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel'
            cand logs 'Print or follow the logs of every pod of a job, one prefix (and colour) per pod'
            cand quota 'GPFS / Storage Scale quotas of the user, the user''s groups, or filesets'
            cand nccl-check 'Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors'
            cand fabric-check 'RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes'
            cand hook 'Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and afterwards delete every Kubernetes object of the job and release the nodes'
            cand gc 'Find and remove Kubernetes objects and node labels whose Slurm job is gone'
            cand rbac 'Print the least-privilege RBAC for the Slurm-side Kubernetes identity'
            cand doctor 'Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions'
            cand launch 'Run the job inside a Slurm allocation (called by the rendered batch script)'
            cand hostlist 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)'
            cand completions 'Print static shell completions (commands and flags)'
            cand man 'Write man pages (one per subcommand)'
            cand schema 'Print the JSON Schema of the job spec, the config file or an output document'
            cand version 'Print the version (`-o json`: version, target, TLS backend)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;init'= {
            cand -p 'The Slurm partition [default: the site config''s first partition]'
            cand --partition 'The Slurm partition [default: the site config''s first partition]'
            cand -N 'Number of nodes'
            cand --nodes 'Number of nodes'
            cand --name 'The job name [default: the name of FILE when it is a valid job name, else `my-training`]'
            cand --image 'The container image [default: NVIDIA''s PyTorch container]'
            cand -o 'Write the spec into FILE instead of printing it'
            cand --output 'Write the spec into FILE instead of printing it'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --force 'Replace FILE if it exists'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;explain'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --recursive 'List every field below FIELD, nested, not only the fields directly inside it'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;config'= {
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand view 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;config;view'= {
            cand -o 'Output format (JSON always carries the origins)'
            cand --output 'Output format (JSON always carries the origins)'
            cand --set 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)'
            cand -e 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand --env 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand -p 'Override `slurm.partition`'
            cand --partition 'Override `slurm.partition`'
            cand -N 'Override `slurm.nodes`'
            cand --nodes 'Override `slurm.nodes`'
            cand -n 'Override `kubernetes.namespace`'
            cand --namespace 'Override `kubernetes.namespace`'
            cand --context 'Override `kubernetes.context`'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --show-origin 'Show the layer and the file:line:col each value came from'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;config;help'= {
            cand view 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;config;help;view'= {
        }
        &'hybridctl;config;help;help'= {
        }
        &'hybridctl;render'= {
            cand --job-id 'Slurm job id to simulate'
            cand --nodelist 'Allocated nodes to simulate, as a Slurm hostlist [default: node[1-N]]'
            cand --out 'Write `<name>.sbatch` and `<name>.pytorchjob.yaml` (or .json) into DIR instead of printing'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --only 'Print only one artifact'
            cand --set 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)'
            cand -e 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand --env 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand -p 'Override `slurm.partition`'
            cand --partition 'Override `slurm.partition`'
            cand -N 'Override `slurm.nodes`'
            cand --nodes 'Override `slurm.nodes`'
            cand -n 'Override `kubernetes.namespace`'
            cand --namespace 'Override `kubernetes.namespace`'
            cand --context 'Override `kubernetes.context`'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;validate'= {
            cand --config 'Check FILE as a site or user config file (repeatable)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --set 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)'
            cand -e 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand --env 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand -p 'Override `slurm.partition`'
            cand --partition 'Override `slurm.partition`'
            cand -N 'Override `slurm.nodes`'
            cand --nodes 'Override `slurm.nodes`'
            cand -n 'Override `kubernetes.namespace`'
            cand --namespace 'Override `kubernetes.namespace`'
            cand --context 'Override `kubernetes.context`'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --strict 'Treat warnings as errors'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;submit'= {
            cand -o 'Output format of the result'
            cand --output 'Output format of the result'
            cand --set 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)'
            cand -e 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand --env 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)'
            cand -p 'Override `slurm.partition`'
            cand --partition 'Override `slurm.partition`'
            cand -N 'Override `slurm.nodes`'
            cand --nodes 'Override `slurm.nodes`'
            cand -n 'Override `kubernetes.namespace`'
            cand --namespace 'Override `kubernetes.namespace`'
            cand --context 'Override `kubernetes.context`'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --dry-run 'Print the script and the exact sbatch command instead of submitting'
            cand -f 'Wait for the job: show its state while pending, stream its batch output, and exit with its result'
            cand --follow 'Wait for the job: show its state while pending, stream its batch output, and exit with its result'
            cand --strict 'Refuse to submit when the GPFS fileset has too little room for the checkpoints (otherwise a warning; the site config can make this the default)'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;status'= {
            cand -u 'The jobs of this user in the queue (`squeue --user`)'
            cand --user 'The jobs of this user in the queue (`squeue --user`)'
            cand -t 'Only jobs in these states (repeatable or comma-separated; Slurm''s names or short codes: `PENDING`/`PD`, `RUNNING`/`R`, `COMPLETED`/`CD`, `FAILED`/`F`, ...)'
            cand --state 'Only jobs in these states (repeatable or comma-separated; Slurm''s names or short codes: `PENDING`/`PD`, `RUNNING`/`R`, `COMPLETED`/`CD`, `FAILED`/`F`, ...)'
            cand -o 'Output format: a table, a wider table, or JSON'
            cand --output 'Output format: a table, a wider table, or JSON'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -A 'Every job in the queue, not only those hybridctl submitted'
            cand --all 'Every job in the queue, not only those hybridctl submitted'
            cand --me 'My jobs in the queue (`--user $USER`)'
            cand -w 'Keep showing the jobs as they change, until they have all ended or Ctrl-C: a redrawn table on a terminal, otherwise one line per change (`-o json`: one document per change). Pods are watched; Slurm is asked no more often than its scheduler runs'
            cand --watch 'Keep showing the jobs as they change, until they have all ended or Ctrl-C: a redrawn table on a terminal, otherwise one line per change (`-o json`: one document per change). Pods are watched; Slurm is asked no more often than its scheduler runs'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;describe'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;cancel'= {
            cand -s 'Signal sent to the batch step before scancel'
            cand --signal 'Signal sent to the batch step before scancel'
            cand --grace 'Seconds between the signal and scancel [default: the cluster''s KillWait]'
            cand -o 'Output format of the final states'
            cand --output 'Output format of the final states'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --dry-run 'Print which jobs would be cancelled, cancel nothing'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;logs'= {
            cand --since 'Only lines newer than this (e.g. `30s`, `10m`, `1h30m`)'
            cand --tail 'Only the last N lines of each pod'
            cand --replica 'Only these replicas: `master`, `worker`, an index (`3`), or one pod (`worker-3`)'
            cand --rank 'Only the pod that runs global rank R (with N processes per pod, rank R runs in node rank R / N: node rank 0 is `master-0`, node rank k is `worker-(k-1)`)'
            cand --node 'Only the pods on these nodes (a Slurm hostlist, e.g. `gpu[01-04]`)'
            cand --include 'Only lines matching this regular expression (repeatable: any of them)'
            cand --exclude 'Leave out lines matching this regular expression (repeatable: any of them)'
            cand -o 'Output format: text, or one JSON object per line'
            cand --output 'Output format: text, or one JSON object per line'
            cand --max-streams 'Follow at most this many pods at once'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -f 'Follow the logs until the job finishes'
            cand --follow 'Follow the logs until the job finishes'
            cand -p 'The log of the previous container of each pod (one that restarted), as `kubectl logs --previous`'
            cand --previous 'The log of the previous container of each pod (one that restarted), as `kubectl logs --previous`'
            cand --timestamps 'Show each line''s timestamp (RFC 3339, as the kubelet recorded it)'
            cand --no-prefix 'Leave out the `[worker-3]` prefix'
            cand --nccl 'Analyse the NCCL lines instead of printing them: a per-rank summary (live on a terminal) and the verdicts; exit code 1 when a verdict is bad'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;quota'= {
            cand -j 'Filesets to show, as `DEVICE:FILESET` or `FILESET` (with --device)'
            cand --fileset 'Filesets to show, as `DEVICE:FILESET` or `FILESET` (with --device)'
            cand -d 'File systems to query (default: all, or the device of each fileset)'
            cand --device 'File systems to query (default: all, or the device of each fileset)'
            cand --spec 'Show the fileset a job spec writes its checkpoints into'
            cand --threshold 'Flag usage at or above this percentage of a soft or hard limit [default: 90, or the site''s `gpfs.threshold`]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -u 'Only the user''s quota (default: the user and the user''s groups)'
            cand --user 'Only the user''s quota (default: the user and the user''s groups)'
            cand -g 'Only the groups'' quotas'
            cand --group 'Only the groups'' quotas'
            cand --check 'Exit with code 1 when any usage is at or above the threshold'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;nccl-check'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --fabric 'The fabric the job should use [default: unknown; a socket fallback between hosts is still an error unless `socket` says sockets are intended]'
            cand --spec 'Take the fabric and the node count from this job spec'
            cand --init-timeout 'Report ranks that have not reached `Init COMPLETE` this long after their first NCCL line (e.g. `90s`, `5m`; needs timestamps in the log) [default: only ranks that never reach it]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;fabric-check'= {
            cand --sysfs-root 'Read sysfs and /etc/nccl.conf under this directory (a copy or fixture of a host)'
            cand --spec 'Check the NCCL settings of this job spec (hcas, gidIndex, trafficClass, socketInterface)'
            cand --show-gids 'Also read this saved `show_gids` output (GID types and netdevs sysfs does not show, e.g. inside a pod)'
            cand --watch 'Watch the congestion and error counters for this long (e.g. `10s`, `2m`, `500ms`)'
            cand --nodes 'Run pairwise RDMA tests between these nodes (a Slurm hostlist, e.g. `gpu[01-16]`)'
            cand --pairs 'How to pair nodes'
            cand --device 'RDMA device for the pairwise tests [default: the first device NCCL_IB_HCA names, else the first active port of this host]'
            cand --gid-index 'GID index for the pairwise tests on RoCE [default: NCCL_IB_GID_INDEX, else the RoCE v2 IPv4 GID of the device]'
            cand --expected-rate 'Link rate to compare bandwidth with, Gb/s [default: `fabric.expectedRateGbps`, else the device''s rate]'
            cand --timeout 'Seconds one perftest may take [default: `fabric.testTimeout`, else 60]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --topology 'Print the GPU x NIC topology of this host (sysfs, and `nvidia-smi topo -m` where installed): PIX/PXB/PHB/NODE/SYS, GPUs whose nearest NIC is far, an NCCL_IB_HCA list'
            cand --pairwise 'Run pairwise RDMA tests between the nodes of this allocation ($SLURM_JOB_NODELIST)'
            cand --latency 'Also run the latency test (`ib_read_lat`) for each pair'
            cand --rails 'Test every active RDMA port (rail) of this host''s kind between each pair, one after the other, instead of one port: finds the one bad rail of an 8-NIC node'
            cand --no-local 'Skip the local audit (pairwise tests and counters only)'
            cand --health-check 'Print nothing on success, one `ERROR: ...` line on failure (for Slurm''s HealthCheckProgram or NHC)'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;hook'= {
            cand --timeout 'Give up after this many seconds (the hook must not hold up Slurm)'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand prolog 'For PrologSlurmctld: label the allocated nodes with the job id'
            cand epilog 'For EpilogSlurmctld: delete the job''s objects, remove the labels'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;hook;prolog'= {
            cand --timeout 'Give up after this many seconds (the hook must not hold up Slurm)'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;hook;epilog'= {
            cand --timeout 'Give up after this many seconds (the hook must not hold up Slurm)'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;hook;help'= {
            cand prolog 'For PrologSlurmctld: label the allocated nodes with the job id'
            cand epilog 'For EpilogSlurmctld: delete the job''s objects, remove the labels'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;hook;help;prolog'= {
        }
        &'hybridctl;hook;help;epilog'= {
        }
        &'hybridctl;hook;help;help'= {
        }
        &'hybridctl;gc'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --dry-run 'Print what would be removed, remove nothing'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;rbac'= {
            cand -n 'The training namespace the Role is for'
            cand --namespace 'The training namespace the Role is for'
            cand --service-account 'Bind the roles to this ServiceAccount (in the training namespace)'
            cand --user 'Bind the roles to this user (e.g. a client certificate''s CN)'
            cand --group 'Bind the roles to this group'
            cand --api 'The Kubeflow API the site runs: the training-operator''s PyTorchJob, Trainer v2''s TrainJob (with its JobSets and runtimes), or `auto` (the rights of both)'
            cand -o 'Output format: YAML for `kubectl apply -f -`, or a JSON `List` (also for kubectl)'
            cand --output 'Output format: YAML for `kubectl apply -f -`, or a JSON `List` (also for kubectl)'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;doctor'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context to use'
            cand -n 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --namespace 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;launch'= {
            cand --frozen-spec 'The frozen spec (JSON) written into the batch script; `-` reads standard input'
            cand --spec-path 'The spec file the script was rendered from (recorded in the PyTorchJob''s annotations)'
            cand --kubeconfig 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]'
            cand --context 'The kubeconfig context [default: the spec''s `kubernetes.context`, else the current one]'
            cand -o 'Output format of --dry-run'
            cand --output 'Output format of --dry-run'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --dry-run 'Plan and print the PyTorchJob for this allocation without creating anything'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;hostlist'= {
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand expand 'Print one host per line, like `scontrol show hostnames`'
            cand compress 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;hostlist;expand'= {
            cand -o 'Output format: one host per line, or a JSON document'
            cand --output 'Output format: one host per line, or a JSON document'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;hostlist;compress'= {
            cand -o 'Output format: the hostlist, or a JSON document'
            cand --output 'Output format: the hostlist, or a JSON document'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;hostlist;help'= {
            cand expand 'Print one host per line, like `scontrol show hostnames`'
            cand compress 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;hostlist;help;expand'= {
        }
        &'hybridctl;hostlist;help;compress'= {
        }
        &'hybridctl;hostlist;help;help'= {
        }
        &'hybridctl;completions'= {
            cand --dir 'Write the file into DIR (named as the shell expects) instead of printing it'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;man'= {
            cand --dir 'Directory to write `hybridctl.1` and `hybridctl-<command>.1` into'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;schema'= {
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand --list 'List the schema names'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;version'= {
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour: auto (a terminal and no NO_COLOR), always, never'
            cand -q 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand --quiet 'No progress spinners or notes on stderr (warnings and errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hybridctl;help'= {
            cand init 'Write a commented starter job spec for one of the site''s partitions'
            cand explain 'Describe a job spec field: type, default, where the value ends up, allowed values, example'
            cand config 'Show the effective configuration: every value after all layers, and where it came from'
            cand render 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)'
            cand validate 'Check job specs and report every problem with file:line:col, the rule and a hint'
            cand submit 'Validate, render and submit a job spec with `sbatch`; prints the job id'
            cand status 'Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait'
            cand describe 'One job''s story: Slurm''s and Kubernetes'' records merged into one timeline'
            cand cancel 'Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel'
            cand logs 'Print or follow the logs of every pod of a job, one prefix (and colour) per pod'
            cand quota 'GPFS / Storage Scale quotas of the user, the user''s groups, or filesets'
            cand nccl-check 'Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors'
            cand fabric-check 'RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes'
            cand hook 'Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and afterwards delete every Kubernetes object of the job and release the nodes'
            cand gc 'Find and remove Kubernetes objects and node labels whose Slurm job is gone'
            cand rbac 'Print the least-privilege RBAC for the Slurm-side Kubernetes identity'
            cand doctor 'Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions'
            cand launch 'Run the job inside a Slurm allocation (called by the rendered batch script)'
            cand hostlist 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)'
            cand completions 'Print static shell completions (commands and flags)'
            cand man 'Write man pages (one per subcommand)'
            cand schema 'Print the JSON Schema of the job spec, the config file or an output document'
            cand version 'Print the version (`-o json`: version, target, TLS backend)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hybridctl;help;init'= {
        }
        &'hybridctl;help;explain'= {
        }
        &'hybridctl;help;config'= {
            cand view 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value'
        }
        &'hybridctl;help;config;view'= {
        }
        &'hybridctl;help;render'= {
        }
        &'hybridctl;help;validate'= {
        }
        &'hybridctl;help;submit'= {
        }
        &'hybridctl;help;status'= {
        }
        &'hybridctl;help;describe'= {
        }
        &'hybridctl;help;cancel'= {
        }
        &'hybridctl;help;logs'= {
        }
        &'hybridctl;help;quota'= {
        }
        &'hybridctl;help;nccl-check'= {
        }
        &'hybridctl;help;fabric-check'= {
        }
        &'hybridctl;help;hook'= {
            cand prolog 'For PrologSlurmctld: label the allocated nodes with the job id'
            cand epilog 'For EpilogSlurmctld: delete the job''s objects, remove the labels'
        }
        &'hybridctl;help;hook;prolog'= {
        }
        &'hybridctl;help;hook;epilog'= {
        }
        &'hybridctl;help;gc'= {
        }
        &'hybridctl;help;rbac'= {
        }
        &'hybridctl;help;doctor'= {
        }
        &'hybridctl;help;launch'= {
        }
        &'hybridctl;help;hostlist'= {
            cand expand 'Print one host per line, like `scontrol show hostnames`'
            cand compress 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`'
        }
        &'hybridctl;help;hostlist;expand'= {
        }
        &'hybridctl;help;hostlist;compress'= {
        }
        &'hybridctl;help;completions'= {
        }
        &'hybridctl;help;man'= {
        }
        &'hybridctl;help;schema'= {
        }
        &'hybridctl;help;version'= {
        }
        &'hybridctl;help;help'= {
        }
    ]
    $completions[$command]
}
