#!/usr/bin/env bash
# Builds the libFuzzer targets with swiftc (coverage and ASan on the project's modules) and runs each.
#
# Usage: Fuzz/run.sh [target ...]     (default: every target below)
# Environment:
#   FUZZ_SECONDS  how long each target runs (default 60)
#   FUZZ_RUNS     stop after this many executions instead (default: unlimited, -1)
#   FUZZ_MAX_LEN  largest input in bytes (default 16384)
#   FUZZ_OPT      optimisation flags (default "-O -assert-config Debug": fast, and keeps the buffer bounds checks
#                 that catch reads past a slice still inside the file, which ASan alone would not see)
#   FUZZ_JOBS_LOG file that gets one line per target: name, executions, result (for reports)
# Working corpora go to fuzz-corpus/<target> (ignored by git), seeded from Fuzz/seeds/<target> and test fixtures.
# Exit status: non-zero when a target crashed (its input is saved as .build/fuzz/<target>-crash-*).
set -euo pipefail
cd "$(dirname "$0")/.."
all=(RTPPacketFuzz TelephoneEventFuzz PcapFuzz WAVFuzz ModelFuzz VonageFuzz RegistrationFuzz HTTPHeadFuzz ConfigFuzz)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:--1}
opt=${FUZZ_OPT:--O -assert-config Debug}
max_len=${FUZZ_MAX_LEN:-16384}
out=.build/fuzz
mkdir -p "$out/modules"
flags=(-sanitize=fuzzer,address -parse-as-library -package-name amd_edge -I "$out/modules" -L "$out"
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
    -enable-upcoming-feature MemberImportVisibility)

quiet() { grep -v "Cannot export local symbol" || true; }

# The shipped model as Swift source, as the EmbedModel build-tool plugin generates it for swift build.
generated=$out/generated
mkdir -p "$generated/AMDCore"
if [ ! -f "$generated/AMDCore/BeepModel+DefaultJSON.swift" ] \
    || [ Models/default-model.json -nt "$generated/AMDCore/BeepModel+DefaultJSON.swift" ] \
    || [ Plugins/EmbedModelTool/main.swift -nt "$generated/AMDCore/BeepModel+DefaultJSON.swift" ]; then
    echo "== embedding Models/default-model.json"
    swiftc -O Plugins/EmbedModelTool/main.swift -o "$out/EmbedModelTool" 2>&1 | quiet
    "$out/EmbedModelTool" Models/default-model.json "$generated/AMDCore/BeepModel+DefaultJSON.swift"
fi

# A project module as a static library with its interface, rebuilt when a source (or its generated source) is
# newer than the library.
library() {
    local name=$1
    shift
    local sources
    local directories=("Sources/$name")
    [ -d "$generated/$name" ] && directories+=("$generated/$name")
    sources=$(find "${directories[@]}" -name '*.swift' | sort)
    # shellcheck disable=SC2086
    if [ -f "$out/lib$name.a" ] && [ -z "$(find $sources -newer "$out/lib$name.a")" ]; then
        return
    fi
    echo "== building module $name"
    # shellcheck disable=SC2086
    swiftc "${flags[@]}" $opt -module-name "$name" -emit-library -static -emit-module \
        -emit-module-path "$out/modules/$name.swiftmodule" "$@" $sources -o "$out/lib$name.a" 2>&1 | quiet
}

# The daemon's sources a target compiles into itself (the AMDServer module needs NIO; these files do not).
server_sources() {
    case $1 in
        VonageFuzz) echo Sources/AMDServer/Ingress/{VonageHeader,VonageSession,VonageSessionError,PCMCallStream}.swift \
            Sources/AMDServer/Ingress/{CallReporter,IngressMetricsBatch,IngressMetricsRecorder}.swift \
            Sources/AMDServer/Ingress/CallCounters+ReportInterval.swift \
            Sources/AMDServer/Calls/{CallSink,CallEndReason}.swift Sources/AMDServer/Config/JSONValue.swift ;;
        RegistrationFuzz) echo Sources/AMDServer/Calls/{CallRegistration,CallRegistration+Request,CallRegistration+Source}.swift \
            Sources/AMDServer/Calls/{CallHubError,CallSink,CallEndReason,KeyedDecodingContainer+Null}.swift \
            Sources/AMDServer/Config/HostPort.swift Sources/AMDServer/HTTP/DecodingError+Message.swift ;;
        HTTPHeadFuzz) echo Sources/AMDServer/HTTP/{HTTPHeadValidator,HTTPHeadRejection,RequestPath}.swift ;;
        ConfigFuzz) echo Sources/AMDServer/Config/*.swift ;;
    esac
}

# A target whose sources need the package's dependencies (swift-configuration, NIOCore, swift-log) links them from
# SwiftPM's debug build, uninstrumented: coverage guides the fuzzer through the project's own code only. Prints one
# argument a line.
dependency_flags() {
    case $1 in
        ConfigFuzz) ;;
        *) return ;;
    esac
    local debug=.build/debug
    [ -d "$debug/Configuration.build" ] || swift build --product amd-edge >&2
    echo -I
    echo "$debug/Modules"
    { ls "$debug"/*.build/module.modulemap; find .build/checkouts -path '*/Sources/*/include/module.modulemap'; } |
        while IFS= read -r map; do
            echo -Xcc
            echo "-fmodule-map-file=$map"
        done
    local module
    for module in Configuration SystemPackage CSystem DequeModule InternalCollectionsUtilities ContainersPreview \
        Logging NIOCore NIOConcurrencyHelpers _NIOBase64 _NIODataStructures CNIOLinux CNIODarwin CNIOWindows CNIOWASI \
        CNIOAtomics Atomics _AtomicsShims; do
        [ -d "$debug/$module.build" ] && find "$debug/$module.build" -name '*.o'
    done
    return 0
}

library AMDCore
library RTP
library AudioFile -lAMDCore
status=0
for target in "${targets[@]}"; do
    binary=$out/$target
    echo "== building $target ($opt)"
    # AMDCore's shared tables sit behind Synchronization's Mutex, whose runtime library swiftc links only when named.
    mapfile -t dependencies < <(dependency_flags "$target")
    # shellcheck disable=SC2046,SC2086
    swiftc "${flags[@]}" $opt -module-name "$target" $(server_sources "$target") "Fuzz/$target/main.swift" \
        ${dependencies[@]+"${dependencies[@]}"} -lAudioFile -lAMDCore -lRTP -lswiftSynchronization -o "$binary" 2>&1 |
        quiet
    corpus=fuzz-corpus/$target
    mkdir -p "$corpus"
    [ -d "Fuzz/seeds/$target" ] && cp Fuzz/seeds/"$target"/* "$corpus"/
    case $target in
        PcapFuzz) cp Tests/RTPTests/Fixtures/*.pcap* "$corpus"/ ;;
        WAVFuzz) cp Tests/AudioFileTests/Fixtures/*.wav "$corpus"/ ;;
        ModelFuzz) cp Models/default-model.json Tests/AMDCoreTests/Fixtures/gnb/model.json "$corpus"/ ;;
        ConfigFuzz) cp deploy/config.json deploy/amd-edge.example.json "$corpus"/ ;;
    esac
    echo "== running $target for ${seconds}s (runs $runs)"
    log=$out/$target.log
    if "$binary" "$corpus" -max_total_time="$seconds" -runs="$runs" -max_len="$max_len" -print_final_stats=1 \
        -artifact_prefix="$out/$target-" >"$log" 2>&1; then result=ok; else result=FAILED; status=1; fi
    executions=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" | grep -Eo "[0-9]+$" || echo 0)
    grep -E "ERROR|SUMMARY|Fatal error|panic" "$log" | head -5 || true
    echo "== $target: $executions executions, $result"
    [ -n "${FUZZ_JOBS_LOG:-}" ] && echo "$target $executions $result" >>"$FUZZ_JOBS_LOG"
done
exit $status
