#!/usr/bin/env python3
"""Fails when two top-level modules of a crate import each other, directly or through
others (`use crate::x` in code, not in comments or tests). Run by .ci/run."""
import glob
import os
import re
import sys

found = False
for crate in sorted(glob.glob("crates/*/src")):
    uses = {}
    for path in glob.glob(crate + "/**/*.rs", recursive=True):
        module = os.path.relpath(path, crate).split("/")[0].removesuffix(".rs")
        if module in ("lib", "main"):
            continue
        code = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
        code = "\n".join(line for line in code.split("\n") if not line.strip().startswith("//"))
        uses.setdefault(module, set()).update(m for m in re.findall(r"crate::([a-z_]+)", code) if m != module)

    def reaches(start, goal):
        seen, stack = {start}, [start]
        while stack:
            for nxt in uses.get(stack.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    for a in sorted(uses):
        for b in sorted(uses[a]):
            if a < b and b in uses and reaches(b, a):
                print(f"{crate}: {a} and {b} import each other")
                found = True
sys.exit(1 if found else 0)
