"""The cross-source set's own beep generator, written apart from tones.make_beep.

Training beeps are numpy oscillators (tones.py). These are made by `sox synth` instead: its sine, square, triangle,
sawtooth and trapezium waves (synthesised at 48 kHz, low-passed and resampled, so the harmonics are sox's), its
linear, square-law and exponential sweeps, its Karplus-Strong `pluck`, its fade shapes (quarter-sine, half-sine,
parabola) and its `tremolo`, with GSM coding of the tone itself (as a PBX's prompt set stores it).
Every beep starts at sample 0 of its signal.
"""

import subprocess

import numpy as np

import codec
from synth import SR
from tones import Beep, _dual_pair_ok

SYNTH_RATE = 48000  # sox synthesises here, so that its square and sawtooth waves do not alias at 8 kHz
PHONE_TOP_HZ = 3400
BEEP_LOW_HZ, BEEP_HIGH_HZ = 320.0, 2300.0
# sox fade shapes: quarter-sine, half-sine, linear, parabola. Not `l` (logarithmic): it stays near silence for most
# of a fade-in, which would put the audible onset well after the labelled one.
FADES = ["q", "h", "t", "p"]

STYLES = [  # (style, weight)
    ("sine", 0.18), ("short", 0.10), ("rich", 0.12), ("glide", 0.10), ("tremolo", 0.05), ("pluck", 0.07),
    ("tail", 0.08), ("gsm", 0.07), ("double", 0.08), ("twotone", 0.08), ("chord", 0.03), ("low", 0.04),
]


def log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def sox_synth(seconds, wave, freq, effects=()):
    """`sox -n synth` of one wave at SYNTH_RATE, low-passed to the phone band and resampled to 8 kHz."""
    cmd = ["sox", "-R", "-D", "-r", str(SYNTH_RATE), "-n", "-r", str(SR), "-c", "1", "-b", "16", "-e", "signed",
           "-t", "raw", "-", "synth", f"{seconds:.4f}", wave, freq, *effects,
           "lowpass", str(PHONE_TOP_HZ), "rate", "-v", str(SR)]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    return np.frombuffer(out, "<i2").astype(np.float64) / 32768.0


def _fade(rng, seconds):
    """A sox `fade` with a random shape: 1-40 ms in, 2-80 ms out."""
    fin = log_uniform(rng, 0.001, 0.04)
    fout = log_uniform(rng, 0.002, min(0.08, seconds / 3))
    shape = FADES[int(rng.integers(len(FADES)))]
    note = f"fade {shape} {fin * 1e3:.0f}/{fout * 1e3:.0f}ms"
    return ["fade", shape, f"{fin:.4f}", f"{seconds:.4f}", f"{fout:.4f}"], note


def _tone(rng, seconds, wave, freq):
    fade, fd = _fade(rng, seconds)
    x = sox_synth(seconds, wave, freq, fade)
    return x / max(np.max(np.abs(x)), 1e-9), fd


def _beep(x, freqs, style, desc):
    return Beep(x, len(x) / SR, [float(f) for f in freqs], style, desc)


def make_beep(rng, style=None):
    """One beep drawn from STYLES (or the given style); returns tones.Beep."""
    if style is None:
        names, w = zip(*STYLES)
        style = str(rng.choice(names, p=np.array(w) / sum(w)))
    if style in ("sine", "short", "low"):
        f = log_uniform(rng, *{"low": (BEEP_LOW_HZ, 500.0)}.get(style, (BEEP_LOW_HZ, BEEP_HIGH_HZ)))
        d = rng.uniform(0.15, 0.25) if style == "short" else log_uniform(rng, 0.15, 1.5)
        wave = "sine" if rng.random() < 0.8 else "triangle"
        x, fd = _tone(rng, d, wave, f"{f:.1f}")
        return _beep(x, [f], style, f"sox {wave} {f:.1f}Hz {d:.2f}s {fd}")
    if style == "rich":
        f = log_uniform(rng, BEEP_LOW_HZ, 1200.0)
        d = log_uniform(rng, 0.15, 1.2)
        wave = str(rng.choice(["square", "sawtooth", "trapezium", "triangle"]))
        x, fd = _tone(rng, d, wave, f"{f:.1f}")
        return _beep(x, [f], style, f"sox {wave} {f:.1f}Hz {d:.2f}s {fd}")
    if style == "glide":
        f1 = log_uniform(rng, 400.0, 1900.0)
        f2 = f1 * (1 + rng.uniform(0.10, 0.40)) ** (1 if rng.random() < 0.5 else -1)
        d = log_uniform(rng, 0.15, 1.0)
        sweep = str(rng.choice([":", "+", "/"]))
        x, fd = _tone(rng, d, "sine", f"{f1:.1f}{sweep}{f2:.1f}")
        return _beep(x, [f1, f2], style, f"sox sweep{sweep} {f1:.1f}->{f2:.1f}Hz {d:.2f}s {fd}")
    if style == "tremolo":
        f = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        d = log_uniform(rng, 0.3, 1.2)
        rate, depth = rng.uniform(4, 20), rng.uniform(20, 60)
        fade, fd = _fade(rng, d)
        x = sox_synth(d, "sine", f"{f:.1f}", fade + ["tremolo", f"{rate:.1f}", f"{depth:.0f}"])
        return _beep(x / max(np.max(np.abs(x)), 1e-9), [f], style,
                     f"sox sine {f:.1f}Hz {d:.2f}s tremolo {rate:.0f}Hz {depth:.0f}% {fd}")
    if style == "pluck":
        f = log_uniform(rng, BEEP_LOW_HZ, 1400.0)
        d = rng.uniform(0.3, 1.2)
        x = sox_synth(d, "pluck", f"{f:.1f}", ["fade", "t", "0", f"{d:.4f}", "0.01"])
        return _beep(x / max(np.max(np.abs(x)), 1e-9), [f], style, f"sox pluck {f:.1f}Hz {d:.2f}s")
    if style in ("tail", "gsm"):
        f = log_uniform(rng, 500.0, 1400.0)
        strong = rng.uniform(0.15, 0.3) if style == "tail" else log_uniform(rng, 0.15, 1.0)
        x, fd = _tone(rng, strong, "sine", f"{f:.1f}")
        desc = f"sox sine {f:.1f}Hz {strong:.2f}s {fd}"
        if style == "tail" or rng.random() < 0.5:
            tail_s, tail_db = rng.uniform(0.2, 0.6), rng.uniform(-28, -14)
            t = sox_synth(tail_s, "sine", f"{f:.1f}", ["fade", "l", "0", f"{tail_s:.4f}", f"{tail_s:.4f}"])
            x = np.concatenate([x, t / max(np.max(np.abs(t)), 1e-9) * 10 ** (tail_db / 20)])
            desc += f" + faint tail {tail_s:.2f}s {tail_db:.0f}dB"
        if style == "gsm" or rng.random() < 0.5:
            x, _ = codec.roundtrip(np.concatenate([x * 0.5, np.zeros(SR // 10)]), "gsm_fr")
            x = x[: len(x) - SR // 10] * 2
            desc += " GSM-coded"
        return _beep(x, [f], style, desc)
    if style in ("double", "twotone"):
        f1 = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        f2 = f1
        while style == "twotone" and max(f1, f2) / min(f1, f2) < 1.15:
            f2 = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
        d1, d2 = rng.uniform(0.1, 0.5), rng.uniform(0.1, 0.5)
        gap = rng.uniform(0.06, 0.25) if style == "double" else (rng.uniform(0, 0.04) if rng.random() < 0.5 else 0)
        a, fa = _tone(rng, d1, "sine", f"{f1:.1f}")
        b, _ = _tone(rng, d2, "sine", f"{f2:.1f}")
        x = np.concatenate([a, np.zeros(int(round(gap * SR))), b])
        fs = [f1] if f2 == f1 else [f1, f2]
        return _beep(x, fs, style, f"sox {style} {f1:.1f}/{f2:.1f}Hz {d1:.2f}+{gap:.2f}+{d2:.2f}s {fa}")
    if style == "chord":
        while True:
            f1, f2 = log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ), log_uniform(rng, BEEP_LOW_HZ, BEEP_HIGH_HZ)
            if _dual_pair_ok(f1, f2):
                break
        d = log_uniform(rng, 0.2, 1.2)
        fade, fd = _fade(rng, d)
        x = sox_synth(d, "sine", f"{f1:.1f}", fade) + sox_synth(d, "sine", f"{f2:.1f}", fade)
        fs = sorted([f1, f2])
        return _beep(x / max(np.max(np.abs(x)), 1e-9), fs, style, f"sox chord {fs[0]:.1f}+{fs[1]:.1f}Hz {d:.2f}s {fd}")
    raise ValueError(style)
