//! The oxigraph store on disk: writing documents' graphs (replacing a
//! document that is already there), SPARQL over the union of all graphs, and
//! sorted dumps. Every write is one transaction, so a build killed half-way
//! leaves the store as it was before the batch.

use crate::vocab::PREFIXES;
use anyhow::{Context, Result};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedNodeRef, Quad, TermRef, TripleRef};
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
        write_graph(store, name, quads, true)?;
    }
    Ok(())
}

/// Writes quads into a graph in one transaction, first removing what the
/// store holds of it when `replace` (never the shared entities graph, nor
/// the default graph, named "").
pub fn write_graph(store: &Store, name: &str, quads: &[Quad], replace: bool) -> Result<()> {
    let mut tx = store.start_transaction()?;
    if replace && name != crate::vocab::ENTITIES_GRAPH && !name.is_empty() {
        tx.remove_named_graph(NamedNodeRef::new_unchecked(name))?;
    }
    for q in quads {
        tx.insert(q);
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
/// stores that do not hold these documents yet. A document given again in
/// the same build replaces its first version at commit.
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
    kept: Option<Vec<Quad>>,
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
            kept: keep.then(Vec::new),
        }
    }

    /// Gives the pending quads to the loader in `parts` batches (each is
    /// sorted into files on a thread of its own).
    fn load_pending(&mut self, parts: usize) -> Result<()> {
        let size = self.pending.len().div_ceil(parts.max(1)).max(1);
        match &mut self.kept {
            Some(kept) => {
                for part in self.pending.chunks(size) {
                    self.loader.load_quads(part.iter().map(Quad::as_ref))?;
                }
                kept.append(&mut self.pending);
            }
            None => {
                let mut rest = std::mem::take(&mut self.pending);
                while rest.len() > size {
                    let part = rest.split_off(rest.len() - size);
                    self.loader.load_quads(part)?;
                }
                self.loader.load_quads(rest)?;
            }
        }
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
    pub fn finish(&mut self) -> Result<Option<Vec<Quad>>> {
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

/// Quads sorted by graph, subject, predicate, object (as N-Quads terms).
fn sorted_quads(quads: &[Quad]) -> Vec<&Quad> {
    let mut keyed: Vec<(String, &Quad)> = quads
        .iter()
        .map(|q| (format!("{} {} {} {}", q.graph_name, q.subject, q.predicate, q.object), q))
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, q)| q).collect()
}

/// The triples of all graphs, each once, sorted by subject, predicate,
/// object (as N-Triples terms).
fn sorted_triples(quads: &[Quad]) -> Vec<TripleRef<'_>> {
    let mut triples: Vec<TripleRef<'_>> = quads.iter().map(|q| TripleRef::new(&q.subject, &q.predicate, &q.object)).collect();
    let cmp = |a: &TripleRef<'_>, b: &TripleRef<'_>| {
        cmp_nt(a.subject.into(), b.subject.into())
            .then_with(|| cmp_nt(a.predicate.into(), b.predicate.into()))
            .then_with(|| cmp_nt(a.object, b.object))
    };
    triples.sort_unstable_by(cmp);
    triples.dedup_by(|a, b| cmp(a, b).is_eq());
    triples
}

/// Orders terms as their N-Triples forms, also when each is followed by a
/// space (no form is a prefix of another followed by a space), so triples
/// compare term by term as their lines would. Without building the forms
/// but for literals that need escaping and other rare terms.
fn cmp_nt(a: TermRef<'_>, b: TermRef<'_>) -> std::cmp::Ordering {
    if let (TermRef::NamedNode(a), TermRef::NamedNode(b)) = (a, b) {
        // `<a>` against `<b>`: the IRIs, each ended by `>` (which no IRI holds).
        let (a, b) = (a.as_str().as_bytes(), b.as_str().as_bytes());
        let n = a.len().min(b.len());
        return a[..n]
            .cmp(&b[..n])
            .then_with(|| a.get(n).unwrap_or(&b'>').cmp(b.get(n).unwrap_or(&b'>')))
            .then_with(|| a.len().cmp(&b.len()));
    }
    match (nt_parts(a), nt_parts(b)) {
        (Some(a), Some(b)) => cmp_concat(&a, &b),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// The N-Triples form of an IRI or of a literal without language tag and
/// without a character to escape, as the pieces it is made of.
fn nt_parts(t: TermRef<'_>) -> Option<[&[u8]; 5]> {
    match t {
        TermRef::NamedNode(n) => Some([b"<", n.as_str().as_bytes(), b">", b"", b""]),
        TermRef::Literal(l) if l.language().is_none() && !l.value().bytes().any(|b| matches!(b, 0..=0x1F | b'"' | b'\\' | 0x7F | 0xEF)) => {
            let value = l.value().as_bytes();
            if l.datatype() == oxigraph::model::vocab::xsd::STRING {
                Some([b"\"", value, b"\"", b"", b""])
            } else {
                Some([b"\"", value, b"\"^^<", l.datatype().as_str().as_bytes(), b">"])
            }
        }
        _ => None,
    }
}

/// Compares the concatenations of two lists of byte strings.
fn cmp_concat(a: &[&[u8]], b: &[&[u8]]) -> std::cmp::Ordering {
    let (mut a, mut b) = (
        a.iter().copied().filter(|p| !p.is_empty()),
        b.iter().copied().filter(|p| !p.is_empty()),
    );
    let (mut x, mut y) = (a.next().unwrap_or_default(), b.next().unwrap_or_default());
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return std::cmp::Ordering::Equal,
            (true, false) => return std::cmp::Ordering::Less,
            (false, true) => return std::cmp::Ordering::Greater,
            (false, false) => {}
        }
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            std::cmp::Ordering::Equal => {}
            o => return o,
        }
        (x, y) = (&x[n..], &y[n..]);
        if x.is_empty() {
            x = a.next().unwrap_or_default();
        }
        if y.is_empty() {
            y = b.next().unwrap_or_default();
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Turtle,
    Ntriples,
    Nquads,
    Trig,
}

/// Every quad of the store, in the store's order.
pub fn quads(store: &Store) -> Result<Vec<Quad>> {
    Ok(store.iter().collect::<Result<_, _>>()?)
}

/// Writes the whole store: triple formats get the union of all graphs.
pub fn export(store: &Store, format: ExportFormat, out: impl Write) -> Result<()> {
    export_quads(&quads(store)?, format, out)
}

/// Writes a dataset (the store's quads, or a build's): sorted, triple
/// formats with the union of all graphs, each triple once.
pub fn export_quads(quads: &[Quad], format: ExportFormat, out: impl Write) -> Result<()> {
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
        for q in sorted_quads(quads) {
            w.serialize_quad(q)?;
        }
    } else {
        for t in sorted_triples(quads) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode, Term};

    /// Terms sort as their N-Triples forms: IRIs one the prefix of another,
    /// literals before IRIs, typed after plain, escapes.
    #[test]
    fn terms_compare_as_their_n_triples_forms() {
        let terms: Vec<Term> = vec![
            NamedNode::new_unchecked("http://a.example/x").into(),
            NamedNode::new_unchecked("http://a.example/x#1").into(),
            NamedNode::new_unchecked("http://a.example/x-1").into(),
            NamedNode::new_unchecked("http://a.example/").into(),
            Literal::new_simple_literal("12").into(),
            Literal::from(12).into(),
            Literal::from(1).into(),
            Literal::new_simple_literal("1").into(),
            Literal::new_simple_literal("say \"hi\"").into(),
            Literal::new_simple_literal("say").into(),
            Literal::new_simple_literal("line\nnext").into(),
            Literal::new_simple_literal("line").into(),
            Literal::new_language_tagged_literal_unchecked("x", "en").into(),
            Literal::new_simple_literal("x").into(),
        ];
        for a in &terms {
            for b in &terms {
                assert_eq!(cmp_nt(a.as_ref(), b.as_ref()), a.to_string().cmp(&b.to_string()), "{a} {b}");
            }
        }
    }
}
