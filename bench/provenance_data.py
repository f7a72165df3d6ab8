"""Writes a provenance benchmark set: N generation outputs (batches of 5) and N posts, a tenth
of them copies of an output under one of the disguises the link stage must see through.
Usage: python3 bench/provenance_data.py N OUT_DIR  (writes records.jsonl, provenance_truth.jsonl)"""
import json, os, random, sys

n = int(sys.argv[1]); out = sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(42)
# A Zipf-like vocabulary of 50,000 pseudo-words.
vocab = ["w%x" % i for i in range(50_000)]
def sentence():
    return " ".join(vocab[int(rng.random() ** 3 * len(vocab))] for _ in range(rng.randint(12, 28))) + "."
start = 1_772_409_600  # 2026-03-02
def ts(s):
    import datetime
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
disguises = ["exact", "homoglyph", "invisible", "emoji_hashtag", "tracking_params", "edited_words", "truncated", "prefix_suffix"]
homo = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "x": "\u0445"}
def disguise(text, d):
    words = text.split(" ")
    if d == "homoglyph":
        return "".join(homo.get(c, c) if rng.random() < 0.4 else c for c in text)
    if d == "invisible":
        return "".join(c + ("\u200b" if c.isalpha() and rng.random() < 0.12 else "") for c in text)
    if d == "emoji_hashtag":
        return "\U0001F525 " + text + " #news \U0001F525"
    if d == "tracking_params":
        return text + " https://x.example.net/a?utm_source=tw&fbclid=IwAR%d" % rng.randint(0, 10**6)
    if d == "edited_words":
        for _ in range(rng.randint(1, 3)):
            words[rng.randrange(len(words))] = vocab[rng.randrange(len(vocab))]
        return " ".join(words)
    if d == "truncated":
        return " ".join(words[: int(len(words) * rng.uniform(0.6, 0.75)) + 1]) + "\u2026"
    if d == "prefix_suffix":
        return "BREAKING: " + text if rng.random() < 0.5 else text + " (sent from my phone)"
    return text
outputs = []
with open(os.path.join(out, "records.jsonl"), "w") as f, open(os.path.join(out, "provenance_truth.jsonl"), "w") as t:
    for g in range(n // 5):
        texts = [sentence() for _ in range(5)]
        when = start + rng.randrange(7 * 86400)
        gid = "gen-%d" % g
        f.write(json.dumps({"kind": "generation", "id": gid, "account": "ai:acct-%d" % (g % 20000), "created_at": ts(when), "prompt": "Write five posts", "outputs": texts}) + "\n")
        for k, x in enumerate(texts):
            outputs.append((gid, k, x, when))
    for p in range(n):
        if p % 10 == 0:
            gid, k, x, when = outputs[rng.randrange(len(outputs))]
            d = disguises[(p // 10) % len(disguises)]
            text = disguise(x, d)
            posted = when + rng.randint(60, 3600)
            t.write(json.dumps({"post": "x:p%d" % p, "generation": gid, "output": k, "perturbation": d}) + "\n")
        else:
            text = sentence()
            posted = start + rng.randrange(7 * 86400)
        f.write(json.dumps({"kind": "post", "id": "x:p%d" % p, "account": "x:%d" % rng.randrange(200_000), "platform": "x", "created_at": ts(posted), "text": text}) + "\n")
