"""Turns one size's timings and flagged-account lists into a Markdown table: wall time,
peak RSS, recall of planted operation accounts and organic accounts flagged."""
import json
import sys

d, posts, times = sys.argv[1], int(sys.argv[2]), sys.argv[3]
labels = {}
for line in open(f"{d}/sim/labels.jsonl"):
    r = json.loads(line)
    labels[r["account"]] = r["operation"] != "organic"
ops = sum(labels.values())
organic = len(labels) - ops

def score(flagged):
    tp = sum(1 for a in flagged if labels.get(a))
    fp = sum(1 for a in flagged if a in labels and not labels[a])
    return f"{tp / ops:.3f}", f"{fp}"

measured = {}
for line in open(times):
    label, secs, kib, *status = line.split()
    measured[label] = (float(secs), int(kib), status[0] if status else "ok")

def ended(label):
    """How a step ended, for the recall column of a step that did not finish."""
    s, _, status = measured[label]
    if status == "timeout":
        return f"did not finish in {s:.0f} s"
    if status == "oom":
        return "ran out of memory (address-space limit)"
    return None

rows = []
ev = json.load(open(f"{d}/disrupt-eval.json"))
s, k, _ = measured["disrupt_scan"]
rows.append(("disrupt scan (all six signals, networks, outputs)", s, k, f"{ev['recall']:.3f}", str(ev["false_positives"])))
s, k, _ = measured["toolkit_preprocess"]
rows.append(("toolkit preprocess", s, k, ended("toolkit_preprocess") or "", ""))
for net in ["co_tweet", "co_similar_tweet", "co_retweet", "co_link", "co_link_fixed"]:
    label = f"toolkit_{net}"
    if label not in measured:
        continue
    s, k, _ = measured[label]
    name = "co_link with the empty-URL fix" if net == "co_link_fixed" else net
    if ended(label):
        rows.append((f"toolkit {name}", s, k, ended(label), ""))
        continue
    flagged = json.load(open(f"{d}/toolkit-{net}.json"))["flagged"]
    r, f = score(flagged)
    rows.append((f"toolkit {name}", s, k, r, f))
four = ["toolkit_preprocess", "toolkit_co_tweet", "toolkit_co_similar_tweet", "toolkit_co_retweet", "toolkit_co_link"]
if all(k in measured for k in four):
    total = sum(measured[k][0] for k in four)
    unfinished = any(ended(k) for k in four)
    rows.append(("toolkit preprocess + four networks", total, max(measured[k][1] for k in measured if k.startswith("toolkit")), "at least (a step did not finish)" if unfinished else "", ""))
if "datasketch_lsh" in measured:
    s, k, _ = measured["datasketch_lsh"]
    if ended("datasketch_lsh"):
        rows.append(("datasketch MinHashLSH near-duplicates (no time window)", s, k, ended("datasketch_lsh"), ""))
    else:
        r, f = score(json.load(open(f"{d}/datasketch.json"))["flagged"])
        rows.append(("datasketch MinHashLSH near-duplicates (no time window)", s, k, r, f))

print(f"\n### {posts:,} posts ({len(labels):,} accounts, {ops} in planted operations)\n")
print("| run | wall time (s) | peak RSS (MiB) | recall of operation accounts | organic accounts flagged |")
print("|---|---|---|---|---|")
for name, s, k, r, f in rows:
    # A step killed at its time limit reports the peak of the `timeout` wrapper, not its own.
    peak = "" if r.startswith("did not finish") else f"{k / 1024:.0f}"
    print(f"| {name} | {s:.2f} | {peak} | {r} | {f} |")
