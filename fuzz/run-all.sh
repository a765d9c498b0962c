#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 300), one process, seeded from
# fuzz/seeds/<target>; the growing corpus goes to fuzz/corpus/<target> (not committed), crashes
# to fuzz/artifacts/<target>. Needs a nightly toolchain and cargo-fuzz:
#   cargo install cargo-fuzz && fuzz/run-all.sh 600            # all targets
#   fuzz/run-all.sh 1800 pdf_read image                         # some of them
# Builds are optimised with debug assertions and overflow checks (-O -a), under
# AddressSanitizer, except `pdf_read`: safe Rust over lopdf, where ASan's allocator and memcmp
# hooks cost most of the time; without them it runs several times the inputs a second. It is
# built in its own target dir so the two builds do not replace each other.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pdf_read image pdf cmap rules fold)
for t in "${targets[@]}"; do
  case $t in
    pdf_read) build=(-O -a -s none --target-dir target/nosan) ;;
    *) build=(-O -a) ;;
  esac
  mkdir -p "corpus/$t"
  echo "== $t (${secs}s)"
  cargo +nightly fuzz run "${build[@]}" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=60 -print_final_stats=1 \
    >"corpus/$t.log" 2>&1 || echo "$t: exited non-zero: a finding (artifacts/$t/) or a build failure (see corpus/$t.log)"
  grep -E "^(#[0-9]+ +(DONE|INITED)|stat::|==[0-9]+==|SUMMARY|Test unit written)" "corpus/$t.log" || true
done
