#!/bin/sh
# Installs what tools/corpus/gen_training_corpus.py needs (Debian + PyPI).
set -eu
export DEBIAN_FRONTEND=noninteractive
need=""
# asterisk-core-sounds-en makes the sounds/en link; wesnoth-1.16-music is training music (--wide); asc-music and
# boswars-data are the cross-source set's music; ffmpeg (and sox for AMR-NB) give the codecs (codec.py).
for p in espeak-ng asterisk-core-sounds-en asterisk-core-sounds-en-wav asterisk-moh-opsound-wav sox \
         ffmpeg wesnoth-1.16-music asc-music boswars-data; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  apt-get update
  apt-get install -y --no-install-recommends $need
fi
python3 -c "import numpy, scipy, soundfile" 2>/dev/null || pip install numpy scipy soundfile
python3 -W ignore -c "import audioop" || { echo "needs Python <= 3.12 (audioop) or: pip install audioop-lts" >&2; exit 1; }
echo "corpus deps ok"
