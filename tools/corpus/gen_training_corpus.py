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
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # audioop on 3.12
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import codec  # noqa: E402
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
# The wider material's settings (--wide, --codec-share, --shift-share, --room-share), set per worker. Empty (the
# default) gives the first corpus's audio, bit for bit: every draw below that serves them sits behind a test of AUG.
AUG = {}
FALLBACK_RINGBACK_S = 6.0  # ringback call: how long it rings when dialling alone outran the drawn length
WIDE_BEEP_REL_DB = (-16.0, 16.0)  # beep level relative to the greeting, --wide
MONOTONE_GREETING_SHARE = 0.15  # --wide: greetings by a monotone IVR voice
ESPEAK_VOWEL_SHARE = 0.5  # --wide: sustained vowels from espeak voices rather than the glottal-pulse synthesiser


def init_worker(meta, aug=None):
    AUG.clear()
    AUG.update(aug or {})
    music = sources.load_music(sources.TRAIN_MUSIC_PACKAGES, AUG["music_cache"]) if AUG.get("wide") else {}
    S = sources.Sources(meta, {k: x.astype(np.float32) for k, x in music.items()})  # 41 tracks: half the memory
    S.ast_beep = T.load_ast_beep(os.path.join(sources.AST_DIR, "beep.wav"))
    by_voice = {}
    for x, d in S.speech["greet"]:
        by_voice.setdefault(d.split()[0], []).append((x, d))
    S.greet_by_voice = by_voice
    mono = {}
    for x, d in S.speech["mono"]:
        mono.setdefault(d.split()[0] + " monotone", []).append((x, d))
    S.mono_by_voice = mono
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
    if AUG.get("wide"):
        return pick_channel_wide(rng)
    noise = str(rng.choice(["white", "pink", "brown", "babble"], p=[0.3, 0.3, 0.2, 0.2]))
    snr = round(float(rng.uniform(10, 40)), 1)
    level = float(rng.uniform(-34, -12))
    law = "ulaw" if rng.random() < 0.5 else "alaw"
    loss = float(rng.uniform(0.01, 0.03)) if rng.random() < 1 / 3 else 0.0
    return noise, snr, level, law, loss


def pick_channel_wide(rng):
    """--wide: levels -40...-8 dBFS, SNR 6-45 dB, up to 5 % frames lost."""
    noise = str(rng.choice(["white", "pink", "brown", "babble"], p=[0.25, 0.3, 0.2, 0.25]))
    snr = round(float(rng.uniform(6, 45)), 1)
    level = float(rng.uniform(-40, -8))
    law = "ulaw" if rng.random() < 0.5 else "alaw"
    loss = float(rng.uniform(0.005, 0.05)) if rng.random() < 0.4 else 0.0
    return noise, snr, level, law, loss


def aug_codec(rng):
    """--codec-share: the codec (codec.CODECS name) this item passes through before G.711, or None."""
    share = AUG.get("codec_share", 0.0)
    return codec.pick(rng) if share and rng.random() < share else None


def sox_pipe(x, effects):
    """x (8 kHz float) through sox effects; the output may differ in length (tempo)."""
    raw = ["-t", "raw", "-r", str(SR), "-e", "signed", "-b", "16", "-c", "1"]
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes()
    out = subprocess.run(["sox", "-R", "-D"] + raw + ["-"] + raw + ["-"] + effects + ["rate", str(SR)], input=pcm,
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, "<i2").astype(np.float64) / 32768.0


def pick_voice_shift(rng):
    """--shift-share: sox effects that change a recorded voice (pitch, tempo, formants), or None; with a note."""
    share = AUG.get("shift_share", 0.0)
    if not share or rng.random() >= share:
        return None, ""
    mode = str(rng.choice(["pitch", "tempo", "formant", "all"]))
    eff, note = [], []
    if mode in ("formant", "all"):  # resample (moves pitch and formants), then put the pitch back
        r = float(rng.uniform(0.85, 1.18))
        eff += ["speed", f"{r:.3f}", "pitch", f"{-1200 * np.log2(r):.0f}"]
        note.append(f"formants x{r:.2f}")
    if mode in ("pitch", "all"):
        c = float(rng.uniform(-500, 500))
        eff += ["pitch", f"{c:.0f}"]
        note.append(f"pitch {c:+.0f} cents")
    if mode in ("tempo", "all"):
        t = float(rng.uniform(0.8, 1.25))
        eff += ["tempo", "-s", f"{t:.2f}"]
        note.append(f"tempo x{t:.2f}")
    return eff, "voice shift " + ", ".join(note)


def shift_speech(x, effects):
    if not effects:
        return x
    try:
        y = sox_pipe(x * 0.5, effects) * 2.0
    except subprocess.CalledProcessError:
        return x  # sox 14.4 can crash in `speed` + `pitch` on some short inputs; that utterance stays as it was
    return y / max(active_rms(y), 1e-9) * active_rms(x)


def room_handset(x, rng):
    """--room-share: a handset or speakerphone response (sox equalizer, band edges) and sometimes a small room's
    reverb. Returns (x, note or None); zero pre-delay, so a beep's onset stays where it was."""
    share = AUG.get("room_share", 0.0)
    if not share or rng.random() >= share:
        return x, None
    f, q, g = float(rng.uniform(500, 3000)), float(rng.uniform(0.5, 2.5)), float(rng.uniform(-8, 10))
    hp, lp = float(rng.uniform(150, 500)), float(rng.uniform(2700, 3700))
    eff = ["equalizer", f"{f:.0f}", f"{q:.1f}q", f"{g:.1f}", "highpass", f"{hp:.0f}", "lowpass", f"{lp:.0f}"]
    note = f"handset eq {f:.0f}Hz {g:+.0f}dB band {hp:.0f}-{lp:.0f}Hz"
    if rng.random() < 0.5:
        rev, room = float(rng.uniform(10, 50)), float(rng.uniform(5, 40))
        eff += ["reverb", f"{rev:.0f}", "50", f"{room:.0f}", "100", "0", "-6"]
        note += f" room reverb {rev:.0f}%/{room:.0f}%"
    y = sox_pipe(x * 0.25, eff)[: len(x)] * 4.0
    if len(y) < len(x):
        y = np.concatenate([y, np.zeros(len(x) - len(y))])
    return y, note


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


def aug_beep(S, rng):
    """A beep: the wider styles under --wide."""
    return T.make_beep(rng, S.ast_beep, styles=T.BEEP_STYLES_WIDE if AUG.get("wide") else None)


def beep_rel_db(rng):
    """A beep's level relative to the greeting (dB): a wider range under --wide."""
    return float(rng.uniform(*WIDE_BEEP_REL_DB)) if AUG.get("wide") else float(rng.uniform(-14, 16))


def clip_beep(S, rng):
    b = aug_beep(S, rng)
    bd = len(b.x) / SR
    L = float(rng.uniform(max(0.3, bd + 0.05), 2.0)) if bd + 0.05 < 2.0 else bd
    pre = float(rng.uniform(0, L - bd))
    n = int(round(L * SR))
    x = np.zeros(n)
    rel = beep_rel_db(rng)  # beep vs. greeting level
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
    freqs = ", ".join(f"{f:.1f}" for f in b.freqs)
    src = f"beep {b.desc} [{freqs}] at {pre:.3f}-{pre + b.end_s:.3f}s rel{rel:+.1f}dB{ctx}"
    return x, src


def clip_speech(S, rng):
    L = float(rng.uniform(0.3, 2.0))
    sp, d = S.any_speech(rng)
    eff, shift_note = pick_voice_shift(rng)
    if eff:
        sp, d = shift_speech(sp, eff), f"{d} {shift_note}"
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
        return espeak_or_synthetic_vowel(S, rng)
    if kind == "milliwatt":
        return T.milliwatt(rng, 3.0)
    raise ValueError(kind)


def espeak_or_synthetic_vowel(S, rng):
    """A sustained vowel or hum; under --wide, half of them come from espeak voices (sustained phonemes and
    monotone IVR lines)."""
    if AUG.get("wide") and S.speech["vowel"] and rng.random() < ESPEAK_VOWEL_SHARE:
        x, d = S.espeak(rng, "vowel" if rng.random() < 0.6 else "mono")
        return x, "espeak " + d
    return T.voice(rng)


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
        x = sum(rng.uniform(0.2, 1.0) / k * np.sin(2 * np.pi * f * k * t + rng.uniform(0, 6.3))
                for k in range(1, 40, 2))
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
    cname = None
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
        nz = noise_signal(S, rng, noise, len(x))
        x, room_note = room_handset(x, rng)
        cname = aug_codec(rng)
        cfn = (lambda sig: codec.roundtrip(sig, cname)[0]) if cname else None
        y, _, level = channel(x, rng, nz, level, snr, law, loss, cfn)
        src += (f"; {room_note}" if room_note else "") + f"; noise={noise} level={level:.1f}dBFS"
        if cname:
            src += f" codec={cname}"
        snr_s = f"{snr:.1f}"
    if loss:
        src += f" plc_loss={loss * 100:.1f}%"
    rel = f"{label}/{label}-{idx:05d}.wav"
    write_pcm16_wav(os.path.join(out, "clips", rel), y)
    return [rel, label, f"{len(y) / SR:.3f}", src, snr_s,
            (cname + "+" if label != "noise" and cname else "") + codec_name(law)]


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
    """An espeak voice drawn at random, and its greetings (under --wide sometimes a monotone IVR voice's)."""
    if AUG.get("wide") and S.mono_by_voice and rng.random() < MONOTONE_GREETING_SHARE:
        voices = sorted(S.mono_by_voice)
        v = voices[int(rng.integers(len(voices)))]
        return v, S.mono_by_voice[v]
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
    eff, shift_note = pick_voice_shift(rng)
    if eff:
        g, gd = shift_speech(g, eff), f"{gd} ({shift_note})"
    g0 = tl.add(g)
    notes.insert(0, f"greeting {gd} {len(g) / SR:.1f}s" + ("" if with_beep else " no beep"))
    if rng.random() < 0.15:
        mu, tr, _ = S.music(rng, len(g) / SR)
        r = float(rng.uniform(-22, -8))
        tl.overlay(g0, lvl(mu, r))
        notes.append(f"greeting music bed {tr} {r:.0f}dB")
    if with_beep:
        return tl, add_beep(tl, rng, notes, lambda r: (aug_beep(S, r), beep_rel_db(r)))

    def mailbox_full(tl, rng, notes):
        tl.add(S.ast["vm-mailboxfull"] if "vm-mailboxfull" in S.ast else S.ast_prompt(rng)[0])
        notes.append("then mailbox-full prompt")

    def busy_after(rng):
        x, d = T.busy(rng, float(rng.uniform(2, 6)), "reorder_US" if rng.random() < 0.5 else None)
        return x, f"then {d}"

    add_nobeep_ending(tl, rng, g, notes, mailbox_full, busy_after)
    return tl, None


def add_beep(tl, rng, notes, make, gap_s=(0.0, 1.5)):
    """After a greeting: a pause, the beep from `make(rng)` -> (Beep, level in dB relative to the greeting), 2-6 s of
    quiet. Returns (onset s, end s, frequencies Hz)."""
    tl.pause(float(rng.uniform(*gap_s)))
    b, rel = make(rng)
    on = tl.add(lvl(b.x, rel))
    notes.insert(1, f"beep {b.style} {rel:+.1f}dB rel speech ({b.desc})")
    tl.pause(float(rng.uniform(2, 6)))
    return on, on + b.end_s, b.freqs


def add_nobeep_ending(tl, rng, g, notes, prompt, busy_tone, repeat_below=0.7):
    """How a greeting without a beep ends: silence (40 %), the greeting again (up to `repeat_below`), a prompt
    (`prompt(tl, rng, notes)` adds it, up to 85 %) or a busy tone (`busy_tone(rng)` -> (signal, note))."""
    r = rng.random()
    if r < 0.4:
        tl.pause(float(rng.uniform(2, 8)))
        notes.append("then silence/hang-up")
    elif r < repeat_below:
        tl.pause(float(rng.uniform(1, 3)))
        tl.add(g)
        tl.pause(float(rng.uniform(0.5, 3)))
        notes.append("greeting repeats")
    elif r < 0.85:
        tl.pause(float(rng.uniform(0.3, 1.0)))
        prompt(tl, rng, notes)
        tl.pause(float(rng.uniform(1, 4)))
    else:
        tl.pause(float(rng.uniform(0.5, 2)))
        x, note = busy_tone(rng)
        tl.add(lvl(x, float(rng.uniform(-8, 0))))
        notes.append(note)


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
    eff, shift_note = pick_voice_shift(rng)
    if eff:
        notes.insert(1, shift_note)
    # How long the person talks after answering (s); the rings before the answer do not count.
    talk_s = float(rng.uniform(8, 25))
    t_answer = tl.t()
    cw = rng.random() < 0.08
    first = True
    while tl.t() - t_answer < talk_s:
        if use_ast:
            x = S.ast["hello"] if (first or rng.random() < 0.6) else S.ast_prompt(rng)[0]
        else:
            x = pool[int(rng.integers(len(pool)))][0]
        x = shift_speech(x, eff)
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
        ring_s = float(rng.uniform(8, 38)) - tl.t()
        if ring_s <= 0:  # a long dial tone and number ran past the drawn call length: ring on for a while anyway
            ring_s = FALLBACK_RINGBACK_S
        x, d, _ = T.ringback(rng, ring_s, start_phase=False)
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
        add_sit_announcements(tl, rng, x, float(rng.uniform(-6, 0)), ann, reps)
        notes.insert(0, f"{d} x{reps} + announcement {ad}")
    elif kind == "fax":
        notes.insert(0, add_fax(tl, rng, target))
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
            y, d = espeak_or_synthetic_vowel(S, rng)
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


def add_sit_announcements(tl, rng, sit, rel, ann, reps):
    """`reps` times: the SIT triplet at `rel` dB, then the announcement."""
    for _ in range(reps):
        tl.add(lvl(sit, rel))
        tl.pause(float(rng.uniform(0.1, 0.6)))
        tl.add(ann)
        tl.pause(float(rng.uniform(0.5, 2.0)))


def add_fax(tl, rng, target):
    """A fax machine answering: CNG for `target` s, or CED (+ V.21) bursts; returns the note."""
    if rng.random() < 0.5:
        x, d = T.fax_cng(rng, target)
        tl.add(lvl(x, 0))
        return d
    d = None
    while tl.t() < target:
        x, dd = T.fax_ced(rng)
        d = d or dd
        tl.add(lvl(x, 0))
        tl.pause(float(rng.uniform(1, 3)))
    return d


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
    return finish_call(S, rng, tl, kind, beep, notes, f"train-{idx:04d}", out, pre_channel=room_handset,
                       codec_pick=aug_codec)


def finish_call(S, rng, tl, kind, beep, notes, cid, out, pick=pick_channel, noise_fn=noise_signal, pre_channel=None,
                codec_pick=None):
    """Render a call's timeline to 8-40 s, pass it through the channel, write its G.711 WAV and return its manifest
    row. `pick` and `noise_fn` choose the channel and its noise; `pre_channel(x, rng)` (optional) transforms the
    rendered audio first and returns (x, note); `codec_pick(rng)` (optional) names the codec.CODECS entry the call
    passes through before G.711, or None."""
    # 8-40 s: pad with leading silence, trim tail (never into a beep)
    dur = tl.t()
    lead = float(rng.uniform(0, 0.5))
    if dur + lead < 8.0:
        lead = 8.0 - dur + float(rng.uniform(0, 1.0))
    x = tl.render(lead)
    maxn = 40 * SR
    if len(x) > maxn:
        x = x[:maxn] * ramp_env(maxn, 0, 0.02)
    noise, snr, level, law, loss = pick(rng)
    nz = noise_fn(S, rng, noise, len(x))
    if pre_channel is not None:
        x, note = pre_channel(x, rng)
        if note:
            notes.append(note)
    codec_name_pre = codec_pick(rng) if codec_pick else None
    codec_fn = (lambda sig: codec.roundtrip(sig, codec_name_pre)[0]) if codec_name_pre else None
    y, enc, level = channel(x, rng, nz, level, snr, law, loss, codec_fn)
    notes.append(f"noise={noise} level={level:.1f}dBFS" + (f" plc_loss={loss * 100:.1f}%" if loss else ""))
    write_g711_wav(os.path.join(out, "calls", cid + ".wav"), enc, law)
    row = {"id": cid, "file": f"calls/{cid}.wav", "kind": kind,
           "beep_onset_s": None, "beep_end_s": None, "beep_freqs_hz": None,
           "snr_db": snr, "codec": (codec_name_pre + "+" if codec_name_pre else "") + codec_name(law),
           "notes": "; ".join(notes),
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
    ap.add_argument("--wide", action="store_true",
                    help="the wider material: the TRAIN_*_AUG espeak languages and variants (native lines, monotone "
                         "IVR voices, sustained vowels), the TRAIN_MUSIC_PACKAGES music, more beep styles "
                         "(tones.BEEP_STYLES_WIDE) at -16...+16 dB, levels -40...-8 dBFS, SNR 6-45 dB")
    ap.add_argument("--codec-share", type=float, default=0.0, metavar="SHARE",
                    help="share (0-1) of clips and calls passed through a mobile/VoIP codec (codec.py) before G.711")
    ap.add_argument("--shift-share", type=float, default=0.0, metavar="SHARE",
                    help="share (0-1) of speech clips, greetings and answerers with pitch, tempo or formant shifts")
    ap.add_argument("--room-share", type=float, default=0.0, metavar="SHARE",
                    help="share (0-1) of clips and calls through a handset response and sometimes a room's reverb")
    a = ap.parse_args(argv)
    for name in ("short_greetings", "codec_share", "shift_share", "room_share"):
        if not 0 <= getattr(a, name) <= 1:
            ap.error(f"--{name.replace('_', '-')} is a share, in 0...1")
    sources.check_split()
    aug = {}
    if a.wide or a.codec_share or a.shift_share or a.room_share:
        aug = {"wide": a.wide, "codec_share": a.codec_share, "shift_share": a.shift_share,
               "room_share": a.room_share}
    if a.wide:
        aug["music_cache"] = os.path.join(a.out, "_cache", "music")
        for _pkg, path in sources.music_files(sources.TRAIN_MUSIC_PACKAGES):  # decode here; workers read the cache
            sources.decode_music(path, aug["music_cache"])
    workers = max(1, min(2, a.workers))
    t0 = time.time()
    for d in ["calls"] + [f"clips/{lab}" for lab in LABELS]:
        os.makedirs(os.path.join(a.out, d), exist_ok=True)

    with mp.Pool(workers) as p:
        meta = sources.build_espeak_pool(os.path.join(a.out, "_cache", "espeak"), a.seed, p.imap, a.wide)
    print(f"espeak pool: {len(meta)} utterances ({time.time() - t0:.0f}s)", flush=True)

    clip_jobs = [(lab, i, a.seed, a.out) for lab in LABELS for i in range(getattr(a, lab))]
    kinds = call_kinds(a.calls, np.random.default_rng([a.seed, 99]))
    call_jobs = [(k, i, a.seed, a.out, a.short_greetings) for i, k in enumerate(kinds)]
    with mp.Pool(workers, initializer=init_worker, initargs=(meta, aug)) as p:
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
