#!/usr/bin/env python3
"""CooRTweet's German election data (../shared/data/coortweet/german_elections.csv: one row
per (post, shared object), ids anonymised, no text) as canonical JSON Lines: one post per
post id with all its links and hashtags. Links become https://dDOMAIN.example/URL so that
the site of each link is its domain id. Real, unlabelled: there is no truth to score.

Usage: bench/coortweet_german.py CSV > german.jsonl
"""
import csv
import json
import sys


def main():
    posts = {}
    with open(sys.argv[1], encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            p = posts.get(r["post_id"])
            if p is None:
                facebook = r["account_id"].startswith("fb_")
                p = {"kind": "post", "id": ("fb:" if facebook else "x:") + r["post_id"], "account": r["account_id"],
                     "platform": "facebook" if facebook else "x", "created_at": int(r["timestamp"]), "text": "",
                     "urls": set(), "hashtags": set()}
                posts[r["post_id"]] = p
            if r["url_id"]:
                p["urls"].add("https://d%s.example/%s" % (r["domain_id"] or 0, r["url_id"]))
            if r["hashtag_id"]:
                p["hashtags"].add("h" + r["hashtag_id"])
    out = sys.stdout
    for p in posts.values():
        p["urls"], p["hashtags"] = sorted(p["urls"]), sorted(p["hashtags"])
        out.write(json.dumps(p) + "\n")
    print(f"coortweet_german: {len(posts)} posts", file=sys.stderr)


if __name__ == "__main__":
    main()
