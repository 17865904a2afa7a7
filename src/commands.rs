//! Runs a parsed command line: builds the configuration, calls the
//! pipeline, store and views, prints summaries. Exit status: 0 ok, 1 a
//! failure (some input could not be read), 2 bad rules, query or usage.

use crate::cli::{Cli, Command, DotFormat, RuleArgs};
use crate::dataset::Dataset;
use crate::graph::KnowledgeGraph;
use crate::model::EntityType;
use crate::pipeline::{self, Progress};
use crate::rules::{RuleErrors, RulePack};
use crate::store::{self, ExportFormat, QuerySyntaxError};
use crate::views::dot::{self, View};
use crate::views::stats;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A bad argument value, found after clap's own checks (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn exit_code(e: &anyhow::Error) -> i32 {
    if e.downcast_ref::<RuleErrors>().is_some()
        || e.downcast_ref::<QuerySyntaxError>().is_some()
        || e.downcast_ref::<UsageError>().is_some()
    {
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
        Command::Build {
            inputs,
            store,
            export,
            no_export,
            jobs,
            quiet,
            rules,
        } => {
            let pack = pack(&rules)?;
            let default_store = store.is_none();
            let store_dir = store.unwrap_or_else(|| PathBuf::from("output/store"));
            let export_dir = match (no_export, export, default_store) {
                (true, _, _) => None,
                (false, Some(d), _) => Some(d),
                (false, None, true) => Some(PathBuf::from("output")),
                (false, None, false) => None,
            };
            let render: &pipeline::Render<Exports> = &render_exports;
            let (summary, exports) = pipeline::build(
                &inputs,
                &pack,
                &store_dir,
                jobs,
                Progress { quiet },
                export_dir.is_some().then_some(render),
            )?;
            if let (Some(dir), Some(files)) = (export_dir, exports) {
                write_exports(&dir, files)?;
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
        Command::Extract {
            inputs,
            jobs,
            quiet,
            rules,
        } => {
            let pack = pack(&rules)?;
            let summary = pipeline::extract_to(&inputs, &pack, jobs, Progress { quiet }, std::io::stdout().lock())?;
            if !quiet {
                eprintln!("gleaner: {}", summary.line("extracted"));
            }
            Ok(if summary.failures.is_empty() { 0 } else { 1 })
        }
        Command::Load { files, store, quiet } => {
            let summary = pipeline::load(&files, &store.store, Progress { quiet })?;
            if !quiet {
                eprintln!(
                    "gleaner: loaded {} document graphs, {} quads in {:.2} s; {} lines skipped",
                    summary.documents,
                    summary.quads,
                    summary.seconds,
                    summary.failures.len()
                );
            }
            Ok(if summary.failures.is_empty() { 0 } else { 1 })
        }
        Command::Query {
            sparql,
            file,
            format,
            store,
        } => {
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
        Command::Dot {
            store,
            output,
            format,
            focus,
            depth,
            types,
            relations,
            min_degree,
            top,
        } => {
            let mut parsed = Vec::new();
            for t in &types {
                parsed.push(
                    EntityType::parse(t)
                        .ok_or_else(|| UsageError(format!("unknown type {t:?}; expected Person, Organization, Place or Group")))?,
                );
            }
            for r in &relations {
                if !crate::vocab::RELATIONS.contains(&r.as_str()) {
                    return Err(UsageError(format!(
                        "unknown relation {r:?}; expected some of {}",
                        crate::vocab::RELATIONS.join(", ")
                    ))
                    .into());
                }
            }
            let view = View {
                focus,
                depth,
                types: parsed,
                relations,
                min_degree,
                top,
            };
            let kg = KnowledgeGraph::from_store(&store::open_existing(&store.store)?)?;
            let dot = dot::render(&kg, &view).map_err(UsageError)?;
            let bytes = match format {
                DotFormat::Dot => dot.into_bytes(),
                DotFormat::Svg => graphviz(&dot, "svg")?,
                DotFormat::Png => graphviz(&dot, "png")?,
            };
            write_out(output.as_deref(), &bytes)?;
            Ok(0)
        }
        Command::Stats { store, json, top } => {
            let kg = KnowledgeGraph::from_store(&store::open_existing(&store.store)?)?;
            let s = stats::compute(&kg, top);
            let text = if json {
                serde_json::to_string_pretty(&s)? + "\n"
            } else {
                stats::render(&s)
            };
            write_out(None, text.as_bytes())?;
            Ok(0)
        }
        Command::Eval {
            gold,
            text,
            json,
            quiet,
            rules,
        } => {
            let pack = pack(&rules)?;
            let g: crate::eval::Gold =
                serde_json::from_str(&std::fs::read_to_string(&gold).with_context(|| format!("{}: cannot read", gold.display()))?)
                    .map_err(|e| {
                        UsageError(format!(
                            "{}:{}:{}: {e}; expected a reference annotation (docs/gold-format.md)",
                            gold.display(),
                            e.line(),
                            e.column()
                        ))
                    })?;
            let doc = match crate::source::Inputs::new(std::slice::from_ref(&text)).next() {
                Some(Ok(d)) => d,
                Some(Err(e)) => return Err(e.into()),
                None => anyhow::bail!("{}: no document", text.display()),
            };
            let facts = crate::extract::extract(&doc, &pack);
            let s = crate::eval::score(&g, &facts);
            let mut out = String::new();
            if !quiet && !json {
                for d in &s.details {
                    out += d;
                    out.push('\n');
                }
            }
            out += &if json {
                serde_json::to_string(&s)? + "\n"
            } else {
                crate::eval::render(&s)
            };
            write_out(None, out.as_bytes())?;
            Ok(0)
        }
        Command::CheckRules { rules } => {
            let p = pack(&rules)?;
            println!(
                "rule pack ok: {} curated entities, {} titles, {} relation rules",
                p.entries.len(),
                p.titles.len(),
                p.relations.len()
            );
            Ok(0)
        }
    }
}

/// The files a build leaves in the export folder: graph.ttl, graph.dot (the
/// entities that have relations; `gleaner dot` draws them all), stats.txt
/// and stats.json, as (file name, bytes).
type Exports = Vec<(&'static str, Vec<u8>)>;

/// The export files of the store's quads: the Turtle on one thread, the
/// graph and its views on another.
fn render_exports(quads: &Dataset) -> Result<Exports> {
    std::thread::scope(|scope| {
        let turtle = scope.spawn(|| -> Result<Vec<u8>> {
            let mut ttl = Vec::new();
            store::export_quads(quads, ExportFormat::Turtle, &mut ttl)?;
            Ok(ttl)
        });
        let kg = KnowledgeGraph::from_quads(quads.iter());
        let dot = dot::render(&kg, &export_view()).map_err(UsageError)?;
        let s = stats::compute(&kg, 10);
        let txt = stats::render(&s);
        let json = serde_json::to_string_pretty(&s)? + "\n";
        let ttl = turtle.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        Ok(vec![
            ("graph.ttl", ttl),
            ("graph.dot", dot.into_bytes()),
            ("stats.txt", txt.into_bytes()),
            ("stats.json", json.into_bytes()),
        ])
    })
}

fn write_exports(dir: &Path, files: Exports) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in files {
        write_out(Some(&dir.join(name)), &bytes)?;
    }
    Ok(())
}

/// The view of the exported graph.dot: entities with at least one relation.
pub fn export_view() -> View {
    View {
        depth: 1,
        min_degree: 1,
        ..View::default()
    }
}

/// Writes to a file, or to standard output when `path` is None.
fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("{}: cannot write", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Renders DOT with Graphviz's `dot`; says how to install it when missing.
fn graphviz(dot: &str, format: &str) -> Result<Vec<u8>> {
    use std::process::{Command, Stdio};
    let mut child = match Command::new("dot").arg(format!("-T{format}")).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "Graphviz is not installed (no `dot` command); install it (Debian/Ubuntu: `sudo apt-get install graphviz`, macOS: `brew install graphviz`) or use --format dot"
        ),
        Err(e) => return Err(e).context("cannot run Graphviz `dot`"),
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().context("Graphviz `dot` failed")?;
    writer.join().expect("writer thread").context("cannot write to Graphviz `dot`")?;
    if !out.status.success() {
        anyhow::bail!("Graphviz `dot` failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}
