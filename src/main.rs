//! Thin binary: parse arguments, run, map to an exit code (64 for usage errors, not clap's 2,
//! so a typo in a flag never looks like an incomplete batch).

mod cli;

/// The allocator the binary ships with: large scans allocate and free big buffers (tokens,
/// folded text, findings) per document, which the system allocator returns to the kernel and
/// faults back in each time (measured in benches/RESULTS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::args::Cli::try_parse() {
        Ok(c) => cli::run::run(c),
        Err(e) => {
            let code = if e.use_stderr() { cli::run::USAGE } else { 0 };
            let _ = e.print();
            ExitCode::from(code)
        }
    }
}
