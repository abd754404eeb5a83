#!/usr/bin/env bash
# Footprint benchmark (not a test): the shipped binary's and package's size, the daemon's resident memory idle and
# with 1,000 live mirrored RTP calls, and the detector state per call. Results go to BENCHMARKS.md by hand.
#
#   scripts/package.sh                        # the static release binary and the .deb
#   tools/bench/footprint.sh [--calls 1000] [--seconds 40] [--ports 4]
#
# Environment: BINARY (default .build-static/release/amd-edge), DEB (default: newest dist/amd-edge_*.deb),
# MALLOC_ARENA_MAX (default 2) and MALLOC_MMAP_THRESHOLD_ (default 131072), as deploy/amd-edge.service sets them:
# the daemon is measured with the unit's settings.
# Targets (issue 14): stripped binary <= 30 MB, .deb <= 12 MB, idle RSS <= 16 MB, RSS <= 48 MB with 1,000 calls.
#
# The sender (rtp_flood.c, built here with gcc) keeps CALLS real-time PCMU streams (20 ms packets, 50 packets/s
# each) going to the daemon over loopback, spread over PORTS RTP ports; it reports whether it kept to the clock.
# The daemon's RSS is read from /proc/PID/status (VmRSS, VmHWM; RssAnon/RssFile split) once a second.
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLS=1000
SECONDS_STREAMING=40
PORTS=4
while [ $# -gt 0 ]; do
    case "$1" in
    --calls) CALLS=$2; shift 2 ;;
    --seconds) SECONDS_STREAMING=$2; shift 2 ;;
    --ports) PORTS=$2; shift 2 ;;
    *) echo "footprint.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
BINARY=${BINARY:-.build-static/release/amd-edge}
DEB=${DEB:-$(ls -t dist/amd-edge_*.deb 2>/dev/null | head -1 || true)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072}
[ -x "$BINARY" ] || { echo "footprint.sh: no $BINARY; run scripts/package.sh first" >&2; exit 1; }
MB() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

WORK=$(mktemp -d)
DAEMON=""
cleanup() {
    [ -n "$DAEMON" ] && kill -TERM "$DAEMON" 2>/dev/null && wait "$DAEMON" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1e6}' /proc/meminfo)," \
    "load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "== binary: $BINARY ($("$BINARY" --version))"
cp "$BINARY" "$WORK/amd-edge.stripped"
strip --strip-all "$WORK/amd-edge.stripped"
echo "unstripped $(MB "$(stat -c %s "$BINARY")")," \
    "stripped $(MB "$(stat -c %s "$WORK/amd-edge.stripped")") (target <= 30 MB)"
echo "loads at run time: $(objdump -p "$BINARY" | awk '/NEEDED/ {print $2}' | tr '\n' ' ')"
if [ -n "$DEB" ]; then
    echo "== package: $DEB $(MB "$(stat -c %s "$DEB")") (target <= 12 MB)"
fi

gcc -O2 -Wall -o "$WORK/rtp_flood" tools/bench/rtp_flood.c
ffmpeg -hide_banner -loglevel error -i Samples/voicemail-beep.wav -ar 8000 -ac 1 -f mulaw "$WORK/call.ul"

# Detector state per call: the probe links the release build's AMDCore objects and counts malloc'ed bytes around
# creating detectors (and feeding each the sample call); <malloc.h> comes in through a throwaway module map.
BUILD_DIR=$(dirname "$BINARY")
if [ -d "$BUILD_DIR/AMDCore.build" ] && [ -d "$BUILD_DIR/Modules" ]; then
    mkdir -p "$WORK/cmalloc"
    printf 'module CMalloc [system] {\n    header "shim.h"\n    export *\n}\n' > "$WORK/cmalloc/module.modulemap"
    echo '#include <malloc.h>' > "$WORK/cmalloc/shim.h"
    swiftc -O -I "$WORK/cmalloc" -I "$BUILD_DIR/Modules" tools/bench/detector_footprint.swift \
        $(ls "$BUILD_DIR"/AMDCore.build/*.o | grep -v '\.swiftmodule\.o$') -o "$WORK/detector_footprint" \
        > "$WORK/probe-build.log" 2>&1 || true
    echo "== detector state per call (StreamDetector, PCMU at 8 kHz, default model; 100 detectors):"
    if [ -x "$WORK/detector_footprint" ]; then
        "$WORK/detector_footprint" "$WORK/call.ul" 100
    else
        echo "(the probe did not link against $BUILD_DIR; link it against a debug build's .build/debug instead:"
        echo " BINARY=.build/debug/amd-edge; first error: $(grep -m1 error "$WORK/probe-build.log"))"
    fi
fi

free_port() {
    python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else \
socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}
HTTP_PORT=$(free_port tcp)
RTP_FIRST=$((30000 + RANDOM % 10000))
RTP_LAST=$((RTP_FIRST + PORTS - 1))
"$BINARY" run --http "127.0.0.1:$HTTP_PORT" --rtp "127.0.0.1:$RTP_FIRST-$RTP_LAST" --max-calls $((CALLS + 100)) \
    --idle-timeout 5s --log-level warning > "$WORK/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 1 100); do
    curl -fsS -m 1 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
memory() {  # VmRSS VmHWM RssAnon RssFile of the daemon, in kB
    awk '/^(VmRSS|VmHWM|RssAnon|RssFile):/ {printf "%s ", $2}' "/proc/$DAEMON/status"
}
metric() {  # the value of one /metrics sample (first match)
    curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v name="$1" '$1 == name {print $2; exit}'
}
sleep 5
read -r IDLE_RSS IDLE_HWM IDLE_ANON IDLE_FILE <<< "$(memory)"
echo "== idle daemon (5 s after start, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX): RSS $((IDLE_RSS / 1024)) MiB" \
    "($IDLE_RSS kB: anon $IDLE_ANON kB, file $IDLE_FILE kB; peak so far $IDLE_HWM kB), threads" \
    "$(awk '/^Threads:/ {print $2}' "/proc/$DAEMON/status") (target <= 16 MB)"

echo "== $CALLS calls x 50 packets/s for $SECONDS_STREAMING s over $PORTS ports"
"$WORK/rtp_flood" 127.0.0.1 "$RTP_FIRST" "$PORTS" "$CALLS" "$SECONDS_STREAMING" "$WORK/call.ul" \
    > "$WORK/flood.out" &
FLOOD=$!
MAX_RSS=0
SAMPLES=()
while kill -0 "$FLOOD" 2>/dev/null; do
    read -r RSS _ _ _ <<< "$(memory)"
    SAMPLES+=("$RSS")
    [ "$RSS" -gt "$MAX_RSS" ] && MAX_RSS=$RSS
    if [ "${#SAMPLES[@]}" -eq $((SECONDS_STREAMING - 5)) ]; then
        ACTIVE=$(metric amd_calls_active)
        read -r LOADED_RSS LOADED_HWM LOADED_ANON LOADED_FILE <<< "$(memory)"
    fi
    sleep 1
done
wait "$FLOOD"
cat "$WORK/flood.out"
SENT=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$WORK/flood.out")
RECEIVED=$(metric amd_rtp_packets_received_total)
read -r _ END_HWM _ _ <<< "$(memory)"
echo "daemon received $RECEIVED of $SENT packets; active calls 5 s before the end: ${ACTIVE:-?}"
echo "RSS once a second (kB): ${SAMPLES[*]}"
echo "== with $CALLS live calls (5 s before the end): RSS $((LOADED_RSS / 1024)) MiB ($LOADED_RSS kB: anon" \
    "$LOADED_ANON kB, file $LOADED_FILE kB); highest sample $MAX_RSS kB; VmHWM $END_HWM kB (target <= 48 MB)"
echo "per call: $(( (LOADED_RSS - IDLE_RSS) / CALLS )) kB of RSS over the idle daemon"
grep -v '^$' "$WORK/daemon.log" | tail -5 || true
