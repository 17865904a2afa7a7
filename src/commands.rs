//! Runs a parsed command line: builds the configuration, calls the
//! pipeline, store and views, prints summaries. Exit status: 0 ok, 1 a
//! failure (some input could not be read), 2 bad rules, query or usage.

use crate::cli::{Cli, Command, RuleArgs};
use crate::pipeline::{self, Progress};
use crate::rules::{RuleErrors, RulePack};
use crate::store::{self, ExportFormat, QuerySyntaxError};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn exit_code(e: &anyhow::Error) -> i32 {
    if e.downcast_ref::<RuleErrors>().is_some() || e.downcast_ref::<QuerySyntaxError>().is_some() {
        2
    } else {
        1
    }
}

fn pack(args: &RuleArgs) -> Result<RulePack> {
    Ok(RulePack::load(!args.no_builtin_rules, &args.rules)?)
}

pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Build { inputs, store, export, no_export, jobs, quiet, rules } => {
            let pack = pack(&rules)?;
            let default_store = store.is_none();
            let store_dir = store.unwrap_or_else(|| PathBuf::from("output/store"));
            let export_dir = match (no_export, export, default_store) {
                (true, _, _) => None,
                (false, Some(d), _) => Some(d),
                (false, None, true) => Some(PathBuf::from("output")),
                (false, None, false) => None,
            };
            let summary = pipeline::build(&inputs, &pack, &store_dir, jobs, Progress { quiet })?;
            if let Some(dir) = export_dir {
                write_exports(&store_dir, &dir)?;
            }
            if !quiet {
                eprintln!("gleaner: {}", summary.line("built"));
                for f in &summary.failures {
                    eprintln!("gleaner: failed: {f}");
                }
            }
            if summary.documents == 0 {
                anyhow::bail!("no document could be read; expected .txt files, folders or JSON Lines");
            }
            Ok(if summary.failures.is_empty() { 0 } else { 1 })
        }
        Command::Extract { inputs, jobs, quiet, rules } => {
            let pack = pack(&rules)?;
            let summary = pipeline::extract_to(&inputs, &pack, jobs, Progress { quiet }, std::io::stdout().lock())?;
            if !quiet {
                eprintln!("gleaner: {}", summary.line("extracted"));
            }
            Ok(if summary.failures.is_empty() { 0 } else { 1 })
        }
        Command::Load { files, store } => {
            let summary = pipeline::load(&files, &store.store)?;
            eprintln!("gleaner: loaded {} document graphs, {} quads in {:.2} s", summary.documents, summary.quads, summary.seconds);
            Ok(0)
        }
        Command::Query { sparql, file, format, store } => {
            let text = match (sparql, file) {
                (Some(q), _) => q,
                (None, Some(f)) => std::fs::read_to_string(&f).with_context(|| format!("{}: cannot read the query", f.display()))?,
                (None, None) => unreachable!("clap requires a query or --file"),
            };
            let st = store::open_existing(&store.store)?;
            let results = store::query(&st, &text)?;
            let out = std::io::stdout().lock();
            crate::results::write(results, format, std::io::BufWriter::new(out))?;
            Ok(0)
        }
        Command::Export { format, output, store } => {
            let st = store::open_existing(&store.store)?;
            match output {
                Some(path) => {
                    let f = std::fs::File::create(&path).with_context(|| format!("{}: cannot create", path.display()))?;
                    store::export(&st, format, std::io::BufWriter::new(f))?;
                }
                None => store::export(&st, format, std::io::BufWriter::new(std::io::stdout().lock()))?,
            }
            Ok(0)
        }
        Command::CheckRules { rules } => {
            let p = pack(&rules)?;
            println!("rule pack ok: {} curated entities, {} titles, {} relation rules", p.entries.len(), p.titles.len(), p.relations.len());
            Ok(0)
        }
    }
}

/// The files a build leaves next to the store: graph.ttl.
fn write_exports(store_dir: &Path, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let st = store::open(store_dir)?;
    let path = dir.join("graph.ttl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).with_context(|| format!("{}: cannot create", path.display()))?);
    store::export(&st, ExportFormat::Turtle, &mut f)?;
    f.flush()?;
    Ok(())
}
