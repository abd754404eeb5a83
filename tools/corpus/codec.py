"""Mobile and VoIP codecs applied before G.711, with their delay taken out.

A codec chain is one encode/decode round trip through ffmpeg (libgsm, g723_1, g726, libopus, libspeex) or sox
(AMR-NB), at 8 kHz. Codecs delay the signal by their look-ahead and framing; `roundtrip` measures that delay by
cross-correlation against the input and shifts it back, so that labelled beep onsets stay true to a few samples.

Used by codec_chain.py (the codec copy of the cross-source set), gen_training_corpus.py (--codec-share) and
xbeeps.py (beeps recorded through GSM).
"""

import os
import subprocess
import tempfile

import numpy as np

from synth import SR

# AMR-NB modes as sox's -C compression index: 0 = 4.75k ... 7 = 12.2k.
AMR_MODES = {"4.75k": 0, "5.15k": 1, "5.9k": 2, "6.7k": 3, "7.4k": 4, "7.95k": 5, "10.2k": 6, "12.2k": 7}

# name -> (tool, settings); the ffmpeg ones are (encoder, container, extra encoder arguments).
CODECS = {
    "gsm_fr": ("ffmpeg", ("libgsm", "gsm", [])),
    "g723_1": ("ffmpeg", ("g723_1", "g723_1", ["-b:a", "6300"])),
    "g726_16k": ("ffmpeg", ("g726", "wav", ["-b:a", "16k"])),
    "g726_24k": ("ffmpeg", ("g726", "wav", ["-b:a", "24k"])),
    "g726_32k": ("ffmpeg", ("g726", "wav", ["-b:a", "32k"])),
    "opus_6k": ("ffmpeg", ("libopus", "ogg", ["-b:a", "6k", "-application", "voip"])),
    "opus_8k": ("ffmpeg", ("libopus", "ogg", ["-b:a", "8k", "-application", "voip"])),
    "opus_12k": ("ffmpeg", ("libopus", "ogg", ["-b:a", "12k", "-application", "voip"])),
    "speex_q3": ("ffmpeg", ("libspeex", "ogg", ["-cbr_quality", "3"])),
    "speex_q5": ("ffmpeg", ("libspeex", "ogg", ["-cbr_quality", "5"])),
    "speex_q8": ("ffmpeg", ("libspeex", "ogg", ["-cbr_quality", "8"])),
}
CODECS.update({f"amr_nb_{k}": ("sox", v) for k, v in AMR_MODES.items()})

# Codec families, each with the settings a chain may pick.
FAMILIES = {
    "amr_nb": ["amr_nb_4.75k", "amr_nb_5.9k", "amr_nb_7.4k", "amr_nb_10.2k", "amr_nb_12.2k"],
    "gsm_fr": ["gsm_fr"],
    "g723_1": ["g723_1"],
    "g726": ["g726_16k", "g726_24k", "g726_32k"],
    "opus": ["opus_6k", "opus_8k", "opus_12k"],
    "speex": ["speex_q3", "speex_q5", "speex_q8"],
}

MAX_DELAY_S = 0.1  # the largest codec delay looked for (Opus look-ahead plus framing is well under this)
DELAY_PROBE_S = 60.0  # how much of a long signal the delay is measured on
FULL_SCALE = 32767.0


def _to_pcm(x):
    return np.clip(np.round(x * FULL_SCALE), -32768, 32767).astype("<i2").tobytes()


def _encode_decode(x, name):
    tool, spec = CODECS[name]
    pcm = _to_pcm(x)
    raw = ["-t", "raw", "-r", str(SR), "-e", "signed", "-b", "16", "-c", "1"]
    with tempfile.TemporaryDirectory() as d:
        if tool == "sox":
            enc = os.path.join(d, "x.amr")
            subprocess.run(["sox", "-R", "-D"] + raw + ["-", "-t", "amr-nb", "-C", str(spec), enc], input=pcm,
                           check=True, capture_output=True)
            out = subprocess.run(["sox", "-R", "-D", "-t", "amr-nb", enc] + raw + ["-"], check=True,
                                 capture_output=True).stdout
        else:
            encoder, container, extra = spec
            enc = os.path.join(d, "x." + container)
            subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(SR), "-ac",
                            "1", "-i", "pipe:0", "-c:a", encoder] + extra + ["-f", container, enc],
                           input=pcm, check=True, capture_output=True)
            out = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", enc, "-f", "s16le", "-ar",
                                  str(SR), "-ac", "1", "pipe:1"], check=True, capture_output=True).stdout
    return np.frombuffer(out, "<i2").astype(np.float64) / 32768.0


def delay_samples(ref, y, max_delay=int(MAX_DELAY_S * SR)):
    """The lag (samples, >= 0) by which y trails ref, from the peak of their cross-correlation."""
    n = min(len(ref), len(y))
    if n < 2 * max_delay:
        return 0
    size = 1 << int(np.ceil(np.log2(2 * n)))
    c = np.fft.irfft(np.fft.rfft(y[:n], size) * np.conj(np.fft.rfft(ref[:n], size)), size)
    return int(np.argmax(c[:max_delay + 1]))


def roundtrip(x, name):
    """x (float, 8 kHz) through codec `name` and back, delay removed, same length. Returns (y, delay in samples)."""
    y = _encode_decode(x, name)
    lag = delay_samples(x, y)
    y = y[lag:lag + len(x)]
    if len(y) < len(x):
        y = np.concatenate([y, np.zeros(len(x) - len(y))])
    return y, lag


def roundtrip_many(signals, name, gap_s=1.0):
    """Several signals through codec `name` in one encoder and one decoder run (starting ffmpeg or sox per signal
    costs more than coding it): they are joined with `gap_s` of silence between them, so that the codec settles
    between calls, and cut apart again after the delay is removed. Returns ([y], delay in samples)."""
    gap = np.zeros(int(round(gap_s * SR)))
    parts, starts, at = [gap], [], len(gap)
    for x in signals:
        starts.append(at)
        parts += [x, gap]
        at += len(x) + len(gap)
    joined = np.concatenate(parts)
    y = _encode_decode(joined, name)
    probe = min(len(joined), len(y), int(DELAY_PROBE_S * SR))
    lag = delay_samples(joined[:probe], y[:probe])
    y = np.concatenate([y[lag:], np.zeros(max(0, len(joined) - len(y) + lag))])
    return [y[s:s + len(x)] for s, x in zip(starts, signals)], lag


def pick(rng, families=None):
    """A codec setting drawn per call: a family uniformly, then one of its settings."""
    fams = sorted(families or FAMILIES)
    fam = fams[int(rng.integers(len(fams)))]
    opts = FAMILIES[fam]
    return opts[int(rng.integers(len(opts)))]
