#!/usr/bin/env bash
# Proves the Debian package on a bare system: debootstraps a minimal Debian bookworm (--variant=minbase) into a
# folder, installs the .deb there with apt (which fetches only the package's Depends; no Swift anywhere), checks
# that no Swift runtime or Foundation library is present, then inside the chroot:
#   1. `amd-edge --version` prints the package's version;
#   2. `amd-edge detect` on the packaged example call prints its beep;
#   3. `amd-edge run`, as the system user the package created, answers /healthz and /metrics on loopback (polled
#      with curl from outside the chroot: a chroot shares the host's network).
# Not part of `swift test`. Run as root (debootstrap and chroot need it):
#   scripts/package.sh && scripts/check-package.sh [dist/amd-edge_<version>_<arch>.deb] 2>&1 | tee check.log
# Environment: CHECK_ROOT (chroot folder, default /var/tmp/amd-edge-check; reused when already bootstrapped),
#              MIRROR (Debian mirror, default: the first deb.debian.org-style URI apt on this machine uses).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
fail() { echo "check-package: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap and chroot need it)"
DEB=${1:-$(ls -t dist/amd-edge_*.deb 2>/dev/null | head -1)}
[ -f "$DEB" ] || fail "no package: build one with scripts/package.sh or name it as the first argument"
DEB=$(readlink -f "$DEB")
VERSION=$(dpkg-deb --field "$DEB" Version)
CHECK_ROOT=${CHECK_ROOT:-/var/tmp/amd-edge-check}
SUITE=bookworm
# Loopback ports for the daemon in the chroot; the chroot shares the host's network, so pick free ones.
free_port() {  # $1: tcp or udp
    python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else \
socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}
HTTP_PORT=${HTTP_PORT:-$(free_port tcp)}
RTP_PORT=${RTP_PORT:-$(free_port udp)}

if [ -z "${MIRROR:-}" ]; then
    MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
        | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -1 || true)
    MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi

if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

say "package: $DEB"
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
dpkg-deb --contents "$DEB"

if [ ! -x "$CHECK_ROOT/usr/bin/apt-get" ]; then
    say "debootstrap --variant=minbase $SUITE $CHECK_ROOT $MIRROR"
    rm -rf "$CHECK_ROOT"
    debootstrap --variant=minbase "$SUITE" "$CHECK_ROOT" "$MIRROR" > "$CHECK_ROOT.debootstrap.log" 2>&1 \
        || { tail -20 "$CHECK_ROOT.debootstrap.log"; fail "debootstrap"; }
    tail -1 "$CHECK_ROOT.debootstrap.log"
else
    say "reusing the bootstrapped $SUITE in $CHECK_ROOT"
fi

DAEMON_PID=""
cleanup() {
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then kill -KILL "$DAEMON_PID" 2>/dev/null || true; fi
    for mount in dev/pts dev proc sys; do
        mountpoint -q "$CHECK_ROOT/$mount" && umount -l "$CHECK_ROOT/$mount" || true
    done
}
trap cleanup EXIT
mount -t proc proc "$CHECK_ROOT/proc"
mount -t sysfs sysfs "$CHECK_ROOT/sys"
mount --bind /dev "$CHECK_ROOT/dev"
mount --bind /dev/pts "$CHECK_ROOT/dev/pts"
cp /etc/resolv.conf "$CHECK_ROOT/etc/resolv.conf"
in_root() { chroot "$CHECK_ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

say "the chroot before installing"
in_root sh -c '. /etc/os-release; echo "$PRETTY_NAME; $(dpkg -l | grep -c "^ii") packages"'

say "apt-get install ./$(basename "$DEB") in the chroot"
# Remove a previous install so postinst runs as on a fresh box (the system user is created again).
in_root sh -c 'dpkg -s amd-edge >/dev/null 2>&1 && dpkg --purge amd-edge >/dev/null
    deluser --quiet amd-edge 2>/dev/null; true'
cp "$DEB" "$CHECK_ROOT/tmp/"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "/tmp/$(basename "$DEB")"
in_root dpkg -s amd-edge | grep -E '^(Status|Version|Depends):'
in_root dpkg -L amd-edge
in_root sh -c 'dpkg-query -W -f "\${Conffiles}\n" amd-edge | grep -q /etc/amd-edge/config.json' \
    || fail "/etc/amd-edge/config.json is not a conffile"
in_root getent passwd amd-edge || fail "postinst did not create the system user amd-edge"

say "no Swift toolchain, Swift runtime, Foundation or ICU in the chroot"
FOUND=$(in_root find / -xdev \( -name 'libswift*' -o -name 'libFoundation*' -o -name 'lib_FoundationICU*' \
    -o -name 'libicu*' -o -name 'swift' -o -name 'swiftc' \) -print 2>/dev/null || true)
[ -z "$FOUND" ] || fail "found: $FOUND"
echo "none found"
in_root ldd /usr/bin/amd-edge

say "amd-edge --version"
SHOWN=$(in_root amd-edge --version)
echo "$SHOWN"
[ "$SHOWN" = "$VERSION" ] || fail "--version says '$SHOWN', the package is $VERSION"

say "amd-edge detect /usr/share/doc/amd-edge/examples/voicemail-beep.wav"
DETECT=$(in_root amd-edge detect /usr/share/doc/amd-edge/examples/voicemail-beep.wav)
echo "$DETECT"
echo "$DETECT" | grep -q '"event":"beep"' || fail "detect printed no beep"

say "amd-edge run (as user amd-edge, /etc/amd-edge/config.json, http 127.0.0.1:$HTTP_PORT, rtp 127.0.0.1:$RTP_PORT)"
LOG=$(mktemp)
chroot --userspec=amd-edge:amd-edge "$CHECK_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin \
    /usr/bin/amd-edge run --config /etc/amd-edge/config.json \
    --http "127.0.0.1:$HTTP_PORT" --rtp "127.0.0.1:$RTP_PORT" > "$LOG" 2>&1 &
DAEMON_PID=$!
HEALTH=""
for _ in $(seq 1 100); do
    HEALTH=$(curl -fsS -m 1 "http://127.0.0.1:$HTTP_PORT/healthz" 2>/dev/null) && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$LOG"; fail "the daemon exited"; }
    sleep 0.1
done
echo "GET /healthz -> $HEALTH"
echo "$HEALTH" | grep -q '"status":"ok"' || { cat "$LOG"; fail "/healthz did not answer ok"; }
echo "$HEALTH" | grep -q "\"version\":\"$VERSION\"" || fail "/healthz shows another version"
METRICS=$(curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/metrics")
echo "GET /metrics -> $(echo "$METRICS" | grep -c '^amd_') amd_* samples, e.g.:"
echo "$METRICS" | grep -E '^amd_(calls_active|rtp_packets_received_total)' | head -5
echo "$METRICS" | grep -q '^amd_' || fail "/metrics has no amd_* metric"
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" && STATUS=0 || STATUS=$?
DAEMON_PID=""
echo "daemon log:"
cat "$LOG"
rm -f "$LOG"
[ "$STATUS" -eq 0 ] || fail "the daemon exited with $STATUS after SIGTERM"

say "check-package: PASSED ($(basename "$DEB") on Debian $SUITE minbase)"
