#!/bin/bash
# Detector speed, this tree against another revision and the seed design, measured in the same minutes.
#
#   tools/bench/detector_speed.sh [--base REV] [--rounds N] [--seed-calls N] MANIFEST
#
# Compiles tools/bench/detector_speed.swift with AMDCore's and AudioFile's sources (swiftc -O -wmo, as a release
# build compiles them) twice: from REV (default main, exported with git archive) and from the working tree. It
# checks that both print the same outputs for every call of MANIFEST, then runs them alternately N rounds (default
# 3) and prints each run's speed (audio seconds per CPU second, one thread) and the best and mean of each, then runs
# tools/bench/seed_design.py on the first --seed-calls calls (default all). Work files go to $TMPDIR/detector-speed.
set -euo pipefail
base=main
rounds=3
seed_calls=0
while [[ $# -gt 1 ]]; do
    case $1 in
        --base) base=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --seed-calls) seed_calls=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
manifest=$(realpath "$1")
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=${TMPDIR:-/tmp}/detector-speed
rm -rf "$work" && mkdir -p "$work/base-src" "$work/base" "$work/new"
git -C "$repo" archive "$base" Sources Models | tar -x -C "$work/base-src"

# compile SOURCE_ROOT OUT: one module of AMDCore + AudioFile (its `import AMDCore` dropped) + the harness.
compile() {
    local root=$1 out=$2
    mkdir -p "$out/audiofile"
    # Top-level code must be in a file named main.swift.
    cp "$repo/tools/bench/detector_speed.swift" "$out/main.swift"
    # Trees whose AMDCore gets the shipped model from the EmbedModel build plugin: generate its file here.
    local embedded=()
    if [[ ! -f "$root/Sources/AMDCore/Model/BeepModel+DefaultJSON.swift" ]]; then
        { printf 'extension BeepModel {\n    static let defaultJSON = #"""\n'
          cat "$root/Models/default-model.json"
          printf '\n"""#\n}\n'; } > "$out/DefaultJSON.swift"
        embedded=("$out/DefaultJSON.swift")
    fi
    for f in "$root"/Sources/AudioFile/*.swift; do
        sed 's/^public import AMDCore$//; s/^import AMDCore$//' "$f" > "$out/audiofile/$(basename "$f")"
    done
    nice -n 10 swiftc -O -wmo -package-name amdedge -module-name DetectorSpeed \
        -enable-upcoming-feature ExistentialAny \
        $(find "$root/Sources/AMDCore" -name '*.swift') "${embedded[@]}" "$out"/audiofile/*.swift \
        "$out/main.swift" -o "$out/detector_speed" 2>&1 | grep -v warning || true
    test -x "$out/detector_speed"
}
compile "$work/base-src" "$work/base"
compile "$repo" "$work/new"

"$work/base/detector_speed" "$manifest" 1 > "$work/base.out"
"$work/new/detector_speed" "$manifest" 1 > "$work/new.out"
if diff <(grep -v '^SPEED' "$work/base.out") <(grep -v '^SPEED' "$work/new.out") > "$work/outputs.diff"; then
    echo "outputs: identical ($(grep -vc '^SPEED' "$work/new.out") lines)"
else
    echo "outputs: DIFFER, see $work/outputs.diff ($(grep -c '^[<>]' "$work/outputs.diff") lines)"
fi

for _ in $(seq "$rounds"); do
    for build in base new; do
        echo "$build $("$work/$build/detector_speed" "$manifest" 1 --quiet | awk '{print $2}')"
    done
done | tee "$work/speeds"
awk '{ if ($2 > best[$1]) best[$1] = $2; sum[$1] += $2; n[$1]++ }
     END { for (b in best) printf "%s: best %dx, mean %dx real time\n", b, best[b], sum[b] / n[b] }' "$work/speeds"
python3 "$repo/tools/bench/seed_design.py" "$manifest" --calls "$seed_calls"
