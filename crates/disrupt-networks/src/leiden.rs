//! Leiden community detection (Traag, Waltman & van Eck 2019) for modularity with a
//! resolution parameter: fast local moving, refinement into well-connected
//! sub-communities, aggregation on the refined partition, repeated until stable.
//!
//! The refinement merges greedily (the best gain) rather than at random, so results are
//! deterministic for a seed; node visiting order is shuffled by the seed.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// An undirected weighted graph; a self loop's weight is stored once in `adjacency[v]`
/// as `(v, w)` and counts `2w` towards the node's strength, the usual convention.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    adjacency: Vec<Vec<(u32, f64)>>,
}

impl Graph {
    /// A graph of `nodes` nodes and no edge.
    pub fn new(nodes: usize) -> Self {
        Self { adjacency: vec![Vec::new(); nodes] }
    }

    /// Adds an undirected edge (weights of repeated edges add up).
    pub fn add_edge(&mut self, u: u32, v: u32, w: f64) {
        if u == v {
            push_or_add(&mut self.adjacency[u as usize], u, 2.0 * w);
        } else {
            push_or_add(&mut self.adjacency[u as usize], v, w);
            push_or_add(&mut self.adjacency[v as usize], u, w);
        }
    }

    /// Nodes.
    pub fn nodes(&self) -> usize {
        self.adjacency.len()
    }

    /// The neighbours of `v`, with edge weights.
    pub fn neighbors(&self, v: u32) -> &[(u32, f64)] {
        &self.adjacency[v as usize]
    }

    /// Node strength (weighted degree); self loops count twice.
    pub fn strength(&self, v: u32) -> f64 {
        self.adjacency[v as usize].iter().map(|(_, w)| w).sum()
    }

    /// Twice the total edge weight.
    pub fn total_strength(&self) -> f64 {
        (0..self.nodes() as u32).map(|v| self.strength(v)).sum()
    }
}

fn push_or_add(list: &mut Vec<(u32, f64)>, to: u32, w: f64) {
    if let Some(entry) = list.iter_mut().find(|(x, _)| *x == to) {
        entry.1 += w;
    } else {
        list.push((to, w));
    }
}

/// Modularity of a membership with resolution `gamma`.
pub fn modularity(graph: &Graph, membership: &[u32], gamma: f64) -> f64 {
    let two_m = graph.total_strength();
    if two_m == 0.0 {
        return 0.0;
    }
    let communities = membership.iter().copied().max().map_or(0, |m| m as usize + 1);
    let mut internal = vec![0.0; communities];
    let mut total = vec![0.0; communities];
    for v in 0..graph.nodes() as u32 {
        let c = membership[v as usize] as usize;
        total[c] += graph.strength(v);
        for &(u, w) in graph.neighbors(v) {
            if membership[u as usize] as usize == c {
                internal[c] += w;
            }
        }
    }
    (0..communities).map(|c| internal[c] - gamma * total[c] * total[c] / two_m).sum::<f64>() / two_m
}

/// Leiden's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeidenConfig {
    /// Resolution of the modularity (1: the usual modularity).
    pub resolution: f64,
    /// Random seed of the node order.
    pub seed: u64,
    /// Levels of aggregation at most.
    pub max_levels: usize,
}

impl Default for LeidenConfig {
    fn default() -> Self {
        Self { resolution: 1.0, seed: 42, max_levels: 50 }
    }
}

/// Community of every node, numbered 0.. in order of first appearance.
///
/// Like `leidenalg` with `n_iterations=-1`, the algorithm is run again from its own result
/// until modularity stops improving.
pub fn leiden(graph: &Graph, config: &LeidenConfig) -> Vec<u32> {
    let n = graph.nodes();
    if n == 0 {
        return Vec::new();
    }
    let two_m = graph.total_strength();
    if two_m == 0.0 {
        return (0..n as u32).collect();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut membership: Vec<u32> = (0..n as u32).collect();
    let mut quality = modularity(graph, &membership, config.resolution);
    for _ in 0..config.max_levels {
        let next = leiden_pass(graph, membership.clone(), config, two_m, &mut rng);
        let next_quality = modularity(graph, &next, config.resolution);
        if next_quality <= quality + 1e-10 {
            break;
        }
        membership = next;
        quality = next_quality;
    }
    membership
}

fn leiden_pass(graph: &Graph, initial: Vec<u32>, config: &LeidenConfig, two_m: f64, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let n = graph.nodes();
    // `node_of[v]`: which aggregate node original node v sits in.
    let mut node_of: Vec<u32> = (0..n as u32).collect();
    let mut current = graph.clone();
    let mut membership = initial;
    for _ in 0..config.max_levels {
        let changed = move_nodes_fast(&current, &mut membership, config.resolution, two_m, rng);
        let communities = renumber(&mut membership);
        if communities == current.nodes() && !changed {
            break;
        }
        let refined = refine(&current, &membership, config.resolution, two_m, rng);
        let mut refined = refined;
        let refined_count = renumber(&mut refined);
        if refined_count == current.nodes() && communities == current.nodes() {
            break;
        }
        let aggregate = aggregate(&current, &refined, refined_count);
        // Next level starts from the unrefined partition, as Leiden prescribes.
        let mut next_membership = vec![0u32; refined_count];
        for v in 0..current.nodes() {
            next_membership[refined[v] as usize] = membership[v];
        }
        for x in node_of.iter_mut() {
            *x = refined[*x as usize];
        }
        current = aggregate;
        membership = next_membership;
    }
    let mut result: Vec<u32> = node_of.iter().map(|&x| membership[x as usize]).collect();
    renumber(&mut result);
    result
}

fn renumber(membership: &mut [u32]) -> usize {
    let mut map: Vec<u32> = vec![u32::MAX; membership.len().max(1) + membership.iter().copied().max().unwrap_or(0) as usize + 1];
    let mut next = 0u32;
    for m in membership.iter_mut() {
        let slot = &mut map[*m as usize];
        if *slot == u32::MAX {
            *slot = next;
            next += 1;
        }
        *m = *slot;
    }
    next as usize
}

/// Local moving with a queue: only nodes whose neighbourhood changed are revisited.
fn move_nodes_fast(graph: &Graph, membership: &mut [u32], gamma: f64, two_m: f64, rng: &mut ChaCha8Rng) -> bool {
    let n = graph.nodes();
    let mut total = vec![0.0; n];
    let mut size = vec![0u32; n];
    let strength: Vec<f64> = (0..n as u32).map(|v| graph.strength(v)).collect();
    for v in 0..n {
        total[membership[v] as usize] += strength[v];
        size[membership[v] as usize] += 1;
    }
    let mut empties: Vec<u32> = (0..n as u32).filter(|c| size[*c as usize] == 0).collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    let mut queue: VecDeque<u32> = order.into();
    let mut queued = vec![true; n];
    let mut weight_to = vec![0.0; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut changed = false;
    while let Some(v) = queue.pop_front() {
        queued[v as usize] = false;
        let own = membership[v as usize];
        let k = strength[v as usize];
        for &(u, w) in graph.neighbors(v) {
            if u == v {
                continue;
            }
            let c = membership[u as usize];
            if weight_to[c as usize] == 0.0 {
                touched.push(c);
            }
            weight_to[c as usize] += w;
        }
        total[own as usize] -= k;
        let mut best = own;
        let mut best_gain = weight_to[own as usize] - gamma * k * total[own as usize] / two_m;
        for &c in &touched {
            let gain = weight_to[c as usize] - gamma * k * total[c as usize] / two_m;
            if gain > best_gain + 1e-12 {
                best_gain = gain;
                best = c;
            }
        }
        // An empty community beats them all when every gain is negative.
        if best_gain < -1e-12 && size[own as usize] > 1 {
            while let Some(empty) = empties.pop() {
                if size[empty as usize] == 0 {
                    best = empty;
                    break;
                }
            }
        }
        total[best as usize] += k;
        size[own as usize] -= 1;
        size[best as usize] += 1;
        if size[own as usize] == 0 {
            empties.push(own);
        }
        for &c in &touched {
            weight_to[c as usize] = 0.0;
        }
        touched.clear();
        if best != own {
            membership[v as usize] = best;
            changed = true;
            for &(u, _) in graph.neighbors(v) {
                if u != v && !queued[u as usize] && membership[u as usize] != best {
                    queued[u as usize] = true;
                    queue.push_back(u);
                }
            }
        }
    }
    changed
}

/// Splits each community into well-connected sub-communities (the Leiden refinement).
fn refine(graph: &Graph, membership: &[u32], gamma: f64, two_m: f64, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let n = graph.nodes();
    let strength: Vec<f64> = (0..n as u32).map(|v| graph.strength(v)).collect();
    let mut community_total = vec![0.0; n];
    for v in 0..n {
        community_total[membership[v] as usize] += strength[v];
    }
    // Weight from each node to the rest of its own community.
    let mut to_own = vec![0.0; n];
    for v in 0..n as u32 {
        for &(u, w) in graph.neighbors(v) {
            if u != v && membership[u as usize] == membership[v as usize] {
                to_own[v as usize] += w;
            }
        }
    }
    let mut refined: Vec<u32> = (0..n as u32).collect();
    let mut refined_total = strength.clone();
    // Weight from each refined community to the rest of its community.
    let mut refined_external = to_own.clone();
    let mut refined_size = vec![1u32; n];
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    let mut weight_to = vec![0.0; n];
    let mut touched: Vec<u32> = Vec::new();
    for v in order {
        let vi = v as usize;
        if refined_size[refined[vi] as usize] != 1 {
            continue;
        }
        let c = membership[vi];
        let k = strength[vi];
        let big = community_total[c as usize];
        if to_own[vi] < gamma * k * (big - k) / two_m {
            continue;
        }
        for &(u, w) in graph.neighbors(v) {
            if u != v && membership[u as usize] == c {
                let r = refined[u as usize];
                if weight_to[r as usize] == 0.0 {
                    touched.push(r);
                }
                weight_to[r as usize] += w;
            }
        }
        let mut best = refined[vi];
        let mut best_gain = 0.0;
        for &r in &touched {
            if r == refined[vi] {
                continue;
            }
            let kr = refined_total[r as usize];
            if refined_external[r as usize] < gamma * kr * (big - kr) / two_m {
                continue;
            }
            let gain = weight_to[r as usize] - gamma * k * kr / two_m;
            if gain > best_gain + 1e-12 {
                best_gain = gain;
                best = r;
            }
        }
        if best != refined[vi] {
            let old = refined[vi];
            refined_total[old as usize] -= k;
            refined_total[best as usize] += k;
            // v's links into `best` become internal; its other links to the community are external.
            refined_external[best as usize] += to_own[vi] - 2.0 * weight_to[best as usize];
            refined_external[old as usize] = 0.0;
            refined_size[old as usize] -= 1;
            refined_size[best as usize] += 1;
            refined[vi] = best;
        }
        for &r in &touched {
            weight_to[r as usize] = 0.0;
        }
        touched.clear();
    }
    refined
}

fn aggregate(graph: &Graph, partition: &[u32], count: usize) -> Graph {
    let mut out = Graph::new(count);
    for v in 0..graph.nodes() as u32 {
        let cv = partition[v as usize];
        for &(u, w) in graph.neighbors(v) {
            let cu = partition[u as usize];
            // Each undirected edge is seen from both ends; a self loop once, already doubled.
            push_or_add(&mut out.adjacency[cv as usize], cu, w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_cliques() -> Graph {
        let mut g = Graph::new(8);
        for a in 0..4 {
            for b in a + 1..4 {
                g.add_edge(a, b, 1.0);
                g.add_edge(a + 4, b + 4, 1.0);
            }
        }
        g.add_edge(0, 4, 1.0);
        g
    }

    #[test]
    fn finds_two_cliques() {
        let m = leiden(&two_cliques(), &LeidenConfig::default());
        assert_eq!(m[0..4], [m[0]; 4]);
        assert_eq!(m[4..8], [m[4]; 4]);
        assert_ne!(m[0], m[4]);
    }

    #[test]
    fn modularity_of_known_partition() {
        let g = two_cliques();
        // 13 edges, m = 13; each clique: internal 2*6 = 12, total 13.
        let q = modularity(&g, &[0, 0, 0, 0, 1, 1, 1, 1], 1.0);
        let expected = 2.0 * (12.0 - 13.0 * 13.0 / 26.0) / 26.0;
        assert!((q - expected).abs() < 1e-12);
    }

    #[test]
    fn empty_and_edgeless_graphs() {
        assert!(leiden(&Graph::new(0), &LeidenConfig::default()).is_empty());
        assert_eq!(leiden(&Graph::new(3), &LeidenConfig::default()), vec![0, 1, 2]);
    }
}
