//! Graph statistics: counts, degrees, PageRank, betweenness, weakly
//! connected components, diameter and average shortest path. Centrality is
//! computed on the simple directed graph of the entities (an edge u→v when
//! any relation goes from u to v); distances on its undirected version,
//! within the largest weakly connected component. PageRank follows the
//! standard definition (damping 0.85, dangling nodes spread uniformly, as
//! networkx does): petgraph's `page_rank` leaves out the teleport term on
//! linked pairs, so it is computed here.

use crate::graph::{DocCounts, KnowledgeGraph};
use petgraph::unionfind::UnionFind;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write;

#[derive(Debug, Serialize, PartialEq)]
pub struct Ranked {
    pub label: String,
    pub iri: String,
    pub value: f64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Stats {
    pub documents: usize,
    pub entities: BTreeMap<String, usize>,
    pub relations: BTreeMap<String, usize>,
    pub quotations: usize,
    pub nodes: usize,
    pub edges: usize,
    pub density: f64,
    pub average_degree: f64,
    /// Total degree → number of nodes.
    pub degree_distribution: BTreeMap<usize, usize>,
    pub top_in_degree: Vec<Ranked>,
    pub top_out_degree: Vec<Ranked>,
    pub top_degree: Vec<Ranked>,
    pub pagerank: Vec<Ranked>,
    pub betweenness: Vec<Ranked>,
    pub components: usize,
    pub largest_components: Vec<usize>,
    pub diameter: usize,
    pub average_shortest_path: f64,
    pub per_document: Vec<DocCounts>,
}

/// Distinct out- and in-neighbours of every node.
pub struct Simple {
    pub out: Vec<BTreeSet<usize>>,
    pub inc: Vec<BTreeSet<usize>>,
}

impl Simple {
    pub fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Simple {
        let mut s = Simple {
            out: vec![BTreeSet::new(); n],
            inc: vec![BTreeSet::new(); n],
        };
        for (u, v) in edges {
            if u != v {
                s.out[u].insert(v);
                s.inc[v].insert(u);
            }
        }
        s
    }

    fn n(&self) -> usize {
        self.out.len()
    }

    fn edges(&self) -> usize {
        self.out.iter().map(BTreeSet::len).sum()
    }

    /// PageRank by power iteration until the L1 change is below 1e-13.
    pub fn pagerank(&self, damping: f64) -> Vec<f64> {
        let n = self.n();
        if n == 0 {
            return Vec::new();
        }
        let nf = n as f64;
        let mut r = vec![1.0 / nf; n];
        for _ in 0..10_000 {
            let dangling: f64 = (0..n).filter(|&u| self.out[u].is_empty()).map(|u| r[u]).sum();
            let base = (1.0 - damping) / nf + damping * dangling / nf;
            let mut next = vec![base; n];
            for (out, &ru) in self.out.iter().zip(&r) {
                if !out.is_empty() {
                    let share = damping * ru / out.len() as f64;
                    for &v in out {
                        next[v] += share;
                    }
                }
            }
            let change: f64 = next.iter().zip(&r).map(|(a, b)| (a - b).abs()).sum();
            r = next;
            if change < 1e-13 {
                break;
            }
        }
        r
    }

    /// Brandes' betweenness on the directed graph, normalised by (n-1)(n-2).
    pub fn betweenness(&self) -> Vec<f64> {
        let n = self.n();
        let mut cb = vec![0.0; n];
        for s in 0..n {
            let mut stack = Vec::new();
            let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
            let mut sigma = vec![0.0f64; n];
            let mut dist = vec![-1i64; n];
            sigma[s] = 1.0;
            dist[s] = 0;
            let mut q = VecDeque::from([s]);
            while let Some(v) = q.pop_front() {
                stack.push(v);
                for &w in &self.out[v] {
                    if dist[w] < 0 {
                        dist[w] = dist[v] + 1;
                        q.push_back(w);
                    }
                    if dist[w] == dist[v] + 1 {
                        sigma[w] += sigma[v];
                        preds[w].push(v);
                    }
                }
            }
            let mut delta = vec![0.0; n];
            while let Some(w) = stack.pop() {
                for &v in &preds[w] {
                    delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
                }
                if w != s {
                    cb[w] += delta[w];
                }
            }
        }
        if n > 2 {
            let scale = 1.0 / ((n - 1) * (n - 2)) as f64;
            cb.iter_mut().for_each(|x| *x *= scale);
        }
        cb
    }

    /// Weakly connected components, largest first (ties by smallest node).
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.n();
        let mut uf = UnionFind::new(n);
        for u in 0..n {
            for &v in &self.out[u] {
                uf.union(u, v);
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for u in 0..n {
            groups.entry(uf.find(u)).or_default().push(u);
        }
        let mut comps: Vec<Vec<usize>> = groups.into_values().collect();
        comps.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        comps
    }

    /// Diameter and average shortest path length of `nodes`, undirected.
    pub fn distances(&self, nodes: &[usize]) -> (usize, f64) {
        if nodes.len() < 2 {
            return (0, 0.0);
        }
        let n = self.n();
        let (mut diameter, mut total, mut pairs) = (0usize, 0usize, 0usize);
        for &s in nodes {
            let mut dist = vec![usize::MAX; n];
            dist[s] = 0;
            let mut q = VecDeque::from([s]);
            while let Some(v) = q.pop_front() {
                for &w in self.out[v].iter().chain(&self.inc[v]) {
                    if dist[w] == usize::MAX {
                        dist[w] = dist[v] + 1;
                        q.push_back(w);
                    }
                }
            }
            for &t in nodes {
                if t != s && dist[t] != usize::MAX {
                    diameter = diameter.max(dist[t]);
                    total += dist[t];
                    pairs += 1;
                }
            }
        }
        (diameter, total as f64 / pairs as f64)
    }
}

fn round(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

pub fn compute(kg: &KnowledgeGraph, top: usize) -> Stats {
    let g = &kg.graph;
    let n = g.node_count();
    let simple = Simple::new(
        n,
        g.edge_indices().map(|e| {
            let (a, b) = g.edge_endpoints(e).expect("edge");
            (a.index(), b.index())
        }),
    );
    let ranked = |values: &[f64]| -> Vec<Ranked> {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&a, &b| {
            values[b].total_cmp(&values[a]).then(
                g[petgraph::graph::NodeIndex::new(a)]
                    .iri
                    .cmp(&g[petgraph::graph::NodeIndex::new(b)].iri),
            )
        });
        idx.into_iter()
            .take(top)
            .map(|i| {
                let node = &g[petgraph::graph::NodeIndex::new(i)];
                Ranked {
                    label: node.label.clone(),
                    iri: node.iri.clone(),
                    value: round(values[i]),
                }
            })
            .collect()
    };
    let indeg: Vec<f64> = simple.inc.iter().map(|s| s.len() as f64).collect();
    let outdeg: Vec<f64> = simple.out.iter().map(|s| s.len() as f64).collect();
    let total: Vec<f64> = indeg.iter().zip(&outdeg).map(|(a, b)| a + b).collect();
    let mut distribution = BTreeMap::new();
    for d in &total {
        *distribution.entry(*d as usize).or_insert(0) += 1;
    }
    let comps = simple.components();
    let (diameter, avg_path) = comps.first().map_or((0, 0.0), |c| simple.distances(c));
    let e = simple.edges();
    Stats {
        documents: kg.documents.len(),
        entities: kg.entities_by_type().into_iter().map(|(t, c)| (t.name().to_string(), c)).collect(),
        relations: kg.relations_by_predicate(),
        quotations: kg.quotations,
        nodes: n,
        edges: e,
        density: if n > 1 { round(e as f64 / (n * (n - 1)) as f64) } else { 0.0 },
        average_degree: if n > 0 { round(2.0 * e as f64 / n as f64) } else { 0.0 },
        degree_distribution: distribution,
        top_in_degree: ranked(&indeg),
        top_out_degree: ranked(&outdeg),
        top_degree: ranked(&total),
        pagerank: ranked(&simple.pagerank(0.85)),
        betweenness: ranked(&simple.betweenness()),
        components: comps.len(),
        largest_components: comps.iter().take(5).map(Vec::len).collect(),
        diameter,
        average_shortest_path: round(avg_path),
        per_document: kg.documents.clone(),
    }
}

/// The aligned text report.
pub fn render(s: &Stats) -> String {
    let mut o = String::new();
    let kv = |o: &mut String, k: &str, v: String| {
        let _ = writeln!(o, "{k:<28} {v}");
    };
    kv(&mut o, "documents", s.documents.to_string());
    for (t, c) in &s.entities {
        kv(&mut o, &format!("entities: {t}"), c.to_string());
    }
    for (p, c) in &s.relations {
        kv(&mut o, &format!("relations: {p}"), c.to_string());
    }
    kv(&mut o, "quotations", s.quotations.to_string());
    kv(&mut o, "nodes", s.nodes.to_string());
    kv(&mut o, "edges (distinct pairs)", s.edges.to_string());
    kv(&mut o, "density", format!("{:.6}", s.density));
    kv(&mut o, "average degree", format!("{:.3}", s.average_degree));
    kv(&mut o, "weak components", s.components.to_string());
    kv(
        &mut o,
        "largest components",
        s.largest_components.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
    );
    kv(&mut o, "diameter (largest)", s.diameter.to_string());
    kv(&mut o, "avg shortest path (largest)", format!("{:.4}", s.average_shortest_path));
    let _ = writeln!(o, "\ndegree distribution (degree: nodes)");
    let _ = writeln!(
        o,
        "  {}",
        s.degree_distribution
            .iter()
            .map(|(d, c)| format!("{d}: {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (title, list, prec) in [
        ("top by degree", &s.top_degree, 0),
        ("top by in-degree", &s.top_in_degree, 0),
        ("top by out-degree", &s.top_out_degree, 0),
        ("top by PageRank (0.85)", &s.pagerank, 6),
        ("top by betweenness", &s.betweenness, 6),
    ] {
        let _ = writeln!(o, "\n{title}");
        let w = list.iter().map(|r| r.label.chars().count()).max().unwrap_or(0);
        for (i, r) in list.iter().enumerate() {
            let _ = writeln!(o, "  {:>2}. {:<w$}  {:.prec$}", i + 1, r.label, r.value);
        }
    }
    let _ = writeln!(o, "\nper document");
    let w = s.per_document.iter().map(|d| d.id.chars().count()).max().unwrap_or(2).max(8);
    let _ = writeln!(
        o,
        "  {:<w$}  {:>8}  {:>9}  {:>10}",
        "document", "entities", "relations", "quotations"
    );
    for d in &s.per_document {
        let _ = writeln!(o, "  {:<w$}  {:>8}  {:>9}  {:>10}", d.id, d.entities, d.relations, d.quotations);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-9, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn betweenness_of_a_path_and_a_star() {
        // 0 -> 1 -> 2: only 1 is between (0,2): 1 / ((3-1)(3-2)) = 0.5
        let g = Simple::new(3, [(0, 1), (1, 2)]);
        close(&g.betweenness(), &[0.0, 0.5, 0.0]);
        // Star 0 <-> {1,2,3}: 0 lies on the 6 paths between leaves: 6/(3*2) = 1
        let g = Simple::new(4, [(0, 1), (1, 0), (0, 2), (2, 0), (0, 3), (3, 0)]);
        close(&g.betweenness(), &[1.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn pagerank_known_values() {
        // A 2-cycle is symmetric: 0.5 each.
        close(&Simple::new(2, [(0, 1), (1, 0)]).pagerank(0.85), &[0.5, 0.5]);
        // 0 -> 1 with 1 dangling (networkx: 0.3508771929824561, 0.6491228070175439).
        close(&Simple::new(2, [(0, 1)]).pagerank(0.85), &[0.350877192982456, 0.649122807017544]);
        // networkx.pagerank(DiGraph([(0,1),(1,2),(2,0),(0,2)]))
        close(
            &Simple::new(3, [(0, 1), (1, 2), (2, 0), (0, 2)]).pagerank(0.85),
            &[0.387789711701529, 0.214810627473150, 0.397399660825321],
        );
    }

    #[test]
    fn components_and_distances() {
        let g = Simple::new(6, [(0, 1), (1, 2), (3, 4)]);
        let c = g.components();
        assert_eq!(c.iter().map(Vec::len).collect::<Vec<_>>(), vec![3, 2, 1]);
        // Undirected path 0-1-2: diameter 2, average (1+2+1)*2/6 = 4/3.
        let (d, avg) = g.distances(&c[0]);
        assert_eq!(d, 2);
        assert!((avg - 4.0 / 3.0).abs() < 1e-12);
    }
}
