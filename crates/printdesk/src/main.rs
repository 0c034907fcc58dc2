//! The `printdesk` binary: parses the command line and hands over to `printdesk::cli`.

/// mimalloc instead of glibc's malloc: an order save allocates and frees many small buffers
/// across threads (HTTP, JSON, the database's connection threads), where glibc spent ~12 % of
/// the CPU of a busy counter (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    printdesk::cli::main()
}
