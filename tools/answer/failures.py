"""Lists the calls a threshold set gets wrong, with what the manifest says about them, and counts them by kind.

usage: python3 failures.py MANIFEST TRACEDIR [--list]
Humans are grouped by what plays behind them (the generators' notes: television, music, street, none), machines by
beep or not, greeting length (under 4 s, 4-8 s, 8 s and over) and music bed. Uses the replica with choose.SHIPPED.
"""
import collections
import re
import sys

from choose import SHIPPED
from replica import DEFAULT, calls, classify


def background(notes):
    for key, name in (("background TV", "tv"), ("background music", "music"), ("street noise", "street")):
        if key in notes:
            return name
    return "none"


def greeting(d):
    m = re.search(r"greeting .*? ([\d.]+)s", d["notes"])
    length = float(m.group(1)) if m else -1
    size = "short<4s" if length < 4 else "mid4-8s" if length < 8 else "long>=8s"
    return ("beep" if d["kind"] == "machine_beep" else "nobeep", size, "bed" if "music bed" in d["notes"] else "")


def main():
    manifest, tracedir = sys.argv[1:3]
    wrong, total = collections.Counter(), collections.Counter()
    for d, t, (fr, bp) in calls(manifest, tracedir):
        if t == "fax":
            continue
        by, ms, onset, cause = classify(fr, bp, dict(DEFAULT, **SHIPPED))
        group = (t, background(d["notes"])) if t == "human" else (t,) + greeting(d)
        total[group] += 1
        if by != t:
            wrong[group + (by,)] += 1
            if "--list" in sys.argv:
                print(f"{d['id']} {t}->{by} ({cause}) at {ms} ms, onset {onset} | {d['notes'][:120]}")
    for group, n in sorted(wrong.items(), key=lambda x: -x[1]):
        print(n, "of", total[group[:-1]], " ".join(group))


if __name__ == "__main__":
    main()
