"""Allowed speech and music sources.

ALLOWED (everything else in these packages is reserved for independent
evaluation -- do not add to these lists):
  * asterisk-core-sounds-en-wav: any prompt under /usr/share/asterisk/sounds/en/
  * espeak-ng voices en-us, en-gb, en-029, en-gb-x-gbclan, plain or +m1 m2 m5 m7 f1 f2 f5 Andy
  * asterisk-moh-opsound-wav tracks macroform-cold_day, manolo_camp-morning_coffee
"""

import hashlib
import os
import subprocess
import tempfile

import numpy as np
import soundfile as sf
from scipy import signal as sps

from synth import SR, active_rms, write_pcm16_wav

AST_DIR = "/usr/share/asterisk/sounds/en"
MOH_DIR = "/usr/share/asterisk/moh"
MOH_TRACKS = ["macroform-cold_day", "manolo_camp-morning_coffee"]
ESPEAK_VOICES = ["en-us", "en-gb", "en-029", "en-gb-x-gbclan"]
ESPEAK_VARIANTS = ["", "m1", "m2", "m5", "m7", "f1", "f2", "f5", "Andy"]
# Asterisk prompts that are tones, not speech (kept out of the speech pool)
AST_NOT_SPEECH = {"beep", "beeperr", "ascending-2tone", "descending-2tone"}

# --------------------------------------------------------------------------
# text generators

NAMES = ["John", "Maria", "Dave", "Sarah", "Michael", "Jenny", "Tom", "Linda", "Raj", "Chen", "Olivia",
         "Marcus", "Aisha", "Pete", "Karen", "Luis", "Emma", "Sam", "Dr. Patel", "Mike and Lisa",
         "the Johnsons", "Brian", "Fatima", "Greg", "Nina", "Tony", "Rachel", "Kevin", "Beth", "Omar"]
COMPANIES = ["Acme Plumbing", "Bright Smile Dental", "City Auto Repair", "Northside Realty", "Green Leaf Landscaping",
             "the law office of Miller and Grant", "Sunrise Bakery", "Tri-County Insurance", "Peak Fitness",
             "Harbor View Veterinary Clinic", "Main Street Pharmacy", "Blue Sky Travel"]

GREET_OPEN = ["Hi, you've reached {n}.", "Hello, this is {n}.", "Hey, it's {n}.", "You have reached {n}.",
              "Hi, this is {n}'s phone.", "Thank you for calling {c}.", "Hello, you've reached {c}.",
              "Hi there, you've reached the voicemail of {n}.", "{n} here.", "Hello.", "Hi!",
              "You've reached {n} at {c}.", "The person you are calling, {n}, is not available."]
GREET_MID = ["I can't come to the phone right now.", "I'm not available to take your call.",
             "Sorry I missed you.", "I'm away from my desk at the moment.", "We're either on the other line or out of the office.",
             "Our office is currently closed.", "I'm probably out walking the dog.", "I'm on vacation until Monday.",
             "Our business hours are Monday through Friday, nine to five.", "Nobody is available to take your call.",
             "", "", ""]
GREET_CLOSE = ["Please leave a message after the tone.", "Leave your name and number and I'll call you back.",
               "Please leave a message and I'll get back to you as soon as I can.", "At the tone, please record your message.",
               "Leave a message after the beep.", "Leave a message.", "Text me instead, thanks.",
               "Please leave your name, number, and a brief message, and we will return your call.",
               "Record your message after the tone. When you are finished, hang up.",
               "Talk to you soon. Bye!", "Have a great day.", "Thanks!", "Please call back later."]
NUMBERS = ["five five five, one two three four", "eight hundred, two two two, nine zero one zero",
           "six one seven, five five five, zero one four two", "two zero two, five five five, eight eight one three"]

HUMAN = ["Hello?", "Hello?", "Hello?", "Hello, who's this?", "Yeah, hello?", "Hi, this is {n}.", "Hello, {n} speaking.",
         "Yes?", "Hello? Anyone there?", "Hi, who's calling please?", "Hello, can I help you?", "Hello? Hello?",
         "Sorry, I can't hear you.", "Who is this?", "Hey! What's up?", "Good morning, {c}, how can I help you?",
         "Yeah?", "Speaking.", "Hello, is anybody there?", "I think the line is bad.", "Can you hear me now?",
         "Oh, hi. I was just about to call you.", "Sorry, who did you want?", "Uh huh.", "Okay, go ahead.",
         "No, she's not here right now. Can I take a message?", "Hello, this is the front desk."]
MISC = ["Please hold while we connect your call.", "Your call is important to us. Please stay on the line.",
        "Press one for sales. Press two for support.", "Enter your account number followed by the pound key.",
        "The number you have dialed is not in service. Please check the number and try again.",
        "All circuits are busy now. Please try your call again later.",
        "We're sorry, your call cannot be completed as dialed.",
        "Thank you for holding. An agent will be with you shortly.", "You are caller number three.",
        "For English, press one.", "Please say or enter your date of birth.",
        "I'd like to talk about your car's extended warranty.", "Can you call me back after lunch?",
        "Sure, that works for me.", "The meeting moved to Thursday at two."]


def _fill(rng, s):
    return s.replace("{n}", str(rng.choice(NAMES))).replace("{c}", str(rng.choice(COMPANIES)))


def greeting_text(rng):
    parts = [_fill(rng, str(rng.choice(GREET_OPEN))), _fill(rng, str(rng.choice(GREET_MID)))]
    if rng.random() < 0.2:
        parts.append("You can also reach me at " + str(rng.choice(NUMBERS)) + ".")
    parts.append(_fill(rng, str(rng.choice(GREET_CLOSE))))
    return " ".join(p for p in parts if p)


def human_text(rng):
    return _fill(rng, str(rng.choice(HUMAN)))


def misc_text(rng):
    return _fill(rng, str(rng.choice(MISC)))


# --------------------------------------------------------------------------
# espeak pool


def _espeak_job(args):
    path, voice, speed, pitch, text = args
    if os.path.exists(path):
        return path
    with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as tf:
        tmp = tf.name
    try:
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", tmp, text],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        x, sr = sf.read(tmp)
    finally:
        os.unlink(tmp)
    g = np.gcd(sr, SR)
    y = sps.resample_poly(x, SR // g, sr // g)
    y = y / max(np.max(np.abs(y)), 1e-9) * 0.7
    write_pcm16_wav(path + ".tmp", y)
    os.replace(path + ".tmp", path)
    return path


def espeak_specs(seed, n_greet=220, n_human=200, n_misc=90):
    rng = np.random.default_rng([seed, 7001])
    specs = []
    for cat, n, fn in (("greet", n_greet, greeting_text), ("human", n_human, human_text), ("misc", n_misc, misc_text)):
        for i in range(n):
            v = str(rng.choice(ESPEAK_VOICES))
            var = str(rng.choice(ESPEAK_VARIANTS))
            voice = v + ("+" + var if var else "")
            speed = int(rng.integers(125, 195))
            pitch = int(rng.integers(25, 75))
            specs.append((cat, voice, speed, pitch, fn(rng)))
    return specs


def build_espeak_pool(cache_dir, seed, pool_map):
    """Synthesize (cached) the espeak pool; pool_map is a map() (e.g. Pool.map)."""
    os.makedirs(cache_dir, exist_ok=True)
    specs = espeak_specs(seed)
    jobs, meta = [], []
    for cat, voice, speed, pitch, text in specs:
        h = hashlib.sha1(f"{voice}|{speed}|{pitch}|{text}".encode()).hexdigest()[:16]
        path = os.path.join(cache_dir, f"{cat}-{h}.wav")
        jobs.append((path, voice, speed, pitch, text))
        meta.append((cat, path, f"tts:espeak:{voice} s={speed} p={pitch}"))
    list(pool_map(_espeak_job, jobs))
    return meta


# --------------------------------------------------------------------------
# loading everything into one object (per worker process)


def _read(path):
    x, sr = sf.read(path, dtype="float64")
    if x.ndim > 1:
        x = x.mean(axis=1)
    assert sr == SR, (path, sr)
    return x


def trim(x, thr_db=40.0):
    a = np.abs(x)
    if not len(a) or a.max() <= 0:
        return x
    idx = np.nonzero(a > a.max() * 10 ** (-thr_db / 20))[0]
    return x[max(idx[0] - 40, 0): idx[-1] + 40]


def norm(x):
    r = active_rms(x)
    return x / r * 0.1 if r > 0 else x


class Sources:
    def __init__(self, espeak_meta):
        self.speech = {"greet": [], "human": [], "misc": []}
        for cat, path, desc in espeak_meta:
            self.speech[cat].append((norm(trim(_read(path))), desc))
        self.ast = {}
        for root, _dirs, files in os.walk(AST_DIR, followlinks=True):
            if os.path.basename(root) == "silence":
                continue
            for f in sorted(files):
                name = f[:-4]
                if not f.endswith(".wav") or name in AST_NOT_SPEECH:
                    continue
                rel = os.path.relpath(os.path.join(root, f), AST_DIR)[:-4]
                self.ast[rel] = norm(trim(_read(os.path.join(root, f))))
        self.ast_names = sorted(self.ast)
        self.ast_beep = None
        self.moh = {t: _read(os.path.join(MOH_DIR, t + ".wav")) for t in MOH_TRACKS}
        self.moh = {t: x / max(active_rms(x), 1e-9) * 0.1 for t, x in self.moh.items()}
        self.notes = {t: held_note_segments(x) for t, x in self.moh.items()}

    # --- speech pieces -------------------------------------------------
    def espeak(self, rng, cat):
        x, desc = self.speech[cat][int(rng.integers(len(self.speech[cat])))]
        return x, desc

    def ast_prompt(self, rng, names=None):
        names = [n for n in (names or self.ast_names) if n in self.ast]
        n = str(rng.choice(names))
        return self.ast[n], n

    def any_speech(self, rng):
        """A random utterance from the whole speech pool (for clips/babble)."""
        r = rng.random()
        if r < 0.45:
            x, d = self.ast_prompt(rng)
            return x, f"ast:{d}"
        cat = ("greet", "human", "misc")[int(rng.integers(3))] if r < 0.9 else "greet"
        return self.espeak(rng, cat)

    def babble(self, rng, n):
        k = int(rng.integers(4, 9))
        out = np.zeros(n)
        for _ in range(k):
            parts, tot = [], 0
            while tot < n:
                x, _ = self.any_speech(rng)
                parts.append(x)
                parts.append(np.zeros(int(rng.integers(0, 1600))))
                tot += len(x) + len(parts[-1])
            y = np.concatenate(parts)
            s = int(rng.integers(0, max(len(y) - n, 1)))
            out += y[s:s + n] * rng.uniform(0.5, 1.0)
        return out

    def music(self, rng, seconds, track=None):
        track = track or str(rng.choice(MOH_TRACKS))
        x = self.moh[track]
        n = int(round(seconds * SR))
        if n >= len(x):
            x = np.tile(x, n // len(x) + 1)
        s = int(rng.integers(0, len(x) - n))
        return x[s:s + n].copy(), track, s / SR

    def held_note(self, rng):
        track = str(rng.choice(MOH_TRACKS))
        segs = self.notes[track]
        if not segs:
            x, t, s = self.music(rng, 1.0, track)
            return x, f"music {t}@{s:.1f}s"
        s, e, f = segs[int(rng.integers(len(segs)))]
        return self.moh[track][s:e].copy(), f"held note {track}@{s/SR:.1f}s ~{f:.0f}Hz"


def held_note_segments(x, win=512, hop=256, min_len_s=0.3):
    """Runs of frames where one spectral peak dominates and stays put: the
    'held notes' of a music track. Returns [(start, end, freq)] in samples."""
    n = (len(x) - win) // hop
    if n <= 0:
        return []
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    fr = x[idx] * np.hanning(win)
    sp = np.abs(np.fft.rfft(fr, axis=1)) ** 2
    f = np.fft.rfftfreq(win, 1 / SR)
    band = (f > 250) & (f < 3400)
    sp = sp[:, band]
    fb = f[band]
    pk = np.argmax(sp, axis=1)
    tot = sp.sum(axis=1) + 1e-12
    near = np.array([sp[i, max(p - 2, 0):p + 3].sum() for i, p in enumerate(pk)])
    loud = tot > np.percentile(tot, 30)
    good = (near / tot > 0.5) & loud
    segs, i = [], 0
    while i < n:
        if good[i]:
            j = i
            while j + 1 < n and good[j + 1] and abs(int(pk[j + 1]) - int(pk[i])) <= 1:
                j += 1
            if (j - i + 1) * hop / SR >= min_len_s:
                segs.append((i * hop, j * hop + win, float(fb[pk[i]])))
            i = j + 1
        else:
            i += 1
    return segs
