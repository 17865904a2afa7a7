//! The one place that knows the order of the stages: read documents →
//! extract facts and make their quads (in parallel, in batches, input order
//! kept) → store (bulk loader into an empty store, else one transaction per
//! batch). Also the streaming `extract` and the `load` of N-Quads files.
//! A build's exports are rendered by the commands; when the build filled
//! an empty store, from the quads it loaded, while the store commits.

use crate::dataset::Dataset;
use crate::model::DocFacts;
use crate::rules::RulePack;
use crate::source::{Inputs, SourceError};
use crate::{extract, rdf, store};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Documents extracted together; bounds memory whatever the corpus size.
const BATCH: usize = 256;

/// How a run reports progress.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub quiet: bool,
}

impl Progress {
    /// Progress shows on a terminal only, and not with `--quiet`.
    fn shown(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    fn bar(&self, total_bytes: u64) -> ProgressBar {
        if !self.shown() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}")
                .expect("valid template"),
        );
        bar
    }

    /// A spinner with elapsed time for a step that has no count to show
    /// (writing the store after the last document), on a terminal only.
    fn spinner(&self, what: &'static str) -> ProgressBar {
        if !self.shown() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}").expect("valid template"));
        bar.set_message(what);
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    }
}

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub documents: usize,
    pub entities: usize,
    pub relations: usize,
    pub quotes: usize,
    pub quads: usize,
    pub bytes: u64,
    pub seconds: f64,
    /// Every bad input, as a message naming file and line.
    pub failures: Vec<String>,
}

impl Summary {
    pub fn line(&self, verb: &str) -> String {
        let mbs = self.bytes as f64 / 1e6 / self.seconds.max(1e-9);
        format!(
            "{verb} {} documents: {} entities, {} relations, {} quotations, {} quads in {:.2} s ({:.1} MB/s); {} failed",
            self.documents,
            self.entities,
            self.relations,
            self.quotes,
            self.quads,
            self.seconds,
            mbs,
            self.failures.len()
        )
    }

    fn add(&mut self, f: &DocFacts, quads: usize) {
        self.documents += 1;
        self.entities += f.entities.len();
        self.relations += f.relations.len();
        self.quotes += f.quotes.len();
        self.quads += quads;
        self.bytes += f.doc.text.len() as u64;
    }
}

/// About how many input bytes make one quad, to size the loader's
/// batches: articles (the benchmark corpus: 5.0 MB of JSON Lines, 423k
/// quads), and `gleaner extract`'s N-Quads.
const TEXT_BYTES_PER_QUAD: usize = 12;
const NQUADS_BYTES_PER_QUAD: usize = 200;

/// Total size of the input files, for the progress bar (0 when unknown).
fn input_bytes(inputs: &[PathBuf]) -> u64 {
    fn walk(p: &Path) -> u64 {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => std::fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| walk(&e.path())).sum())
                .unwrap_or(0),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    inputs.iter().map(|p| walk(p)).sum()
}

fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(j) = jobs {
        b = b.num_threads(j.max(1));
    }
    b.build().context("cannot start worker threads")
}

/// Streams documents in batches; each document is extracted and `prepare`d
/// in parallel, then `each` gets every batch in input order. `bar` counts
/// the bytes read.
fn run<T: Send>(
    inputs: &[PathBuf],
    pack: &RulePack,
    jobs: Option<usize>,
    bar: ProgressBar,
    summary: &mut Summary,
    prepare: impl Fn(&DocFacts) -> T + Sync + Send,
    mut each: impl FnMut(Vec<(DocFacts, T)>, &mut Summary) -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    let pool = pool(jobs)?;
    // One thread reads and extracts batch n+1 (on the pool) while this one
    // hands batch n to `each`: loading overlaps extraction, order is kept.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<(DocFacts, T)>, Vec<crate::source::SourceError>)>(1);
    // Set when `each` fails: the reader stops at its next document.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let stopped = || stop.load(std::sync::atomic::Ordering::Relaxed);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(|| {
            let tx = tx; // owned here, so the receiver ends when this thread does
            let mut docs = Inputs::new(inputs).peekable();
            while !stopped() {
                let mut batch = Vec::with_capacity(BATCH);
                let mut errors = Vec::new();
                while batch.len() < BATCH && !stopped() {
                    match docs.next() {
                        Some(Ok(d)) => batch.push(d),
                        Some(Err(e)) => errors.push(e),
                        None => break,
                    }
                }
                if batch.is_empty() && errors.is_empty() {
                    break;
                }
                let facts: Vec<(DocFacts, T)> = pool.install(|| {
                    batch
                        .into_par_iter()
                        .map(|d| {
                            let f = extract::extract_owned(d, pack);
                            let t = prepare(&f);
                            (f, t)
                        })
                        .collect()
                });
                // The receiver is gone when `each` failed: stop reading.
                if tx.send((facts, errors)).is_err() {
                    break;
                }
            }
        });
        // Owned here, so that when `each` fails the receiver is dropped
        // before the scope waits for the reader, whose next send then fails.
        let rx = rx;
        for (facts, errors) in rx.iter() {
            for e in errors {
                report(&bar, summary, e);
            }
            bar.inc(facts.iter().map(|(f, _)| f.doc.text.len() as u64).sum());
            if facts.is_empty() {
                continue;
            }
            if let Err(e) = each(facts, summary) {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(e);
            }
            bar.set_message(format!("{} docs", summary.documents));
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(())
}

fn report(bar: &ProgressBar, summary: &mut Summary, e: SourceError) {
    let msg = e.to_string();
    bar.suspend(|| eprintln!("gleaner: skipped {msg}"));
    summary.failures.push(msg);
}

/// Renders exports from the quads of a store.
pub type Render<T> = dyn Fn(&Dataset) -> Result<T> + Sync;

/// `gleaner build`: documents into the store. Documents the store does not
/// hold yet go through oxigraph's bulk loader, committed once at the end
/// (an interrupted build leaves none of them); a document the store already
/// holds is replaced in one transaction with the others of its batch.
///
/// `exports` renders the store's quads once it holds them all. When the
/// store was empty, it gets the quads the build gave the loader and runs
/// while the store commits; otherwise it gets them from the store after.
/// Its result is given back only if the commit succeeded.
pub fn build<T: Send>(
    inputs: &[PathBuf],
    pack: &RulePack,
    store_dir: &Path,
    jobs: Option<usize>,
    progress: Progress,
    exports: Option<&Render<T>>,
) -> Result<(Summary, Option<T>)> {
    let started = Instant::now();
    let store = store::open(store_dir)?;
    let mut summary = Summary::default();
    let quads = |f: &DocFacts| rdf::document_quads(f);
    let empty = store::is_empty(&store)?;
    let bytes = input_bytes(inputs);
    let expected = bytes as usize / TEXT_BYTES_PER_QUAD;
    let mut loader = store::BulkLoad::new(&store, exports.is_some() && empty, expected, store::Again::Replaces);
    run(inputs, pack, jobs, progress.bar(bytes), &mut summary, quads, |batch, summary| {
        let mut fresh = Vec::with_capacity(batch.len());
        let mut replace = Vec::new();
        for (f, q) in batch {
            summary.add(&f, q.len());
            let graph = rdf::doc_iri(&f.doc.id);
            if !empty && store::contains_graph(&store, &graph)? {
                replace.push((graph, q));
            } else {
                fresh.push((graph, q));
            }
        }
        if !replace.is_empty() {
            store::replace_graphs(&store, &replace)?;
        }
        loader.load(fresh)
    })?;
    let writing = progress.spinner(if exports.is_some() {
        "writing the store, rendering the exports"
    } else {
        "writing the store"
    });
    let loaded = loader.finish()?;
    let (committed, rendered) = std::thread::scope(|scope| {
        let rendered = exports.zip(loaded.as_ref()).map(|(f, quads)| scope.spawn(move || f(quads)));
        let committed = loader.commit().and_then(|()| Ok(store.flush()?));
        (
            committed,
            rendered.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        )
    });
    committed?;
    // The summary's time covers opening the store and committing it too.
    summary.seconds = started.elapsed().as_secs_f64();
    let rendered = match (exports, rendered) {
        (_, Some(r)) => Some(r?),
        (Some(f), None) => Some(f(&store::quads(&store)?)?),
        (None, None) => None,
    };
    writing.finish_and_clear();
    Ok((summary, rendered))
}

/// `gleaner extract`: the N-Quads of each document to `out`, no store.
pub fn extract_to(inputs: &[PathBuf], pack: &RulePack, jobs: Option<usize>, progress: Progress, mut out: impl Write) -> Result<Summary> {
    let mut summary = Summary::default();
    // The N-Quads are made here, overlapping the extraction of the next
    // batch, in one buffer written out whenever it holds a megabyte: no
    // large buffer per document (or per batch) to grow and to fault in.
    const CHUNK: usize = 1 << 20;
    let mut bytes = Vec::with_capacity(2 * CHUNK);
    run(
        inputs,
        pack,
        jobs,
        progress.bar(input_bytes(inputs)),
        &mut summary,
        |_| (),
        |batch, summary| {
            for (f, ()) in batch {
                let n = rdf::document_nquads(&f, &mut bytes);
                summary.add(&f, n);
                if bytes.len() >= CHUNK {
                    out.write_all(&bytes)?;
                    bytes.clear();
                }
            }
            Ok(())
        },
    )?;
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(summary)
}

/// `gleaner load`: N-Quads files (or standard input, `-`) into the store,
/// each read as a stream: quads are handed on in runs of one document
/// graph (with the shared quads among them), so memory does not grow with
/// the file. A document graph the store holds already is replaced by what
/// this load brings of it (all its parts, from any of the files): its first
/// run in a transaction that writes the difference. Everything else goes
/// through the bulk loader, committed at the end (an interrupted load adds
/// none of it).
pub fn load(files: &[PathBuf], store_dir: &Path, progress: Progress) -> Result<Summary> {
    let started = Instant::now();
    let store = store::open(store_dir)?;
    let bytes = input_bytes(files);
    let expected = bytes as usize / NQUADS_BYTES_PER_QUAD;
    let empty = store::is_empty(&store)?;
    let mut bulk = store::BulkLoad::new(&store, false, expected, store::Again::Adds);
    let mut summary = Summary::default();
    // Every document graph this load has written to: the first run of one
    // the store holds replaces it (in a transaction), the rest is added by
    // the bulk loader.
    let mut docs = rustc_hash::FxHashSet::<String>::default();
    let bar = progress.bar(bytes);
    // A run: the quads of one document graph and the shared ones (entity
    // descriptions) that came with them, as `gleaner extract` writes a
    // document.
    let mut write = |doc: Option<String>, quads: Vec<Quad>| -> Result<()> {
        summary.quads += quads.len();
        let doc = doc.unwrap_or_default();
        let first = !doc.is_empty() && !docs.contains(&doc);
        if first {
            docs.insert(doc.clone());
        }
        if first && !empty && store::contains_graph(&store, &doc)? {
            return store::replace_graph(&store, &doc, &quads);
        }
        bulk.load(vec![(doc, quads)])
    };
    for file in files {
        let (name, reader): (String, Box<dyn std::io::Read>) = if file.as_os_str() == "-" {
            ("standard input".into(), Box::new(std::io::stdin().lock()))
        } else {
            let f = std::fs::File::open(file).with_context(|| format!("{}: cannot open", file.display()))?;
            (file.display().to_string(), Box::new(f))
        };
        let reader = bar.wrap_read(std::io::BufReader::with_capacity(1 << 16, reader));
        // The run being gathered, in file order, and its document graph.
        let mut run: Vec<Quad> = Vec::new();
        let mut run_doc: Option<String> = None;
        let mut failures = Vec::new();
        read_nquads(
            reader,
            |q| {
                let doc = document_graph(&q);
                if doc.is_some_and(|d| run_doc.as_deref().is_some_and(|r| r != d)) || run.len() >= LOAD_RUN {
                    write(run_doc.take(), std::mem::take(&mut run))?;
                }
                if run_doc.is_none() {
                    run_doc = doc.map(str::to_owned);
                }
                run.push(q);
                Ok(())
            },
            |line, column, message| {
                // Like a malformed article: named, skipped, counted.
                let msg = format!("{name}, line {line} column {column}: {message}");
                bar.suspend(|| eprintln!("gleaner: skipped {msg}"));
                failures.push(msg);
            },
        )
        .with_context(|| format!("{name}: cannot read"))?;
        if !run.is_empty() {
            write(run_doc, run)?;
        }
        summary.failures.append(&mut failures);
    }
    bar.finish_and_clear();
    summary.documents = docs.len();
    summary.bytes = bytes;
    let writing = progress.spinner("writing the store");
    bulk.commit()?;
    store.flush()?;
    writing.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Reads N-Quads in chunks of whole lines, giving each quad to `quad` in
/// file order. A malformed line goes to `bad` (line and column, from 1, and
/// the parser's message) and is skipped; reading goes on with the next.
fn read_nquads(
    mut reader: impl std::io::BufRead,
    mut quad: impl FnMut(Quad) -> Result<()>,
    mut bad: impl FnMut(usize, u64, &str),
) -> Result<()> {
    const CHUNK: usize = 1 << 20;
    let newlines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    let mut chunk = Vec::with_capacity(CHUNK + (1 << 12));
    // Lines of the file before `rest`.
    let mut line = 0;
    loop {
        chunk.clear();
        while chunk.len() < CHUNK && reader.read_until(b'\n', &mut chunk)? > 0 {}
        if chunk.is_empty() {
            return Ok(());
        }
        let mut rest = &chunk[..];
        'parse: loop {
            for q in RdfParser::from_format(RdfFormat::NQuads).for_slice(rest) {
                match q {
                    Ok(q) => quad(q)?,
                    Err(e) => {
                        let start = e.location().map(|l| l.start);
                        let at = start.as_ref().map_or(0, |p| p.offset as usize).min(rest.len());
                        let text = e.to_string();
                        let message = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
                        bad(line + newlines(&rest[..at]) + 1, start.map_or(1, |p| p.column + 1), message);
                        // Go on after the line the error is on.
                        let next = rest[at..].iter().position(|&c| c == b'\n').map_or(rest.len(), |i| at + i + 1);
                        line += newlines(&rest[..next]);
                        rest = &rest[next..];
                        continue 'parse;
                    }
                }
            }
            break;
        }
        line += newlines(rest);
    }
}

/// The most quads `gleaner load` gathers before handing them on, when a
/// document's quads come in one long run.
const LOAD_RUN: usize = 1 << 14;

/// The document graph a quad is in: None for the shared entities graph,
/// the default graph and blank-node graphs, which are only added to.
fn document_graph(q: &Quad) -> Option<&str> {
    match &q.graph_name {
        oxigraph::model::GraphName::NamedNode(n) if n.as_str() != crate::vocab::ENTITIES_GRAPH => Some(n.as_str()),
        _ => None,
    }
}
