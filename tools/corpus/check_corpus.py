#!/usr/bin/env python3
"""Sanity-check a generated corpus: WAV headers, durations, levels, SNR bookkeeping,
and that each manifest beep onset/end matches the audio (narrow-band envelope).

    python3 tools/corpus/check_corpus.py /work/train-data [--n 80]
"""
import argparse
import csv
import json
import os
import struct
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from scipy import signal as sps  # noqa: E402

SR = 8000


def read_g711(path):
    b = open(path, "rb").read()
    assert b[:4] == b"RIFF" and b[8:12] == b"WAVE", path
    tag, ch, sr = struct.unpack("<HHI", b[20:28])
    i = b.index(b"data")
    n = struct.unpack("<I", b[i + 4:i + 8])[0]
    enc = b[i + 8:i + 8 + n]
    pcm = audioop.ulaw2lin(enc, 2) if tag == 7 else audioop.alaw2lin(enc, 2)
    return tag, sr, np.frombuffer(pcm, "<i2") / 32768.0


def env_db(x, f, hop=40):
    lo, hi = f * 0.95, min(f * 1.05, 3900)
    sos = sps.butter(3, [lo, hi], btype="bandpass", fs=SR, output="sos")
    y = sps.sosfiltfilt(sos, x) ** 2
    k = np.ones(hop) / hop
    e = np.convolve(y, k, "same")[::hop]
    return 10 * np.log10(e + 1e-12), hop / SR


def onset_offset(x, on, end, f):
    """Estimated (onset, end) of the tone at f near the manifest times: walk out
    from the beep's narrow-band peak while the envelope stays above
    max(peak - 20 dB, noise floor + 6 dB)."""
    e, dt = env_db(x, f)
    a, b = int(round(on / dt)), int(round(min(end, on + 0.08) / dt))  # first part only
    p = a + int(np.argmax(e[a:b + 1]))
    floor = np.median(e[max(a - int(0.3 / dt), 0):max(a - 1, 1)])
    thr = max(e[p] - 20, floor + 6)
    i = p
    while i > 0 and e[i - 1] > thr:
        i -= 1
    j = p
    while j + 1 < len(e) and e[j + 1] > thr:
        j += 1
    return i * dt, j * dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--n", type=int, default=80, help="beep calls to check")
    a = ap.parse_args()
    rows = [json.loads(l) for l in open(os.path.join(a.root, "manifest.jsonl"))]
    bad = 0
    errs = []
    snr_err = []
    excused = 0
    for r in rows:
        tag, sr, x = read_g711(os.path.join(a.root, r["file"]))
        assert sr == SR and tag == (7 if r["encoding"] == "mulaw" else 6), r["id"]
        assert abs(len(x) / SR - r["duration_s"]) < 0.002 and 8 <= r["duration_s"] <= 40.001, r["id"]
    checked = 0
    for r in rows:
        if r["kind"] != "machine_beep" or checked >= a.n:
            continue
        notes = r["notes"]
        if any(s in notes for s in ("beep sweep", "beep decay", "beep glide", "beep pluck", "beep tremolo")):
            continue  # sweeps and glides leave the band; decays, plucks and tremolos have no clear -20 dB edge
        _, _, x = read_g711(os.path.join(a.root, r["file"]))
        f = r["beep_freqs_hz"][0]
        on, end = onset_offset(x, r["beep_onset_s"], r["beep_end_s"], f)
        tail = x[int((r["beep_end_s"] + 0.3) * SR):]
        if len(tail) > SR and "plc_loss" not in notes:
            lvl = float(notes.split("level=")[1].split("dBFS")[0])
            snr_err.append(lvl - 10 * np.log10(np.mean(tail ** 2) + 1e-12) - r["snr_db"])
        d_on = on - r["beep_onset_s"]
        seg = x[int((r["beep_onset_s"] - 0.05) * SR):int((r["beep_end_s"] + 0.05) * SR)]
        fr = seg[: len(seg) // 80 * 80].reshape(-1, 80)
        if abs(d_on) > 0.010 and (np.any(np.mean(fr ** 2, axis=1) < 1e-7) or "music bed" in notes):
            excused += 1  # a lost (zero-filled) frame at the beep, or music in the beep's band
            continue
        errs.append(d_on)
        checked += 1
        if abs(d_on) > 0.010:
            bad += 1
            print(f"{r['id']} onset off by {d_on * 1000:+.0f} ms ({notes[:120]})")
    errs = np.abs(errs)
    print(f"calls: {len(rows)} headers/durations ok; beep onsets checked {checked}: "
          f"median |err| {np.median(errs) * 1000:.1f} ms, p90 {np.percentile(errs, 90) * 1000:.1f} ms, >10 ms: {bad} "
          f"(+{excused} not scored: frame loss at the beep or a music bed under it)")
    if snr_err:
        print(f"SNR from post-beep noise tail minus manifest snr_db: median {np.median(snr_err):+.2f} dB, "
              f"max |.| {np.max(np.abs(snr_err)):.2f} dB (n={len(snr_err)})")
    # clips: format, durations, level spread
    if not os.path.exists(os.path.join(a.root, "clips", "labels.csv")):
        return 1 if bad > 0.05 * max(checked, 1) else 0
    lab = list(csv.DictReader(open(os.path.join(a.root, "clips", "labels.csv"))))
    lv = {}
    for i, c in enumerate(lab):
        if i % 10:
            continue
        x, sr = sf.read(os.path.join(a.root, "clips", c["file"]))
        info = sf.info(os.path.join(a.root, "clips", c["file"]))
        assert sr == SR and info.subtype == "PCM_16" and info.channels == 1
        assert 0.299 <= len(x) / SR <= 2.001, c
        p = np.mean(x[: len(x) // 160 * 160].reshape(-1, 160) ** 2, axis=1)
        act = p[p >= p.max() * 10 ** -3.5] if p.max() > 0 else p
        lv.setdefault(c["label"], []).append(10 * np.log10(np.mean(act) + 1e-12))
    for k, v in lv.items():
        print(f"clips {k}: n={len(v)} active level dBFS p10/p50/p90 = "
              + "/".join(f"{np.percentile(v, q):.1f}" for q in (10, 50, 90)))
    return 1 if bad > 0.05 * max(checked, 1) else 0


if __name__ == "__main__":
    sys.exit(main())
