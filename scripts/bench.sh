#!/usr/bin/env bash
# Throughput and memory of whole runs (issues 7 and 20): `redact` on large text, on many small
# documents and on PDF pages, `check` on what redact wrote, -j1 against -j2, peak RSS at two
# document counts, and the PyMuPDF reference pipeline on the corpus PDFs. CPU-heavy.
#
#   scripts/bench.sh [--quick] [--work DIR] [--keep] [--reuse] [--base BIN] [--rounds N]
#
# --reuse: keep the corpus already generated in --work DIR (same size). --base BIN: also run
# BIN (e.g. a release build of main) on every input, alternating with this build, so "before"
# and "after" come from the same minutes of a shared machine. --rounds N (default 1): repeat
# each run N times and keep the fastest (CPU and wall separately). Figures: wall time, CPU
# time (user + system, children included: poppler's renderer) and throughput per CPU-second
# ("per core"): on a shared machine CPU time holds up better than wall time.
# Full size: >= 200 MB of memo text, >= 5,000 PDF pages, 1,000 and 10,000 small documents,
# a 50,000-name staff list. --quick: 10 MB, 300 pages, 100 and 1,000 documents (a smoke run).
# Needs the development corpus (WOO_CORPUS, default ../shared/corpus-dev beside the repo),
# python3, GNU time (/usr/bin/time; apt-get install time), and for the reference PyMuPDF
# (pip install pymupdf; without it that row is skipped). Builds the release binary. Prints
# Markdown tables; -j1 and -j2 runs must write identical outputs ("outputs equal").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${WOO_CORPUS:-$root/../shared/corpus-dev}
quick=0 keep=0 reuse=0 work="" base="" rounds=1
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --reuse) reuse=1 ;;
    --work) work=$2; shift ;;
    --base) base=$(realpath "$2"); shift ;;
    --rounds) rounds=$2; shift ;;
    *) echo "usage: $0 [--quick] [--work DIR] [--keep] [--reuse] [--base BIN] [--rounds N]" >&2; exit 64 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then text_mb=10 pages=300 small=(100 1000); else text_mb=200 pages=5000 small=(1000 10000); fi
[ -d "$corpus/truth" ] || { echo "no corpus at $corpus (set WOO_CORPUS)" >&2; exit 64; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 64; }
tmpwork=""
if [ -z "$work" ]; then work=$(mktemp -d); [ "$keep" = 1 ] || tmpwork=$work; fi
mkdir -p "$work"
work=$(realpath "$work")

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
new=$root/target/release/woo-redact
bins=(new)
[ -n "$base" ] && bins=(base new)
bin_of() { if [ "$1" = base ]; then echo "$base"; else echo "$new"; fi; }
load=$(cut -d' ' -f1-3 /proc/loadavg)
lists=(--staff "$work/staff.txt" --officials "$corpus/lists/public_officials.txt")
corpus_lists=(--staff "$corpus/lists/staff_names.txt" --officials "$corpus/lists/public_officials.txt")
# Outputs of this session go to fresh folders, removed at the end: removing 10,000 files just
# before a run makes ext4 without a journal skip the freed inodes for a minute, which put up
# to 25 % of a small-document run into the kernel's inode allocator.
outs=$work/outs-$$
mkdir -p "$outs"
trap 'rm -rf "$outs" ${tmpwork:+"$tmpwork"}' EXIT

# once BIN OUT CMD ARGS...: one timed run; prints "wall_s cpu_s peak_kib". Exit 1 (check
# found something) and 2 (documents to review) are results.
once() {
  local bin=$1 out=$2
  shift 2
  local rc=0
  /usr/bin/time -v -o "$outs/time.txt" "$bin" "$@" >"$out.stdout" 2>"$out.stderr" || rc=$?
  if [ "$rc" -gt 2 ]; then echo "$bin $* failed ($rc)" >&2; cat "$out.stderr" >&2; exit 1; fi
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /User time|System time/ { cpu += $2 }
              /Maximum resident set size/ { kb = $2 }
              END { printf "%.2f %.2f %d\n", s, cpu, kb }' "$outs/time.txt"
}

# best WHICH LABEL JOBS CMD ARGS... (ARGS may hold @OUT, replaced by the run's output
# folder): the fastest of --rounds runs, "wall cpu peak_kib"; the output of the last round
# stays in $outs/LABEL-WHICH-jJOBS.
best() {
  local which=$1 label=$2 jobs=$3
  shift 3
  local bw="" bc="" br=0 r
  for ((r = 1; r <= rounds; r++)); do
    local out=$outs/$label-$which-j$jobs
    [ -e "$out" ] && mv "$out" "$outs/old-$RANDOM$RANDOM"
    local args=()
    for a in "$@"; do args+=("${a//@OUT/$out}"); done
    read -r w c k < <(once "$(bin_of "$which")" "$out" "${args[@]}" -j "$jobs")
    if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; fi
    if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$c; fi
    [ "$k" -gt "$br" ] && br=$k
  done
  echo "$bw $bc $br"
}
same() { diff -rq "$outs/$1-$2-j1" "$outs/$1-$2-j2" >/dev/null 2>&1 && echo yes || echo NO; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

header() {
  echo
  echo "| run | input | build | -j1 wall / CPU s | per CPU-second (-j1) | -j2 wall | -j2 speed-up (wall) | peak RSS -j1 / -j2 | -j1 = -j2 |"
  echo "|---|---|---|---|---|---|---|---|---|"
}
# row LABEL INPUT_TEXT AMOUNT UNIT CMD ARGS...: -j1 and -j2 for every build, alternating.
row() {
  local label=$1 input=$2 amount=$3 unit=$4
  shift 4
  declare -A w1 c1 k1 w2 k2
  local b
  for b in "${bins[@]}"; do read -r w1[$b] c1[$b] k1[$b] < <(best "$b" "$label" 1 "$@"); done
  for b in "${bins[@]}"; do read -r w2[$b] _ k2[$b] < <(best "$b" "$label" 2 "$@"); done
  for b in "${bins[@]}"; do
    echo "| $label | $input | $b | ${w1[$b]} / ${c1[$b]} | $(ratio "$amount" "${c1[$b]}") $unit | ${w2[$b]} s | $(ratio "${w1[$b]}" "${w2[$b]}")× | $((k1[$b] / 1024)) / $((k2[$b] / 1024)) MB | $(same "$label" "$b") |"
  done
}

mb=$(awk -v b="$TEXT_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
echo
echo "$(date -u +%F) $(uname -m), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average before the runs: $load, rounds: $rounds"
[ -n "$base" ] && echo "base: $base; new: $new ($(cd "$root" && git rev-parse --short HEAD))"
header
row text "$mb MB, $TEXT_FILES files" "$mb" MB redact "$work/text" --out @OUT "${lists[@]}" -q
row pdf "$PDF_PAGES pages, $PDF_FILES files, --no-render-check" "$PDF_PAGES" pages \
  redact "$work/pdf" --out @OUT "${lists[@]}" -q --no-render-check
for n in "${small[@]}"; do
  smb=$(du -sb --apparent-size "$work/small-$n" | cut -f1)
  smb=$(awk -v b="$smb" 'BEGIN { printf "%.1f", b / 1e6 }')
  row "small-$n" "$n documents, $smb MB" "$smb" MB redact "$work/small-$n" --out @OUT "${lists[@]}" -q
  # check reads what redact wrote (the -j1 output of the same build).
  for b in "${bins[@]}"; do
    if [ -d "$outs/small-$n-$b-j1" ]; then
      mv "$outs/small-$n-$b-j1" "$outs/checked-$n-$b"
    fi
  done
  echo "| check small-$n | redacted output of small-$n | | | | | | | |"
  for b in "${bins[@]}"; do
    read -r cw1 cc1 ck1 < <(best "$b" "check-$n" 1 check "$outs/checked-$n-$b" "${lists[@]}" --format json --output @OUT)
    read -r cw2 _ ck2 < <(best "$b" "check-$n" 2 check "$outs/checked-$n-$b" "${lists[@]}" --format json --output @OUT)
    echo "| check small-$n | $n documents, $smb MB | $b | $cw1 / $cc1 | $(ratio "$smb" "$cc1") MB | $cw2 s | $(ratio "$cw1" "$cw2")× | $((ck1 / 1024)) / $((ck2 / 1024)) MB | $(cmp -s "$outs/check-$n-$b-j1" "$outs/check-$n-$b-j2" && echo yes || echo NO) |"
  done
done

# The corpus PDFs, ours (with and without the rendered comparison) against the PyMuPDF
# pipeline, on the corpus lists.
cpages=$(python3 -c "import json,pathlib,sys; print(sum(f.get('pages',1) for p in sorted(pathlib.Path(sys.argv[1]).glob('truth/*.json')) for f in json.loads(p.read_text())['files'] if f['format']=='pdf'))" "$corpus")
echo
echo "Corpus PDFs ($cpages pages), -j1, corpus staff list and officials:"
echo
echo "| pipeline | build | wall / CPU s | pages per CPU-second | peak RSS | against PyMuPDF |"
echo "|---|---|---|---|---|---|"
ref=""
if python3 -c "import pymupdf" 2>/dev/null; then
  rm -rf "$outs/pymupdf"
  /usr/bin/time -v -o "$outs/time.txt" python3 "$root/scripts/bench-pymupdf.py" "$corpus/lists/staff_names.txt" "$outs/pymupdf" "$corpus/input/pdf" >"$outs/pymupdf.txt" 2>/dev/null
  read -r _ rp rc <"$outs/pymupdf.txt"
  rk=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$outs/time.txt")
  ref=$(ratio "$rp" "$rc")
  echo "| PyMuPDF: search_for, add_redact_annot, apply_redactions, metadata scrubbed | | - / $rc | $ref | $((rk / 1024)) MB | 1.00× |"
else
  echo "| PyMuPDF | not installed (pip install pymupdf): skipped | | | | |"
fi
for mode in "" --no-render-check; do
  for b in "${bins[@]}"; do
    read -r w c k < <(best "$b" "corpus-pdf$mode" 1 redact "$corpus/input/pdf" --out @OUT "${corpus_lists[@]}" -q $mode)
    pps=$(ratio "$cpages" "$c")
    echo "| woo-redact ${mode:-(default: rendered comparison)} | $b | $w / $c | $pps | $((k / 1024)) MB | ${ref:+$(ratio "$pps" "$ref")×} |"
  done
done
