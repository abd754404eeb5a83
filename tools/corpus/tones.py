"""Beeps (positives) and non-beep tones (hard negatives), all synthesized.

make_beep() returns a Beep whose signal starts at the beep onset; the other
generators return (signal, description).
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import signal as sps

import codec
from synth import SR, cadence, freq_track, multi_sine, phase_from_freq, ramp_env, silence

DTMF_LOW = [697.0, 770.0, 852.0, 941.0]
DTMF_HIGH = [1209.0, 1336.0, 1477.0, 1633.0]
DTMF_KEYS = "123A456B789C*0#D"
# simultaneous pairs a "beep" must not imitate: DTMF + call-progress tones
_PROGRESS_PAIRS = [(350, 440), (440, 480), (480, 620), (400, 450)]
# Beep frequencies (Hz): a little wider than the ~350 Hz–2.2 kHz real beeps span, so that a model learns no cliff at
# either end (the tone analysis sees 300–2400 Hz).
BEEP_LOW_HZ, BEEP_HIGH_HZ = 320.0, 2300.0


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


# --------------------------------------------------------------------------
# beeps


@dataclass
class Beep:
    x: np.ndarray            # starts at onset
    end_s: float             # last tone end, relative to onset
    freqs: list              # fundamental(s), Hz
    style: str               # short tag for notes
    desc: str = ""
    extra: dict = field(default_factory=dict)


def _too_close(f, g, tol):
    return abs(f - g) <= tol * g


def _dual_pair_ok(f1, f2):
    lo, hi = sorted((f1, f2))
    if hi / lo < 1.06:
        return False
    if any(_too_close(lo, a, 0.03) for a in DTMF_LOW) and any(_too_close(hi, b, 0.03) for b in DTMF_HIGH):
        return False
    if any(_too_close(lo, a, 0.04) and _too_close(hi, b, 0.04) for a, b in _PROGRESS_PAIRS):
        return False
    return True


def _wobble(rng):
    """slight drift (fraction over the tone) and jitter (relative std)."""
    drift = rng.uniform(-0.01, 0.01) if rng.random() < 0.5 else 0.0
    jitter = rng.uniform(0.0005, 0.003) if rng.random() < 0.5 else 0.0
    return drift, jitter


def _harmonic_tone(f0, n, rng, kind, drift, jitter):
    """Band-limited square (odd harmonics 1/k) or sawtooth (all 1/k), or a
    random harmonic mix; harmonics kept below 3700 Hz."""
    f = freq_track(f0, n, rng, drift, jitter)
    ph = phase_from_freq(f, rng.uniform(0, 6.3))
    out = np.zeros(n)
    kmax = int(3700 // (f0 * 1.02))
    for k in range(1, max(kmax, 1) + 1):
        if kind == "square" and k % 2 == 0:
            continue
        if kind == "mix":
            a = rng.uniform(0.1, 1.0) / k ** rng.uniform(0.3, 1.2) if k > 1 else 1.0
        else:
            a = 1.0 / k
        out += a * np.sin(k * ph)
    return out


def _tone(freqs, dur, rng, shape="sine", drift=0.0, jitter=0.0, attack=0.005, release=0.005):
    n = max(int(round(dur * SR)), 8)
    if shape == "sine":
        x = multi_sine(freqs, n / SR, rng, drift=drift, jitter=jitter)
    else:
        x = sum(_harmonic_tone(f, n, rng, shape, drift, jitter) for f in freqs)
    return x * ramp_env(n, attack, release)


BEEP_STYLES = [  # (style, weight)
    ("sine", 0.28), ("harmonic", 0.14), ("seq2", 0.12), ("dual", 0.10),
    ("double", 0.13), ("sweep", 0.10), ("decay", 0.09), ("ast", 0.04),
]


# The wider mix (gen_training_corpus.py --wide): every style above plus short beeps, strong beeps with a faint tail,
# 10-40 % glides, low tones and beeps coded through a mobile codec, as the field sends them.
BEEP_STYLES_WIDE = [
    ("sine", 0.16), ("harmonic", 0.12), ("seq2", 0.10), ("dual", 0.06), ("double", 0.10), ("sweep", 0.05),
    ("decay", 0.07), ("ast", 0.02), ("short", 0.09), ("tail", 0.07), ("glide", 0.06), ("low", 0.05), ("coded", 0.05),
]
SHORT_BEEP_S = (0.15, 0.25)
LOW_BEEP_HIGH_HZ = 500.0
CODED_BEEP_CODECS = ["gsm_fr", "amr_nb_5.9k", "amr_nb_7.4k", "amr_nb_12.2k", "g723_1"]


def make_beep(rng, ast_beep=None, style=None, styles=None):
    """One beep of `style`, or drawn from `styles` (default BEEP_STYLES)."""
    if style is None:
        names, w = zip(*(styles or BEEP_STYLES))
        if ast_beep is None:
            w = list(w[:-1]) + [0.0]
        style = str(rng.choice(names, p=np.array(w) / sum(w)))
    attack = log_uniform(rng, 0.001, 0.030)
    release = log_uniform(rng, 0.001, 0.030)
    drift, jitter = _wobble(rng)
    wob = f" drift={drift*100:+.1f}% jitter={jitter*100:.2f}%" if (drift or jitter) else ""
    ar = f"att={attack*1000:.0f}ms rel={release*1000:.0f}ms"

    if style == "sine":
        f = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        d = log_uniform(rng, 0.08, 1.5)
        x = _tone([f], d, rng, "sine", drift, jitter, attack, release)
        return Beep(x, len(x) / SR, [f], style, f"sine {f:.1f}Hz {d:.2f}s {ar}{wob}")

    if style == "harmonic":
        f = log_uniform(rng, BEEP_LOW_HZ, 1400)
        shape = str(rng.choice(["square", "saw", "mix"]))
        d = log_uniform(rng, 0.08, 1.5)
        x = _tone([f], d, rng, shape, drift, jitter, attack, release)
        return Beep(x, len(x) / SR, [f], "harmonic", f"harmonic/{shape} {f:.1f}Hz {d:.2f}s {ar}{wob}")

    if style == "seq2":
        k = 3 if rng.random() < 0.15 else 2
        fs = [log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)]
        while len(fs) < k:
            g = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
            if max(g, fs[-1]) / min(g, fs[-1]) > 1.12:
                fs.append(g)
        ds = [log_uniform(rng, 0.08, 0.75 if k == 2 else 0.45) for _ in fs]
        gap = rng.uniform(0, 0.03) if rng.random() < 0.5 else 0.0
        shape = "sine" if rng.random() < 0.75 else "square"
        parts = []
        for i, (f, d) in enumerate(zip(fs, ds)):
            parts.append(_tone([f], d, rng, shape, drift, jitter, attack if i == 0 else 0.003,
                               release if i == k - 1 else 0.003))
            if i < k - 1 and gap:
                parts.append(silence(gap))
        x = np.concatenate(parts)
        return Beep(x, len(x) / SR, fs, "seq2" if k == 2 else "seq3",
                    f"seq{k} {'/'.join(f'{f:.1f}' for f in fs)}Hz {'+'.join(f'{d:.2f}' for d in ds)}s {shape} "
                    f"gap={gap*1000:.0f}ms {ar}{wob}")

    if style == "dual":
        while True:
            f1, f2 = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ), log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
            if _dual_pair_ok(f1, f2):
                break
        fs = sorted([f1, f2])
        d = log_uniform(rng, 0.1, 1.5)
        x = _tone(fs, d, rng, "sine", drift, jitter, attack, release)
        return Beep(x, len(x) / SR, fs, "dual", f"dual {fs[0]:.1f}+{fs[1]:.1f}Hz {d:.2f}s {ar}{wob}")

    if style == "double":
        f = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        g = f if rng.random() < 0.6 else log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        d1, d2 = log_uniform(rng, 0.08, 0.4), log_uniform(rng, 0.08, 0.4)
        gap = rng.uniform(0.05, 0.3)
        shape = "sine" if rng.random() < 0.8 else "square"
        x = np.concatenate([_tone([f], d1, rng, shape, drift, jitter, attack, release), silence(gap),
                            _tone([g], d2, rng, shape, drift, jitter, attack, release)])
        fs = [f] if g == f else [f, g]
        return Beep(x, len(x) / SR, fs, "double",
                    f"double {f:.1f}/{g:.1f}Hz {d1:.2f}+{gap:.2f}gap+{d2:.2f}s {shape} {ar}")

    if style == "sweep":
        f = log_uniform(rng, 400, 2000)
        r = rng.uniform(0.05, 0.30) * (1 if rng.random() < 0.5 else -1)
        d = log_uniform(rng, 0.1, 1.2)
        n = int(round(d * SR))
        if rng.random() < 0.5:
            ft = f * (1 + r * np.linspace(0, 1, n))
        else:
            ft = f * (1 + r) ** np.linspace(0, 1, n)
        x = np.sin(phase_from_freq(ft, rng.uniform(0, 6.3))) * ramp_env(n, attack, release)
        return Beep(x, n / SR, [f, f * (1 + r)], "sweep",
                    f"sweep {f:.1f}->{f*(1+r):.1f}Hz ({r*100:+.0f}%) {d:.2f}s {ar}")

    if style == "decay":
        f = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        d = log_uniform(rng, 0.15, 1.5)
        tau = d / rng.uniform(2.0, 5.0)
        n = int(round(d * SR))
        t = np.arange(n) / SR
        x = np.sin(phase_from_freq(freq_track(f, n, rng, drift, jitter), rng.uniform(0, 6.3)))
        if rng.random() < 0.4 and 2 * f < 3400:  # a little bell-like partial
            x = x + 0.3 * np.sin(2 * np.pi * 2 * f * t) * np.exp(-t / (tau / 2))
        x = x * np.exp(-t / tau) * ramp_env(n, min(attack, 0.005), release)
        return Beep(x, n / SR, [f], "decay", f"decay {f:.1f}Hz {d:.2f}s tau={tau:.2f}s{wob}")

    if style == "short":
        f = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        d = rng.uniform(*SHORT_BEEP_S)
        shape = "sine" if rng.random() < 0.7 else str(rng.choice(["square", "saw", "mix"]))
        x = _tone([f], d, rng, shape, drift, jitter, attack, release)
        return Beep(x, len(x) / SR, [f], "short", f"short {shape} {f:.1f}Hz {d:.2f}s {ar}{wob}")

    if style == "low":
        f = log_uniform(rng, BEEP_LOW_HZ, LOW_BEEP_HIGH_HZ)
        d = log_uniform(rng, 0.15, 1.2)
        shape = "sine" if rng.random() < 0.7 else "mix"
        x = _tone([f], d, rng, shape, drift, jitter, attack, release)
        return Beep(x, len(x) / SR, [f], "low", f"low {shape} {f:.1f}Hz {d:.2f}s {ar}{wob}")

    if style == "tail":  # a strong 0.15-0.3 s tone, then the same tone 14-30 dB down, fading out
        f = log_uniform(rng, 450, 1500)
        d, tail_s = rng.uniform(0.15, 0.3), rng.uniform(0.15, 0.7)
        tail_db = rng.uniform(-30, -14)
        n, m = int(round(d * SR)), int(round(tail_s * SR))
        ph = phase_from_freq(freq_track(f, n + m, rng, drift, jitter), rng.uniform(0, 6.3))
        env = np.concatenate([np.ones(n), 10 ** (tail_db / 20) * np.linspace(1, 0, m) ** rng.uniform(0.5, 2)])
        x = np.sin(ph) * env * ramp_env(n + m, attack, 0.002)
        return Beep(x, len(x) / SR, [f], "tail", f"tail {f:.1f}Hz {d:.2f}s + {tail_s:.2f}s at {tail_db:.0f}dB {ar}")

    if style == "glide":
        f = log_uniform(rng, 350, 2000)
        r = rng.uniform(0.10, 0.40)
        f2 = f * (1 + r) if rng.random() < 0.5 else f / (1 + r)
        d = log_uniform(rng, 0.15, 1.0)
        n = int(round(d * SR))
        shape = rng.uniform(0.3, 3.0)  # how the glide bends: <1 moves early, >1 moves late
        ft = f * (f2 / f) ** (np.linspace(0, 1, n) ** shape)
        x = np.sin(phase_from_freq(ft, rng.uniform(0, 6.3))) * ramp_env(n, attack, release)
        return Beep(x, n / SR, [f, f2], "glide", f"glide {f:.1f}->{f2:.1f}Hz bend={shape:.1f} {d:.2f}s {ar}")

    if style == "coded":  # a beep stored or carried through a mobile codec: it wobbles in frequency and level
        inner = make_beep(rng, None, str(rng.choice(["sine", "short", "tail", "harmonic", "double"])))
        name = str(rng.choice(CODED_BEEP_CODECS))
        pad = np.zeros(SR // 10)
        y, _ = codec.roundtrip(np.concatenate([pad, inner.x * 0.3, pad]), name)
        x = y[len(pad):len(pad) + len(inner.x)] / 0.3
        return Beep(x, inner.end_s, inner.freqs, "coded", f"{inner.desc} through {name}")

    if style == "ast":
        x, f = ast_beep
        return Beep(x.copy(), len(x) / SR, [f], "ast", f"asterisk beep.wav {f:.0f}Hz")

    raise ValueError(style)


def load_ast_beep(path):
    """Asterisk's own beep.wav, trimmed to the tone, plus its peak freq."""
    import soundfile as sf
    x, sr = sf.read(path)
    assert sr == SR
    a = np.abs(x)
    idx = np.nonzero(a > 0.05 * a.max())[0]
    x = x[idx[0]: idx[-1] + 1]
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), 1 << 15))
    f = float(np.argmax(spec) * SR / (1 << 15))
    return x / np.max(np.abs(x)), f


# --------------------------------------------------------------------------
# call-progress and other non-beep tones

RINGBACK = {
    "US": ([440, 480], [2.0, 4.0], "US 440+480 2/4"),
    "CEPT": ([425], [1.0, 4.0], "CEPT 425 1/4"),
    "UK": ([400, 450], [0.4, 0.2, 0.4, 2.0], "UK 400+450 .4/.2/.4/2"),
}
BUSY = {
    "busy_US": ([480, 620], [0.5, 0.5], "busy US 480+620 .5/.5"),
    "reorder_US": ([480, 620], [0.25, 0.25], "reorder US 480+620 .25/.25"),
    "busy_CEPT": ([425], [0.5, 0.5], "busy CEPT 425 .5/.5"),
    "busy_UK": ([400], [0.375, 0.375], "busy UK 400 .375/.375"),
}


def ringback(rng, total_s, region=None, start_phase=True):
    region = region or str(rng.choice(list(RINGBACK)))
    f, pat, desc = RINGBACK[region]
    ph = rng.uniform(0, sum(pat)) if start_phase else 0.0
    x, spans = cadence(f, pat, total_s, rng, start_phase_s=ph)
    return x, f"ringback {desc}", spans


def ringback_cycles(rng, n_cycles, region=None):
    """Whole ring cycles (for 'ringback before answer'); ends after a ring's off time."""
    region = region or str(rng.choice(list(RINGBACK)))
    f, pat, desc = RINGBACK[region]
    total = n_cycles * sum(pat) - rng.uniform(0, pat[-1] * 0.8)
    x, _ = cadence(f, pat, total, rng)
    return x, f"ringback {desc}"


def busy(rng, total_s, style=None):
    style = style or str(rng.choice(list(BUSY)))
    f, pat, desc = BUSY[style]
    x, _ = cadence(f, pat, total_s, rng, start_phase_s=rng.uniform(0, sum(pat)))
    return x, desc


def dial_tone(rng, total_s):
    return multi_sine([350, 440], total_s, rng) * ramp_env(int(round(total_s * SR)), 0.01, 0.01), "dial tone 350+440"


def dtmf_digit(rng, key, dur, twist_db):
    i = DTMF_KEYS.index(key)
    lo, hi = DTMF_LOW[i // 4], DTMF_HIGH[i % 4]
    dev = lambda: 1 + rng.uniform(-0.015, 0.015)
    n = int(round(dur * SR))
    x = multi_sine([lo * dev(), hi * dev()], dur, rng, amps=[1.0, 10 ** (twist_db / 20)])
    return x * ramp_env(n, 0.003, 0.003)


def dtmf_string(rng, n_digits=None):
    n_digits = n_digits or int(rng.integers(1, 12))
    keys = "".join(rng.choice(list("0123456789*#" * 3 + "ABCD"), size=n_digits))
    on = rng.uniform(0.04, 0.25)
    off = rng.uniform(0.04, 0.25)
    twist = rng.uniform(-4, 4)
    parts = []
    for k in keys:
        parts += [dtmf_digit(rng, k, on * rng.uniform(0.9, 1.1), twist), silence(off * rng.uniform(0.8, 1.2))]
    return np.concatenate(parts[:-1]), f"DTMF '{keys}' {on*1000:.0f}ms on/{off*1000:.0f}ms off twist {twist:+.1f}dB"


SIT_F1 = [913.8, 985.2]
SIT_F2 = [1370.6, 1428.5]
SIT_F3 = 1776.7


def sit_triplet(rng):
    fs = [float(rng.choice(SIT_F1)), float(rng.choice(SIT_F2)), SIT_F3]
    ds = [float(rng.choice([0.274, 0.380])) for _ in range(3)]
    x = np.concatenate([multi_sine([f], d, rng) * ramp_env(int(round(d * SR)), 0.003, 0.003) for f, d in zip(fs, ds)])
    return x, f"SIT {fs[0]}/{fs[1]}/{fs[2]}Hz {'/'.join(f'{d*1000:.0f}' for d in ds)}ms"


def fax_cng(rng, total_s):
    x, _ = cadence([1100 * (1 + rng.uniform(-0.005, 0.005))], [0.5, 3.0], total_s, rng,
                   start_phase_s=rng.uniform(0, 3.5))
    return x, "fax CNG 1100 Hz .5/3"


def v21_preamble(rng, seconds):
    """V.21 channel 2 FSK (1650 = mark, 1850 = space) at 300 baud carrying HDLC flags."""
    bits = np.tile([0, 1, 1, 1, 1, 1, 1, 0], int(seconds * 300 / 8) + 1)[: int(seconds * 300)]
    f = np.repeat(np.where(bits == 1, 1650.0, 1850.0), SR // 300 + 1)[: int(seconds * SR)]
    return np.sin(phase_from_freq(f))


def fax_ced(rng, with_v21=None):
    d = rng.uniform(2.6, 4.0)
    x = multi_sine([2100 * (1 + rng.uniform(-0.003, 0.003))], d, rng) * ramp_env(int(round(d * SR)), 0.005, 0.005)
    desc = f"fax CED 2100 Hz {d:.1f}s"
    if with_v21 is None:
        with_v21 = rng.random() < 0.6
    if with_v21:
        p = v21_preamble(rng, rng.uniform(1.0, 2.0))
        x = np.concatenate([x, silence(0.075), p * ramp_env(len(p), 0.005, 0.005)])
        desc += " + V.21 FSK"
    return x, desc


def call_waiting(rng):
    k = int(rng.integers(1, 4))
    d = rng.uniform(0.1, 0.3)
    gap = rng.uniform(0.1, 0.5)
    parts = []
    for _ in range(k):
        parts += [multi_sine([440], d, rng) * ramp_env(int(round(d * SR)), 0.004, 0.004), silence(gap)]
    return np.concatenate(parts[:-1]), f"call-waiting 440Hz {k}x{d*1000:.0f}ms"


def milliwatt(rng, seconds):
    return multi_sine([1004], seconds, rng) * ramp_env(int(round(seconds * SR)), 0.005, 0.005), "milliwatt 1004 Hz"


# --------------------------------------------------------------------------
# synthetic voice: glottal pulses through formant filters

VOWELS = {  # F1, F2, F3 (Hz), rough adult averages
    "a": (730, 1090, 2440), "i": (270, 2290, 3010), "u": (300, 870, 2240),
    "e": (530, 1840, 2480), "o": (570, 840, 2410), "ae": (660, 1720, 2410),
    "er": (490, 1350, 1690),
}
HUMS = {"m": (250, 1100, 2300), "n": (250, 1500, 2500)}


def _resonator(x, f, bw):
    r = np.exp(-np.pi * bw / SR)
    a = [1, -2 * r * np.cos(2 * np.pi * f / SR), r * r]
    return sps.lfilter([1 - r], a, x)


def voice(rng, seconds=None, hum=None):
    """Sustained vowel or hum: F0 80-300 Hz, vibrato, optional glide."""
    seconds = seconds or rng.uniform(0.5, 3.0)
    hum = (rng.random() < 0.35) if hum is None else hum
    n = int(round(seconds * SR))
    f0 = log_uniform(rng, 80, 300)
    t = np.arange(n) / SR
    vib_rate, vib_depth = rng.uniform(4, 7), rng.uniform(0.0, 0.03)
    glide = rng.uniform(-0.3, 0.3) if rng.random() < 0.35 else 0.0
    f = f0 * (1 + glide * t / seconds) * (1 + vib_depth * np.sin(2 * np.pi * vib_rate * t + rng.uniform(0, 6.3)))
    f = f * (1 + 0.004 * rng.standard_normal(n).cumsum() / np.sqrt(np.arange(1, n + 1)))  # slow jitter
    ph = np.cumsum(f) / SR
    pulses = np.zeros(n)
    pulses[np.nonzero(np.diff(np.floor(ph)) > 0)[0] + 1] = 1.0
    src = sps.lfilter([1.0], [1, -2 * 0.97, 0.97 ** 2], pulses)  # glottal pulse shape, -12 dB/oct
    src = np.diff(src, prepend=0.0)  # lip radiation, +6 dB/oct
    name = str(rng.choice(list(HUMS if hum else VOWELS)))
    fm = (HUMS if hum else VOWELS)[name]
    scale = rng.uniform(0.9, 1.15)  # speaker vocal tract size
    y = np.zeros(n)
    for i, F in enumerate(fm):
        bw = (60, 90, 120)[i] * (2.0 if hum and i else 1.0)
        y += _resonator(src, F * scale, bw) * ((1.0, 0.5, 0.3) if not hum else (1.0, 0.08, 0.05))[i]
    y = y - np.mean(y)
    y = y * ramp_env(n, rng.uniform(0.03, 0.15), rng.uniform(0.05, 0.2))
    y = y / max(np.max(np.abs(y)), 1e-9)
    kind = "hum" if hum else "vowel"
    g = f" glide{glide*100:+.0f}%" if glide else ""
    return y, f"{kind} /{name}/ F0={f0:.0f}Hz vib={vib_depth*100:.1f}%{g} {seconds:.1f}s"
