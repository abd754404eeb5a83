#!/usr/bin/env bash
# Installs the system and Python packages that building and testing amd-edge need on Debian/Ubuntu
# (run as root, or with sudo). Idempotent: safe to run again.
#   libasound2-dev      ALSA capture (the CALSA system library target)
#   ffmpeg              real RTP senders in the integration tests
#   espeak-ng, sox      sample and training-corpus generation
#   chromium, fonts-dejavu-core   headless browser for the evaluation report's rendering test
#   numpy, scipy, scikit-learn, websockets   reference scripts, the model converter test, websocket clients
#   schemathesis, curl  the API fuzz run in .ci/run (scripts/api-fuzz.sh)
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    libasound2-dev libasound2-plugins alsa-utils ffmpeg espeak-ng sox python3 python3-pip curl \
    chromium fonts-dejavu-core >/dev/null
python3 -m pip install --quiet --disable-pip-version-check numpy scipy scikit-learn websockets schemathesis \
    2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
        numpy scipy scikit-learn websockets schemathesis
echo "bootstrap: system and Python packages are installed"
