#!/usr/bin/env bash
# First command of a newcomer: installs what the build needs, builds gleaner
# (the first build compiles RocksDB: about 15 minutes on 2 cores) and builds
# the example article into output/ (output/store and output/graph.ttl).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release
target_dir="${CARGO_TARGET_DIR:-target}"
"$target_dir/release/gleaner" build tests/data/belarus-2020-08-16.txt
"$target_dir/release/gleaner" dot --min-degree 1 --format svg -o output/graph.svg
echo "try: $target_dir/release/gleaner query 'SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name'"
