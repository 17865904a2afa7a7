//! The `gleaner` binary: parse arguments, run the command, print the error
//! chain, pick the exit status (0 ok, 1 failure, 2 bad rules, query or usage).

use clap::Parser;

/// Extraction allocates many small strings; mimalloc is much faster at that than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = gleaner::cli::Cli::parse();
    let code = match gleaner::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gleaner: {e:#}");
            gleaner::commands::exit_code(&e)
        }
    };
    std::process::exit(code);
}
