#!/usr/bin/env bash
# amd-edge behind Debian's rtpengine (userspace forwarding, loopback only): rtpengine relays a call between two RTP
# endpoints set up over its NG protocol, forks the callee's media to amd-edge with `subscribe request`/`subscribe
# answer`, and the beep amd-edge reports in GET /v1/calls must start within 50 ms of `amd-edge detect` on the same
# file. Standalone (not part of `swift test`); the steps are in rtpengine_interop.py.
#
# Usage: tools/interop/rtpengine.sh [AMD_EDGE_BINARY] [AUDIO.wav]
#   binary default: .build-static/release/amd-edge (scripts/package.sh), else .build/release/amd-edge
#   audio default:  Samples/voicemail-beep.wav
# Needs: rtpengine-daemon (Debian bookworm: 10.5; installed here with apt-get when missing), ffmpeg, python3, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

BINARY=${1:-}
if [ -z "$BINARY" ]; then
    for candidate in .build-static/release/amd-edge .build/release/amd-edge; do
        [ -x "$candidate" ] && { BINARY=$candidate; break; }
    done
fi
[ -n "$BINARY" ] && [ -x "$BINARY" ] || { echo "rtpengine.sh: build amd-edge first (scripts/package.sh)" >&2; exit 1; }
AUDIO=${2:-Samples/voicemail-beep.wav}

if ! command -v rtpengine >/dev/null; then
    echo "rtpengine.sh: installing rtpengine-daemon"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends rtpengine-daemon >/dev/null
fi
# The package enables a system instance; this script runs its own on free loopback ports instead.

free_port() {  # $1: tcp or udp
    python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else \
socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}
NG_PORT=$(free_port udp)
HTTP_PORT=$(free_port tcp)
AMD_RTP_PORT=$(free_port udp)
# rtpengine's media ports: a block of 100 above a random base, away from the ephemeral range.
MEDIA_MIN=$((20000 + RANDOM % 8000 * 2))
MEDIA_MAX=$((MEDIA_MIN + 99))

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "rtpengine $(rtpengine --version 2>&1 | head -1): NG 127.0.0.1:$NG_PORT," \
    "media ports $MEDIA_MIN-$MEDIA_MAX, userspace"
# --table=-1: no kernel forwarding module, every packet goes through rtpengine's userspace path.
rtpengine --config-file=none --foreground --log-stderr --log-level=6 --table=-1 \
    --interface=127.0.0.1 --listen-ng="127.0.0.1:$NG_PORT" --port-min="$MEDIA_MIN" --port-max="$MEDIA_MAX" \
    --pidfile="$WORK/rtpengine.pid" > "$WORK/rtpengine.log" 2>&1 &
PIDS+=($!)

echo "amd-edge $("$BINARY" --version): $BINARY, HTTP 127.0.0.1:$HTTP_PORT, RTP 127.0.0.1:$AMD_RTP_PORT"
"$BINARY" run --http "127.0.0.1:$HTTP_PORT" --rtp "127.0.0.1:$AMD_RTP_PORT" > "$WORK/amd-edge.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 100); do
    curl -fsS -m 1 "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

STATUS=0
python3 tools/interop/rtpengine_interop.py --ng-port "$NG_PORT" --http "127.0.0.1:$HTTP_PORT" \
    --amd-rtp-port "$AMD_RTP_PORT" --binary "$BINARY" --audio "$AUDIO" || STATUS=$?

echo "--- rtpengine log (last 25 lines)"
tail -25 "$WORK/rtpengine.log"
echo "--- amd-edge log"
cat "$WORK/amd-edge.log"
exit "$STATUS"
