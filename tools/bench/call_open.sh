#!/bin/bash
# Call-open cost benchmark (not a test): compiles tools/bench/call_open.swift with AMDCore's sources (swiftc -O -wmo,
# as a release build compiles them) and runs it.
#
#   tools/bench/call_open.sh [N] [ROUNDS]     (default 2000 opens a round, 5 rounds)
#
# Work files go to $TMPDIR/call-open.
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=${TMPDIR:-/tmp}/call-open
rm -rf "$work" && mkdir -p "$work"
cp "$repo/tools/bench/call_open.swift" "$work/main.swift"
# The shipped model as Swift source, as the EmbedModel build plugin generates it.
{ printf 'extension BeepModel {\n    static let defaultJSON = #"""\n'
  cat "$repo/Models/default-model.json"
  printf '\n"""#\n}\n'; } > "$work/DefaultJSON.swift"
nice -n 10 swiftc -O -wmo -package-name amdedge -module-name CallOpen -enable-upcoming-feature ExistentialAny \
    $(find "$repo/Sources/AMDCore" -name '*.swift') "$work/DefaultJSON.swift" "$work/main.swift" \
    -o "$work/call_open" 2>&1 | grep -v warning || true
test -x "$work/call_open"
"$work/call_open" "$@"
