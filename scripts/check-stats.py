#!/usr/bin/env python3
"""Recomputes `gleaner stats --json` independently with networkx.

usage: scripts/check-stats.py GLEANER_BIN STORE_DIR
Reads the graph through `gleaner export --format nquads`, builds a networkx
DiGraph of the entities (an edge u->v when any core relation goes from u to
v), and compares PageRank (0.85), betweenness (normalised), degrees, weak
components, diameter and average shortest path (undirected, largest
component) with gleaner's. Needs `pip install networkx numpy scipy`.
"""
import json, re, subprocess, sys
import networkx as nx

GL = "https://w3id.org/gleaner/ns#"
RELS = ["leaderOf", "memberOf", "affiliatedWith", "relativeOf", "locatedIn", "neighbourOf",
        "founded", "movedTo", "supports", "opposes", "accuses", "sanctions"]
TYPES = {"http://schema.org/Person", "http://schema.org/Organization", "http://schema.org/Place", GL + "Group"}
IRI = re.compile(r"<([^>]*)>")


def main(binary, store):
    nq = subprocess.run([binary, "export", "--store", store, "--format", "nquads"], check=True, capture_output=True, text=True).stdout
    g = nx.DiGraph()
    edges = set()
    for line in nq.splitlines():
        terms = IRI.findall(line)
        if len(terms) < 3:
            continue
        s, p, o = terms[0], terms[1], terms[2]
        if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and o in TYPES:
            g.add_node(s)
        elif p.startswith(GL) and p[len(GL):] in RELS and not line.split()[2].startswith('"'):
            edges.add((s, o))
    for s, o in edges:
        if s != o:
            g.add_edge(s, o)
    ours = json.loads(subprocess.run([binary, "stats", "--store", store, "--json", "--top", "100000"], check=True, capture_output=True, text=True).stdout)
    pr = nx.pagerank(g, alpha=0.85, tol=1e-14, max_iter=10000)
    bc = nx.betweenness_centrality(g, normalized=True)
    worst = 0.0
    for key, ref in (("pagerank", pr), ("betweenness", bc)):
        for r in ours[key]:
            worst = max(worst, abs(r["value"] - ref[r["iri"]]))
        print(f"{key}: {len(ours[key])} values, max |gleaner - networkx| = {max(abs(r['value'] - ref[r['iri']]) for r in ours[key]):.2e}")
    comps = sorted((len(c) for c in nx.weakly_connected_components(g)), reverse=True)
    u = g.subgraph(max(nx.weakly_connected_components(g), key=len)).to_undirected()
    checks = {
        "nodes": (ours["nodes"], g.number_of_nodes()),
        "edges": (ours["edges"], g.number_of_edges()),
        "density": (round(ours["density"], 6), round(nx.density(g), 6)),
        "components": (ours["components"], len(comps)),
        "largest_components": (ours["largest_components"], comps[:5]),
        "diameter": (ours["diameter"], nx.diameter(u) if len(u) > 1 else 0),
        "average_shortest_path": (round(ours["average_shortest_path"], 6), round(nx.average_shortest_path_length(u), 6) if len(u) > 1 else 0),
        "top_degree": ([r["value"] for r in ours["top_degree"]], sorted((d for _, d in g.degree()), reverse=True)),
    }
    ok = worst < 1e-6
    for k, (a, b) in checks.items():
        same = a == b
        ok &= same
        print(f"{k}: gleaner {a if k != 'top_degree' else a[:10]} networkx {b if k != 'top_degree' else b[:10]} {'ok' if same else 'DIFFERENT'}")
    print("all measures agree" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
