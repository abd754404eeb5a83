"""Scores threshold candidates of the answer rules on traced sets, to choose on xsrc and check on the others.

usage: python3 choose.py NAME=MANIFEST:TRACEDIR ... [--grid]
Without --grid it scores the shipped thresholds and the named candidates below; with --grid it sweeps the pause and
greeting thresholds on the first set. Figures are the replica's; the final ones come from `amd-edge eval --json`.
"""
import itertools
import sys

from replica import DEFAULT, calls, classify, score

# The first round's thresholds, the second round's (A), its neighbours on the same trade-off between humans called
# `machine` and machines called `human` (B waits longer, C shorter), and the syllable-rate rules shipped now (S).
ROUND2 = dict(end_sil=700, long_utt=1300, long_pause=1300, long_greet=6000, floor_rise=0.1, tones_skip_peak=1)
SHIPPED = dict(ROUND2, rate_check=4000, rate=3.5, slow_rate=2.75, slow_greet=8000, rise_db=6)
CANDIDATES = {
    "round1": dict(end_sil=700, long_utt=1200, long_pause=1200, long_greet=2800, floor_rise=0.05),
    "A": ROUND2,
    "B": dict(ROUND2, long_greet=8000),
    "C": dict(ROUND2, long_greet=4500),
    "S": SHIPPED,
}


def show(name, kw, data):
    s = score([(t, classify(fr, bp, dict(DEFAULT, **kw))) for t, fr, bp in data])
    print(name, kw, {k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()}, flush=True)


def main():
    args = [a for a in sys.argv[1:] if a != "--grid"]
    sets = []
    for a in args:
        name, rest = a.split("=", 1)
        manifest, tracedir = rest.split(":", 1)
        sets.append((name, [(t, fr, bp) for _, t, (fr, bp) in calls(manifest, tracedir)]))
    if "--grid" in sys.argv:
        name, data = sets[0]
        for es, lu, lg, fr in itertools.product([600, 700, 800, 1000], [1000, 1300, 1600], [2800, 4500, 6000, 8000],
                                                [0.05, 0.1, 0.2]):
            show(name, dict(end_sil=es, long_utt=lu, long_pause=lu, long_greet=lg, floor_rise=fr), data)
        return
    for name, data in sets:
        for cname, kw in CANDIDATES.items():
            show(f"{name} {cname}", kw, data)


if __name__ == "__main__":
    main()
