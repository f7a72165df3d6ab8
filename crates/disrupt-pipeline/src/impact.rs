//! The assess stage's input: each network's engagement counts, an organic sample, and the
//! reactions to its posts, gathered from the post store for [`disrupt_report::impact`].

use disrupt_evidence::{AccountInfo, Engagement, PostStore};
use disrupt_model::{Network, ReactionCounts, Reactions};
use disrupt_report::{ImpactSettings, OrganicSample};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Organic posts whose counts are read for the baseline: every k-th, at most this many.
const ORGANIC_SAMPLE: usize = 50_000;

/// Sets every network's `impact`. Posts are the store's first `public_posts` records.
pub fn attach_impact(networks: &mut [Network], accounts: &[AccountInfo], posts: &PostStore, public_posts: usize, settings: ImpactSettings) {
    if networks.is_empty() {
        return;
    }
    let member: FxHashMap<&str, u32> =
        networks.iter().enumerate().flat_map(|(n, net)| net.accounts.iter().map(move |a| (a.as_str(), n as u32))).collect();
    // Each account's network, by account number (u32::MAX: none).
    let network_of: Vec<u32> = accounts.iter().map(|a| member.get(a.id.as_str()).copied().unwrap_or(u32::MAX)).collect();
    let authors = &posts.accounts()[..public_posts.min(posts.accounts().len())];
    let of = |p: usize| network_of.get(authors[p] as usize).copied().unwrap_or(u32::MAX);
    let mut by_network: Vec<Vec<u32>> = vec![Vec::new(); networks.len()];
    let mut organic = 0usize;
    for p in 0..authors.len() {
        match of(p) {
            u32::MAX => organic += 1,
            n => by_network[n as usize].push(p as u32),
        }
    }
    // The organic baseline: every k-th organic post, in store order.
    let step = organic.div_ceil(ORGANIC_SAMPLE).max(1);
    let sampled: Vec<u32> = (0..authors.len()).filter(|&p| of(p) == u32::MAX).step_by(step).map(|p| p as u32).collect();
    let sample: Vec<Engagement> = sampled.par_iter().filter_map(|&p| posts.get(p).ok()).map(|info| info.engagement).collect();
    // The networks' posts: their counts, and their ids, which reactions name.
    let mut network_counts = Vec::with_capacity(networks.len());
    let mut post_network: FxHashMap<String, u32> = FxHashMap::default();
    for (n, list) in by_network.iter().enumerate() {
        let read: Vec<(String, Engagement)> =
            list.par_iter().filter_map(|&p| posts.get(p).ok()).map(|info| (info.id, info.engagement)).collect();
        network_counts.push(read.iter().map(|(_, c)| *c).collect::<Vec<Engagement>>());
        post_network.extend(read.into_iter().map(|(id, _)| (id, n as u32)));
    }
    let reactions = if post_network.is_empty() {
        vec![Reactions::default(); networks.len()]
    } else {
        reactions(networks.len(), posts, authors, &of, &post_network)
    };
    for (n, net) in networks.iter_mut().enumerate() {
        let organic = OrganicSample { organic_posts: organic, sample: &sample };
        net.impact = Some(disrupt_report::impact(by_network[n].len(), &network_counts[n], Some(organic), reactions[n], settings));
    }
}

/// Reposts, replies and quotes of each network's posts, by its members and by outsiders:
/// one pass over every post's targets.
fn reactions(
    networks: usize,
    posts: &PostStore,
    authors: &[u32],
    network_of_post: &(impl Fn(usize) -> u32 + Sync),
    post_network: &FxHashMap<String, u32>,
) -> Vec<Reactions> {
    type Tally = (Vec<Reactions>, Vec<FxHashSet<u32>>);
    let (mut tallies, outsiders): Tally = (0..authors.len())
        .into_par_iter()
        .with_min_len(4096)
        .fold(
            || (vec![Reactions::default(); networks], vec![FxHashSet::default(); networks]),
            |(mut r, mut outside), p| {
                let reacting_network = network_of_post(p);
                let _ = posts.with_targets(p as u32, |targets| {
                    for (kind, target) in targets.into_iter().enumerate() {
                        let Some(&n) = target.and_then(|t| post_network.get(t)) else { continue };
                        let tally = &mut r[n as usize];
                        let counts: &mut ReactionCounts = if reacting_network == n {
                            &mut tally.by_members
                        } else {
                            outside[n as usize].insert(authors[p]);
                            &mut tally.by_outsiders
                        };
                        match kind {
                            0 => counts.reposts += 1,
                            1 => counts.replies += 1,
                            _ => counts.quotes += 1,
                        }
                    }
                });
                (r, outside)
            },
        )
        .reduce(
            || (vec![Reactions::default(); networks], vec![FxHashSet::default(); networks]),
            |(mut r, mut outside), (r2, outside2)| {
                for (a, b) in r.iter_mut().zip(r2) {
                    for (x, y) in [(&mut a.by_members, b.by_members), (&mut a.by_outsiders, b.by_outsiders)] {
                        x.reposts += y.reposts;
                        x.replies += y.replies;
                        x.quotes += y.quotes;
                    }
                }
                for (a, b) in outside.iter_mut().zip(outside2) {
                    a.extend(b);
                }
                (r, outside)
            },
        );
    for (t, o) in tallies.iter_mut().zip(outsiders) {
        t.outside_accounts = o.len();
    }
    tallies
}
