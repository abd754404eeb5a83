#!/usr/bin/env python3
"""Fit the track classifier (logistic regression over tone-track measurements) and write it into a model file.

Input: JSON Lines written by `amd-edge eval --manifest M --tracks FILE` on labelled calls of the training corpus
(never the dev corpus): one line per steady tone the detector judged, with its measurements and whether it is the
labelled beep. Output: the model JSON given by --model, with its `track_classifier` replaced.

The threshold keeps --recall of the training beep tracks; the clear threshold (report at first look, without
waiting for what follows) is the logit above which at most --clear-fpr of the non-beep tracks score.

Needs scikit-learn and numpy (`pip install scikit-learn numpy`).
"""
import argparse
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

FEATURES = ["log_frequency", "purity", "spread_permille", "glide", "level_wobble_db", "voiced_before",
            "log_gap_before", "mfcc_log_odds", "log_speech_windows"]


def load(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    if not rows:
        sys.exit("no tracks in " + ", ".join(paths))
    x = np.array([[r[k] for k in FEATURES] for r in rows], dtype=float)
    y = np.array([bool(r["beep"]) for r in rows])
    return x, y


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tracks", nargs="+", help="track JSON Lines from `amd-edge eval --tracks`")
    ap.add_argument("--model", required=True, help="model JSON to update in place")
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--recall", type=float, default=0.985, help="share of training beep tracks to keep")
    ap.add_argument("--clear-fpr", type=float, default=0.01, help="share of non-beep tracks allowed above the clear threshold")
    a = ap.parse_args()

    x, y = load(a.tracks)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale <= 0] = 1.0
    z = (x - mean) / scale
    clf = LogisticRegression(C=a.c, max_iter=5000, class_weight="balanced").fit(z, y)
    logit = clf.decision_function(z)
    threshold = float(np.quantile(logit[y], 1 - a.recall))
    clear = float(max(threshold, np.quantile(logit[~y], 1 - a.clear_fpr)))
    kept = float((logit[y] >= threshold).mean())
    rejected = float((logit[~y] < threshold).mean())
    print(f"tracks: {y.sum()} beep, {(~y).sum()} other; threshold {threshold:.3f} keeps {kept:.3f} of beeps, "
          f"rejects {rejected:.3f} of others; clear threshold {clear:.3f}")
    for name, w in zip(FEATURES, clf.coef_[0]):
        print(f"  {name:20s} {w:+.3f}")

    with open(a.model) as f:
        model = json.load(f)
    model["track_classifier"] = {
        "features": FEATURES,
        "mean": [round(v, 6) for v in mean],
        "scale": [round(v, 6) for v in scale],
        "coefficients": [round(v, 6) for v in clf.coef_[0]],
        "intercept": round(float(clf.intercept_[0]), 6),
        "threshold": round(threshold, 6),
        "clear_threshold": round(clear, 6),
    }
    model.setdefault("training", {})["track_classifier"] = " ".join(["tools/train_track_classifier.py"] + sys.argv[1:])
    with open(a.model, "w") as f:
        json.dump(model, f, indent=2, sort_keys=True, separators=(",", " : "))  # as `amd-edge train` writes it
        f.write("\n")


if __name__ == "__main__":
    main()
