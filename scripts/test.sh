#!/usr/bin/env bash
# The test command: every test of the workspace, built with the `ci` profile (release
# optimisation without LTO). Tests that read ../shared/data skip, saying why, when it is
# not beside the repository. Services that later tests need are started from here; the
# Python libraries the interoperability tests check against (pyarrow writes Parquet,
# networkx reads the graph files) are installed into target/test-python.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
venv=target/test-python
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyarrow, networkx" 2>/dev/null; then
  if python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q pyarrow networkx; then
    echo "scripts/test.sh: Python test libraries ready in $(( $(date +%s) - started )) s"
  else
    echo "scripts/test.sh: could not install pyarrow and networkx; their tests will say they skipped" >&2
  fi
fi
if [ -x "$venv/bin/python" ]; then
  export DISRUPT_TEST_PYTHON="$PWD/$venv/bin/python"
fi
cargo test --workspace --profile ci "$@"
echo "scripts/test.sh: tests passed in $(( $(date +%s) - started )) s"
