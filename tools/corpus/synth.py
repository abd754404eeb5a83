"""Signal synthesis and telephone-channel simulation at 8 kHz.

Everything here is pure numpy/scipy and takes an explicit numpy Generator, so
callers stay deterministic from a seed.  Signals are float64 in [-1, 1].
"""

import audioop  # deprecated in 3.13; fine on the 3.11 we ship with
import struct

import numpy as np
from scipy import signal as sps

SR = 8000

# --------------------------------------------------------------------------
# small helpers


def db(x):
    return 20.0 * np.log10(max(float(x), 1e-12))


def rms(x):
    return float(np.sqrt(np.mean(np.square(x)))) if len(x) else 0.0


def active_rms(x, frame=160, floor_db=35.0):
    """RMS over 20 ms frames within `floor_db` of the loudest frame."""
    n = len(x) // frame
    if n == 0:
        return rms(x)
    p = np.mean(np.square(x[: n * frame].reshape(n, frame)), axis=1)
    if p.max() <= 0:
        return 0.0
    keep = p >= p.max() * 10 ** (-floor_db / 10)
    return float(np.sqrt(p[keep].mean()))


def set_active_level(x, dbfs):
    r = active_rms(x)
    return x if r <= 0 else x * (10 ** (dbfs / 20) / r)


def ramp_env(n, attack_s, release_s):
    """Raised-cosine attack/release envelope of length n."""
    env = np.ones(n)
    a = min(int(round(attack_s * SR)), n // 2)
    r = min(int(round(release_s * SR)), n // 2)
    if a > 0:
        env[:a] = 0.5 - 0.5 * np.cos(np.pi * (np.arange(a) + 0.5) / a)
    if r > 0:
        env[n - r:] = 0.5 + 0.5 * np.cos(np.pi * (np.arange(r) + 0.5) / r)
    return env


def silence(seconds):
    return np.zeros(int(round(seconds * SR)))


def phase_from_freq(f_inst, phase0=0.0):
    return phase0 + 2 * np.pi * np.cumsum(f_inst) / SR


def freq_track(f0, n, rng, drift=0.0, jitter=0.0):
    """Instantaneous frequency: linear drift (fraction over the tone) plus a
    smooth random wobble of relative std `jitter`."""
    f = f0 * (1.0 + drift * np.linspace(0, 1, n))
    if jitter > 0 and n > 8:
        w = rng.standard_normal(n // 40 + 3)
        w = np.interp(np.linspace(0, len(w) - 1, n), np.arange(len(w)), w)
        f = f * (1.0 + jitter * w)
    return f


def sine(f, seconds, rng=None, amp=1.0, drift=0.0, jitter=0.0):
    n = int(round(seconds * SR))
    if rng is None:
        rng = np.random.default_rng(0)
    ph0 = rng.uniform(0, 2 * np.pi)
    return amp * np.sin(phase_from_freq(freq_track(f, n, rng, drift, jitter), ph0))


def multi_sine(freqs, seconds, rng, amps=None, drift=0.0, jitter=0.0):
    n = int(round(seconds * SR))
    out = np.zeros(n)
    amps = amps or [1.0] * len(freqs)
    for f, a in zip(freqs, amps):
        out += a * np.sin(phase_from_freq(freq_track(f, n, rng, drift, jitter), rng.uniform(0, 6.3)))
    return out / max(1, len(freqs))


def cadence(freqs, pattern, total_s, rng, amps=None, ramp_s=0.004, start_phase_s=0.0):
    """Repeat an on/off `pattern` ([on, off, on, off, ...] seconds) of a tone
    made of `freqs` for `total_s` seconds. Returns (signal, [(on_s, off_s)])."""
    n = int(round(total_s * SR))
    out = np.zeros(n)
    spans = []
    t = -start_phase_s
    i = 0
    while t < total_s:
        d = pattern[i % len(pattern)]
        if i % 2 == 0:  # on
            a, b = max(t, 0.0), min(t + d, total_s)
            if b - a > 0.01:
                seg = multi_sine(freqs, b - a, rng, amps) * ramp_env(int(round((b - a) * SR)), ramp_s, ramp_s)
                s = int(round(a * SR))
                out[s:s + len(seg)] += seg[: n - s]
                spans.append((a, b))
        t += d
        i += 1
    return out, spans


# --------------------------------------------------------------------------
# noise


def colored_noise(n, color, rng):
    """white / pink (1/f) / brown (1/f^2), unit RMS."""
    w = rng.standard_normal(n)
    if color == "white":
        x = w
    else:
        spec = np.fft.rfft(w)
        f = np.fft.rfftfreq(n, 1 / SR)
        f[0] = f[1] if n > 1 else 1.0
        spec = spec / (np.sqrt(f) if color == "pink" else f)
        x = np.fft.irfft(spec, n)
    return x / max(rms(x), 1e-12)


_BP = sps.butter(4, [300, 3400], btype="bandpass", fs=SR, output="sos")


def bandpass(x):
    """300-3400 Hz, zero phase (so onsets stay where they were put)."""
    if len(x) < 64:
        return x
    return sps.sosfiltfilt(_BP, x)


# --------------------------------------------------------------------------
# G.711 and files


def g711_roundtrip(x, law):
    """float -> int16 -> law -> int16. Returns (decoded float, encoded bytes)."""
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes()
    if law == "ulaw":
        enc = audioop.lin2ulaw(pcm, 2)
        dec = audioop.ulaw2lin(enc, 2)
    else:
        enc = audioop.lin2alaw(pcm, 2)
        dec = audioop.alaw2lin(enc, 2)
    return np.frombuffer(dec, "<i2").astype(np.float64) / 32768.0, enc


def write_g711_wav(path, encoded, law):
    """WAVE_FORMAT_MULAW (7) / WAVE_FORMAT_ALAW (6), 8 kHz mono 8 bit, with
    the `fact` chunk that non-PCM WAV requires."""
    tag = 7 if law == "ulaw" else 6
    n = len(encoded)
    fmt = struct.pack("<HHIIHHH", tag, 1, SR, SR, 1, 8, 0)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<II", 4, n)
            + b"data" + struct.pack("<I", n) + encoded + (b"\0" if n % 2 else b""))
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def write_pcm16_wav(path, x):
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, SR, SR * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def frame_loss(x, frac, rng, frame=160):
    """Zero-fill `frac` of the 20 ms frames (packet loss without concealment)."""
    x = x.copy()
    n = len(x) // frame
    k = int(round(frac * n))
    if k:
        for i in rng.choice(n, size=k, replace=False):
            x[i * frame:(i + 1) * frame] = 0.0
    return x


def channel(clean, rng, noise_sig, level_dbfs, snr_db, law, loss_frac, codec_fn=None):
    """Band-limit, set level, add band-limited noise at `snr_db` below the
    signal's active level, drop frames, G.711 round trip.

    `noise_sig` is unit-RMS noise of the same length (or None for none).
    `codec_fn(x)` (optional) is a mobile/VoIP codec the noisy signal passes
    through before the network drops frames and G.711 codes it.
    Returns (decoded float signal, encoded bytes, signal level in dBFS).
    """
    x = bandpass(clean)
    x = set_active_level(x, level_dbfs)
    if noise_sig is not None:
        nz = bandpass(noise_sig)
        nz = nz / max(rms(nz), 1e-12) * 10 ** ((level_dbfs - snr_db) / 20)
        x = x + nz
    peak = np.max(np.abs(x)) if len(x) else 0
    if peak > 0.99:  # rare: loud beep over a loud greeting; keep it linear
        x = x * (0.99 / peak)
        level_dbfs += db(0.99 / peak)
    if codec_fn is not None:
        x = np.clip(codec_fn(x), -1.0, 1.0)
    if loss_frac > 0:
        x = frame_loss(x, loss_frac, rng)
    dec, enc = g711_roundtrip(x, law)
    return dec, enc, level_dbfs
