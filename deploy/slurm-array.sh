#!/usr/bin/env bash
# woo-redact on Slurm: one batch split over a job array.
#
#   deploy/slurm-array.sh submit IN WORK OUT N [redact options...]
#
# submits three jobs, each waiting for the one before:
#   1. names    `woo-redact names IN` -> WORK/names.txt
#   2. shards   an array 1-N: task K runs `redact --shard K/N --names WORK/names.txt`
#               into WORK/shard-K (K is SLURM_ARRAY_TASK_ID, 1-based like --shard)
#   3. merge    `woo-redact merge WORK/shard-1 … WORK/shard-N --out OUT`
# The same script is the batch script of each job (its first argument says which).
# Options after N (e.g. --staff F --officials F --config F --justification-page) go to
# `names` and every shard; --config also to `merge`. WORK and OUT must be on a file system
# every node sees. WORK/names.txt holds surnames in clear: keep WORK as protected as IN.
# Exit 2 (documents that need review) lets the next job run; merge lists them in report.json.
# Set WOO_REDACT to the binary if it is not on PATH, SBATCH_OPTS for partition, time, etc.
set -euo pipefail

WOO_REDACT=${WOO_REDACT:-woo-redact}

# Exit 2 is a finished run with documents for a person to look at, not a failure.
finished() {
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -eq 2 ]; then rc=0; fi
  return "$rc"
}

# Only --config (and its value) concern merge; the lists and package options do not.
config_of() {
  while [ $# -gt 0 ]; do
    case $1 in
      --config) printf '%s\n%s\n' "$1" "$2"; shift ;;
      --config=*) printf '%s\n' "$1" ;;
    esac
    shift
  done
}

mode=${1:-}
case $mode in
  submit)
    [ $# -ge 5 ] || { echo "usage: $0 submit IN WORK OUT N [redact options...]" >&2; exit 64; }
    export WOO_IN=$2 WOO_WORK=$3 WOO_OUT=$4 WOO_SHARDS=$5
    shift 5
    case $WOO_SHARDS in ''|*[!0-9]*|0) echo "N must be a positive number" >&2; exit 64 ;; esac
    # Options travel to the jobs through the environment (sbatch exports it by default).
    WOO_OPTS=$(printf '%q ' "$@")
    export WOO_OPTS WOO_REDACT
    mkdir -p "$WOO_WORK"
    self=$(readlink -f "$0")
    # shellcheck disable=SC2086 # SBATCH_OPTS is a list of options
    names=$(sbatch --parsable ${SBATCH_OPTS:-} --job-name=woo-names "$self" names)
    # shellcheck disable=SC2086
    shards=$(sbatch --parsable ${SBATCH_OPTS:-} --job-name=woo-shard --cpus-per-task=2 \
      --array="1-$WOO_SHARDS" --dependency="afterok:$names" "$self" shard)
    # shellcheck disable=SC2086
    merge=$(sbatch --parsable ${SBATCH_OPTS:-} --job-name=woo-merge \
      --dependency="afterok:$shards" "$self" merge)
    echo "names $names, shards $shards (1-$WOO_SHARDS), merge $merge"
    ;;
  names)
    eval "set -- $WOO_OPTS"
    "$WOO_REDACT" names "$WOO_IN" --out "$WOO_WORK/names.txt" "$@" -j "${SLURM_CPUS_PER_TASK:-1}"
    ;;
  shard)
    eval "set -- $WOO_OPTS"
    k=${SLURM_ARRAY_TASK_ID:?not in a Slurm array task}
    finished "$WOO_REDACT" redact "$WOO_IN" "$@" -q -j "${SLURM_CPUS_PER_TASK:-2}" \
      --names "$WOO_WORK/names.txt" --shard "$k/$WOO_SHARDS" --out "$WOO_WORK/shard-$k"
    ;;
  merge)
    eval "set -- $WOO_OPTS"
    mapfile -t config < <(config_of "$@")
    dirs=()
    for k in $(seq 1 "$WOO_SHARDS"); do dirs+=("$WOO_WORK/shard-$k"); done
    finished "$WOO_REDACT" merge "${dirs[@]}" "${config[@]}" --move --out "$WOO_OUT"
    ;;
  *)
    echo "usage: $0 submit IN WORK OUT N [redact options...]" >&2
    exit 64
    ;;
esac
