//! The oxigraph store on disk: writing documents' graphs (replacing a
//! document that is already there), SPARQL over the union of all graphs, and
//! sorted dumps. Every write is one transaction, so a build killed half-way
//! leaves the store as it was before the batch.

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
        let mut tx = store.start_transaction()?;
        if name != crate::vocab::ENTITIES_GRAPH {
            tx.remove_named_graph(NamedNodeRef::new_unchecked(name))?;
        }
        for q in quads {
            tx.insert(q);
        }
        tx.commit()?;
    }
    Ok(())
}

/// oxigraph's bulk loader, fed batch by batch and committed once: for
/// stores that do not hold these documents yet. A document given again in
/// the same build replaces its first version at commit.
pub struct BulkLoad<'a> {
    store: &'a Store,
    loader: oxigraph::store::BulkLoader<'a>,
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
    /// loading with extraction, then doubling, so a large one makes few files.
    batch: usize,
}

const FIRST_BATCH: usize = 50_000;
const LARGEST_BATCH: usize = 400_000;

impl<'a> BulkLoad<'a> {
    pub fn new(store: &'a Store) -> Self {
        BulkLoad {
            store,
            loader: store.bulk_loader(),
            seen: Default::default(),
            again: Vec::new(),
            described: Default::default(),
            pending: Vec::new(),
            batch: FIRST_BATCH,
        }
    }

    /// Loads documents' graphs: (graph name, quads).
    pub fn load(&mut self, docs: Vec<(String, Vec<Quad>)>) -> Result<()> {
        for (graph, quads) in docs {
            if self.seen.insert(graph.clone()) {
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
            self.loader.load_quads(std::mem::take(&mut self.pending))?;
            self.batch = (self.batch * 2).min(LARGEST_BATCH);
        }
        Ok(())
    }

    pub fn commit(mut self) -> Result<()> {
        self.loader.load_quads(std::mem::take(&mut self.pending))?;
        self.loader.commit()?;
        if !self.again.is_empty() {
            replace_graphs(self.store, &self.again)?;
        }
        Ok(())
    }
}

/// Every quad of the store, sorted by graph, subject, predicate, object
/// (as N-Quads terms).
pub fn sorted_quads(store: &Store) -> Result<Vec<Quad>> {
    let quads: Vec<Quad> = store.iter().collect::<Result<_, _>>()?;
    let mut keyed: Vec<(String, Quad)> = quads
        .into_iter()
        .map(|q| (format!("{} {} {} {}", q.graph_name, q.subject, q.predicate, q.object), q))
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, q)| q).collect())
}

/// The triples of all graphs, each once, sorted by subject, predicate, object.
fn sorted_triples(store: &Store) -> Result<Vec<oxigraph::model::Triple>> {
    let mut keyed: Vec<(String, oxigraph::model::Triple)> = Vec::new();
    for q in store.iter() {
        let t = oxigraph::model::Triple::from(q?);
        keyed.push((format!("{} {} {}", t.subject, t.predicate, t.object), t));
    }
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    Ok(keyed.into_iter().map(|(_, t)| t).collect())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Turtle,
    Ntriples,
    Nquads,
    Trig,
}

/// Writes the whole store: triple formats get the union of all graphs.
pub fn export(store: &Store, format: ExportFormat, out: impl Write) -> Result<()> {
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
        for q in &sorted_quads(store)? {
            w.serialize_quad(q)?;
        }
    } else {
        for t in &sorted_triples(store)? {
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

/// Number of quads in the store.
pub fn len(store: &Store) -> Result<usize> {
    Ok(store.len()?)
}
