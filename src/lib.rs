//! gleaner: news articles to a knowledge graph. See ARCHITECTURE.md for the
//! code map; modules are listed in the order data flows through them.

pub mod cli;
pub mod commands;
pub mod dataset;
pub mod eval;
pub mod extract;
pub mod graph;
pub mod model;
pub mod pipeline;
pub mod rdf;
pub mod results;
pub mod rules;
pub mod source;
pub mod store;
pub mod text;
pub mod views;
pub mod vocab;
