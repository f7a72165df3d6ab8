"""The datasketch peer: MinHashLSH near-duplicate detection over every post's word set
(threshold 0.6, 128 permutations, as disrupt's near_duplicate default threshold), then the
accounts that posted a confirmed near-duplicate of another account's post. No time window:
datasketch has none. Prints one JSON line: pairs found and the accounts flagged."""
import json
import re
import sys

from datasketch import MinHash, MinHashLSH

posts = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        if r.get("kind") == "post" and "repost_of" not in r:
            words = set(re.findall(r"\w+", re.sub(r"https?://\S+", " ", r["text"]).lower()))
            if len(words) >= 4:
                posts.append((r["account"], words))
lsh = MinHashLSH(threshold=0.6, num_perm=128)
sigs = []
for i, (_, words) in enumerate(posts):
    m = MinHash(num_perm=128, seed=1)
    m.update_batch([w.encode("utf-8") for w in words])
    sigs.append(m)
    lsh.insert(i, m)
flagged = set()
pairs = 0
for i, m in enumerate(sigs):
    for j in lsh.query(m):
        if j > i and posts[i][0] != posts[j][0]:
            a, b = posts[i][1], posts[j][1]
            if len(a & b) / len(a | b) >= 0.6:
                pairs += 1
                flagged.add(posts[i][0])
                flagged.add(posts[j][0])
print(json.dumps({"pairs": pairs, "flagged": sorted(flagged)}))
