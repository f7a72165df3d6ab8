//! Self-calibration: what chance alone would flag at the scan's settings, on the scan's own
//! data and without labels. The behavioural detectors and the network stage run again on
//! placebos of the input ([`disrupt_detect::Placebo`]): every account's timeline moved by
//! its own random offset, so that no coordination is left while each account's habits and
//! each key's popularity stay. A pair whose offsets landed within a window of each other
//! kept whatever coordination it had, so its evidence is set aside; whatever else a placebo
//! flags is chance, and the average over the runs estimates the false accounts and networks
//! of the real scan.

use crate::settings::ScanConfig;
use disrupt_detect::DetectInput;
use disrupt_model::Calibration;
use std::collections::{BTreeMap, BTreeSet};

/// Three days: under that a shift moves timelines by hours, and the estimate is weak.
const WEAK_SPAN_MS: i64 = 3 * 86_400_000;

/// Runs `runs` placebos of `input` at `config`'s settings. The estimate is weak (and says
/// why) when the data spans less than three days or a placebo could not be made (state
/// that went to disk is not copied).
pub fn calibrate(input: &DetectInput, config: &ScanConfig, runs: u32) -> std::io::Result<Calibration> {
    let mut flagged_total = 0.0;
    let mut networks_total = 0.0;
    let mut by_signal: BTreeMap<String, f64> = BTreeMap::new();
    let mut done = 0u32;
    let widest = config.detect.enabled_behavioural().iter().map(|s| config.detect.windows(s.signal()).window_ms).max().unwrap_or(0);
    for run in 0..runs {
        let Some(placebo) = input.placebo(u64::from(run) + 1) else { break };
        let mut detection = disrupt_detect::detect(&placebo.input, &config.detect)?;
        // Pairs the placebo left aligned are not chance: their evidence is set aside.
        let aligned = |a: u32, b: u32| placebo.aligned(a, b, widest);
        for (_, report) in &mut detection.signals {
            for p in report.pairs.iter_mut().filter(|p| aligned(p.a, p.b)) {
                p.significant = false;
            }
        }
        for p in detection.fused.pairs.iter_mut().filter(|p| aligned(p.a, p.b)) {
            p.significant = false;
        }
        let (accounts, times) = (placebo.input.accounts(), placebo.input.times());
        detection.periphery.retain(|m| {
            let (a, b) = (accounts.get(m.a as usize).copied().unwrap_or(0), accounts.get(m.b as usize).copied().unwrap_or(0));
            !aligned(a, b)
        });
        let formed = disrupt_networks::form_networks(&detection, accounts, times, &config.detect, &config.networks);
        let flagged: BTreeSet<u32> = formed.flagged().collect();
        flagged_total += flagged.len() as f64;
        networks_total += formed.networks() as f64;
        for (signal, report) in &detection.signals {
            let accounts: BTreeSet<u32> =
                report.pairs.iter().filter(|p| p.significant).flat_map(|p| [p.a, p.b]).filter(|a| flagged.contains(a)).collect();
            *by_signal.entry(signal.as_str().to_string()).or_insert(0.0) += accounts.len() as f64;
        }
        done += 1;
    }
    let n = f64::from(done.max(1));
    for v in by_signal.values_mut() {
        *v /= n;
    }
    let (first, last) = (0..input.len() as u32).fold((i64::MAX, i64::MIN), |(lo, hi), p| (lo.min(input.time(p)), hi.max(input.time(p))));
    let short = last.saturating_sub(first) < WEAK_SPAN_MS;
    let mut notes = vec![
        "only the behavioural signals and the group test are re-run: links that content makes (provenance, scam scripts, payments, \
         contacts, infrastructure) have no timing a placebo could destroy, and are not estimated"
            .to_string(),
        "moving timelines keeps each account's habits and each key's popularity but scatters the bursts that outside events \
         cause (breaking news, a goal): false accounts those bursts would make are not estimated"
            .to_string(),
    ];
    if short {
        notes.push("the data spans less than three days: the estimate is weak".to_string());
    }
    if done < runs {
        notes.push(format!("{} of {runs} placebo runs were made: detector state went to disk, and placebos are made in memory", done));
    }
    Ok(Calibration {
        runs: done,
        expected_false_accounts: flagged_total / n,
        expected_false_networks: networks_total / n,
        by_signal,
        method: "placebos of the input: every account's timeline moved by its own random offset within the data's span; the scan's \
                 detectors and network stage run on each, pairs whose offsets landed within twice the widest window of each other set \
                 aside, and what they flag averaged"
            .to_string(),
        weak: short || done < runs || done == 0,
        notes,
    })
}
