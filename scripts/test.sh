#!/usr/bin/env bash
# The test command: every test of the workspace, built with the `ci` profile (release
# optimisation without LTO). Tests that read ../shared/data skip, saying why, when it is
# not beside the repository. Services that later tests need are started from here.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
cargo test --workspace --profile ci "$@"
echo "scripts/test.sh: tests passed in $(( $(date +%s) - started )) s"
