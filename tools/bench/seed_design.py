#!/usr/bin/env python3
"""The seed design's speed, as a reference point for BENCHMARKS.md: webrtcvad + librosa MFCC + GaussianNB.

This is the design the project started from, rebuilt for timing only (its decisions are not scored): per call,
G.711 decode, resampling to 16 kHz (librosa's default soxr_hq), webrtcvad on every 10 ms frame, librosa MFCCs with
the shipped model's feature settings (Models/default-model.json: n_fft 512, hop 160, 40 mels, 20 MFCCs), mean and
std over each window of `context_frames` frames, and scikit-learn's GaussianNB (the shipped model's classes, priors,
means and variances) on every window. librosa and scikit-learn run over whole arrays, the most favourable way to
run them in Python; a streaming detector would call them per frame and be slower.

Usage: python3 tools/bench/seed_design.py MANIFEST [--calls N] [--model Models/default-model.json]

Prints one line: calls, audio seconds, CPU seconds (process time, file reading excluded) and the speed in
multiples of real time. Needs: numpy, librosa, scikit-learn, webrtcvad-wheels.
"""

import argparse
import json
import os
import struct
import time

# One core, like the detector's figure: no BLAS or OpenMP threads.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import librosa  # noqa: E402
import numpy as np  # noqa: E402
import webrtcvad  # noqa: E402
from sklearn.naive_bayes import GaussianNB  # noqa: E402

INPUT_RATE_HZ = 8000
MODEL_RATE_HZ = 16000
VAD_FRAME_MS = 10
VAD_AGGRESSIVENESS = 2


def g711_tables():
    """Decoding tables for µ-law and A-law (ITU-T G.711), code -> int16."""
    codes = np.arange(256, dtype=np.int32)
    # µ-law
    inverted = ~codes & 0xFF
    segment = (inverted & 0x70) >> 4
    magnitude = (((inverted & 0x0F) << 3) + 0x84) << segment
    mulaw = np.where(inverted & 0x80, 0x84 - magnitude, magnitude - 0x84).astype(np.int16)
    # A-law
    toggled = codes ^ 0x55
    segment = (toggled & 0x70) >> 4
    magnitude = (toggled & 0x0F) << 4
    magnitude = np.where(segment == 0, magnitude + 8,
                         np.where(segment == 1, magnitude + 0x108, (magnitude + 0x108) << np.maximum(segment - 1, 0)))
    alaw = np.where(toggled & 0x80, magnitude, -magnitude).astype(np.int16)
    return {7: mulaw, 6: alaw}


def read_wav(path):
    """(format tag, sample rate, data bytes) of a RIFF/WAVE file (PCM 16-bit, µ-law or A-law)."""
    with open(path, "rb") as f:
        data = f.read()
    offset, fmt, rate, payload = 12, None, None, None
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        body = data[offset + 8:offset + 8 + size]
        if chunk == b"fmt ":
            fmt, _, rate = struct.unpack("<HHI", body[:8])
        elif chunk == b"data":
            payload = body
        offset += 8 + size + (size & 1)
    return fmt, rate, payload


def load_classifier(model):
    """The shipped model's GaussianNB as a fitted scikit-learn estimator."""
    c = model["classifier"]
    nb = GaussianNB()
    nb.classes_ = np.array(c["classes"])
    nb.class_prior_ = np.array(c["class_prior"])
    nb.theta_ = np.array(c["theta"])
    nb.var_ = np.array(c["var"])
    nb.epsilon_ = 0.0
    return nb


def detect(samples_8k, features, nb, tonal_classes, vad):
    """One call through the seed pipeline; returns the windows classified as a tonal class."""
    audio = samples_8k.astype(np.float32) / 32768.0
    audio16 = librosa.resample(audio, orig_sr=INPUT_RATE_HZ, target_sr=MODEL_RATE_HZ)
    pcm16 = (np.clip(audio16, -1, 1 - 1 / 32768) * 32768).astype("<i2").tobytes()
    frame_bytes = MODEL_RATE_HZ * VAD_FRAME_MS // 1000 * 2
    voiced = np.array([vad.is_speech(pcm16[i:i + frame_bytes], MODEL_RATE_HZ)
                       for i in range(0, len(pcm16) - frame_bytes + 1, frame_bytes)], dtype=bool)
    mfcc = librosa.feature.mfcc(
        y=audio16, sr=MODEL_RATE_HZ, n_mfcc=features["n_mfcc"], n_fft=features["n_fft"],
        hop_length=features["hop_length"], win_length=features["win_length"], window=features["window"],
        center=False, n_mels=features["n_mels"], fmin=features["fmin"], fmax=features["fmax"],
        htk=features["htk"], norm="ortho")
    context = features["context_frames"]
    windows = mfcc.shape[1] // context
    if windows == 0:
        return 0
    blocks = mfcc[:, :windows * context].reshape(mfcc.shape[0], windows, context)
    x = np.concatenate([blocks.mean(axis=2), blocks.std(axis=2)], axis=0).T
    proba = nb.predict_log_proba(x)
    tonal = np.isin(nb.classes_[np.argmax(proba, axis=1)], tonal_classes)
    # Windows classified tonal whose first frame the VAD calls voiced.
    gate = np.zeros(windows, dtype=bool)
    starts = voiced[::context][:windows]
    gate[:len(starts)] = starts
    return int(np.sum(gate & tonal))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manifest")
    parser.add_argument("--calls", type=int, default=0, help="first N calls only (0: all)")
    parser.add_argument("--model", default=os.path.join(os.path.dirname(__file__), "../../Models/default-model.json"))
    args = parser.parse_args()
    with open(args.model) as f:
        model = json.load(f)
    features = model["features"]
    nb = load_classifier(model)
    vad = webrtcvad.Vad(VAD_AGGRESSIVENESS)
    tables = g711_tables()
    base = os.path.dirname(os.path.abspath(args.manifest))
    with open(args.manifest) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    if args.calls:
        entries = entries[:args.calls]
    # Warm up librosa's lazily compiled and cached paths outside the timing.
    tonal_classes = model["tonal_classes"]
    detect(np.zeros(INPUT_RATE_HZ, dtype=np.int16), features, nb, tonal_classes, vad)
    cpu = 0.0
    audio_seconds = 0.0
    for entry in entries:
        fmt, rate, payload = read_wav(os.path.join(base, entry["file"]))
        if fmt in tables:
            samples = tables[fmt][np.frombuffer(payload, dtype=np.uint8)]
        else:
            samples = np.frombuffer(payload, dtype="<i2")
        if rate != INPUT_RATE_HZ:
            raise SystemExit(f"{entry['file']}: {rate} Hz, expected {INPUT_RATE_HZ}")
        start = time.process_time()
        detect(samples, features, nb, tonal_classes, vad)
        cpu += time.process_time() - start
        audio_seconds += len(samples) / rate
    print(f"seed design: calls={len(entries)} audio_s={audio_seconds:.1f} cpu_s={cpu:.2f} "
          f"speed={audio_seconds / cpu:.0f}x")


if __name__ == "__main__":
    main()
