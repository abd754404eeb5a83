#!/bin/sh
# Writes one per-frame trace per call of a manifest (see README.md). usage: trace.sh MANIFEST OUTDIR
m=$1; out=$2; mkdir -p $out; base=$(dirname $m)
python3 -c "
import json,sys
for l in open('$m'):
    d=json.loads(l); print(d['id'], d['file'])
" | while read id f; do
  AMD_ANSWER_TRACE=$out/$id.trace ${AMD_EDGE:-.build/release/amd-edge} detect $base/$f > $out/$id.detect 2>/dev/null
done
