
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hybridctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hybridctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hybridctl' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter job spec for one of the site''s partitions')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Describe a job spec field: type, default, where the value ends up, allowed values, example')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration: every value after all layers, and where it came from')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check job specs and report every problem with file:line:col, the rule and a hint')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Validate, render and submit a job spec with `sbatch`; prints the job id')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'One job''s story: Slurm''s and Kubernetes'' records merged into one timeline')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print or follow the logs of every pod of a job, one prefix (and colour) per pod')
            [CompletionResult]::new('quota', 'quota', [CompletionResultType]::ParameterValue, 'GPFS / Storage Scale quotas of the user, the user''s groups, or filesets')
            [CompletionResult]::new('nccl-check', 'nccl-check', [CompletionResultType]::ParameterValue, 'Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors')
            [CompletionResult]::new('fabric-check', 'fabric-check', [CompletionResultType]::ParameterValue, 'RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and afterwards delete every Kubernetes object of the job and release the nodes')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Find and remove Kubernetes objects and node labels whose Slurm job is gone')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege RBAC for the Slurm-side Kubernetes identity')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions')
            [CompletionResult]::new('launch', 'launch', [CompletionResultType]::ParameterValue, 'Run the job inside a Slurm allocation (called by the rendered batch script)')
            [CompletionResult]::new('hostlist', 'hostlist', [CompletionResultType]::ParameterValue, 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print static shell completions (commands and flags)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per subcommand)')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the job spec, the config file or an output document')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version (`-o json`: version, target, TLS backend)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;init' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The Slurm partition [default: the site config''s first partition]')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'The Slurm partition [default: the site config''s first partition]')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Number of nodes')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The job name [default: the name of FILE when it is a valid job name, else `my-training`]')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'The container image [default: NVIDIA''s PyTorch container]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the spec into FILE instead of printing it')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the spec into FILE instead of printing it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;explain' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'List every field below FIELD, nested, not only the fields directly inside it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;config' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;config;view' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (JSON always carries the origins)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (JSON always carries the origins)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Override `kubernetes.context`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--show-origin', '--show-origin', [CompletionResultType]::ParameterName, 'Show the layer and the file:line:col each value came from')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;config;help' {
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;config;help;view' {
            break
        }
        'hybridctl;config;help;help' {
            break
        }
        'hybridctl;render' {
            [CompletionResult]::new('--job-id', '--job-id', [CompletionResultType]::ParameterName, 'Slurm job id to simulate')
            [CompletionResult]::new('--nodelist', '--nodelist', [CompletionResultType]::ParameterName, 'Allocated nodes to simulate, as a Slurm hostlist [default: node[1-N]]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write `<name>.sbatch` and `<name>.pytorchjob.yaml` (or .json) into DIR instead of printing')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Print only one artifact')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Override `kubernetes.context`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;validate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Check FILE as a site or user config file (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Override `kubernetes.context`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat warnings as errors')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;submit' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the result')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable of the training container, e.g. `--env WANDB_MODE=offline` (repeatable; `--set container.env.NAME=VALUE` with the value always a string; `NCCL_*`, `UCX_*` and `TORCH_NCCL_*` go to `network.ncclEnv`, which the batch script and every pod share)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Override `kubernetes.context`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the script and the exact sbatch command instead of submitting')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Wait for the job: show its state while pending, stream its batch output, and exit with its result')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Wait for the job: show its state while pending, stream its batch output, and exit with its result')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse to submit when the GPFS fileset has too little room for the checkpoints (otherwise a warning; the site config can make this the default)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;status' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The jobs of this user in the queue (`squeue --user`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The jobs of this user in the queue (`squeue --user`)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only jobs in these states (repeatable or comma-separated; Slurm''s names or short codes: `PENDING`/`PD`, `RUNNING`/`R`, `COMPLETED`/`CD`, `FAILED`/`F`, ...)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only jobs in these states (repeatable or comma-separated; Slurm''s names or short codes: `PENDING`/`PD`, `RUNNING`/`R`, `COMPLETED`/`CD`, `FAILED`/`F`, ...)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table, a wider table, or JSON')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table, a wider table, or JSON')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Every job in the queue, not only those hybridctl submitted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every job in the queue, not only those hybridctl submitted')
            [CompletionResult]::new('--me', '--me', [CompletionResultType]::ParameterName, 'My jobs in the queue (`--user $USER`)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep showing the jobs as they change, until they have all ended or Ctrl-C: a redrawn table on a terminal, otherwise one line per change (`-o json`: one document per change). Pods are watched; Slurm is asked no more often than its scheduler runs')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep showing the jobs as they change, until they have all ended or Ctrl-C: a redrawn table on a terminal, otherwise one line per change (`-o json`: one document per change). Pods are watched; Slurm is asked no more often than its scheduler runs')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;describe' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;cancel' {
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Signal sent to the batch step before scancel')
            [CompletionResult]::new('--signal', '--signal', [CompletionResultType]::ParameterName, 'Signal sent to the batch step before scancel')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'Seconds between the signal and scancel [default: the cluster''s KillWait]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the final states')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the final states')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print which jobs would be cancelled, cancel nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this (e.g. `30s`, `10m`, `1h30m`)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines of each pod')
            [CompletionResult]::new('--replica', '--replica', [CompletionResultType]::ParameterName, 'Only these replicas: `master`, `worker`, an index (`3`), or one pod (`worker-3`)')
            [CompletionResult]::new('--rank', '--rank', [CompletionResultType]::ParameterName, 'Only the pod that runs global rank R (with N processes per pod, rank R runs in node rank R / N: node rank 0 is `master-0`, node rank k is `worker-(k-1)`)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Only the pods on these nodes (a Slurm hostlist, e.g. `gpu[01-04]`)')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only lines matching this regular expression (repeatable: any of them)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out lines matching this regular expression (repeatable: any of them)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: text, or one JSON object per line')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: text, or one JSON object per line')
            [CompletionResult]::new('--max-streams', '--max-streams', [CompletionResultType]::ParameterName, 'Follow at most this many pods at once')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Follow the logs until the job finishes')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Follow the logs until the job finishes')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The log of the previous container of each pod (one that restarted), as `kubectl logs --previous`')
            [CompletionResult]::new('--previous', '--previous', [CompletionResultType]::ParameterName, 'The log of the previous container of each pod (one that restarted), as `kubectl logs --previous`')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Show each line''s timestamp (RFC 3339, as the kubelet recorded it)')
            [CompletionResult]::new('--no-prefix', '--no-prefix', [CompletionResultType]::ParameterName, 'Leave out the `[worker-3]` prefix')
            [CompletionResult]::new('--nccl', '--nccl', [CompletionResultType]::ParameterName, 'Analyse the NCCL lines instead of printing them: a per-rank summary (live on a terminal) and the verdicts; exit code 1 when a verdict is bad')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;quota' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Filesets to show, as `DEVICE:FILESET` or `FILESET` (with --device)')
            [CompletionResult]::new('--fileset', '--fileset', [CompletionResultType]::ParameterName, 'Filesets to show, as `DEVICE:FILESET` or `FILESET` (with --device)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'File systems to query (default: all, or the device of each fileset)')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'File systems to query (default: all, or the device of each fileset)')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'Show the fileset a job spec writes its checkpoints into')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Flag usage at or above this percentage of a soft or hard limit [default: 90, or the site''s `gpfs.threshold`]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Only the user''s quota (default: the user and the user''s groups)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Only the user''s quota (default: the user and the user''s groups)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Only the groups'' quotas')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only the groups'' quotas')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit with code 1 when any usage is at or above the threshold')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;nccl-check' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fabric', '--fabric', [CompletionResultType]::ParameterName, 'The fabric the job should use [default: unknown; a socket fallback between hosts is still an error unless `socket` says sockets are intended]')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'Take the fabric and the node count from this job spec')
            [CompletionResult]::new('--init-timeout', '--init-timeout', [CompletionResultType]::ParameterName, 'Report ranks that have not reached `Init COMPLETE` this long after their first NCCL line (e.g. `90s`, `5m`; needs timestamps in the log) [default: only ranks that never reach it]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;fabric-check' {
            [CompletionResult]::new('--sysfs-root', '--sysfs-root', [CompletionResultType]::ParameterName, 'Read sysfs and /etc/nccl.conf under this directory (a copy or fixture of a host)')
            [CompletionResult]::new('--spec', '--spec', [CompletionResultType]::ParameterName, 'Check the NCCL settings of this job spec (hcas, gidIndex, trafficClass, socketInterface)')
            [CompletionResult]::new('--show-gids', '--show-gids', [CompletionResultType]::ParameterName, 'Also read this saved `show_gids` output (GID types and netdevs sysfs does not show, e.g. inside a pod)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Watch the congestion and error counters for this long (e.g. `10s`, `2m`, `500ms`)')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Run pairwise RDMA tests between these nodes (a Slurm hostlist, e.g. `gpu[01-16]`)')
            [CompletionResult]::new('--pairs', '--pairs', [CompletionResultType]::ParameterName, 'How to pair nodes')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'RDMA device for the pairwise tests [default: the first device NCCL_IB_HCA names, else the first active port of this host]')
            [CompletionResult]::new('--gid-index', '--gid-index', [CompletionResultType]::ParameterName, 'GID index for the pairwise tests on RoCE [default: NCCL_IB_GID_INDEX, else the RoCE v2 IPv4 GID of the device]')
            [CompletionResult]::new('--expected-rate', '--expected-rate', [CompletionResultType]::ParameterName, 'Link rate to compare bandwidth with, Gb/s [default: `fabric.expectedRateGbps`, else the device''s rate]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one perftest may take [default: `fabric.testTimeout`, else 60]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--topology', '--topology', [CompletionResultType]::ParameterName, 'Print the GPU x NIC topology of this host (sysfs, and `nvidia-smi topo -m` where installed): PIX/PXB/PHB/NODE/SYS, GPUs whose nearest NIC is far, an NCCL_IB_HCA list')
            [CompletionResult]::new('--pairwise', '--pairwise', [CompletionResultType]::ParameterName, 'Run pairwise RDMA tests between the nodes of this allocation ($SLURM_JOB_NODELIST)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Also run the latency test (`ib_read_lat`) for each pair')
            [CompletionResult]::new('--rails', '--rails', [CompletionResultType]::ParameterName, 'Test every active RDMA port (rail) of this host''s kind between each pair, one after the other, instead of one port: finds the one bad rail of an 8-NIC node')
            [CompletionResult]::new('--no-local', '--no-local', [CompletionResultType]::ParameterName, 'Skip the local audit (pairwise tests and counters only)')
            [CompletionResult]::new('--health-check', '--health-check', [CompletionResultType]::ParameterName, 'Print nothing on success, one `ERROR: ...` line on failure (for Slurm''s HealthCheckProgram or NHC)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hook' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds (the hook must not hold up Slurm)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('prolog', 'prolog', [CompletionResultType]::ParameterValue, 'For PrologSlurmctld: label the allocated nodes with the job id')
            [CompletionResult]::new('epilog', 'epilog', [CompletionResultType]::ParameterValue, 'For EpilogSlurmctld: delete the job''s objects, remove the labels')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;hook;prolog' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds (the hook must not hold up Slurm)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hook;epilog' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds (the hook must not hold up Slurm)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hook;help' {
            [CompletionResult]::new('prolog', 'prolog', [CompletionResultType]::ParameterValue, 'For PrologSlurmctld: label the allocated nodes with the job id')
            [CompletionResult]::new('epilog', 'epilog', [CompletionResultType]::ParameterValue, 'For EpilogSlurmctld: delete the job''s objects, remove the labels')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;hook;help;prolog' {
            break
        }
        'hybridctl;hook;help;epilog' {
            break
        }
        'hybridctl;hook;help;help' {
            break
        }
        'hybridctl;gc' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be removed, remove nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;rbac' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace the Role is for')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace the Role is for')
            [CompletionResult]::new('--service-account', '--service-account', [CompletionResultType]::ParameterName, 'Bind the roles to this ServiceAccount (in the training namespace)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Bind the roles to this user (e.g. a client certificate''s CN)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Bind the roles to this group')
            [CompletionResult]::new('--api', '--api', [CompletionResultType]::ParameterName, 'The Kubeflow API the site runs: the training-operator''s PyTorchJob, Trainer v2''s TrainJob (with its JobSets and runtimes), or `auto` (the rights of both)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: YAML for `kubectl apply -f -`, or a JSON `List` (also for kubectl)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: YAML for `kubectl apply -f -`, or a JSON `List` (also for kubectl)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;doctor' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The training namespace [default: the site config''s `defaults.kubernetes.namespace`, else `default`]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;launch' {
            [CompletionResult]::new('--frozen-spec', '--frozen-spec', [CompletionResultType]::ParameterName, 'The frozen spec (JSON) written into the batch script; `-` reads standard input')
            [CompletionResult]::new('--spec-path', '--spec-path', [CompletionResultType]::ParameterName, 'The spec file the script was rendered from (recorded in the PyTorchJob''s annotations)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path of the kubeconfig [default: $KUBECONFIG, the site config''s `kubeconfig`, ~/.kube/config]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context [default: the spec''s `kubernetes.context`, else the current one]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Plan and print the PyTorchJob for this allocation without creating anything')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hostlist' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('expand', 'expand', [CompletionResultType]::ParameterValue, 'Print one host per line, like `scontrol show hostnames`')
            [CompletionResult]::new('compress', 'compress', [CompletionResultType]::ParameterValue, 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;hostlist;expand' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: one host per line, or a JSON document')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: one host per line, or a JSON document')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hostlist;compress' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: the hostlist, or a JSON document')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: the hostlist, or a JSON document')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hostlist;help' {
            [CompletionResult]::new('expand', 'expand', [CompletionResultType]::ParameterValue, 'Print one host per line, like `scontrol show hostnames`')
            [CompletionResult]::new('compress', 'compress', [CompletionResultType]::ParameterValue, 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;hostlist;help;expand' {
            break
        }
        'hybridctl;hostlist;help;compress' {
            break
        }
        'hybridctl;hostlist;help;help' {
            break
        }
        'hybridctl;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the file into DIR (named as the shell expects) instead of printing it')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write `hybridctl.1` and `hybridctl-<command>.1` into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;schema' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the schema names')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;version' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress spinners or notes on stderr (warnings and errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented starter job spec for one of the site''s partitions')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Describe a job spec field: type, default, where the value ends up, allowed values, example')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration: every value after all layers, and where it came from')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check job specs and report every problem with file:line:col, the rule and a hint')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Validate, render and submit a job spec with `sbatch`; prints the job id')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show jobs: Slurm state (squeue, then sacct, then the job record) and why pending jobs wait')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'One job''s story: Slurm''s and Kubernetes'' records merged into one timeline')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel jobs: SIGTERM to the batch step first so `launch` can clean up, then scancel')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print or follow the logs of every pod of a job, one prefix (and colour) per pod')
            [CompletionResult]::new('quota', 'quota', [CompletionResultType]::ParameterValue, 'GPFS / Storage Scale quotas of the user, the user''s groups, or filesets')
            [CompletionResult]::new('nccl-check', 'nccl-check', [CompletionResultType]::ParameterValue, 'Analyse saved NCCL logs: transport per rank, GPUDirect RDMA, init, fabric errors')
            [CompletionResult]::new('fabric-check', 'fabric-check', [CompletionResultType]::ParameterValue, 'RoCEv2 / InfiniBand fabric audit of this host, and pairwise RDMA tests between nodes')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Slurm PrologSlurmctld/EpilogSlurmctld hooks: admit the allocated nodes to a job, and afterwards delete every Kubernetes object of the job and release the nodes')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Find and remove Kubernetes objects and node labels whose Slurm job is gone')
            [CompletionResult]::new('rbac', 'rbac', [CompletionResultType]::ParameterValue, 'Print the least-privilege RBAC for the Slurm-side Kubernetes identity')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this setup: Slurm tools, kubeconfig, CRD, namespace, node resources, permissions')
            [CompletionResult]::new('launch', 'launch', [CompletionResultType]::ParameterValue, 'Run the job inside a Slurm allocation (called by the rendered batch script)')
            [CompletionResult]::new('hostlist', 'hostlist', [CompletionResultType]::ParameterValue, 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print static shell completions (commands and flags)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per subcommand)')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the job spec, the config file or an output document')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version (`-o json`: version, target, TLS backend)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;help;init' {
            break
        }
        'hybridctl;help;explain' {
            break
        }
        'hybridctl;help;config' {
            [CompletionResult]::new('view', 'view', [CompletionResultType]::ParameterValue, 'Print the effective settings after all layers; --show-origin adds the layer and the file:line:col of each value')
            break
        }
        'hybridctl;help;config;view' {
            break
        }
        'hybridctl;help;render' {
            break
        }
        'hybridctl;help;validate' {
            break
        }
        'hybridctl;help;submit' {
            break
        }
        'hybridctl;help;status' {
            break
        }
        'hybridctl;help;describe' {
            break
        }
        'hybridctl;help;cancel' {
            break
        }
        'hybridctl;help;logs' {
            break
        }
        'hybridctl;help;quota' {
            break
        }
        'hybridctl;help;nccl-check' {
            break
        }
        'hybridctl;help;fabric-check' {
            break
        }
        'hybridctl;help;hook' {
            [CompletionResult]::new('prolog', 'prolog', [CompletionResultType]::ParameterValue, 'For PrologSlurmctld: label the allocated nodes with the job id')
            [CompletionResult]::new('epilog', 'epilog', [CompletionResultType]::ParameterValue, 'For EpilogSlurmctld: delete the job''s objects, remove the labels')
            break
        }
        'hybridctl;help;hook;prolog' {
            break
        }
        'hybridctl;help;hook;epilog' {
            break
        }
        'hybridctl;help;gc' {
            break
        }
        'hybridctl;help;rbac' {
            break
        }
        'hybridctl;help;doctor' {
            break
        }
        'hybridctl;help;launch' {
            break
        }
        'hybridctl;help;hostlist' {
            [CompletionResult]::new('expand', 'expand', [CompletionResultType]::ParameterValue, 'Print one host per line, like `scontrol show hostnames`')
            [CompletionResult]::new('compress', 'compress', [CompletionResultType]::ParameterValue, 'Print the compressed hostlist of the given hosts, like `scontrol show hostlist`')
            break
        }
        'hybridctl;help;hostlist;expand' {
            break
        }
        'hybridctl;help;hostlist;compress' {
            break
        }
        'hybridctl;help;completions' {
            break
        }
        'hybridctl;help;man' {
            break
        }
        'hybridctl;help;schema' {
            break
        }
        'hybridctl;help;version' {
            break
        }
        'hybridctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
