#!/usr/bin/env bash
# Are two builds' outputs byte-identical? Runs binary A and binary B over the development
# corpus (with and without its lists), the bundled example, and optionally more folders, and
# compares the SHA-256 of every file each run writes (redacted copies, report.json, the
# package). Also runs B with -j1 and -j2 on each input: outputs must not depend on -j.
#
#   scripts/same-outputs.sh BIN_A BIN_B [EXTRA_INPUT_DIR...]
#
# Needs the corpus (WOO_CORPUS, default ../shared/corpus-dev beside the repo). Prints one
# line per comparison and exits 1 if any differ. Performance work must leave every line
# "identical" (issue 20).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${WOO_CORPUS:-$root/../shared/corpus-dev}
[ $# -ge 2 ] || { echo "usage: $0 BIN_A BIN_B [EXTRA_INPUT_DIR...]" >&2; exit 64; }
a=$1 b=$2
shift 2
[ -d "$corpus/input" ] || { echo "no corpus at $corpus (set WOO_CORPUS)" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# hashes DIR: "sha256  relative/path" per file, sorted.
hashes() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

# run BIN NAME JOBS INPUT ARGS...: exit 2 (documents to review) is a result, anything else
# but 0 is a failure.
run() {
  local bin=$1 name=$2 jobs=$3 input=$4
  shift 4
  local rc=0
  "$bin" redact "$input" --out "$work/$name" -q -j "$jobs" "$@" 2>"$work/$name.stderr" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    echo "$bin redact $input failed ($rc):" >&2
    cat "$work/$name.stderr" >&2
    exit 1
  fi
  echo "$rc" >"$work/$name.rc"
  hashes "$work/$name" >"$work/$name.sha"
}

lists=(--staff "$corpus/lists/staff_names.txt" --officials "$corpus/lists/public_officials.txt")
example=(--staff "$root/fixtures/lists/staff.csv" --officials "$root/fixtures/lists/officials.txt")
status=0
compare() {
  local label=$1 input=$2
  shift 2
  run "$a" "$label-a" 2 "$input" "$@"
  run "$b" "$label-b" 2 "$input" "$@"
  run "$b" "$label-b1" 1 "$input" "$@"
  local files
  files=$(wc -l <"$work/$label-a.sha")
  if cmp -s "$work/$label-a.sha" "$work/$label-b.sha" && cmp -s "$work/$label-a.rc" "$work/$label-b.rc"; then
    echo "$label: A and B identical ($files files, exit $(cat "$work/$label-a.rc"))"
  else
    echo "$label: A and B DIFFER"
    diff "$work/$label-a.sha" "$work/$label-b.sha" | head -20 || true
    status=1
  fi
  if cmp -s "$work/$label-b.sha" "$work/$label-b1.sha"; then
    echo "$label: B -j1 and -j2 identical"
  else
    echo "$label: B -j1 and -j2 DIFFER"
    status=1
  fi
  rm -rf "$work/$label-a" "$work/$label-b" "$work/$label-b1"
}

compare corpus-dev "$corpus/input" "${lists[@]}"
compare corpus-dev-nolists "$corpus/input"
compare example "$root/fixtures/example" "${example[@]}"
for extra in "$@"; do
  compare "extra-$(basename "$extra")" "$extra" "${lists[@]}"
done
exit $status
