#!/usr/bin/env bash
# Builds the self-contained release binary and the Debian package dist/amd-edge_<version>_<arch>.deb.
#
# The binary links the Swift runtime statically (--static-swift-stdlib) and uses FoundationEssentials only, so it
# needs no Swift toolchain and no ICU data on the target: only libc, libstdc++, libgcc and libasound2.
# The package holds /usr/bin/amd-edge (stripped), the systemd unit, /etc/amd-edge/config.json (a conffile), the
# sample call and configs under /usr/share/doc/amd-edge/examples/; postinst creates the system user amd-edge.
#
# Usage: scripts/package.sh [--no-build]      --no-build packages the binary already in $SCRATCH.
# Environment: SCRATCH (build folder, default .build-static), OUT (where the .deb goes, default dist).
# Needs: the Swift toolchain, binutils (strip, objdump), dpkg-dev (dpkg-shlibdeps), libasound2-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=${SCRATCH:-$ROOT/.build-static}
OUT=${OUT:-$ROOT/dist}
NAME=amd-edge

# The one place the version is kept; `amd-edge --version`, /healthz and the logs show the same constant.
VERSION_FILE=Sources/AMDServer/AMDEdgeVersion.swift
VERSION=$(sed -n 's/^ *package static let current = "\([0-9][0-9A-Za-z.+~-]*\)".*/\1/p' "$VERSION_FILE")
if [ -z "$VERSION" ]; then
    echo "package.sh: no version found in $VERSION_FILE" >&2
    exit 1
fi
ARCH=$(dpkg --print-architecture)
DEB="$OUT/${NAME}_${VERSION}_${ARCH}.deb"

# --no-export-dynamic: nothing loads symbols from the executable, and exporting them all costs 3.8 MB of symbol table.
BUILD_FLAGS=(-c release --static-swift-stdlib --scratch-path "$SCRATCH" -Xlinker --no-export-dynamic)
if [ "${1:-}" != "--no-build" ]; then
    swift build "${BUILD_FLAGS[@]}" --product "$NAME"
fi
BIN="$(swift build "${BUILD_FLAGS[@]}" --show-bin-path)/$NAME"
[ -x "$BIN" ] || { echo "package.sh: $BIN was not built" >&2; exit 1; }

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/$NAME"
DOC="$PKG/usr/share/doc/$NAME"

install -D -m 0755 "$BIN" "$PKG/usr/bin/$NAME"
strip --strip-all --remove-section=.comment --remove-section=.note "$PKG/usr/bin/$NAME"
# The toolchain's Foundation (and its ICU data) must not be in the binary.
if objdump -p "$PKG/usr/bin/$NAME" | grep -E 'NEEDED +lib(Foundation|_FoundationICU|icu|swift)'; then
    echo "package.sh: the binary still loads Swift or Foundation libraries at run time" >&2
    exit 1
fi
VERSION_SHOWN=$("$PKG/usr/bin/$NAME" --version)
if [ "$VERSION_SHOWN" != "$VERSION" ]; then
    echo "package.sh: the binary says version '$VERSION_SHOWN', $VERSION_FILE says '$VERSION'" >&2
    exit 1
fi

install -D -m 0644 deploy/amd-edge.service "$PKG/lib/systemd/system/$NAME.service"
install -D -m 0644 deploy/config.json "$PKG/etc/$NAME/config.json"
install -D -m 0644 Samples/voicemail-beep.wav "$DOC/examples/voicemail-beep.wav"
install -m 0644 deploy/amd-edge.example.json "$DOC/examples/amd-edge.example.json"
install -m 0644 docs/openapi.yaml "$DOC/openapi.yaml"
cat > "$DOC/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: amd-edge

Files: *
Copyright: 2026 the amd-edge authors
License: proprietary
 amd-edge itself. The binary also contains, linked statically: the Swift runtime and FoundationEssentials
 (Apache-2.0 with Runtime Library Exception, Swift project authors), SwiftNIO, swift-log, swift-metrics,
 swift-argument-parser, swift-service-lifecycle, async-http-client, Hummingbird and swift-prometheus
 (Apache-2.0, their authors), BoringSSL (ISC/OpenSSL) through swift-nio-ssl, and llhttp (MIT).
 On Debian systems the Apache License 2.0 is in /usr/share/common-licenses/Apache-2.0.
EOF
printf '%s (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- amd-edge maintainers <amd-edge@example.org>  %s\n' \
    "$NAME" "$VERSION" "$VERSION" "$(date -R -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")" \
    | gzip -9n > "$DOC/changelog.gz"

# Depends: exactly the shared libraries the binary loads (its ELF NEEDED entries), with the versions the symbols
# it uses need, as dpkg-shlibdeps works them out; plus adduser, which postinst uses.
mkdir -p "$STAGE/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$NAME" "$NAME" > "$STAGE/debian/control"
SHLIBS=$(cd "$STAGE" && dpkg-shlibdeps -O "$NAME/usr/bin/$NAME" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$SHLIBS" ] || { echo "package.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$PKG/DEBIAN"
cat > "$PKG/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: amd-edge maintainers <amd-edge@example.org>
Installed-Size: $(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
Depends: $SHLIBS, adduser
Section: net
Priority: optional
Homepage: https://example.org/amd-edge
Description: answering-machine beep detection daemon for call centres
 amd-edge listens to each call's audio (mirrored G.711 RTP, a Vonage websocket
 or an ALSA capture device) and tells the call controller the instant a
 voicemail greeting ends in its beep, over HTTP, webhooks, UDP or a websocket.
 .
 The package holds a self-contained binary, a systemd unit running it as the
 system user amd-edge, and /etc/amd-edge/config.json.
EOF
echo "/etc/$NAME/config.json" > "$PKG/DEBIAN/conffiles"

cat > "$PKG/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if ! getent passwd amd-edge >/dev/null; then
        adduser --system --group --quiet --no-create-home --home /nonexistent amd-edge
    fi
    if command -v deb-systemd-helper >/dev/null; then
        deb-systemd-helper unmask amd-edge.service >/dev/null || true
        if deb-systemd-helper --quiet was-enabled amd-edge.service; then
            deb-systemd-helper enable amd-edge.service >/dev/null || true
        else
            deb-systemd-helper update-state amd-edge.service >/dev/null || true
        fi
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        if [ -n "$2" ]; then
            deb-systemd-invoke try-restart amd-edge.service >/dev/null || true
        fi
    fi
fi
exit 0
EOF
cat > "$PKG/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    deb-systemd-invoke stop amd-edge.service >/dev/null || true
fi
exit 0
EOF
cat > "$PKG/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = purge ] && command -v deb-systemd-helper >/dev/null; then
    deb-systemd-helper purge amd-edge.service >/dev/null || true
fi
exit 0
EOF
chmod 0755 "$PKG/DEBIAN/postinst" "$PKG/DEBIAN/prerm" "$PKG/DEBIAN/postrm"
# md5sums, as dh_md5sums writes them, for debsums and lintian.
(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
    > "$PKG/DEBIAN/md5sums"

mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null
echo "package.sh: $DEB"
echo "  binary: $(stat -c %s "$PKG/usr/bin/$NAME") bytes stripped; package: $(stat -c %s "$DEB") bytes"
echo "  Depends: $SHLIBS, adduser"
