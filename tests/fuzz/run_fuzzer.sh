#!/bin/sh
# A CI-sized fuzzing run, as ctest runs it: FUZZER for SECONDS on a copy of
# SEEDS in a directory of its own, so the new inputs libFuzzer keeps and any
# crash-* it writes never land in the source tree. Exits non-zero on any
# finding, keeping that directory (its path is printed) for the reproducer.
set -eu
fuzzer=$1 seeds=$2 seconds=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/ninetd-fuzz.XXXXXX")
mkdir "$work/corpus"
cp "$seeds"/* "$work/corpus/"
# -timeout: a single input that runs this long is a hang, a finding too.
if "$fuzzer" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/"; then
  rm -rf "$work"
else
  status=$?
  echo "run_fuzzer: $fuzzer failed ($status); reproducer and corpus kept in $work" >&2
  ls -l "$work" >&2
  exit "$status"
fi
