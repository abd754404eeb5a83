#!/usr/bin/env python3
"""Makes Samples/voicemail-beep.wav: an espeak-ng (en-us) voicemail greeting, then a 1 kHz beep, as 8 kHz µ-law.

The README's first command runs `amd-edge detect` on it. Needs espeak-ng and numpy/scipy (scripts/bootstrap.sh).
Deterministic: same packages, same file.
"""
import audioop
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

RATE = 8000
GREETING = "Hi, you have reached the voicemail of Alex. I can't take your call right now. Please leave a message after the tone."


def speak(text: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "g.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "155", "-w", path, text], check=True)
        rate, data = wavfile.read(path)
    data = data.astype(np.float64) / 32768.0
    return resample_poly(data, RATE, rate)


def write_mulaw(path: str, samples: np.ndarray) -> None:
    pcm = np.clip(samples * 32767, -32768, 32767).astype("<i2").tobytes()
    law = audioop.lin2ulaw(pcm, 2)
    fmt = struct.pack("<HHIIHHH", 7, 1, RATE, RATE, 1, 8, 0)
    fact = struct.pack("<I", len(law))
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"fact" + struct.pack("<I", 4) + fact
    body += b"data" + struct.pack("<I", len(law)) + law + (b"\0" if len(law) % 2 else b"")
    with open(path, "wb") as out:
        out.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Samples", "voicemail-beep.wav")
    rng = np.random.default_rng(7)
    greeting = speak(GREETING)
    greeting *= 0.25 / max(1e-9, np.max(np.abs(greeting)))
    pause = np.zeros(int(0.6 * RATE))
    t = np.arange(int(0.5 * RATE)) / RATE
    beep = 0.2 * np.sin(2 * np.pi * 1000 * t)
    ramp = int(0.005 * RATE)
    beep[:ramp] *= np.linspace(0, 1, ramp)
    beep[-ramp:] *= np.linspace(1, 0, ramp)
    tail = np.zeros(int(2.0 * RATE))
    signal = np.concatenate([np.zeros(int(0.5 * RATE)), greeting, pause, beep, tail])
    signal += rng.normal(0, 0.002, signal.size)
    onset = (int(0.5 * RATE) + greeting.size + pause.size) / RATE
    write_mulaw(out, signal)
    print(f"wrote {out}: {signal.size / RATE:.2f} s, beep onset {onset:.3f} s, 1000 Hz, 500 ms")


if __name__ == "__main__":
    main()
