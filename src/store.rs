//! The oxigraph store on disk: writing documents' graphs (replacing a
//! document that is already there), SPARQL over the union of all graphs, and
//! sorted dumps. A document the store holds is replaced in a transaction
//! of its own; new documents are bulk-loaded and committed at the end, so
//! a build killed half-way leaves each document as it was or complete.

use crate::dataset::Dataset;
use crate::vocab::PREFIXES;
use anyhow::{Context, Result};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedNodeRef, Quad};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Write;
use std::path::Path;

pub fn open(path: &Path) -> Result<Store> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create the store folder {}", path.display()))?;
    Store::open(path).with_context(|| format!("cannot open the store at {}", path.display()))
}

/// Opens an existing store; a missing one is an error that says how to make it.
pub fn open_existing(path: &Path) -> Result<Store> {
    if !path.exists() {
        anyhow::bail!(
            "no store at {}; build one first with `gleaner build ARTICLE --store {}`",
            path.display(),
            path.display()
        );
    }
    open(path)
}

/// Writes documents' graphs, each replacing any earlier graph of the same
/// name in its own transaction; the shared entities graph is only added to.
pub fn replace_graphs(store: &Store, graphs: &[(String, Vec<Quad>)]) -> Result<()> {
    // One transaction per document: RocksDB's indexed write batches get
    // slow when large, and a document is the unit that must stay whole.
    for (name, quads) in graphs {
        replace_graph(store, name, quads)?;
    }
    Ok(())
}

/// Replaces a document's graph (`name`) with `quads` in one transaction
/// (quads of other graphs, such as the shared entities graph, are only
/// added). Only
/// the difference is written: what the store holds of the graph and the
/// new version does not say is removed, what is new is inserted. Writes
/// are what costs in a transaction (RocksDB's memtable), and a document
/// built again mostly says what it said before.
pub fn replace_graph(store: &Store, name: &str, quads: &[Quad]) -> Result<()> {
    let mut tx = store.start_transaction()?;
    let graph = NamedNodeRef::new_unchecked(name);
    let mut old: rustc_hash::FxHashSet<Quad> = tx
        .quads_for_pattern(None, None, None, Some(graph.into()))
        .collect::<Result<_, _>>()?;
    for q in quads {
        if !old.remove(q) && !tx.contains(q)? {
            tx.insert(q);
        }
    }
    for q in &old {
        tx.remove(q);
    }
    tx.commit()?;
    Ok(())
}

/// What a document graph given again to the same [`BulkLoad`] means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Again {
    /// A new version that replaces the first at commit: an article id
    /// given twice to one build.
    Replaces,
    /// More quads of the same graph: N-Quads files may hold a graph in
    /// several parts.
    Adds,
}

/// oxigraph's bulk loader, fed batch by batch and committed once: for
/// stores that do not hold these documents yet. A document given again
/// replaces its first version at commit, or adds to it: see [`Again`].
pub struct BulkLoad<'a> {
    store: &'a Store,
    loader: oxigraph::store::BulkLoader<'a>,
    again_means: Again,
    seen: std::collections::HashSet<String>,
    again: Vec<(String, Vec<Quad>)>,
    /// Quads of the shared entities graph already loaded: every document
    /// repeats the descriptions of its entities, the store needs them once.
    described: rustc_hash::FxHashSet<Quad>,
    /// Quads gathered until there are enough for one loader batch: each
    /// batch becomes a set of sorted files the store ingests at commit, and
    /// few large files ingest much faster than many small ones.
    pending: Vec<Quad>,
    /// Quads for the next batch: small at first, so a small build overlaps
    /// loading with extraction, then doubling up to `largest`, so a large
    /// one makes few files.
    batch: usize,
    /// The largest batch: about a sixteenth of the quads expected, within
    /// bounds. A build of a few hundred thousand quads then keeps both
    /// cores sorting to the end (one large batch last would sort alone),
    /// and one of millions still makes few files: each batch is eight
    /// files to ingest, and hundreds of them slow the commit down more
    /// than the sorting saves.
    largest: usize,
    /// Every quad loaded, when the caller wants them back (for exports
    /// that then need not read the store).
    kept: Option<Dataset>,
}

const FIRST_BATCH: usize = 50_000;
const LARGEST_BATCH: usize = 400_000;

impl<'a> BulkLoad<'a> {
    /// `keep`: hold on to the quads loaded, for `finish` to give back.
    /// `expected`: about how many quads will come (0 when unknown); it only
    /// sizes the batches. `again_means`: what a graph given twice means.
    pub fn new(store: &'a Store, keep: bool, expected: usize, again_means: Again) -> Self {
        BulkLoad {
            store,
            loader: store.bulk_loader(),
            again_means,
            seen: Default::default(),
            again: Vec::new(),
            described: Default::default(),
            pending: Vec::new(),
            batch: FIRST_BATCH,
            largest: if expected == 0 {
                LARGEST_BATCH
            } else {
                (expected / 16).clamp(FIRST_BATCH, LARGEST_BATCH)
            },
            kept: keep.then(Dataset::default),
        }
    }

    /// Gives the pending quads to the loader in `parts` batches (each is
    /// sorted into files on a thread of its own).
    fn load_pending(&mut self, parts: usize) -> Result<()> {
        let size = self.pending.len().div_ceil(parts.max(1)).max(1);
        if let Some(kept) = &mut self.kept {
            for q in &self.pending {
                kept.insert(q.as_ref());
            }
        }
        let mut rest = std::mem::take(&mut self.pending);
        while rest.len() > size {
            let part = rest.split_off(rest.len() - size);
            self.loader.load_quads(part)?;
        }
        self.loader.load_quads(rest)?;
        Ok(())
    }

    /// Loads documents' graphs: (graph name, quads).
    pub fn load(&mut self, docs: Vec<(String, Vec<Quad>)>) -> Result<()> {
        for (graph, quads) in docs {
            if self.again_means == Again::Adds || self.seen.insert(graph.clone()) {
                let entities: oxigraph::model::GraphName = NamedNodeRef::new_unchecked(crate::vocab::ENTITIES_GRAPH).into();
                self.pending.extend(
                    quads
                        .into_iter()
                        .filter(|q| q.graph_name != entities || self.described.insert(q.clone())),
                );
            } else {
                self.again.push((graph, quads));
            }
        }
        if self.pending.len() >= self.batch {
            self.load_pending(1)?;
            self.batch = (self.batch * 2).min(self.largest);
        }
        Ok(())
    }

    /// The last batch, split among the cores: nothing is left to overlap
    /// it with, and one thread would sort it all while the others wait.
    fn load_last(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        self.load_pending(cores)
    }

    /// After the last `load`: every quad loaded, when asked to keep them
    /// and they are what the commit will write (no document came twice),
    /// each quad of the entities graph once. The store is not written yet.
    pub fn finish(&mut self) -> Result<Option<Dataset>> {
        self.load_last()?;
        let kept = self.kept.take();
        Ok(kept.filter(|_| self.again.is_empty()))
    }

    pub fn commit(mut self) -> Result<()> {
        self.load_last()?;
        self.loader.commit()?;
        if !self.again.is_empty() {
            replace_graphs(self.store, &self.again)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Turtle,
    Ntriples,
    Nquads,
    Trig,
}

/// Every quad of the store.
pub fn quads(store: &Store) -> Result<Dataset> {
    let mut d = Dataset::default();
    for q in store.iter() {
        d.insert(q?.as_ref());
    }
    Ok(d)
}

/// Writes the whole store: triple formats get the union of all graphs.
pub fn export(store: &Store, format: ExportFormat, out: impl Write) -> Result<()> {
    export_quads(&quads(store)?, format, out)
}

/// Writes a dataset (the store's quads, or a build's): sorted, triple
/// formats with the union of all graphs, each triple once.
pub fn export_quads(quads: &Dataset, format: ExportFormat, out: impl Write) -> Result<()> {
    let rdf = match format {
        ExportFormat::Turtle => RdfFormat::Turtle,
        ExportFormat::Ntriples => RdfFormat::NTriples,
        ExportFormat::Nquads => RdfFormat::NQuads,
        ExportFormat::Trig => RdfFormat::TriG,
    };
    let mut ser = RdfSerializer::from_format(rdf);
    if matches!(format, ExportFormat::Turtle | ExportFormat::Trig) {
        for (p, iri) in PREFIXES {
            ser = ser.with_prefix(*p, *iri)?;
        }
    }
    let mut w = ser.for_writer(out);
    if rdf.supports_datasets() {
        for q in quads.sorted_quads() {
            w.serialize_quad(q)?;
        }
    } else {
        for t in quads.sorted_triples() {
            w.serialize_triple(t)?;
        }
    }
    w.finish()?;
    Ok(())
}

/// The SPARQL prologue users need not write.
pub fn evaluator() -> SparqlEvaluator {
    let mut ev = SparqlEvaluator::new();
    for (p, iri) in PREFIXES {
        ev = ev.with_prefix(*p, *iri).expect("valid prefix IRI");
    }
    ev
}

/// A query's syntax error, kept apart so the CLI can exit with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct QuerySyntaxError(pub String);

/// Runs a query over the union of all graphs.
pub fn query(store: &Store, sparql: &str) -> Result<QueryResults<'static>> {
    let mut prepared = evaluator()
        .parse_query(sparql)
        .map_err(|e| QuerySyntaxError(format!("SPARQL syntax error: {e}")))?;
    prepared.dataset_mut().set_default_graph_as_union();
    Ok(prepared.on_store(store).execute()?)
}

/// Does the store hold this named graph?
pub fn contains_graph(store: &Store, name: &str) -> Result<bool> {
    Ok(store.contains_named_graph(NamedNodeRef::new_unchecked(name))?)
}

/// Does the store hold no quad? (Without counting them, which would read
/// the whole store.)
pub fn is_empty(store: &Store) -> Result<bool> {
    Ok(store.is_empty()?)
}
