//! Graphviz DOT of the entity graph: one node per entity labelled with its
//! canonical name, shape and colour by type; one edge per relation labelled
//! with its name, supports and opposes drawn differently; a legend. Views
//! select a readable part of a large graph. Output is deterministic and
//! always valid DOT (labels escaped).

use crate::graph::KnowledgeGraph;
use crate::model::EntityType;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeSet, VecDeque};
use std::fmt::Write;

#[derive(Debug, Default, Clone)]
pub struct View {
    /// Only the neighbourhood of the entity with this name (any of its names).
    pub focus: Option<String>,
    /// Radius of the focus neighbourhood (edges, either direction).
    pub depth: usize,
    pub types: Vec<EntityType>,
    pub relations: Vec<String>,
    pub min_degree: usize,
    /// Only the N entities of highest PageRank and the edges among them.
    pub top: Option<usize>,
}

fn style(t: EntityType) -> (&'static str, &'static str) {
    match t {
        EntityType::Person => ("ellipse", "#a6cee3"),
        EntityType::Organization => ("box", "#fdbf6f"),
        EntityType::Place => ("hexagon", "#b2df8a"),
        EntityType::Group => ("octagon", "#f4cae4"),
    }
}

fn edge_style(relation: &str) -> &'static str {
    match relation {
        "supports" => "color=\"#1a9850\", fontcolor=\"#1a9850\", penwidth=2",
        "opposes" => "color=\"#d73027\", fontcolor=\"#d73027\", penwidth=2, style=dashed",
        "accuses" => "color=\"#f46d43\", fontcolor=\"#f46d43\", style=dashed",
        "sanctions" => "color=\"#762a83\", fontcolor=\"#762a83\", style=bold",
        "leaderOf" => "color=\"#08519c\", fontcolor=\"#08519c\", penwidth=1.5",
        _ => "color=\"#525252\", fontcolor=\"#525252\"",
    }
}

/// Colour and dash of a relation's edges, for the legend.
fn legend_colour(relation: &str) -> (&'static str, bool) {
    let style = edge_style(relation);
    let color = style.split('"').nth(1).unwrap_or("#525252");
    (color, style.contains("dashed"))
}

/// A DOT double-quoted string: quotes, backslashes and newlines escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The nodes the view keeps.
fn select(kg: &KnowledgeGraph, view: &View) -> Result<BTreeSet<NodeIndex>, String> {
    let g = &kg.graph;
    let rel_ok = |r: &str| view.relations.is_empty() || view.relations.iter().any(|x| x == r);
    let mut keep: BTreeSet<NodeIndex> = g
        .node_indices()
        .filter(|&i| view.types.is_empty() || view.types.contains(&g[i].etype))
        .collect();
    if let Some(name) = &view.focus {
        let start = kg.find(name);
        if start.is_empty() {
            return Err(format!(
                "no entity is named {name:?}; try `gleaner query 'SELECT ?l WHERE {{ ?e rdfs:label ?l }}'` for the names"
            ));
        }
        let mut seen: BTreeSet<NodeIndex> = start.iter().copied().collect();
        let mut q: VecDeque<(NodeIndex, usize)> = start.into_iter().map(|s| (s, 0)).collect();
        while let Some((v, d)) = q.pop_front() {
            if d == view.depth {
                continue;
            }
            let neighbours = g.edges(v).filter(|e| rel_ok(&e.weight().relation)).map(|e| e.target()).chain(
                g.edges_directed(v, petgraph::Direction::Incoming)
                    .filter(|e| rel_ok(&e.weight().relation))
                    .map(|e| e.source()),
            );
            for w in neighbours.collect::<Vec<_>>() {
                if keep.contains(&w) && seen.insert(w) {
                    q.push_back((w, d + 1));
                }
            }
        }
        keep = seen;
    }
    if view.min_degree > 0 {
        keep.retain(|&i| {
            let deg = g
                .edges(i)
                .chain(g.edges_directed(i, petgraph::Direction::Incoming))
                .filter(|e| rel_ok(&e.weight().relation))
                .count();
            deg >= view.min_degree
        });
    }
    if let Some(top) = view.top {
        let n = g.node_count();
        let simple = super::stats::Simple::new(n, g.edge_references().map(|e| (e.source().index(), e.target().index())));
        let pr = simple.pagerank(0.85);
        let mut ranked: Vec<NodeIndex> = keep.iter().copied().collect();
        ranked.sort_by(|a, b| pr[b.index()].total_cmp(&pr[a.index()]).then(g[*a].iri.cmp(&g[*b].iri)));
        keep = ranked.into_iter().take(top).collect();
    }
    Ok(keep)
}

/// The DOT text of a view of the graph.
pub fn render(kg: &KnowledgeGraph, view: &View) -> Result<String, String> {
    let g = &kg.graph;
    let keep = select(kg, view)?;
    let rel_ok = |r: &str| view.relations.is_empty() || view.relations.iter().any(|x| x == r);
    let mut o = String::new();
    o.push_str("digraph gleaner {\n");
    o.push_str("  graph [layout=dot, rankdir=LR, overlap=false, splines=true, nodesep=0.35, ranksep=0.9, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"gleaner knowledge graph\"];\n");
    o.push_str("  node [style=filled, fontname=\"Helvetica\", fontsize=11, penwidth=0.8];\n");
    o.push_str("  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n");
    let mut nodes: Vec<NodeIndex> = keep.iter().copied().collect();
    nodes.sort_by(|a, b| g[*a].iri.cmp(&g[*b].iri));
    for i in &nodes {
        let n = &g[*i];
        let (shape, color) = style(n.etype);
        let _ = writeln!(
            o,
            "  n{} [label={}, shape={shape}, fillcolor=\"{color}\", tooltip={}];",
            i.index(),
            quote(&n.label),
            quote(&n.iri)
        );
    }
    let mut edges: Vec<(String, String, String, usize, usize)> = g
        .edge_references()
        .filter(|e| keep.contains(&e.source()) && keep.contains(&e.target()) && rel_ok(&e.weight().relation))
        .map(|e| {
            (
                g[e.source()].iri.clone(),
                e.weight().relation.clone(),
                g[e.target()].iri.clone(),
                e.source().index(),
                e.target().index(),
            )
        })
        .collect();
    edges.sort();
    for (_, rel, _, s, t) in &edges {
        let _ = writeln!(o, "  n{s} -> n{t} [label={}, {}];", quote(rel), edge_style(rel));
    }
    // Legend: one HTML table with the types present and the relation styles used.
    let types: BTreeSet<EntityType> = nodes.iter().map(|i| g[*i].etype).collect();
    let rels: BTreeSet<&str> = edges.iter().map(|e| e.1.as_str()).collect();
    o.push_str("  legend [shape=none, style=solid, margin=0, fontsize=9, label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">\n");
    o.push_str("    <TR><TD COLSPAN=\"2\"><B>legend</B></TD></TR>\n");
    for t in &types {
        let (shape, color) = style(*t);
        let _ = writeln!(o, "    <TR><TD BGCOLOR=\"{color}\">{}</TD><TD>{shape}</TD></TR>", t.name());
    }
    for r in &rels {
        let (color, dashed) = legend_colour(r);
        let _ = writeln!(
            o,
            "    <TR><TD><FONT COLOR=\"{color}\">{r}</FONT></TD><TD><FONT COLOR=\"{color}\">{}</FONT></TD></TR>",
            if dashed { "- - -&gt;" } else { "——&gt;" }
        );
    }
    o.push_str("  </TABLE>>];\n}\n");
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(quote("say \"hi\"\\ now\nthen"), "\"say \\\"hi\\\"\\\\ now\\nthen\"");
        assert_eq!(quote("Лукашенко"), "\"Лукашенко\"");
    }
}
