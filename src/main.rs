use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(hybridctl::main_with_args(std::env::args_os()))
}
