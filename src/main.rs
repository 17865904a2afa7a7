//! The `gleaner` binary: parse arguments, run the command, print the error
//! chain, pick the exit status (0 ok, 1 failure, 2 bad rules, query or usage).

use clap::Parser;

/// Extraction allocates many small strings; mimalloc is much faster at that than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    no_huge_pages();
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

/// Transparent huge pages make each first touch of fresh memory zero 2 MiB:
/// mimalloc asks for them, and on the benchmark corpus they cost extraction
/// half its peak memory and a build up to a second of kernel time (measured
/// in benches/corpus.sh). Turned off for this process before any real work.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
