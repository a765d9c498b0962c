#!/usr/bin/env bash
# Throughput and memory of whole `redact` runs (issue 7): text MB/s, PDF pages/s, -j1 against
# -j2, and peak RSS at two document counts. CPU-heavy: run it on a quiet machine.
#
#   scripts/bench.sh [--quick] [--work DIR] [--keep] [--reuse]
#
# --reuse: keep the corpus already generated in --work DIR (same size). Besides wall time the
# table gives CPU time (user + system) and throughput per CPU-second: on a shared machine the
# wall-clock speed-up only means something when nothing else runs, CPU time holds up better.
# Full size: >= 200 MB of memo text, >= 5,000 PDF pages, 1,000 and 10,000 small documents,
# a 50,000-name staff list. --quick: 10 MB, 300 pages, 100 and 1,000 documents (a smoke run).
# Needs the development corpus (WOO_CORPUS, default ../shared/corpus-dev beside the repo),
# python3 and GNU time (/usr/bin/time; apt-get install time). Builds the release binary.
# Prints a Markdown table; the runs of -j1 and -j2 must write identical outputs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${WOO_CORPUS:-$root/../shared/corpus-dev}
quick=0 keep=0 reuse=0 work=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --reuse) reuse=1 ;;
    --work) work=$2; shift ;;
    *) echo "usage: $0 [--quick] [--work DIR] [--keep] [--reuse]" >&2; exit 64 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then text_mb=10 pages=300 small=(100 1000); else text_mb=200 pages=5000 small=(1000 10000); fi
[ -d "$corpus/truth" ] || { echo "no corpus at $corpus (set WOO_CORPUS)" >&2; exit 64; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 64; }
if [ -z "$work" ]; then work=$(mktemp -d); [ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"

if [ "$reuse" = 1 ] && [ -f "$work/sizes.env" ]; then
  echo "reusing the corpus in $work" >&2
else
  echo "generating the corpus in $work ..." >&2
  python3 "$root/scripts/bench-corpus.py" "$corpus" "$work" "$text_mb" "$pages" "${small[@]}"
fi
# shellcheck disable=SC1091
. "$work/sizes.env"
echo "building the release binary ..." >&2
(cd "$root" && cargo build --release --quiet)
bin=$root/target/release/woo-redact
load=$(cut -d' ' -f1-3 /proc/loadavg)
lists=(--staff "$work/staff.txt" --officials "$corpus/lists/public_officials.txt")

# run LABEL JOBS INPUT: prints "wall_s cpu_s peak_kib"; exit 2 (documents to review) is a
# result.
run() {
  local out=$work/out-$1-j$2
  rm -rf "$out"
  local rc=0
  /usr/bin/time -v -o "$work/time.txt" "$bin" redact "$3" --out "$out" "${lists[@]}" -q -j "$2" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then echo "redact $1 -j$2 failed ($rc)" >&2; exit 1; fi
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /User time|System time/ { cpu += $2 }
              /Maximum resident set size/ { kb = $2 }
              END { printf "%.2f %.2f %d\n", s, cpu, kb }' "$work/time.txt"
}
same() { diff -rq "$work/out-$1-j1" "$work/out-$1-j2" >/dev/null && echo yes || echo NO; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

read -r t1 c1 r1 < <(run text 1 "$work/text")
read -r t2 c2 r2 < <(run text 2 "$work/text")
read -r p1 d1 q1 < <(run pdf 1 "$work/pdf")
read -r p2 d2 q2 < <(run pdf 2 "$work/pdf")
mb=$(awk -v b="$TEXT_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')

echo
echo "$(date -u +%F) $(uname -m), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average before the runs: $load"
echo
echo "| run | input | -j1 wall | -j2 wall | speed-up (wall) | CPU s -j1 / -j2 | per CPU-second (-j1) | peak RSS -j1 / -j2 | outputs equal |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| text | $mb MB, $TEXT_FILES files | $t1 s, $(ratio "$mb" "$t1") MB/s | $t2 s, $(ratio "$mb" "$t2") MB/s | $(ratio "$t1" "$t2")× | $c1 / $c2 | $(ratio "$mb" "$c1") MB | $((r1 / 1024)) / $((r2 / 1024)) MB | $(same text) |"
echo "| pdf | $PDF_PAGES pages, $PDF_FILES files | $p1 s, $(ratio "$PDF_PAGES" "$p1") pages/s | $p2 s, $(ratio "$PDF_PAGES" "$p2") pages/s | $(ratio "$p1" "$p2")× | $d1 / $d2 | $(ratio "$PDF_PAGES" "$d1") pages | $((q1 / 1024)) / $((q2 / 1024)) MB | $(same pdf) |"
for n in "${small[@]}"; do
  read -r s c r < <(run "small-$n" 2 "$work/small-$n")
  echo "| $n small documents | $(du -sm "$work/small-$n" | cut -f1) MB | | $s s | | - / $c | | - / $((r / 1024)) MB | |"
done
