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
        anyhow::bail!("no store at {}; build one first with `gleaner build ARTICLE --store {}`", path.display(), path.display());
    }
    open(path)
}

/// Writes documents' graphs, each replacing any earlier graph of the same
/// name; the shared entities graph is only added to.
pub fn replace_graphs(store: &Store, graphs: &[(String, Vec<Quad>)]) -> Result<()> {
    let mut tx = store.start_transaction()?;
    for (name, quads) in graphs {
        if name != crate::vocab::ENTITIES_GRAPH {
            tx.remove_named_graph(NamedNodeRef::new_unchecked(name))?;
        }
        for q in quads {
            tx.insert(q);
        }
    }
    tx.commit()?;
    Ok(())
}

/// Bulk-loads quads (for stores that do not hold these documents yet).
pub fn bulk_load(store: &Store, quads: impl IntoIterator<Item = Quad>) -> Result<()> {
    let mut loader = store.bulk_loader();
    loader.load_quads(quads)?;
    loader.commit()?;
    Ok(())
}

/// Every quad of the store, sorted by graph, subject, predicate, object.
pub fn sorted_quads(store: &Store) -> Result<Vec<Quad>> {
    let mut quads: Vec<Quad> = store.iter().collect::<Result<_, _>>()?;
    quads.sort_by_cached_key(|q| (q.graph_name.to_string(), q.subject.to_string(), q.predicate.to_string(), q.object.to_string()));
    Ok(quads)
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
    let quads = sorted_quads(store)?;
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
        for q in &quads {
            w.serialize_quad(q)?;
        }
    } else {
        let mut triples: Vec<_> = quads.iter().map(|q| oxigraph::model::Triple::from(q.clone())).collect();
        triples.sort_by_cached_key(|t| (t.subject.to_string(), t.predicate.to_string(), t.object.to_string()));
        triples.dedup();
        for t in &triples {
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
    let mut prepared = evaluator().parse_query(sparql).map_err(|e| QuerySyntaxError(format!("SPARQL syntax error: {e}")))?;
    prepared.dataset_mut().set_default_graph_as_union();
    Ok(prepared.on_store(store).execute()?)
}

/// Number of quads in the store.
pub fn len(store: &Store) -> Result<usize> {
    Ok(store.len()?)
}

pub fn contains_graph(store: &Store, name: &str) -> Result<bool> {
    Ok(store.contains_named_graph(NamedNodeRef::new_unchecked(name))?)
}
