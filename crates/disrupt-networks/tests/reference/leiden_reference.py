"""Reference modularities from the `leidenalg` package (PyPI) for disrupt's Leiden test.

Writes leiden_reference.json: for Zachary's karate club and for planted-partition graphs,
the edge list and the modularity leidenalg reaches (best of 10 seeds, as a careful user
would run it). Regenerate with:  pip install leidenalg igraph && python3 leiden_reference.py
"""
import json
import random

import igraph as ig
import leidenalg


def best_modularity(graph):
    best = None
    for seed in range(10):
        part = leidenalg.find_partition(graph, leidenalg.ModularityVertexPartition, seed=seed, n_iterations=-1)
        q = graph.modularity(part.membership, weights="weight" if graph.is_weighted() else None)
        best = q if best is None else max(best, q)
    return best


def planted(groups, size, p_in, p_out, seed, weighted):
    rng = random.Random(seed)
    n = groups * size
    edges = []
    for u in range(n):
        for v in range(u + 1, n):
            p = p_in if u // size == v // size else p_out
            if rng.random() < p:
                w = round(rng.uniform(0.5, 3.0), 3) if weighted else 1.0
                edges.append((u, v, w))
    return n, edges


cases = []
karate = ig.Graph.Famous("Zachary")
kedges = [(e.source, e.target, 1.0) for e in karate.es]
karate.es["weight"] = [1.0] * karate.ecount()
cases.append({"name": "karate", "nodes": karate.vcount(), "edges": kedges, "leidenalg_modularity": best_modularity(karate)})

for i, (groups, size, p_in, p_out, weighted) in enumerate([
    (4, 32, 0.3, 0.02, False),
    (8, 25, 0.25, 0.03, True),
    (12, 40, 0.15, 0.01, False),
    (5, 60, 0.1, 0.04, True),
]):
    n, edges = planted(groups, size, p_in, p_out, seed=100 + i, weighted=weighted)
    g = ig.Graph(n=n, edges=[(u, v) for u, v, _ in edges])
    g.es["weight"] = [w for _, _, w in edges]
    cases.append({"name": f"planted-{groups}x{size}-{p_in}-{p_out}{'-weighted' if weighted else ''}", "nodes": n, "edges": edges, "leidenalg_modularity": best_modularity(g)})

with open("leiden_reference.json", "w") as f:
    json.dump({"generator": f"leidenalg {leidenalg.__version__}, igraph {ig.__version__}", "cases": cases}, f)
print("\n".join(f"{c['name']}: {c['leidenalg_modularity']:.5f}" for c in cases))
