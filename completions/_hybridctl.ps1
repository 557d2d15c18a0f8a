
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check job specs and report every problem with file:line:col, the rule and a hint')
            [CompletionResult]::new('launch', 'launch', [CompletionResultType]::ParameterValue, 'Run the job inside a Slurm allocation (called by the rendered batch script)')
            [CompletionResult]::new('hostlist', 'hostlist', [CompletionResultType]::ParameterValue, 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per subcommand)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
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
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Override `kubernetes.context`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;validate' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Override a spec field, e.g. `--set slurm.nodes=4` (repeatable; applied last)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Override `slurm.partition`')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Override `slurm.nodes`')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Override `kubernetes.namespace`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Override `kubernetes.context`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat warnings as errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;launch' {
            [CompletionResult]::new('--frozen-spec', '--frozen-spec', [CompletionResultType]::ParameterName, 'The frozen spec (JSON) written into the batch script; `-` reads standard input')
            [CompletionResult]::new('--spec-path', '--spec-path', [CompletionResultType]::ParameterName, 'The spec file the script was rendered from (recorded in the PyTorchJob''s annotations)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of --dry-run')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Plan and print the PyTorchJob for this allocation without creating anything')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hostlist' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;hostlist;compress' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
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
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write `hybridctl.1` and `hybridctl-<command>.1` into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal and no NO_COLOR), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hybridctl;help' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the sbatch script and the PyTorchJob manifest of a job spec (no cluster needed)')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check job specs and report every problem with file:line:col, the rule and a hint')
            [CompletionResult]::new('launch', 'launch', [CompletionResultType]::ParameterValue, 'Run the job inside a Slurm allocation (called by the rendered batch script)')
            [CompletionResult]::new('hostlist', 'hostlist', [CompletionResultType]::ParameterValue, 'Expand or compress Slurm hostlists (`gpu[001-004,010]`)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per subcommand)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hybridctl;help;render' {
            break
        }
        'hybridctl;help;validate' {
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
        'hybridctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
