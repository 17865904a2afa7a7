#!/usr/bin/env bash
# End-to-end timings on the benchmark corpus at 1x, 4x and 16x its size
# (copies get new ids). Reports MB/s, documents/s, quads/s and peak memory
# (GNU time) for `gleaner extract` (to /dev/null), oxigraph's own bulk
# loader on what extract wrote (N-Quads; examples/oxigraph_load.rs, no
# gleaner code: the floor under the next rows), `gleaner load` of the same
# file into a fresh store, `gleaner build --store`
# (into a fresh on-disk store, no exports) and `gleaner build` run in an
# empty directory (store under output/ plus every default export: Turtle,
# DOT, statistics). MB is always the articles' text, so MB/s compares the
# steps. Each figure is the median of RUNS runs (default 3).
# Usage: [RUNS=N] benches/corpus.sh [CORPUS.jsonl]   (default ../shared/corpus/news.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/news.jsonl}"
runs="${RUNS:-3}"
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet --bin gleaner --example oxigraph_load
bin="$(realpath "${CARGO_TARGET_DIR:-target}/release/gleaner")"
oxi="$(realpath "${CARGO_TARGET_DIR:-target}/release/examples/oxigraph_load")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$corpus" "$work" <<'PY'
import json, sys
src, work = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().splitlines()
for k in (1, 4, 16):
    with open(f"{work}/x{k}.jsonl", "w", encoding="utf-8") as f:
        for r in range(k):
            for line in lines:
                d = json.loads(line)
                d["id"] = f"{d['id']}-r{r}"
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY

echo "median of $runs runs; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf "%-9s %-5s %6s %6s %8s %6s %7s %9s %8s\n" step size docs MB seconds MB/s docs/s quads/s peakMiB
for k in 1 4 16; do
  in="$work/x$k.jsonl"
  mb=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1], encoding='utf-8'))/1e6)" "$in")
  docs=$(wc -l < "$in")
  "$bin" extract "$in" -q > "$work/x$k.nq"
  for step in extract oxigraph load build build+exp; do
    case "$step" in
      extract) cmd=("$bin" extract "$in") ;;
      oxigraph) cmd=("$oxi" "$work/x$k.nq" "$work/store") ;;
      load) cmd=("$bin" load "$work/x$k.nq" --store "$work/store") ;;
      build) cmd=("$bin" build "$in" --store "$work/store") ;;
      *) cmd=("$bin" build "$in") ;;
    esac
    # The median of RUNS runs: this host is shared and one run can be off
    # by 20%. Peak memory is the largest of the runs.
    all=()
    peak=0
    for _ in $(seq "$runs"); do
      rm -rf "$work/store" "$work/run"
      mkdir -p "$work/run"
      start=$(date +%s.%N)
      (cd "$work/run" && /usr/bin/time -v -o "$work/time.txt" "${cmd[@]}" > /dev/null 2> "$work/err.txt")
      end=$(date +%s.%N)
      all+=("$(python3 -c "print($end - $start)")")
      p=$(awk '/Maximum resident/ {printf "%.0f", $6/1024}' "$work/time.txt")
      [ "$p" -gt "$peak" ] && peak=$p
    done
    secs=$(python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "${all[@]}")
    quads=$(grep -o '[0-9]* quads' "$work/err.txt" | head -1 | cut -d' ' -f1)
    python3 -c "
mb, secs, docs, quads = $mb, $secs, $docs, ${quads:-0}
print(f'{\"$step\":<9} {\"${k}x\":<5} {docs:>6} {mb:>6.1f} {secs:>8.3f} {mb/secs:>6.1f} {docs/secs:>7.0f} {quads/secs:>9.0f} {$peak:>8}')"
  done
done
