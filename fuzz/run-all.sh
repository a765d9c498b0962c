#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 300), one process, seeded from
# fuzz/seeds/<target>; the growing corpus goes to fuzz/corpus/<target> (not committed), crashes
# to fuzz/artifacts/<target>. Needs a nightly toolchain and cargo-fuzz:
#   cargo install cargo-fuzz && fuzz/run-all.sh 600
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pdf cmap rules fold)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t (${secs}s)"
  cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=60 -print_final_stats=1 \
    >"corpus/$t.log" 2>&1 || echo "$t: exited non-zero: a finding (artifacts/$t/) or a build failure (see corpus/$t.log)"
  grep -E "^(#[0-9]+ +(DONE|INITED)|stat::|==[0-9]+==|SUMMARY|Test unit written)" "corpus/$t.log" || true
done
