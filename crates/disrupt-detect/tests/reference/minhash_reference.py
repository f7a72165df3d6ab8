"""Reference near-duplicate pairs for disrupt's MinHash LSH test, from `datasketch` (PyPI).

Reads the first 3,000 messages of the SMS Spam Collection (../shared/data/sms-spam-collection,
real text with many templated near-duplicates), splits each into lower-case word sets, and
writes minhash_reference.json with: the word sets, every pair whose exact Jaccard similarity
is at least 0.6 (the truth), and the pairs datasketch's MinHashLSH (threshold 0.6, 128
permutations) returns as candidates and confirms. Regenerate with:
  pip install datasketch && python3 minhash_reference.py PATH/TO/SMSSpamCollection
"""
import itertools
import json
import re
import sys

import datasketch

THRESHOLD = 0.6
path = sys.argv[1]
docs = []
with open(path, encoding="utf-8", errors="replace") as f:
    for line in f:
        _, _, text = line.rstrip("\n").partition("\t")
        words = sorted(set(re.findall(r"\w+", text.lower())))
        if len(words) >= 4:
            docs.append(words)
        if len(docs) == 3000:
            break

def jaccard(a, b):
    a, b = set(a), set(b)
    return len(a & b) / len(a | b)

truth = []
for i, j in itertools.combinations(range(len(docs)), 2):
    a, b = docs[i], docs[j]
    small, large = sorted((len(a), len(b)))
    if small < THRESHOLD * large:
        continue
    if docs[i] != docs[j] and jaccard(a, b) >= THRESHOLD:
        truth.append([i, j])

lsh = datasketch.MinHashLSH(threshold=THRESHOLD, num_perm=128)
hashes = []
for i, words in enumerate(docs):
    m = datasketch.MinHash(num_perm=128, seed=1)
    for w in words:
        m.update(w.encode("utf-8"))
    hashes.append(m)
    lsh.insert(str(i), m)
found = set()
for i, m in enumerate(hashes):
    for key in lsh.query(m):
        j = int(key)
        if i < j and docs[i] != docs[j] and jaccard(docs[i], docs[j]) >= THRESHOLD:
            found.add((i, j))

json.dump({"generator": f"datasketch {datasketch.__version__}", "threshold": THRESHOLD, "docs": docs,
           "truth_pairs": truth, "datasketch_pairs": sorted(found)}, open("minhash_reference.json", "w"))
print(f"{len(docs)} docs, {len(truth)} true pairs, datasketch recalled {len(found)} ({len(found) / max(1, len(truth)):.4f})")
