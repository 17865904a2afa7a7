#!/usr/bin/env bash
# Scores gleaner on the held-out annotations in tests/heldout/ (BBC
# articles of ../shared/corpus/news.jsonl, annotated for this check by people
# who did not see gleaner's output; the texts are taken from the corpus,
# which is not copied into the repository). Usage: scripts/score-heldout.sh [--verbose]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/news.jsonl
bin="${CARGO_TARGET_DIR:-target}/release/gleaner"
[ -x "$bin" ] || cargo build --release --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$corpus" "$work" tests/heldout <<'PY'
import json, sys, os, glob
corpus, work, gold = sys.argv[1:4]
want = {os.path.basename(g)[:-len(".gold.json")] for g in glob.glob(f"{gold}/*.gold.json")}
for line in open(corpus, encoding="utf-8"):
    d = json.loads(line)
    if d["id"] in want:
        with open(f"{work}/{d['id']}.txt", "w", encoding="utf-8") as f:
            f.write(d["title"] + "\n\n" + d["text"] + "\n")
PY
python3 ../shared/tools/score_set.py "$bin" tests/heldout "$work" "$@"
