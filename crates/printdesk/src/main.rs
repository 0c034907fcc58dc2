//! The `printdesk` binary: parses the command line and hands over to `printdesk::cli`.

fn main() -> std::process::ExitCode {
    printdesk::cli::main()
}
