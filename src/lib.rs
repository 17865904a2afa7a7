//! gleaner: news articles to a knowledge graph. See ARCHITECTURE.md for the
//! code map; modules are listed in the order data flows through them.

pub mod source;
pub mod text;
pub mod rules;
pub mod model;
pub mod extract;
pub mod vocab;
pub mod rdf;
pub mod store;
pub mod graph;
pub mod views;
pub mod eval;
pub mod pipeline;
pub mod results;
pub mod cli;
pub mod commands;
