# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hybridctl_global_optspecs
    string join \n color= q/quiet h/help V/version
end

function __fish_hybridctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hybridctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hybridctl_using_subcommand
    set -l cmd (__fish_hybridctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hybridctl -n "__fish_hybridctl_needs_command" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_needs_command" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "init" -d 'Write a commented starter job spec for one of the site\'s partitions'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "explain" -d 'Describe a job spec field: type, default, where the value ends up, allowed values, example'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "config" -d 'Show the effective configuration: every value after all layers, and where it came from'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "render" -d 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "validate" -d 'Check job specs and report every problem with file:line:col, the rule and a hint'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "submit" -d 'Validate, render and submit a job spec with `sbatch`; prints the job id'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "status" -d 'Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "describe" -d 'One job\'s story: Slurm\'s and Kubernetes\' records merged into one timeline'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "cancel" -d 'Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "logs" -d 'Print or follow the logs of every pod of a job, one prefix (and colour) per pod'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "quota" -d 'GPFS / Storage Scale quotas of the user, the user\'s groups, or filesets'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "nccl-check" -d 'Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "fabric-check" -d 'RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "hook" -d 'Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and afterwards delete every Kubernetes object of the job and release the nodes'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "gc" -d 'Find and remove Kubernetes objects and node labels whose Slurm job is gone'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "rbac" -d 'Print the least-privilege RBAC for the Slurm-side Kubernetes identity'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "doctor" -d 'Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "launch" -d 'Run the job inside a Slurm allocation (called by the rendered batch script)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "hostlist" -d 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "completions" -d 'Print static shell completions (commands and flags)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "man" -d 'Write man pages (one per subcommand)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "schema" -d 'Print the JSON Schema of the job spec, the config file or an output document'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "version" -d 'Print the version (`-o json`: version, target, TLS backend)'
complete -c hybridctl -n "__fish_hybridctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -s p -l partition -d 'The Slurm partition [default: the site config\'s first partition]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -s N -l nodes -d 'Number of nodes' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -l name -d 'The job name [default: the name of FILE when it is a valid job name, else `my-training`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -l image -d 'The container image [default: NVIDIA\'s PyTorch container]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -s o -l output -d 'Write the spec into FILE instead of printing it' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -l force -d 'Replace FILE if it exists'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand init" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand explain" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand explain" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand explain" -l recursive -d 'List every field below FIELD, nested, not only the fields directly inside it'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand explain" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand explain" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and not __fish_seen_subcommand_from view help" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and not __fish_seen_subcommand_from view help" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and not __fish_seen_subcommand_from view help" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and not __fish_seen_subcommand_from view help" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and not __fish_seen_subcommand_from view help" -f -a "view" -d 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and not __fish_seen_subcommand_from view help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s o -l output -d 'Output format (JSON always carries the origins)' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -l set -d 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s e -l env -d 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s p -l partition -d 'Override `slurm.partition`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s N -l nodes -d 'Override `slurm.nodes`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s n -l namespace -d 'Override `kubernetes.namespace`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -l context -d 'Override `kubernetes.context`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -l show-origin -d 'Show the layer and the file:line:col each value came from'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from view" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "view" -d 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l job-id -d 'Slurm job id to simulate' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l nodelist -d 'Allocated nodes to simulate, as a Slurm hostlist [default: node[1-N]]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l out -d 'Write `<name>.sbatch` and `<name>.pytorchjob.yaml` (or .json) into DIR instead of printing' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s o -l output -d 'Output format' -r -f -a "yaml\t'The batch script, then the manifest as YAML'
json\t'One JSON object with both artifacts'"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l only -d 'Print only one artifact' -r -f -a "sbatch\t'The batch script'
pytorchjob\t'The PyTorchJob manifest (`kubernetes.api: pytorchjob` or `auto`)'
trainjob\t'The TrainJob manifest (`kubernetes.api: trainjob`)'"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l set -d 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s e -l env -d 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s p -l partition -d 'Override `slurm.partition`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s N -l nodes -d 'Override `slurm.nodes`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s n -l namespace -d 'Override `kubernetes.namespace`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l context -d 'Override `kubernetes.context`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand render" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -l config -d 'Check FILE as a site or user config file (repeatable)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -l set -d 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s e -l env -d 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s p -l partition -d 'Override `slurm.partition`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s N -l nodes -d 'Override `slurm.nodes`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s n -l namespace -d 'Override `kubernetes.namespace`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -l context -d 'Override `kubernetes.context`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -l strict -d 'Treat warnings as errors'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand validate" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s o -l output -d 'Output format of the result' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -l set -d 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s e -l env -d 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s p -l partition -d 'Override `slurm.partition`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s N -l nodes -d 'Override `slurm.nodes`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s n -l namespace -d 'Override `kubernetes.namespace`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -l context -d 'Override `kubernetes.context`' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -l dry-run -d 'Print the script and the exact sbatch command instead of submitting'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s f -l follow -d 'Wait for the job: show its state while pending, stream its batch output, and exit with its result'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -l strict -d 'Refuse to submit when the GPFS fileset has too little room for the checkpoints (otherwise a warning; the site config can make this the default)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand submit" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s u -l user -d 'The jobs of this user in the queue (`squeue --user`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s t -l state -d 'Only jobs in these states (repeatable or comma-separated; Slurm\'s names or short codes: `PENDING`/`PD`, `RUNNING`/`R`, `COMPLETED`/`CD`, `FAILED`/`F`, ...)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s o -l output -d 'Output format: a table, a wider table, or JSON' -r -f -a "text\t''
wide\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s A -l all -d 'Every job in the queue, not only those hybridctl submitted'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -l me -d 'My jobs in the queue (`--user $USER`)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s w -l watch -d 'Keep showing the jobs as they change, until they have all ended or Ctrl-C: a redrawn table on a terminal, otherwise one line per change (`-o json`: one document per change). Pods are watched; Slurm is asked no more often than its scheduler runs'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand describe" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -s s -l signal -d 'Signal sent to the batch step before scancel' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -l grace -d 'Seconds between the signal and scancel [default: the cluster\'s KillWait]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -s o -l output -d 'Output format of the final states' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -l dry-run -d 'Print which jobs would be cancelled, cancel nothing'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand cancel" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l since -d 'Only lines newer than this (e.g. `30s`, `10m`, `1h30m`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l tail -d 'Only the last N lines of each pod' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l replica -d 'Only these replicas: `master`, `worker`, an index (`3`), or one pod (`worker-3`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l rank -d 'Only the pod that runs global rank R (with N processes per pod, rank R runs in node rank R / N: node rank 0 is `master-0`, node rank k is `worker-(k-1)`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l node -d 'Only the pods on these nodes (a Slurm hostlist, e.g. `gpu[01-04]`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l include -d 'Only lines matching this regular expression (repeatable: any of them)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l exclude -d 'Leave out lines matching this regular expression (repeatable: any of them)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s o -l output -d 'Output format: text, or one JSON object per line' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l max-streams -d 'Follow at most this many pods at once' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s f -l follow -d 'Follow the logs until the job finishes'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s p -l previous -d 'The log of the previous container of each pod (one that restarted), as `kubectl logs --previous`'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l timestamps -d 'Show each line\'s timestamp (RFC 3339, as the kubelet recorded it)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l no-prefix -d 'Leave out the `[worker-3]` prefix'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -l nccl -d 'Analyse the NCCL lines instead of printing them: a per-rank summary (live on a terminal) and the verdicts; exit code 1 when a verdict is bad'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand logs" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s j -l fileset -d 'Filesets to show, as `DEVICE:FILESET` or `FILESET` (with --device)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s d -l device -d 'File systems to query (default: all, or the device of each fileset)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -l spec -d 'Show the fileset a job spec writes its checkpoints into' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -l threshold -d 'Flag usage at or above this percentage of a soft or hard limit [default: 90, or the site\'s `gpfs.threshold`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s u -l user -d 'Only the user\'s quota (default: the user and the user\'s groups)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s g -l group -d 'Only the groups\' quotas'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -l check -d 'Exit with code 1 when any usage is at or above the threshold'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand quota" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -l fabric -d 'The fabric the job should use [default: unknown; a socket fallback between hosts is still an error unless `socket` says sockets are intended]' -r -f -a "roce\t'RoCE (RDMA over Ethernet): a socket fallback is an error'
ib\t'InfiniBand: a socket fallback is an error'
socket\t'TCP sockets are intended'"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -l spec -d 'Take the fabric and the node count from this job spec' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -l init-timeout -d 'Report ranks that have not reached `Init COMPLETE` this long after their first NCCL line (e.g. `90s`, `5m`; needs timestamps in the log) [default: only ranks that never reach it]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand nccl-check" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l sysfs-root -d 'Read sysfs and /etc/nccl.conf under this directory (a copy or fixture of a host)' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l spec -d 'Check the NCCL settings of this job spec (hcas, gidIndex, trafficClass, socketInterface)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l show-gids -d 'Also read this saved `show_gids` output (GID types and netdevs sysfs does not show, e.g. inside a pod)' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l watch -d 'Watch the congestion and error counters for this long (e.g. `10s`, `2m`, `500ms`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l nodes -d 'Run pairwise RDMA tests between these nodes (a Slurm hostlist, e.g. `gpu[01-16]`)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l pairs -d 'How to pair nodes' -r -f -a "all\t'Every pair once: N-1 rounds for even N, N for odd N'
ring\t'Each node with the next one: N tests in 2 rounds (3 for odd N)'"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l device -d 'RDMA device for the pairwise tests [default: the first device NCCL_IB_HCA names, else the first active port of this host]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l gid-index -d 'GID index for the pairwise tests on RoCE [default: NCCL_IB_GID_INDEX, else the RoCE v2 IPv4 GID of the device]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l expected-rate -d 'Link rate to compare bandwidth with, Gb/s [default: `fabric.expectedRateGbps`, else the device\'s rate]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l timeout -d 'Seconds one perftest may take [default: `fabric.testTimeout`, else 60]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l topology -d 'Print the GPU x NIC topology of this host (sysfs, and `nvidia-smi topo -m` where installed): PIX/PXB/PHB/NODE/SYS, GPUs whose nearest NIC is far, an NCCL_IB_HCA list'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l pairwise -d 'Run pairwise RDMA tests between the nodes of this allocation ($SLURM_JOB_NODELIST)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l latency -d 'Also run the latency test (`ib_read_lat`) for each pair'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l rails -d 'Test every active RDMA port (rail) of this host\'s kind between each pair, one after the other, instead of one port: finds the one bad rail of an 8-NIC node'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l no-local -d 'Skip the local audit (pairwise tests and counters only)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -l health-check -d 'Print nothing on success, one `ERROR: ...` line on failure (for Slurm\'s HealthCheckProgram or NHC)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand fabric-check" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -l timeout -d 'Give up after this many seconds (the hook must not hold up Slurm)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -f -a "prolog" -d 'For PrologSlurmctld: label the allocated nodes with the job id'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -f -a "epilog" -d 'For EpilogSlurmctld: delete the job\'s objects, remove the labels'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and not __fish_seen_subcommand_from prolog epilog help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from prolog" -l timeout -d 'Give up after this many seconds (the hook must not hold up Slurm)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from prolog" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from prolog" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from prolog" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from prolog" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from epilog" -l timeout -d 'Give up after this many seconds (the hook must not hold up Slurm)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from epilog" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from epilog" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from epilog" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from epilog" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "prolog" -d 'For PrologSlurmctld: label the allocated nodes with the job id'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "epilog" -d 'For EpilogSlurmctld: delete the job\'s objects, remove the labels'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -l dry-run -d 'Print what would be removed, remove nothing'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand gc" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -s n -l namespace -d 'The training namespace the Role is for' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -l service-account -d 'Bind the roles to this ServiceAccount (in the training namespace)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -l user -d 'Bind the roles to this user (e.g. a client certificate\'s CN)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -l group -d 'Bind the roles to this group' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -l api -d 'The Kubeflow API the site runs: the training-operator\'s PyTorchJob, Trainer v2\'s TrainJob (with its JobSets and runtimes), or `auto` (the rights of both)' -r -f -a "pytorchjob\t''
trainjob\t''
auto\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -s o -l output -d 'Output format: YAML for `kubectl apply -f -`, or a JSON `List` (also for kubectl)' -r -f -a "yaml\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand rbac" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -l context -d 'The kubeconfig context to use' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -s n -l namespace -d 'The training namespace [default: the site config\'s `defaults.kubernetes.namespace`, else `default`]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -l frozen-spec -d 'The frozen spec (JSON) written into the batch script; `-` reads standard input' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -l spec-path -d 'The spec file the script was rendered from (recorded in the PyTorchJob\'s annotations)' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -l kubeconfig -d 'Path of the kubeconfig [default: $KUBECONFIG, the site config\'s `kubeconfig`, ~/.kube/config]' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -l context -d 'The kubeconfig context [default: the spec\'s `kubernetes.context`, else the current one]' -r
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -s o -l output -d 'Output format of --dry-run' -r -f -a "yaml\t'The batch script, then the manifest as YAML'
json\t'One JSON object with both artifacts'"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -l dry-run -d 'Plan and print the PyTorchJob for this allocation without creating anything'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand launch" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -f -a "expand" -d 'Print one host per line, like `scontrol show hostnames`'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -f -a "compress" -d 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and not __fish_seen_subcommand_from expand compress help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from expand" -s o -l output -d 'Output format: one host per line, or a JSON document' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from expand" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from expand" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from expand" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from expand" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from compress" -s o -l output -d 'Output format: the hostlist, or a JSON document' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from compress" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from compress" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from compress" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from compress" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from help" -f -a "expand" -d 'Print one host per line, like `scontrol show hostnames`'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from help" -f -a "compress" -d 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand hostlist; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand completions" -l dir -d 'Write the file into DIR (named as the shell expects) instead of printing it' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand completions" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand completions" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand man" -l dir -d 'Directory to write `hybridctl.1` and `hybridctl-<command>.1` into' -r -F
complete -c hybridctl -n "__fish_hybridctl_using_subcommand man" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand man" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand schema" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand schema" -l list -d 'List the schema names'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand schema" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand schema" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand version" -l color -d 'When to use colour: auto (a terminal and no NO_COLOR), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hybridctl -n "__fish_hybridctl_using_subcommand version" -s q -l quiet -d 'No progress spinners or notes on stderr (warnings and errors are still printed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand version" -s V -l version -d 'Print version'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "init" -d 'Write a commented starter job spec for one of the site\'s partitions'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "explain" -d 'Describe a job spec field: type, default, where the value ends up, allowed values, example'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "config" -d 'Show the effective configuration: every value after all layers, and where it came from'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "render" -d 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "validate" -d 'Check job specs and report every problem with file:line:col, the rule and a hint'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "submit" -d 'Validate, render and submit a job spec with `sbatch`; prints the job id'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "status" -d 'Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "describe" -d 'One job\'s story: Slurm\'s and Kubernetes\' records merged into one timeline'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "cancel" -d 'Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "logs" -d 'Print or follow the logs of every pod of a job, one prefix (and colour) per pod'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "quota" -d 'GPFS / Storage Scale quotas of the user, the user\'s groups, or filesets'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "nccl-check" -d 'Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "fabric-check" -d 'RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "hook" -d 'Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and afterwards delete every Kubernetes object of the job and release the nodes'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "gc" -d 'Find and remove Kubernetes objects and node labels whose Slurm job is gone'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "rbac" -d 'Print the least-privilege RBAC for the Slurm-side Kubernetes identity'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "doctor" -d 'Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "launch" -d 'Run the job inside a Slurm allocation (called by the rendered batch script)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "hostlist" -d 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "completions" -d 'Print static shell completions (commands and flags)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "man" -d 'Write man pages (one per subcommand)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "schema" -d 'Print the JSON Schema of the job spec, the config file or an output document'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "version" -d 'Print the version (`-o json`: version, target, TLS backend)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and not __fish_seen_subcommand_from init explain config render validate submit status describe cancel logs quota nccl-check fabric-check hook gc rbac doctor launch hostlist completions man schema version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "view" -d 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "prolog" -d 'For PrologSlurmctld: label the allocated nodes with the job id'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "epilog" -d 'For EpilogSlurmctld: delete the job\'s objects, remove the labels'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and __fish_seen_subcommand_from hostlist" -f -a "expand" -d 'Print one host per line, like `scontrol show hostnames`'
complete -c hybridctl -n "__fish_hybridctl_using_subcommand help; and __fish_seen_subcommand_from hostlist" -f -a "compress" -d 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`'
