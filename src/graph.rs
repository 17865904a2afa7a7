//! The in-memory model: a petgraph graph of entities (nodes) and relations
//! (edges), read from the store. One node per entity IRI; one edge per
//! distinct (subject, relation, object), with the number of documents that
//! state it. Views (DOT, statistics) work on this graph.

use crate::model::EntityType;
use crate::vocab;
use anyhow::Result;
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, HashMap};

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

fn solutions(store: &Store, q: &str) -> Result<Vec<Vec<Option<Term>>>> {
    let QueryResults::Solutions(sols) = crate::store::query(store, q)? else {
        anyhow::bail!("expected solutions")
    };
    let vars: Vec<_> = sols.variables().to_vec();
    let mut out = Vec::new();
    for s in sols {
        let s = s?;
        out.push(vars.iter().map(|v| s.get(v).cloned()).collect());
    }
    Ok(out)
}

fn text(t: &Option<Term>) -> String {
    match t {
        Some(Term::NamedNode(n)) => n.as_str().to_string(),
        Some(Term::Literal(l)) => l.value().to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn number(t: &Option<Term>) -> usize {
    text(t).parse().unwrap_or(0)
}

impl KnowledgeGraph {
    /// Reads the whole store. Nodes are added sorted by IRI and edges sorted
    /// by (subject, relation, object), so the graph is the same for the same store.
    pub fn from_store(store: &Store) -> Result<KnowledgeGraph> {
        let mut kg = KnowledgeGraph::default();
        let types = [
            (vocab::SCHEMA_PERSON, EntityType::Person),
            (vocab::SCHEMA_ORGANIZATION, EntityType::Organization),
            (vocab::SCHEMA_PLACE, EntityType::Place),
            (vocab::GL_GROUP, EntityType::Group),
        ];
        let type_of: HashMap<&str, EntityType> = types.into_iter().collect();
        let rows = solutions(
            store,
            "SELECT ?e ?t ?l (GROUP_CONCAT(?n; SEPARATOR='\\u001f') AS ?names) WHERE { ?e a ?t ; rdfs:label ?l . OPTIONAL { ?e skos:altLabel ?n } } GROUP BY ?e ?t ?l ORDER BY ?e",
        )?;
        let mut index: HashMap<String, NodeIndex> = HashMap::new();
        for r in rows {
            let iri = text(&r[0]);
            let Some(&etype) = type_of.get(text(&r[1]).as_str()) else {
                continue;
            };
            if index.contains_key(&iri) {
                continue;
            }
            let mut names: Vec<String> = text(&r[3]).split('\u{1f}').filter(|s| !s.is_empty()).map(str::to_string).collect();
            names.sort();
            names.dedup();
            let node = kg.graph.add_node(Node {
                iri: iri.clone(),
                label: text(&r[2]),
                etype,
                names,
            });
            index.insert(iri, node);
        }
        let rel_filter = vocab::RELATIONS.iter().map(|r| format!("gl:{r}")).collect::<Vec<_>>().join(", ");
        let rows = solutions(
            store,
            &format!("SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN ({rel_filter})) }} GROUP BY ?s ?p ?o ORDER BY ?s ?p ?o"),
        )?;
        for r in rows {
            let (Some(&s), Some(&o)) = (index.get(&text(&r[0])), index.get(&text(&r[2]))) else {
                continue;
            };
            let relation = text(&r[1]).trim_start_matches(vocab::GL).to_string();
            kg.graph.add_edge(
                s,
                o,
                Edge {
                    relation,
                    documents: number(&r[3]),
                },
            );
        }
        let rows = solutions(store, "SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a schema:Quotation }")?;
        kg.quotations = rows.first().map_or(0, |r| number(&r[0]));
        let rel_filter2 = rel_filter.clone();
        let rows = solutions(
            store,
            &format!(
                "SELECT ?id (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?rel) AS ?relations) (COUNT(DISTINCT ?q) AS ?quotes) WHERE {{
                   GRAPH ?d {{ ?d schema:identifier ?id }}
                   {{ GRAPH ?d {{ ?d gl:mentions ?e }} }} UNION
                   {{ GRAPH ?d {{ ?rel rdf:predicate ?p FILTER(?p IN ({rel_filter2})) }} }} UNION
                   {{ GRAPH ?d {{ ?q a schema:Quotation }} }}
                 }} GROUP BY ?id ORDER BY ?id"
            ),
        )?;
        kg.documents = rows
            .iter()
            .map(|r| DocCounts {
                id: text(&r[0]),
                entities: number(&r[1]),
                relations: number(&r[2]),
                quotations: number(&r[3]),
            })
            .collect();
        Ok(kg)
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
