//! Impact per network: engagement distributions, breakout posts, the organic baseline and
//! self-amplification ([`disrupt_model::Impact`]).

use disrupt_model::{Baseline, Distribution, Engagement, Impact, Reactions};
use std::collections::BTreeMap;

/// How impact is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImpactSettings {
    /// A post breaks out when its shares plus comments exceed this (the public reports'
    /// "more than 300 shares or comments").
    pub breakout_threshold: u64,
}

impl Default for ImpactSettings {
    fn default() -> Self {
        ImpactSettings { breakout_threshold: 300 }
    }
}

/// The organic posts of the input: how many there are, and a sample of their counts.
#[derive(Debug, Clone, Copy)]
pub struct OrganicSample<'a> {
    /// Organic posts in all.
    pub organic_posts: usize,
    /// The sampled posts' counts.
    pub sample: &'a [Engagement],
}

/// The distribution of `values` (sorted here); `None` when empty. Percentiles are nearest
/// rank: the smallest value at or above that share of the posts.
pub fn distribution(values: &mut [u64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let rank = |q: f64| values[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    Some(Distribution {
        posts: n,
        total: values.iter().fold(0u64, |t, v| t.saturating_add(*v)),
        median: rank(0.5),
        p90: rank(0.9),
        p99: rank(0.99),
        max: values[n - 1],
    })
}

/// Each count's distribution over the posts that have it.
fn engagement(posts: &[Engagement]) -> BTreeMap<String, Distribution> {
    let mut by_name: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for p in posts {
        for (name, value) in p.named() {
            if let Some(v) = value {
                by_name.entry(name).or_default().push(v);
            }
        }
    }
    by_name.into_iter().filter_map(|(name, mut values)| distribution(&mut values).map(|d| (name.to_string(), d))).collect()
}

/// Posts with metrics, and those past the threshold.
fn breakouts(posts: &[Engagement], threshold: u64) -> (usize, usize) {
    let with = posts.iter().filter(|p| p.is_known()).count();
    let over = posts.iter().filter(|p| p.spread().is_some_and(|s| s > threshold)).count();
    (with, over)
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// `1,204`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p == 0.0 {
        "0%".into()
    } else if p < 0.1 {
        "under 0.1%".into()
    } else if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// A network's impact: `posts` public posts by its members, `network_posts` their counts
/// (one per post), the organic sample, and the reactions found in the input.
pub fn impact(
    posts: usize,
    network_posts: &[Engagement],
    organic: Option<OrganicSample<'_>>,
    reactions: Reactions,
    settings: ImpactSettings,
) -> Impact {
    let threshold = settings.breakout_threshold;
    let (with_metrics, over) = breakouts(network_posts, threshold);
    let engagement = engagement(network_posts);
    let baseline = organic.filter(|o| !o.sample.is_empty()).map(|o| {
        let (with, over) = breakouts(o.sample, threshold);
        Baseline {
            organic_posts: o.organic_posts,
            sampled: o.sample.len(),
            posts_with_metrics: with,
            engagement: self::engagement(o.sample),
            share_over_threshold: share(over, with),
        }
    });
    let mut parts = Vec::new();
    if with_metrics == 0 {
        parts.push(format!("no engagement counts in the input for its {} posts", thousands(posts)));
    } else {
        let organic_share = baseline
            .as_ref()
            .filter(|b| b.posts_with_metrics > 0)
            .map(|b| format!(" (organic posts: {})", percent(b.share_over_threshold)));
        parts.push(format!(
            "{} of {} posts got more than {threshold} shares and comments{}",
            thousands(over),
            thousands(with_metrics),
            organic_share.unwrap_or_default()
        ));
        // The most telling count the input has: views, else likes, else shares.
        if let Some((name, d)) = ["views", "likes", "shares"].iter().find_map(|n| engagement.get(*n).map(|d| (*n, d))) {
            let organic = baseline.as_ref().and_then(|b| b.engagement.get(name)).map(|b| format!(" (organic {})", b.median));
            parts.push(format!("median {} {name}{}, max {}", d.median, organic.unwrap_or_default(), d.max));
        }
    }
    let (inside, outside) = (reactions.by_members.total(), reactions.by_outsiders.total());
    if inside + outside > 0 {
        parts.push(format!(
            "members made {} of the {} reposts, replies and quotes of its posts in the input ({} outside accounts made the rest)",
            thousands(inside as usize),
            thousands((inside + outside) as usize),
            thousands(reactions.outside_accounts)
        ));
    }
    Impact {
        posts,
        posts_with_metrics: with_metrics,
        engagement,
        breakout_threshold: threshold,
        posts_over_threshold: over,
        share_over_threshold: share(over, with_metrics),
        baseline,
        reactions,
        summary: parts.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use disrupt_model::ReactionCounts;
    use proptest::prelude::*;

    fn post(likes: u64, shares: u64, comments: u64) -> Engagement {
        Engagement { likes: Some(likes), shares: Some(shares), comments: Some(comments), views: None }
    }

    #[test]
    fn most_posts_fail_and_the_line_says_so() {
        // 1,204 posts: three broke out, the rest got almost nothing.
        let mut posts: Vec<Engagement> = (0..1201).map(|i| post(i % 5, 0, i % 2)).collect();
        posts.extend([post(900, 250, 80), post(5000, 4000, 900), post(70, 300, 1)]);
        let organic: Vec<Engagement> = (0..1000).map(|i| post(i % 9, i % 3, 0)).collect();
        let reactions = Reactions {
            by_members: ReactionCounts { reposts: 40, replies: 0, quotes: 0 },
            by_outsiders: ReactionCounts { reposts: 2, replies: 9, quotes: 1 },
            outside_accounts: 7,
        };
        let i = impact(1204, &posts, Some(OrganicSample { organic_posts: 50_000, sample: &organic }), reactions, ImpactSettings::default());
        assert_eq!(i.posts_over_threshold, 3);
        assert!(i.summary.starts_with("3 of 1,204 posts got more than 300 shares and comments (organic posts: 0%)"), "{}", i.summary);
        assert!(i.summary.contains("median 2 likes (organic 4), max 5000"), "{}", i.summary);
        assert!(i.summary.contains("members made 40 of the 52 reposts"), "{}", i.summary);
        let likes = i.engagement["likes"];
        assert_eq!((likes.posts, likes.max), (1204, 5000));
        assert!(!i.engagement.contains_key("views"), "a count no post has is absent");
        assert_eq!(i.baseline.unwrap().sampled, 1000);
    }

    #[test]
    fn posts_without_counts_are_said_to_have_none() {
        let i = impact(12, &[Engagement::default(); 12], None, Reactions::default(), ImpactSettings::default());
        assert_eq!(i.summary, "no engagement counts in the input for its 12 posts");
        assert_eq!((i.posts_with_metrics, i.share_over_threshold), (0, 0.0));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let d = distribution(&mut (1..=100).collect::<Vec<u64>>()).unwrap();
        assert_eq!((d.median, d.p90, d.p99, d.max, d.total), (50, 90, 99, 100, 5050));
        let one = distribution(&mut [7]).unwrap();
        assert_eq!((one.median, one.p99), (7, 7));
        assert!(distribution(&mut []).is_none());
    }

    proptest! {
        #[test]
        fn percentiles_are_ordered_values_of_the_data(mut values in proptest::collection::vec(0u64..1_000_000, 1..300)) {
            let d = distribution(&mut values.clone()).unwrap();
            values.sort_unstable();
            prop_assert!(d.median <= d.p90 && d.p90 <= d.p99 && d.p99 <= d.max);
            prop_assert!(values.binary_search(&d.median).is_ok() && values.binary_search(&d.p90).is_ok());
            prop_assert_eq!(d.max, *values.last().unwrap());
            prop_assert_eq!(d.posts, values.len());
        }
    }
}
