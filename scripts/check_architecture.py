#!/usr/bin/env python3
"""The README's architecture table must match the code: for every crate, the disrupt crates
it depends on (normal dependencies) are exactly those the table lists. Run by .ci/run."""
import glob
import os
import re
import sys

readme = open("README.md", encoding="utf-8").read()
table = readme.split("## Architecture", 1)[1]
listed = {}
for row in re.findall(r"^\| `(disrupt-[a-z-]+)` \|[^|]*\| ([^|]*) \|$", table, re.M):
    crate, deps = row
    listed[crate] = {d.strip() for d in deps.split(",") if d.strip() and d.strip() != "(none)"}

failed = False
for manifest in sorted(glob.glob("crates/*/Cargo.toml")):
    crate = os.path.basename(os.path.dirname(manifest))
    text = open(manifest, encoding="utf-8").read()
    section = re.search(r"^\[dependencies\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    actual = set(re.findall(r"^disrupt-([a-z-]+)", section.group(1) if section else "", re.M))
    if crate not in listed:
        print(f"README's architecture table has no row for {crate}")
        failed = True
    elif listed[crate] != actual:
        print(f"{crate}: README says {sorted(listed[crate])}, Cargo.toml has {sorted(actual)}")
        failed = True
for crate in sorted(set(listed) - {os.path.basename(os.path.dirname(m)) for m in glob.glob("crates/*/Cargo.toml")}):
    print(f"README's architecture table lists {crate}, which is not a crate")
    failed = True
sys.exit(1 if failed else 0)
