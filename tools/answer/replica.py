"""A Python replica of AnswerClassifier over per-frame traces, for exploring rules and thresholds quickly.

Traces: one file per call, one line per 10 ms frame `SOUND LEVEL VOICED NB [PURITY PROMINENCE FREQ F0 TONAL]`
(SOUND q/v/s/f, LEVEL in 0.1 dB or x when the analysis skipped the frame, VOICED 0/1, NB S/M/O at each Gaussian NB
window or -; the tone analysis' purity x1000, prominence in 0.1 dB, peak and implied fundamental in Hz and its tonal
flag, which the replica does not read), and `B MS` for a beep.
"""
import json, os, sys

NEVER = -10**9


def load(path):
    frames, beeps = [], []
    for line in open(path):
        p = line.split()
        if p[0] == "B":
            beeps.append((len(frames), int(p[1])))
            continue
        lv = None if p[1] == "x" else int(p[1]) / 10
        frames.append((p[0], lv, p[2] == "1", p[3]))
    return frames, beeps


# The first round's thresholds; the shipped ones are in choose.py (SHIPPED) and AnswerClassifier+Configuration.swift.
DEFAULT = dict(fax_tone=400, fax_gap=60, min_speech=100, margin=12.0, warm=200, floor_fall=0.1, floor_rise=0.05,
               peak_margin=12.0, peak_rise=0.3, peak_fall=0.001, long_utt=1200, long_pause=1200, long_greet=2800,
               end_sil=700, timeout=30000)


def classify(frames, beeps, c=DEFAULT, frame_ms=10, hook=None):
    """Returns (answered_by, decided_ms, onset_ms, cause)."""
    floor, nfl, peak = 0.0, 0, -100.0
    warm = max(1, c["warm"] // frame_ms)
    seg_start, seg_voiced, last_voice, onset = NEVER, 0, NEVER, None
    fax_start, last_fax = NEVER, NEVER
    bi = 0
    last_nb, last_nb_i = "-", -10**9
    # Syllable peaks (SyllableCounter): levels (-70 when skipped) and speech flags so far, peaks since the onset.
    levels, speeches, nuclei = [], [], 0
    for i, (snd, lv, voiced, nb) in enumerate(frames):
        now = (i + 1) * frame_ms
        while bi < len(beeps) and beeps[bi][0] <= i:
            return ("machine", beeps[bi][1], onset, "beep")
        # floor
        if nfl < warm:
            nfl += 1
            level = lv if lv is not None else -70.0
            floor += (level - floor) / nfl
            above = False
        elif lv is None:
            above = False
        else:
            over = lv >= floor + c["margin"]
            above = over and lv >= peak - c["peak_margin"]
            if over and not (c.get("tones_skip_peak") and snd in "sf"):
                step = c["peak_rise"] if lv > peak else c["peak_fall"]
                peak += (lv - peak) * step
            if lv < floor:
                floor += (lv - floor) * c["floor_fall"]
            else:
                floor += min(c["floor_rise"], lv - floor)
        if nb != "-":
            last_nb, last_nb_i = nb, i
        recent = last_nb if i - last_nb_i < c.get("nb_frames", 8) else "-"
        speech = snd == "v" and above and recent not in c.get("nb_not_speech", "")
        levels.append(lv if lv is not None else -70.0)
        speeches.append(speech)
        pause = c["end_sil"]
        if onset is not None and last_voice - onset >= c["long_utt"]:
            pause = c["long_pause"]
        if snd in "qv":
            if speech:
                if now - last_voice > pause:
                    seg_start, seg_voiced = now - frame_ms, 0
                seg_voiced += frame_ms
                last_voice = now
                if onset is None and seg_voiced >= c["min_speech"]:
                    onset = seg_start
        elif snd == "f":
            if now - last_fax > c["fax_gap"] + frame_ms:
                fax_start = now - frame_ms
            last_fax = now
        if snd == "f" and now - fax_start >= c["fax_tone"]:
            return ("fax", now, onset, "fax_tone")
        if onset is None:
            if now >= c["timeout"]:
                return ("unknown", now, onset, "timeout")
            continue
        # A peak 5 frames back: louder than the 5 before, no quieter than the 5 after, rise_db over the 15 before.
        j = i - 5
        if j >= 15 and (j + 1) * frame_ms > onset and speeches[j]:
            L = levels
            if L[j] > max(L[j - 5:j]) and L[j] >= max(L[j:j + 6]) and L[j] - min(L[j - 15:j]) >= c.get("rise_db", 6):
                nuclei += 1
        pause = c["end_sil"]
        if last_voice - onset >= c["long_utt"]:
            pause = c["long_pause"]
        spoken = last_voice - onset
        elapsed = now - onset
        rate = nuclei * 1000 / elapsed if elapsed > 0 else 0
        if speech and spoken >= c["long_greet"] and (rate >= c.get("slow_rate", 0) or
                                                     spoken >= c.get("slow_greet", c["long_greet"])):
            return ("machine", now, onset, "long_greeting")
        if speech and elapsed >= c.get("rate_check", 10**9) and rate >= c.get("rate", 10**9):
            return ("machine", now, onset, "syllable_rate")
        if now - last_voice >= pause:
            return ("human", now, onset, "short")
    return ("unknown", len(frames) * frame_ms, onset, "stream_ended")


def truth(kind):
    return {"human": "human", "machine_beep": "machine", "machine_nobeep": "machine", "fax": "fax"}.get(kind)


def calls(manifest, tracedir):
    for line in open(manifest):
        d = json.loads(line)
        t = truth(d["kind"])
        if t is None:
            continue
        yield d, t, load(os.path.join(tracedir, d["id"] + ".trace"))


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else None


def score(results):
    """results: list of (truth, (by, ms, onset, cause))."""
    n = {"human": 0, "machine": 0, "fax": 0}
    right = dict(n)
    h2m = 0
    unk = 0
    lat = {"human": [], "machine": []}
    for t, (by, ms, onset, cause) in results:
        n[t] += 1
        right[t] += by == t
        h2m += t == "human" and by == "machine"
        unk += by == "unknown"
        if by == t and by in lat and onset is not None:
            lat[by].append(ms - onset)
    return dict(h=right["human"] / max(1, n["human"]), h2m=h2m / max(1, n["human"]),
                m=right["machine"] / max(1, n["machine"]), f=right["fax"] / max(1, n["fax"]),
                unk=unk / max(1, len(results)), hmed=median(lat["human"]), hp95=pct(lat["human"], 0.95),
                mmed=median(lat["machine"]))


if __name__ == "__main__":
    manifest, tracedir = sys.argv[1:3]
    res = []
    for d, t, (fr, bp) in calls(manifest, tracedir):
        res.append((t, classify(fr, bp)))
    print(score(res))
