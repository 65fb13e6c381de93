//! The `banji` binary: everything is in the library (`cli::main`).

/// glibc's malloc spent ~30% of the webhook's CPU under load (measured with perf, see
/// docs/benchmarks.md); mimalloc's per-thread heaps take that off the hot path.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    banji::cli::main()
}
