//! Views of the knowledge graph besides SPARQL: Graphviz DOT and statistics.
//! Both read the petgraph model (`crate::graph`), never the store directly.

pub mod dot;
pub mod stats;
