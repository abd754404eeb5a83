#!/usr/bin/env python3
"""Writes clips/labels-train.csv (file,label) from the generator's clips/labels.csv for `amd-edge train`.

The generator files sustained vowels, hums and held musical notes under `tone` (tones that are not beeps). The
detector's classifier must tell those apart from beeps and network tones, so they get their own labels here:
vowels and hums (synthetic, or espeak's sustained vowels and monotone IVR lines under --wide, `tone espeak ...`)
become `voice`, held notes become `music`; DTMF, ringback, busy, SIT, fax, dial, call-waiting and milliwatt tones
stay `tone`.

Usage: python3 tools/corpus/relabel_clips.py train-data/clips
"""
import collections
import csv
import os
import sys


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else "train-data/clips"
    counts = collections.Counter()
    with open(os.path.join(folder, "labels.csv"), newline="") as source, \
            open(os.path.join(folder, "labels-train.csv"), "w", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["file", "label"])
        for row in csv.DictReader(source):
            label = row["label"]
            if label == "tone":
                kind = row["source"].split()[1] if len(row["source"].split()) > 1 else ""
                if kind in ("vowel", "hum", "espeak"):
                    label = "voice"
                elif kind == "held":
                    label = "music"
            counts[label] += 1
            writer.writerow([row["file"], label])
    print(f"wrote {folder}/labels-train.csv: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
