#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's swift-format and the project's .swift-format (4-space indent,
# 120 columns), or checks them.
#
# Usage: scripts/format.sh          formats every Swift file in place
#        scripts/format.sh --lint   changes nothing; lists what differs from the format and the lint rules
#                                   (swift format lint --strict: any finding fails), for CI
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Plugins Fuzz Benchmarks)
existing=()
for path in "${paths[@]}"; do [ -e "$path" ] && existing+=("$path"); done
if [ "${1:-}" = "--lint" ]; then
    swift format lint --strict --recursive --parallel --configuration .swift-format "${existing[@]}"
else
    swift format format --in-place --recursive --parallel --configuration .swift-format "${existing[@]}"
fi
