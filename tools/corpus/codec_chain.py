#!/usr/bin/env python3
"""Make a codec-chain copy of a G.711 corpus: every call through one mobile or VoIP codec, then G.711 again.

    python3 tools/corpus/codec_chain.py /work/data/xsrc/manifest.jsonl --out /work/data/xsrc-codec

Each call is decoded, passed through one codec setting drawn per call from --seed (codec.FAMILIES: AMR-NB
4.75k-12.2k, GSM-FR, G.723.1, G.726 16-32k, Opus 6-12k, Speex), with the codec's delay measured and removed, and
written with the same file name and G.711 law. The calls that drew the same setting go through the codec in one
run, 1 s of silence apart (codec.roundtrip_many). The manifest is copied unchanged except `codec` (the codec, `+`,
the G.711 law) and `notes` (the setting and the delay removed). At the end it measures, on the beep calls, how far
the beep onset seen in the copy lies from the one seen in the source, and writes that to codec_chain.json.
"""

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # audioop on 3.12
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import codec  # noqa: E402
from check_corpus import onset_offset, read_g711  # noqa: E402
from synth import SR, g711_roundtrip, write_g711_wav  # noqa: E402

DEFAULT_SEED = 5151
LAW_OF_TAG = {7: "ulaw", 6: "alaw"}


def chain_group(job):
    """The calls that drew codec `name`, through it in one run; returns [(index, row, name, onset shift ms)]."""
    name, items, src_dir, out_dir = job
    signals, laws = [], []
    for _idx, row in items:
        tag, sr, x = read_g711(os.path.join(src_dir, row["file"]))
        if sr != SR or tag not in LAW_OF_TAG:
            raise ValueError(f"{row['file']}: not 8 kHz G.711 (format tag {tag}, {sr} Hz)")
        signals.append(x)
        laws.append(LAW_OF_TAG[tag])
    coded, lag = codec.roundtrip_many(signals, name)
    done = []
    for (idx, row), x, y, law in zip(items, signals, coded, laws):
        dec, enc = g711_roundtrip(np.clip(y, -1.0, 1.0), law)
        path = os.path.join(out_dir, row["file"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_g711_wav(path, enc, law)
        out = dict(row)
        out["codec"] = f"{name}+{row['codec']}"
        out["notes"] = f"{row['notes']}; codec chain {name} before G.711 (delay {lag} samples removed)"
        shift = None
        if row.get("beep_onset_s") is not None:
            f = float(row["beep_freqs_hz"][0])
            a, _ = onset_offset(x, row["beep_onset_s"], row["beep_end_s"], f)
            b, _ = onset_offset(dec, row["beep_onset_s"], row["beep_end_s"], f)
            shift = round((b - a) * 1000.0, 1)
        done.append((idx, out, name, shift))
    return done


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest")
    ap.add_argument("--out", default="/work/data/xsrc-codec")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--workers", type=int, default=2, help="processes (capped at 2)")
    a = ap.parse_args(argv)
    t0 = time.time()
    src_dir = os.path.dirname(os.path.abspath(a.manifest))
    with open(a.manifest) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    os.makedirs(a.out, exist_ok=True)
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(codec.pick(np.random.default_rng([a.seed, i])), []).append((i, r))
    jobs = [(name, items, src_dir, a.out) for name, items in sorted(groups.items(), key=lambda kv: -len(kv[1]))]
    with mp.Pool(max(1, min(2, a.workers))) as p:
        done = sorted((d for group in p.imap_unordered(chain_group, jobs) for d in group), key=lambda d: d[0])
        done = [d[1:] for d in done]
    with open(os.path.join(a.out, "manifest.jsonl"), "w") as f:
        for r, _, _ in done:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {}
    for _, name, _ in done:
        counts[name] = counts.get(name, 0) + 1
    shifts = np.array([s for _, _, s in done if s is not None])
    summary = {"source": os.path.abspath(a.manifest), "seed": a.seed, "calls": len(done), "codecs": counts,
               "onset_shift_ms": {"median": float(np.median(shifts)), "p95_abs": float(np.percentile(abs(shifts), 95)),
                                  "max_abs": float(np.max(abs(shifts))), "beeps": int(len(shifts))}
               if len(shifts) else None,
               "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(a.out, "codec_chain.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
