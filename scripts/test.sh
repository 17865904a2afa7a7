#!/usr/bin/env bash
# Runs every test: unit tests, golden files and the CLI integration tests
# against a real on-disk store and real Graphviz. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo test --release --all-targets
