//! Each network's public posts and their languages, for `networks.json`'s `posts` and
//! `languages`.

use disrupt_evidence::{AccountInfo, PostStore};
use disrupt_model::Network;

/// Each network's public posts, and their languages (given or detected; `und` when
/// neither), in one pass over the posts.
pub fn count_posts_and_languages(
    networks: &mut [Network],
    accounts: &[AccountInfo],
    posts: &PostStore,
    public_posts: usize,
    detected_langs: &rustc_hash::FxHashMap<u32, String>,
) {
    // Each member's network by dense account number, so a post finds its network in a
    // small table keyed by its author's number rather than by hashing the author's id (a
    // million lookups at a million posts). Members only: a vector over every account would
    // take memory the scan's last stages do not have to spare under a tight limit.
    let mut network_by_id: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (i, n) in networks.iter().enumerate() {
        for a in &n.accounts {
            network_by_id.insert(a.as_str(), i);
        }
    }
    let network_of: rustc_hash::FxHashMap<u32, usize> =
        accounts.iter().enumerate().filter_map(|(number, a)| network_by_id.get(a.id.as_str()).map(|&i| (number as u32, i))).collect();
    let mut langs: Vec<std::collections::BTreeMap<String, usize>> = vec![Default::default(); networks.len()];
    // Posts only: the generation records and messages after them are not public posts.
    for (p, &account) in posts.accounts().iter().enumerate().take(public_posts) {
        if let Some(&i) = network_of.get(&account) {
            let lang = detected_langs.get(&(p as u32)).cloned().or_else(|| posts.get(p as u32).ok().and_then(|post| post.lang));
            *langs[i].entry(lang.unwrap_or_else(|| "und".into())).or_default() += 1;
        }
    }
    for (n, langs) in networks.iter_mut().zip(langs) {
        n.posts = langs.values().sum();
        n.languages = langs;
    }
}
