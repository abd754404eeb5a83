#!/usr/bin/env python3
"""Generate amd-edge's own training clips and tuning calls (never the dev corpus).

Writes, deterministically from --seed, into --out (default /work/train-data):
  clips/<label>/*.wav + clips/labels.csv   16-bit PCM 8 kHz, 0.3-2 s;
                                           labels beep, speech, tone, music, noise
  calls/*.wav + manifest.jsonl             G.711 (mu-law tag 7 / A-law tag 6) 8-40 s
                                           calls in the dev corpus's manifest format
Sources are restricted to the allowed list in sources.py. See README.md.
"""

import argparse
import csv
import json
import multiprocessing as mp
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # audioop on 3.12
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import sources  # noqa: E402
import tones as T  # noqa: E402
from synth import (SR, active_rms, bandpass, channel, colored_noise, g711_roundtrip,  # noqa: E402
                   ramp_env, silence, write_g711_wav, write_pcm16_wav)

LABELS = ["beep", "speech", "tone", "music", "noise"]
CALL_KINDS = ["machine_beep", "machine_nobeep", "human", "dtmf", "ringback", "busy", "sit", "fax", "moh", "vowel"]
CALL_SHARE = {"machine_beep": 0.45, "machine_nobeep": 0.15, "human": 0.20}  # rest split over tone kinds
TAG = {k: i for i, k in enumerate(LABELS + ["call"])}
REF = 0.1  # working active-RMS of speech before the channel sets the real level

W = {}  # per-worker state


def init_worker(meta):
    S = sources.Sources(meta)
    S.ast_beep = T.load_ast_beep(os.path.join(sources.AST_DIR, "beep.wav"))
    by_voice = {}
    for x, d in S.speech["greet"]:
        by_voice.setdefault(d.split()[0], []).append((x, d))
    S.greet_by_voice = by_voice
    hv = {}
    for x, d in S.speech["human"]:
        hv.setdefault(d.split()[0], []).append((x, d))
    S.human_by_voice = hv
    W["S"] = S


def lvl(x, rel_db):
    """Scale x to REF active RMS shifted by rel_db."""
    r = active_rms(x)
    return x if r <= 0 else x * (REF * 10 ** (rel_db / 20) / r)


def pick_channel(rng):
    noise = str(rng.choice(["white", "pink", "brown", "babble"], p=[0.3, 0.3, 0.2, 0.2]))
    snr = round(float(rng.uniform(10, 40)), 1)
    level = float(rng.uniform(-34, -12))
    law = "ulaw" if rng.random() < 0.5 else "alaw"
    loss = float(rng.uniform(0.01, 0.03)) if rng.random() < 1 / 3 else 0.0
    return noise, snr, level, law, loss


def noise_signal(S, rng, kind, n):
    return S.babble(rng, n) if kind == "babble" else colored_noise(n, kind, rng)


def codec_name(law):
    return "g711_ulaw" if law == "ulaw" else "g711_alaw"


def active_seconds(x, frame=80, rel_db=30.0):
    n = len(x) // frame
    if n == 0:
        return 0.0
    p = np.mean(np.square(x[: n * frame].reshape(n, frame)), axis=1)
    return float(np.sum(p > p.max() * 10 ** (-rel_db / 10))) * frame / SR if p.max() > 0 else 0.0


def window(x, L, rng, min_active_s, tries=25):
    """A length-L window of x holding at least min_active_s of signal (best of tries)."""
    n = int(round(L * SR))
    if len(x) <= n:
        return np.concatenate([x, np.zeros(n - len(x))]), 0.0
    thr = np.max(np.abs(x)) ** 2 * 1e-3
    best, best_a, best_s = None, -1, 0
    for _ in range(tries):
        s = int(rng.integers(0, len(x) - n + 1))
        seg = x[s:s + n]
        a = float(np.sum(seg ** 2 > thr)) / SR
        if a > best_a:
            best, best_a, best_s = seg, a, s
        if a >= min_active_s:
            break
    return best.copy(), best_s / SR


# ==========================================================================
# clips


def clip_beep(S, rng):
    b = T.make_beep(rng, S.ast_beep)
    bd = len(b.x) / SR
    L = float(rng.uniform(max(0.3, bd + 0.05), 2.0)) if bd + 0.05 < 2.0 else bd
    pre = float(rng.uniform(0, L - bd))
    n = int(round(L * SR))
    x = np.zeros(n)
    rel = float(rng.uniform(-14, 16))  # beep vs. greeting level
    s0 = int(round(pre * SR))
    x[s0:s0 + len(b.x)] += lvl(b.x, rel)[: n - s0]
    ctx = ""
    if pre > 0.2 and rng.random() < 0.3:  # tail of the greeting just before the beep
        sp, d = S.any_speech(rng)
        gap = float(rng.uniform(0.05, min(0.5, pre - 0.1)))
        m = int(round((pre - gap) * SR))
        tail = lvl(sp, 0)[-m:]
        x[m - len(tail):m] += tail
        ctx += f"; greeting tail {d} gap={gap:.2f}s"
    if rng.random() < 0.1:
        mu, tr, _ = S.music(rng, L)
        r = float(rng.uniform(-25, -12))
        x += lvl(mu, r)
        ctx += f"; music bed {tr} {r:.0f}dB"
    src = f"beep {b.desc} [{', '.join(f'{f:.1f}' for f in b.freqs)}] at {pre:.3f}-{pre + b.end_s:.3f}s rel{rel:+.1f}dB{ctx}"
    return x, src


def clip_speech(S, rng):
    L = float(rng.uniform(0.3, 2.0))
    sp, d = S.any_speech(rng)
    x, off = window(sp, L, rng, min(0.6 * L, 0.8 * active_seconds(sp)))
    src = f"speech {d} @{off:.2f}s"
    if rng.random() < 0.12:
        mu, tr, _ = S.music(rng, L)
        r = float(rng.uniform(-25, -12))
        x = lvl(x, 0) + lvl(mu, r)
        src += f"; music bed {tr} {r:.0f}dB"
    return x, src


TONE_KINDS = [("dtmf", .14), ("ringback", .10), ("busy", .10), ("dial", .05), ("sit", .08), ("cng", .05),
              ("ced", .06), ("callwait", .06), ("note", .10), ("vowel", .20), ("milliwatt", .04)]


def tone_signal(S, rng, kind):
    if kind == "dtmf":
        return T.dtmf_string(rng)
    if kind == "ringback":
        x, d, _ = T.ringback(rng, 8.0)
        return x, d
    if kind == "busy":
        return T.busy(rng, 4.0)
    if kind == "dial":
        return T.dial_tone(rng, 3.0)
    if kind == "sit":
        return T.sit_triplet(rng)
    if kind == "cng":
        return T.fax_cng(rng, 8.0)
    if kind == "ced":
        return T.fax_ced(rng)
    if kind == "callwait":
        return T.call_waiting(rng)
    if kind == "note":
        return S.held_note(rng)
    if kind == "vowel":
        return T.voice(rng)
    if kind == "milliwatt":
        return T.milliwatt(rng, 3.0)
    raise ValueError(kind)


def clip_tone(S, rng):
    names, w = zip(*TONE_KINDS)
    kind = str(rng.choice(names, p=np.array(w) / sum(w)))
    sig, d = tone_signal(S, rng, kind)
    L = float(rng.uniform(0.3, 2.0))
    x, off = window(sig, L, rng, min(0.5 * L, 0.9 * active_seconds(sig)))
    return x, f"tone {d} @{off:.2f}s"


def clip_music(S, rng):
    L = float(rng.uniform(0.3, 2.0))
    mu, tr, _ = S.music(rng, 30.0)
    x, off = window(mu, L, rng, 0.8 * L)
    return x, f"music {tr}"


def clip_noise(S, rng, n):
    """Silence / line noise only: returns (signal at final level, source, law)."""
    kind = str(rng.choice(["digital_silence", "white", "pink", "brown", "hum", "clicks", "far_babble"],
                          p=[0.08, 0.22, 0.22, 0.14, 0.12, 0.1, 0.12]))
    level = float(rng.uniform(-70, -38))
    if kind == "digital_silence":
        return np.zeros(n), "noise digital silence", None
    if kind in ("white", "pink", "brown"):
        x = colored_noise(n, kind, rng)
    elif kind == "hum":
        f = float(rng.choice([50.0, 60.0]))
        t = np.arange(n) / SR
        x = sum(rng.uniform(0.2, 1.0) / k * np.sin(2 * np.pi * f * k * t + rng.uniform(0, 6.3)) for k in range(1, 40, 2))
        x = x + 0.3 * colored_noise(n, "pink", rng)
    elif kind == "clicks":
        x = 0.2 * colored_noise(n, "white", rng)
        for i in rng.integers(0, n, size=int(rng.integers(1, 12))):
            x[i:i + 8] += rng.uniform(-8, 8)
    else:
        x = S.babble(rng, n)
        level = float(rng.uniform(-60, -42))
    if kind != "hum" or rng.random() < 0.5:
        x = bandpass(x)
    x = x / max(np.sqrt(np.mean(x ** 2)), 1e-12) * 10 ** (level / 20)
    return x, f"noise {kind} level={level:.1f}dBFS", level


def make_clip(job):
    label, idx, seed, out = job
    S = W["S"]
    rng = np.random.default_rng([seed, TAG[label], idx])
    noise, snr, level, law, loss = pick_channel(rng)
    if label == "noise":
        n = int(round(float(rng.uniform(0.3, 2.0)) * SR))
        x, src, _ = clip_noise(S, rng, n)
        if loss:
            from synth import frame_loss
            x = frame_loss(x, loss, rng)
        y, _ = g711_roundtrip(x, law)
        snr_s = ""
    else:
        x, src = {"beep": clip_beep, "speech": clip_speech, "tone": clip_tone, "music": clip_music}[label](S, rng)
        y, _, level = channel(x, rng, noise_signal(S, rng, noise, len(x)), level, snr, law, loss)
        src += f"; noise={noise} level={level:.1f}dBFS"
        snr_s = f"{snr:.1f}"
    if loss:
        src += f" plc_loss={loss * 100:.1f}%"
    rel = f"{label}/{label}-{idx:05d}.wav"
    write_pcm16_wav(os.path.join(out, "clips", rel), y)
    return [rel, label, f"{len(y) / SR:.3f}", src, snr_s, codec_name(law)]


# ==========================================================================
# calls


class Timeline:
    def __init__(self):
        self.parts, self.n, self.over = [], 0, []

    def t(self):
        return self.n / SR

    def add(self, x):
        t0 = self.t()
        self.parts.append(np.asarray(x, dtype=float))
        self.n += len(x)
        return t0

    def pause(self, s):
        return self.add(silence(s))

    def overlay(self, t0, x):
        self.over.append((int(round(t0 * SR)), x))

    def render(self, lead_s=0.0):
        x = np.concatenate([silence(lead_s)] + self.parts)
        off = int(round(lead_s * SR))
        for s, y in self.over:
            s += off
            m = min(len(y), len(x) - s)
            if m > 0:
                x[s:s + m] += y[:m]
        return x


def add_ringback(tl, rng, notes, n_cycles=None, region=None, suffix=" before answer"):
    n_cycles = n_cycles or int(rng.integers(1, 4))
    x, d = T.ringback_cycles(rng, n_cycles, region)
    tl.add(lvl(x, float(rng.uniform(-8, 0))))
    notes.append(d + suffix)
    return x


def greeting_voice(S, rng):
    """An espeak voice drawn at random, and its greetings."""
    voices = sorted(S.greet_by_voice)
    v = voices[int(rng.integers(len(voices)))]
    return v, S.greet_by_voice[v]


def greeting(S, rng, target):
    """A voicemail greeting of about `target` s (2-12 s): espeak or Asterisk prompts strung together."""
    pieces, desc = [], ""
    if rng.random() < 0.6:
        v, pool = greeting_voice(S, rng)
        desc = v
        order = rng.permutation(len(pool))
        for i in order:
            x = pool[i][0]
            tot = sum(len(p) for p in pieces) / SR
            if pieces and tot + len(x) / SR > 12:
                break
            pieces += [x, silence(float(rng.uniform(0.2, 0.8)))]
            if tot + len(x) / SR >= target:
                break
    else:
        r = rng.random()
        if r < 0.3:
            names = ["vm-theperson"] + [f"digits/{int(d)}" for d in rng.integers(0, 10, int(rng.integers(3, 5)))] + \
                [str(rng.choice(["vm-isunavail", "vm-isonphone"]))]
        elif r < 0.5:
            names = ["vm-nobodyavail"]
        elif r < 0.75:
            names = ["hello"] + [str(rng.choice([n for n in S.ast_names if n.startswith("vm-")]))
                                 for _ in range(int(rng.integers(1, 4)))]
        else:
            names = [str(rng.choice(S.ast_names)) for _ in range(int(rng.integers(2, 6)))]
        if rng.random() < 0.5:
            names.append("vm-intro")
        while True:
            for nm in names:
                if nm in S.ast:
                    pieces += [S.ast[nm], silence(float(rng.uniform(0.1, 0.6)))]
            if sum(len(p) for p in pieces) / SR >= min(target, 4.0):
                break
            names = [str(rng.choice(S.ast_names)) for _ in range(2)]
        desc = "ast:" + "+".join(names[:6]) + ("..." if len(names) > 6 else "")
    x = np.concatenate(pieces[:-1])
    if len(x) > 12 * SR:
        x = x[: 12 * SR] * ramp_env(12 * SR, 0, 0.05)
    return x, desc


# Asterisk prompts that make a whole short greeting on their own (1.2-2.8 s).
SHORT_PROMPTS = ["vm-isunavail", "vm-isonphone", "vm-leavemsg", "vm-nobodyavail"]


def short_greeting(S, rng):
    """A greeting of 1-4 s, as carriers' and terse personal mailboxes play: one short espeak greeting or one
    Asterisk prompt."""
    if rng.random() < 0.6:
        v, pool = greeting_voice(S, rng)
        fits = [x for x, _ in pool if len(x) / SR <= 4.0] or [min((x for x, _ in pool), key=len)]
        return fits[int(rng.integers(len(fits)))], v
    names = [n for n in SHORT_PROMPTS if n in S.ast]
    n = str(rng.choice(names))
    return S.ast[n], "ast:" + n


def call_machine(S, rng, notes, with_beep, short_share=0.0):
    tl = Timeline()
    if rng.random() < 0.5:
        add_ringback(tl, rng, notes)
        tl.pause(float(rng.uniform(0.1, 0.8)))
    if short_share > 0 and rng.random() < short_share:
        g, gd = short_greeting(S, rng)
    else:
        g, gd = greeting(S, rng, float(rng.uniform(2, 12)))
    g0 = tl.add(g)
    notes.insert(0, f"greeting {gd} {len(g) / SR:.1f}s" + ("" if with_beep else " no beep"))
    if rng.random() < 0.15:
        mu, tr, _ = S.music(rng, len(g) / SR)
        r = float(rng.uniform(-22, -8))
        tl.overlay(g0, lvl(mu, r))
        notes.append(f"greeting music bed {tr} {r:.0f}dB")
    beep = None
    if with_beep:
        tl.pause(float(rng.uniform(0, 1.5)))
        b = T.make_beep(rng, S.ast_beep)
        rel = float(rng.uniform(-14, 16))
        on = tl.add(lvl(b.x, rel))
        beep = (on, on + b.end_s, b.freqs)
        notes.insert(1, f"beep {b.style} {rel:+.1f}dB rel speech ({b.desc})")
        tl.pause(float(rng.uniform(2, 6)))
    else:
        r = rng.random()
        if r < 0.4:
            tl.pause(float(rng.uniform(2, 8)))
            notes.append("then silence/hang-up")
        elif r < 0.7:
            tl.pause(float(rng.uniform(1, 3)))
            tl.add(g)
            tl.pause(float(rng.uniform(0.5, 3)))
            notes.append("greeting repeats")
        elif r < 0.85:
            tl.pause(float(rng.uniform(0.3, 1.0)))
            tl.add(S.ast["vm-mailboxfull"] if "vm-mailboxfull" in S.ast else S.ast_prompt(rng)[0])
            tl.pause(float(rng.uniform(1, 4)))
            notes.append("then mailbox-full prompt")
        else:
            tl.pause(float(rng.uniform(0.5, 2)))
            x, d = T.busy(rng, float(rng.uniform(2, 6)), "reorder_US" if rng.random() < 0.5 else None)
            tl.add(lvl(x, float(rng.uniform(-8, 0))))
            notes.append(f"then {d}")
    return tl, beep


def call_human(S, rng, notes):
    tl = Timeline()
    if rng.random() < 0.6:
        add_ringback(tl, rng, notes, int(rng.integers(1, 5)))
    tl.pause(float(rng.uniform(0.2, 1.0)))
    voices = sorted(S.human_by_voice)
    v = voices[int(rng.integers(len(voices)))]
    pool = S.human_by_voice[v]
    use_ast = rng.random() < 0.15
    notes.insert(0, "human " + ("ast:hello" if use_ast else v))
    target = float(rng.uniform(8, 25))
    t_answer = tl.t()
    cw = rng.random() < 0.08
    first = True
    while tl.t() < target:
        if use_ast:
            x = S.ast["hello"] if (first or rng.random() < 0.6) else S.ast_prompt(rng)[0]
        else:
            x = pool[int(rng.integers(len(pool)))][0]
        tl.add(x * 10 ** (float(rng.uniform(-4, 4)) / 20))
        first = False
        gap = float(rng.uniform(0.8, 3.5))
        if cw and rng.random() < 0.5:
            tl.pause(gap / 2)
            y, d = T.call_waiting(rng)
            tl.add(lvl(y, float(rng.uniform(-10, -2))))
            notes.append(d)
            cw = False
            gap /= 2
        tl.pause(gap)
    if rng.random() < 0.15:
        # A radio or television playing in the room while the person talks: held notes under speech.
        mu, tr, _ = S.music(rng, tl.t() - t_answer)
        r = float(rng.uniform(-22, -8))
        tl.overlay(t_answer, lvl(mu, r))
        notes.append(f"background music/TV {tr} {r:.0f}dB")
    return tl


def call_tone(S, rng, kind, notes):
    tl = Timeline()
    target = float(rng.uniform(8, 30))
    if kind == "ringback":
        if rng.random() < 0.2:
            x, d = T.dial_tone(rng, float(rng.uniform(1, 3)))
            tl.add(lvl(x, -3))
            y, dd = T.dtmf_string(rng, int(rng.integers(7, 12)))
            tl.add(lvl(y, -3))
            tl.pause(float(rng.uniform(1, 3)))
            notes.append(f"{d}; dialing {dd}")
        x, d, _ = T.ringback(rng, float(rng.uniform(8, 38)) - tl.t(), start_phase=False)
        tl.add(lvl(x, 0))
        notes.insert(0, d)
    elif kind == "busy":
        if rng.random() < 0.35:
            add_ringback(tl, rng, notes, int(rng.integers(1, 3)), suffix="")
        x, d = T.busy(rng, float(rng.uniform(5, 25)))
        tl.add(lvl(x, 0))
        notes.append(d)
    elif kind == "dtmf":
        if rng.random() < 0.3:
            add_ringback(tl, rng, notes, 1, suffix="")
        dd = []
        while tl.t() < target:
            if rng.random() < 0.5:
                sp, sd = S.espeak(rng, "misc")
            else:
                sp, sd = S.ast_prompt(rng)
                sd = "ast:" + sd
            tl.add(sp)
            tl.pause(float(rng.uniform(0.3, 1.5)))
            y, d = T.dtmf_string(rng)
            tl.add(lvl(y, float(rng.uniform(-8, 2))))
            tl.pause(float(rng.uniform(0.3, 1.5)))
            dd.append(d)
        notes.insert(0, "DTMF strings with speech: " + "; ".join(dd[:4]) + ("..." if len(dd) > 4 else ""))
    elif kind == "sit":
        if rng.random() < 0.4:
            add_ringback(tl, rng, notes, 1, suffix="")
        x, d = T.sit_triplet(rng)
        reps = int(rng.integers(1, 3))
        ann_names = ["ss-noservice", "cannot-complete-as-dialed", "check-number-dial-again", "all-circuits-busy-now",
                     "number-not-answering", "please-try-call-later", "tt-allbusy", "im-sorry"]
        if rng.random() < 0.6:
            ann, ad = S.ast_prompt(rng, ann_names)
            ad = "ast:" + ad
        else:
            ann, ad = S.espeak(rng, "misc")
        rel = float(rng.uniform(-6, 0))
        for _ in range(reps):
            tl.add(lvl(x, rel))
            tl.pause(float(rng.uniform(0.1, 0.6)))
            tl.add(ann)
            tl.pause(float(rng.uniform(0.5, 2.0)))
        notes.insert(0, f"{d} x{reps} + announcement {ad}")
    elif kind == "fax":
        if rng.random() < 0.5:
            x, d = T.fax_cng(rng, target)
            tl.add(lvl(x, 0))
        else:
            d = None
            while tl.t() < target:
                x, dd = T.fax_ced(rng)
                d = d or dd
                tl.add(lvl(x, 0))
                tl.pause(float(rng.uniform(1, 3)))
        notes.insert(0, d)
    elif kind == "moh":
        mu, tr, st = S.music(rng, target)
        tl.add(lvl(mu, 0))
        d = f"music on hold {tr}@{st:.0f}s"
        if rng.random() < 0.4:
            names = ["pls-hold-while-try", "one-moment-please", "queue-periodic-announce", "queue-thankyou",
                     "queue-youarenext", "queue-callswaiting"]
            t = float(rng.uniform(2, 6))
            k = 0
            while t < target - 3:
                sp = S.ast_prompt(rng, names)[0] if rng.random() < 0.6 else S.espeak(rng, "misc")[0]
                tl.overlay(t, lvl(sp, 4))
                t += len(sp) / SR + float(rng.uniform(4, 12))
                k += 1
            d += f" with {k} hold announcements"
        notes.insert(0, d)
    elif kind == "vowel":
        ds = []
        while tl.t() < target:
            y, d = T.voice(rng)
            tl.add(lvl(y, float(rng.uniform(-4, 2))))
            tl.pause(float(rng.uniform(0.2, 2.0)))
            ds.append(d)
            if rng.random() < 0.25:
                sp, sd = S.any_speech(rng)
                tl.add(sp)
                tl.pause(float(rng.uniform(0.3, 1.5)))
                ds.append("speech " + sd)
        notes.insert(0, "synthetic sustained vowels/hums " + ", ".join(ds[:5]) + ("..." if len(ds) > 5 else ""))
    return tl


def make_call(job):
    kind, idx, seed, out, short_share = job
    S = W["S"]
    rng = np.random.default_rng([seed, TAG["call"], idx])
    notes, beep = [], None
    if kind in ("machine_beep", "machine_nobeep"):
        tl, beep = call_machine(S, rng, notes, kind == "machine_beep", short_share)
    elif kind == "human":
        tl = call_human(S, rng, notes)
    else:
        tl = call_tone(S, rng, kind, notes)
    # 8-40 s: pad with leading silence, trim tail (never into a beep)
    dur = tl.t()
    lead = float(rng.uniform(0, 0.5))
    if dur + lead < 8.0:
        lead = 8.0 - dur + float(rng.uniform(0, 1.0))
    x = tl.render(lead)
    maxn = 40 * SR
    if len(x) > maxn:
        x = x[:maxn] * ramp_env(maxn, 0, 0.02)
    noise, snr, level, law, loss = pick_channel(rng)
    y, enc, level = channel(x, rng, noise_signal(S, rng, noise, len(x)), level, snr, law, loss)
    notes.append(f"noise={noise} level={level:.1f}dBFS" + (f" plc_loss={loss * 100:.1f}%" if loss else ""))
    cid = f"train-{idx:04d}"
    write_g711_wav(os.path.join(out, "calls", cid + ".wav"), enc, law)
    row = {"id": cid, "file": f"calls/{cid}.wav", "kind": kind,
           "beep_onset_s": None, "beep_end_s": None, "beep_freqs_hz": None,
           "snr_db": snr, "codec": codec_name(law), "notes": "; ".join(notes),
           "duration_s": round(len(y) / SR, 3), "encoding": "mulaw" if law == "ulaw" else "alaw"}
    if beep:
        row["beep_onset_s"] = round(beep[0] + lead, 4)
        row["beep_end_s"] = round(beep[1] + lead, 4)
        row["beep_freqs_hz"] = [round(float(f), 1) for f in beep[2]]
    return row


def call_kinds(n, rng):
    counts = {k: int(round(n * s)) for k, s in CALL_SHARE.items()}
    rest = [k for k in CALL_KINDS if k not in counts]
    left = n - sum(counts.values())
    for i, k in enumerate(rest):
        counts[k] = left // len(rest) + (1 if i < left % len(rest) else 0)
    kinds = [k for k in CALL_KINDS for _ in range(counts[k])]
    return [kinds[i] for i in rng.permutation(len(kinds))]


# ==========================================================================


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/work/train-data")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--workers", type=int, default=2, help="processes (capped at 2)")
    ap.add_argument("--beep", type=int, default=1500)
    ap.add_argument("--speech", type=int, default=1500)
    ap.add_argument("--tone", type=int, default=1200)
    ap.add_argument("--music", type=int, default=500)
    ap.add_argument("--noise", type=int, default=400)
    ap.add_argument("--calls", type=int, default=600)
    ap.add_argument("--short-greetings", type=float, default=0.0, metavar="SHARE",
                    help="share (0-1) of voicemail calls whose greeting is one short utterance of 1-4 s")
    a = ap.parse_args(argv)
    if not 0 <= a.short_greetings <= 1:
        ap.error("--short-greetings is a share, in 0...1")
    workers = max(1, min(2, a.workers))
    t0 = time.time()
    for d in ["calls"] + [f"clips/{lab}" for lab in LABELS]:
        os.makedirs(os.path.join(a.out, d), exist_ok=True)

    with mp.Pool(workers) as p:
        meta = sources.build_espeak_pool(os.path.join(a.out, "_cache", "espeak"), a.seed, p.imap)
    print(f"espeak pool: {len(meta)} utterances ({time.time() - t0:.0f}s)", flush=True)

    clip_jobs = [(lab, i, a.seed, a.out) for lab in LABELS for i in range(getattr(a, lab))]
    kinds = call_kinds(a.calls, np.random.default_rng([a.seed, 99]))
    call_jobs = [(k, i, a.seed, a.out, a.short_greetings) for i, k in enumerate(kinds)]
    with mp.Pool(workers, initializer=init_worker, initargs=(meta,)) as p:
        rows = list(p.imap(make_clip, clip_jobs, chunksize=16))
        with open(os.path.join(a.out, "clips", "labels.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["file", "label", "duration_s", "source", "snr_db", "codec"])
            w.writerows(rows)
        print(f"clips: {len(rows)} ({time.time() - t0:.0f}s)", flush=True)
        calls = list(p.imap(make_call, call_jobs, chunksize=4))
    with open(os.path.join(a.out, "manifest.jsonl"), "w") as f:
        for r in calls:
            f.write(json.dumps(r) + "\n")
    with open(os.path.join(a.out, "generation.json"), "w") as f:
        json.dump({"seed": a.seed, "args": vars(a), "seconds": round(time.time() - t0, 1)}, f, indent=1)
    print(f"calls: {len(calls)} ({time.time() - t0:.0f}s) -> {a.out}", flush=True)


if __name__ == "__main__":
    main()
