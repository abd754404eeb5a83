#!/usr/bin/env bash
# Runs schemathesis (every check, positive and negative data) against docs/openapi.yaml and a daemon started from
# a built binary on loopback with an API token; fails when schemathesis finds anything.
#
# Usage: scripts/api-fuzz.sh [BINARY]       (default .build/debug/amd-edge)
# Environment: API_FUZZ_SECONDS  time budget of the run (default 90), API_FUZZ_PORT  HTTP port (default 18181)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/amd-edge}
seconds=${API_FUZZ_SECONDS:-90}
port=${API_FUZZ_PORT:-18181}
token=api-fuzz-token
log=$(mktemp)
"$binary" run --http "127.0.0.1:$port" --api-token "$token" --log-level warning >"$log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; then break; fi
    if ! kill -0 "$daemon" 2>/dev/null; then
        echo "api-fuzz: the daemon exited:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null
schemathesis --config-file scripts/schemathesis.toml run docs/openapi.yaml --url "http://127.0.0.1:$port" -H "Authorization: Bearer $token" \
    --checks all --max-time "$seconds" --seed 1 --request-timeout 70 --no-color
# The daemon must have survived everything it was sent.
kill -0 "$daemon"
echo "api-fuzz: schemathesis found nothing; the daemon is still running"
