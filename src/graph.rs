//! The in-memory model: a petgraph graph of entities (nodes) and relations
//! (edges), read from the quads of the store or of a build. One node per entity IRI; one edge per
//! distinct (subject, relation, object), with the number of documents that
//! state it. Views (DOT, statistics) work on this graph.

use crate::model::EntityType;
use crate::vocab;
use anyhow::Result;
use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef, QuadRef, TermRef};
use oxigraph::store::Store;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub iri: String,
    pub label: String,
    pub etype: EntityType,
    pub names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Local name of the relation (`leaderOf`).
    pub relation: String,
    /// Documents stating it.
    pub documents: usize,
}

/// Per-document counts.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct DocCounts {
    pub id: String,
    pub entities: usize,
    pub relations: usize,
    pub quotations: usize,
}

#[derive(Debug, Default)]
pub struct KnowledgeGraph {
    pub graph: DiGraph<Node, Edge>,
    pub documents: Vec<DocCounts>,
    pub quotations: usize,
}

/// The text of a term: an IRI's string, a literal's value.
fn term_text(t: TermRef<'_>) -> &str {
    match t {
        TermRef::NamedNode(n) => n.as_str(),
        TermRef::BlankNode(b) => b.as_str(),
        TermRef::Literal(l) => l.value(),
        #[allow(unreachable_patterns)]
        _ => "",
    }
}

/// A graph name as a sort key: blank nodes after IRIs.
fn graph_key(g: NamedOrBlankNodeRef<'_>) -> (bool, &str) {
    match g {
        NamedOrBlankNodeRef::NamedNode(n) => (false, n.as_str()),
        NamedOrBlankNodeRef::BlankNode(b) => (true, b.as_str()),
    }
}

impl KnowledgeGraph {
    /// Reads the whole store: see `from_quads`.
    pub fn from_store(store: &Store) -> Result<KnowledgeGraph> {
        Ok(Self::from_quads(crate::store::quads(store)?.iter()))
    }

    /// The graph of a dataset (every quad of the store, or of a build into
    /// an empty store), read as SPARQL over the union of its graphs would:
    /// nodes are the entities with a known type and a label, sorted by IRI
    /// (an entity with several, the smallest type IRI, then label); edges
    /// are the distinct (subject, relation, object) between nodes, sorted,
    /// with the number of named graphs that state them; documents are those
    /// with an identifier that mention, relate or quote anything, by
    /// identifier. So the graph is the same for the same set of quads.
    pub fn from_quads<'a>(quads: impl IntoIterator<Item = QuadRef<'a>>) -> KnowledgeGraph {
        let type_of: FxHashMap<&str, EntityType> = [
            (vocab::SCHEMA_PERSON, EntityType::Person),
            (vocab::SCHEMA_ORGANIZATION, EntityType::Organization),
            (vocab::SCHEMA_PLACE, EntityType::Place),
            (vocab::GL_GROUP, EntityType::Group),
        ]
        .into_iter()
        .collect();
        let relations: FxHashMap<String, &str> = vocab::RELATIONS.iter().map(|r| (format!("{}{r}", vocab::GL), *r)).collect();
        #[derive(Default)]
        struct Described<'a> {
            types: Vec<&'a str>,
            labels: Vec<TermRef<'a>>,
            names: Vec<TermRef<'a>>,
        }
        /// What one document's graph says about itself.
        #[derive(Default)]
        struct InGraph<'a> {
            ids: Vec<TermRef<'a>>,
            entities: FxHashSet<TermRef<'a>>,
            relations: FxHashSet<NamedOrBlankNodeRef<'a>>,
            quotes: FxHashSet<NamedOrBlankNodeRef<'a>>,
        }
        let mut described: BTreeMap<&str, Described<'_>> = BTreeMap::new();
        let mut stated: Vec<(&str, &str, &str, NamedOrBlankNodeRef<'_>)> = Vec::new();
        let mut quotations: FxHashSet<NamedOrBlankNodeRef<'_>> = FxHashSet::default();
        let mut graphs: FxHashMap<NamedOrBlankNodeRef<'_>, InGraph<'_>> = FxHashMap::default();
        for q in quads {
            let p = q.predicate.as_str();
            let subject_iri = match q.subject {
                NamedOrBlankNodeRef::NamedNode(n) => Some(n.as_str()),
                NamedOrBlankNodeRef::BlankNode(_) => None,
            };
            let graph = match q.graph_name {
                GraphNameRef::NamedNode(n) => Some(NamedOrBlankNodeRef::from(n)),
                GraphNameRef::BlankNode(n) => Some(NamedOrBlankNodeRef::from(n)),
                GraphNameRef::DefaultGraph => None,
            };
            match p {
                vocab::RDF_TYPE => {
                    if let (Some(s), TermRef::NamedNode(t)) = (subject_iri, q.object) {
                        if type_of.contains_key(t.as_str()) {
                            described.entry(s).or_default().types.push(t.as_str());
                        }
                    }
                    if q.object == TermRef::NamedNode(NamedNodeRef::new_unchecked(vocab::SCHEMA_QUOTATION)) {
                        quotations.insert(q.subject);
                        if let Some(g) = graph.map(|g| graphs.entry(g).or_default()) {
                            g.quotes.insert(q.subject);
                        }
                    }
                }
                vocab::RDFS_LABEL => {
                    if let Some(s) = subject_iri {
                        described.entry(s).or_default().labels.push(q.object);
                    }
                }
                vocab::SKOS_ALT_LABEL => {
                    if let Some(s) = subject_iri {
                        described.entry(s).or_default().names.push(q.object);
                    }
                }
                vocab::GL_MENTIONS => {
                    if graph == Some(q.subject) {
                        if let Some(g) = graph.map(|g| graphs.entry(g).or_default()) {
                            g.entities.insert(q.object);
                        }
                    }
                }
                vocab::SCHEMA_IDENTIFIER => {
                    if graph == Some(q.subject) {
                        if let Some(g) = graph.map(|g| graphs.entry(g).or_default()) {
                            g.ids.push(q.object);
                        }
                    }
                }
                vocab::RDF_PREDICATE => {
                    if matches!(q.object, TermRef::NamedNode(r) if relations.contains_key(r.as_str())) {
                        if let Some(g) = graph.map(|g| graphs.entry(g).or_default()) {
                            g.relations.insert(q.subject);
                        }
                    }
                }
                _ => {
                    if let (Some(s), Some(&r), TermRef::NamedNode(o), Some(g)) = (subject_iri, relations.get(p), q.object, graph) {
                        stated.push((s, r, o.as_str(), g));
                    }
                }
            }
        }

        let mut kg = KnowledgeGraph::default();
        let mut index: FxHashMap<&str, NodeIndex> = FxHashMap::default();
        for (iri, d) in described {
            let label = d.labels.iter().map(|l| term_text(*l)).min();
            let (Some(t), Some(label)) = (d.types.iter().min(), label) else {
                continue;
            };
            let mut names: Vec<String> = d
                .names
                .iter()
                .map(|n| term_text(*n))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            names.sort();
            names.dedup();
            let node = kg.graph.add_node(Node {
                iri: iri.to_string(),
                label: label.to_string(),
                etype: type_of[t],
                names,
            });
            index.insert(iri, node);
        }
        // (subject, relation, object, graph): sorted, each once; the edges
        // are the runs of one (subject, relation, object).
        stated.sort_unstable_by(|a, b| {
            (a.0, a.1, a.2)
                .cmp(&(b.0, b.1, b.2))
                .then_with(|| graph_key(a.3).cmp(&graph_key(b.3)))
        });
        stated.dedup();
        for run in stated.chunk_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)) {
            let (s, relation, o, _) = run[0];
            let (Some(&s), Some(&o)) = (index.get(s), index.get(o)) else {
                continue;
            };
            kg.graph.add_edge(
                s,
                o,
                Edge {
                    relation: relation.to_string(),
                    documents: run.len(),
                },
            );
        }
        kg.quotations = quotations.len();
        let mut documents: BTreeMap<&str, InGraph<'_>> = BTreeMap::new();
        for g in graphs.into_values() {
            for id in &g.ids {
                let d = documents.entry(term_text(*id)).or_default();
                d.entities.extend(g.entities.iter().copied());
                d.relations.extend(g.relations.iter().copied());
                d.quotes.extend(g.quotes.iter().copied());
            }
        }
        kg.documents = documents
            .into_iter()
            .filter(|(_, d)| !(d.entities.is_empty() && d.relations.is_empty() && d.quotes.is_empty()))
            .map(|(id, d)| DocCounts {
                id: id.to_string(),
                entities: d.entities.len(),
                relations: d.relations.len(),
                quotations: d.quotes.len(),
            })
            .collect();
        kg
    }

    /// Entities by type, in type order.
    pub fn entities_by_type(&self) -> BTreeMap<EntityType, usize> {
        let mut m = BTreeMap::new();
        for n in self.graph.node_weights() {
            *m.entry(n.etype).or_insert(0) += 1;
        }
        m
    }

    pub fn relations_by_predicate(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for e in self.graph.edge_weights() {
            *m.entry(e.relation.clone()).or_insert(0) += 1;
        }
        m
    }

    /// Nodes whose label or other names equal `name`, ignoring case.
    pub fn find(&self, name: &str) -> Vec<NodeIndex> {
        let want = name.to_lowercase();
        self.graph
            .node_indices()
            .filter(|&i| {
                let n = &self.graph[i];
                n.label.to_lowercase() == want || n.names.iter().any(|x| x.to_lowercase() == want)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};

    fn quad(s: &str, p: &str, o: impl Into<oxigraph::model::Term>, g: &str) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked(p),
            o,
            GraphName::NamedNode(NamedNode::new_unchecked(g)),
        )
    }

    /// Documents may spell an entity's label differently ("ELSPA", "Elspa"):
    /// the node takes the smallest, whatever the order of the quads.
    #[test]
    fn an_entity_with_two_labels_takes_the_smallest() {
        let e = "https://w3id.org/gleaner/id/organization/elspa";
        let g = vocab::ENTITIES_GRAPH;
        let mut quads = [
            quad(e, vocab::RDFS_LABEL, Literal::new_simple_literal("Elspa"), g),
            quad(e, vocab::RDF_TYPE, NamedNode::new_unchecked(vocab::SCHEMA_ORGANIZATION), g),
            quad(e, vocab::RDFS_LABEL, Literal::new_simple_literal("ELSPA"), g),
        ];
        for _ in 0..2 {
            let kg = KnowledgeGraph::from_quads(quads.iter().map(Quad::as_ref));
            assert_eq!(kg.graph.node_count(), 1);
            assert_eq!(kg.graph[NodeIndex::new(0)].label, "ELSPA");
            quads.reverse();
        }
    }

    /// An edge counts the graphs that state it, each once.
    #[test]
    fn edges_count_documents() {
        let (a, b) = ("https://w3id.org/gleaner/id/person/a", "https://w3id.org/gleaner/id/place/b");
        let g = vocab::ENTITIES_GRAPH;
        let rel = format!("{}locatedIn", vocab::GL);
        let mut quads = Vec::new();
        for (e, t) in [(a, vocab::SCHEMA_PERSON), (b, vocab::SCHEMA_PLACE)] {
            quads.push(quad(e, vocab::RDF_TYPE, NamedNode::new_unchecked(t), g));
            quads.push(quad(e, vocab::RDFS_LABEL, Literal::new_simple_literal(e), g));
        }
        for d in [
            "https://w3id.org/gleaner/doc/1",
            "https://w3id.org/gleaner/doc/2",
            "https://w3id.org/gleaner/doc/1",
        ] {
            quads.push(quad(a, &rel, NamedNode::new_unchecked(b), d));
        }
        let kg = KnowledgeGraph::from_quads(quads.iter().map(Quad::as_ref));
        let edges: Vec<_> = kg.graph.edge_weights().cloned().collect();
        assert_eq!(
            edges,
            [Edge {
                relation: "locatedIn".into(),
                documents: 2
            }]
        );
    }
}
