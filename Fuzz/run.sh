#!/usr/bin/env bash
# Builds the libFuzzer targets with the RTP module's sources and runs each.
#
# Usage: Fuzz/run.sh [target ...]     (default: RTPPacketFuzz PcapFuzz)
# Environment:
#   FUZZ_SECONDS  how long each target runs (default 60)
#   FUZZ_RUNS     stop after this many executions instead (default: unlimited, -1)
#   FUZZ_MAX_LEN  largest input in bytes (default 16384)
#   FUZZ_OPT      optimisation flags (default "-O -assert-config Debug": fast, and keeps the buffer bounds checks
#                 that catch reads past a slice still inside the file, which ASan alone would not see)
# Working corpora go to fuzz-corpus/<target> (ignored by git), seeded from the test fixtures and Fuzz/seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(RTPPacketFuzz PcapFuzz)
seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:--1}
opt=${FUZZ_OPT:--O -assert-config Debug}
max_len=${FUZZ_MAX_LEN:-16384}
mkdir -p .build/fuzz
sources=$(find Sources/RTP -name '*.swift' | sort)
for target in "${targets[@]}"; do
    binary=.build/fuzz/$target
    echo "== building $target ($opt)"
    # shellcheck disable=SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library $opt -module-name "$target" \
        -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault \
        $sources "Fuzz/$target/main.swift" -o "$binary" 2>&1 | { grep -v "Cannot export local symbol" || true; }
    corpus=fuzz-corpus/$target
    mkdir -p "$corpus"
    case $target in
        PcapFuzz) cp Tests/RTPTests/Fixtures/*.pcap* "$corpus"/ ;;
        RTPPacketFuzz) [ -d Fuzz/seeds/RTPPacketFuzz ] && cp Fuzz/seeds/RTPPacketFuzz/* "$corpus"/ ;;
    esac
    echo "== running $target for ${seconds}s (runs $runs)"
    "$binary" "$corpus" -max_total_time="$seconds" -runs="$runs" -max_len="$max_len" -print_final_stats=1 \
        -artifact_prefix=".build/fuzz/$target-" 2>&1 | grep -E "stat::number_of_executed_units|Done|ERROR|SUMMARY|crash|==[0-9]+==" || true
done
