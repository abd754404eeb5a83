"""Speech and music sources, and the split between training and cross-source validation.

Every source is either allowed (../shared/SOURCES.md) or reserved for independent evaluation; reserved ones are
listed here only so that `check_split()` can refuse them. The allowed sources are split in two disjoint halves:

  TRAIN_*  what models are fitted on (gen_training_corpus.py): the first corpus's voices and music (the `_V1` lists,
           still the defaults) plus the wider material behind `--wide` (the `_AUG` lists);
  XSRC_*   what only the cross-source validation set uses (gen_crosssource.py): other espeak-ng languages and
           variants, music from other Debian packages, its own beep generator (xbeeps.py).

Neither half uses a language of the dev corpus (DEV_ESPEAK_LANGS), so dev stays a measure of unseen languages too.
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
ESPEAK_VARIANT_DIR = "/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v"

# --------------------------------------------------------------------------
# reserved for independent evaluation (SOURCES.md): never read, never synthesize

RESERVED_ESPEAK_LANGS = {"fr-fr", "it", "ru", "es-419", "hi", "tr", "cs", "en-us-nyc", "en-gb-scotland",
                         "en-gb-x-rp", "en-gb-x-gbcwmd"}
# The variant `klatt` is reserved; the variants that switch on the same Klatt synthesiser (a `klatt N` line in their
# file: klatt2-6, robosoft1-3, adam, announcer, ...) are kept out too, since they would sound like it.
RESERVED_ESPEAK_VARIANTS = {"m3", "m4", "m6", "m8", "f3", "f4", "klatt"}
RESERVED_MOH_TRACKS = {"macroform-robot_dity", "macroform-the_simplicity", "reno_project-system"}
RESERVED_PACKAGE_PREFIXES = ("asterisk-core-sounds-es", "asterisk-core-sounds-fr", "asterisk-core-sounds-it",
                             "asterisk-core-sounds-ru", "asterisk-prompt-es-co", "asterisk-prompt-fr-armelle",
                             "asterisk-prompt-it-menardi", "festvox-", "flite", "festival", "baresip", "linphone",
                             "twinkle", "jami", "sound-theme-freedesktop", "speech-dispatcher", "alsa-utils",
                             "libspandsp")

# Languages the dev corpus speaks: used by neither half below.
DEV_ESPEAK_LANGS = {"nl", "es", "pl", "sv", "pt-br", "de"}

# --------------------------------------------------------------------------
# training half

TRAIN_ESPEAK_LANGS_V1 = ["en-us", "en-gb", "en-029", "en-gb-x-gbclan"]
TRAIN_ESPEAK_VARIANTS_V1 = ["", "m1", "m2", "m5", "m7", "f1", "f2", "f5", "Andy"]
TRAIN_MOH_TRACKS = ["macroform-cold_day", "manolo_camp-morning_coffee"]
# Wider training material (gen_training_corpus.py --wide): more languages and voices, a second music package.
TRAIN_ESPEAK_LANGS_AUG = ["af", "da", "fi", "hu", "ro", "el", "id", "vi", "cmn", "ar", "sk", "hr", "ca", "eu", "sw",
                          "ta", "nb", "lt", "ms"]
TRAIN_ESPEAK_VARIANTS_AUG = ["Alex", "Alicia", "Andrea", "Annie", "AnxiousAndy", "Denis", "Diogo", "Gene", "Gene2",
                             "Henrique", "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike", "Nguyen",
                             "anika", "antonio", "aunty", "belinda", "boris", "ed", "robosoft4", "robosoft5"]
TRAIN_MUSIC_PACKAGES = {"wesnoth-1.16-music": "/usr/share/games/wesnoth/1.16/data/core/music"}

# --------------------------------------------------------------------------
# cross-source validation half (gen_crosssource.py only)

XSRC_ESPEAK_LANGS = ["bg", "uk", "sr", "sl", "et", "lv", "is", "cy", "ga", "mt", "hy", "ka", "kk", "fa", "ko", "ja",
                     "pt", "mk", "sq", "he", "bn", "yue"]
XSRC_ESPEAK_VARIANTS = ["RicishayMax", "Storm", "Tweaky", "anikaRobot", "fast", "grandma", "grandpa", "gustave",
                        "iven", "iven2", "john", "kaukovalta", "linda", "marcelo", "max", "michel", "miguel",
                        "norbert", "pablo", "paul", "pedro", "quincy", "rob", "robert", "robosoft6", "robosoft7",
                        "sandro", "shelby", "steph", "steph2", "travis", "victor", "zac"]
XSRC_MUSIC_PACKAGES = {"asc-music": "/usr/share/games/asc/music", "boswars-data": "/usr/share/games/boswars/intro"}

# The names the first generator used, kept for its callers.
MOH_TRACKS = TRAIN_MOH_TRACKS
ESPEAK_VOICES = TRAIN_ESPEAK_LANGS_V1
ESPEAK_VARIANTS = TRAIN_ESPEAK_VARIANTS_V1


def _uses_klatt(variant):
    """True if the espeak-ng variant file switches on the Klatt synthesiser (kin of the reserved `klatt`)."""
    path = os.path.join(ESPEAK_VARIANT_DIR, variant)
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8", errors="replace") as f:
        return any(line.split()[:1] == ["klatt"] for line in f)


def check_split():
    """Raise ValueError if a list above names a reserved source or the two halves share one."""
    train_langs = set(TRAIN_ESPEAK_LANGS_V1) | set(TRAIN_ESPEAK_LANGS_AUG)
    train_vars = (set(TRAIN_ESPEAK_VARIANTS_V1) | set(TRAIN_ESPEAK_VARIANTS_AUG)) - {""}
    problems = []
    for name, langs in (("train", train_langs), ("xsrc", set(XSRC_ESPEAK_LANGS))):
        problems += [f"{name} language {x} is reserved" for x in langs & RESERVED_ESPEAK_LANGS]
        problems += [f"{name} language {x} is a dev language" for x in langs & DEV_ESPEAK_LANGS]
    for name, vs in (("train", train_vars), ("xsrc", set(XSRC_ESPEAK_VARIANTS))):
        problems += [f"{name} variant {v} is reserved" for v in vs if v in RESERVED_ESPEAK_VARIANTS or _uses_klatt(v)]
    problems += [f"language {x} in both halves" for x in train_langs & set(XSRC_ESPEAK_LANGS)]
    problems += [f"variant {v} in both halves" for v in train_vars & set(XSRC_ESPEAK_VARIANTS)]
    problems += [f"music package {p} in both halves" for p in set(TRAIN_MUSIC_PACKAGES) & set(XSRC_MUSIC_PACKAGES)]
    problems += [f"moh track {t} is reserved" for t in set(TRAIN_MOH_TRACKS) & RESERVED_MOH_TRACKS]
    problems += [f"package {p} is reserved" for p in list(TRAIN_MUSIC_PACKAGES) + list(XSRC_MUSIC_PACKAGES)
                 if p.startswith(RESERVED_PACKAGE_PREFIXES)]
    if problems:
        raise ValueError("sources.py split broken: " + "; ".join(problems))


MIN_MUSIC_S = 5.0  # shorter files are jingles, not music to hold on
SILENT_RMS = 1e-3  # active RMS (full scale 1) under which a track counts as silent


def music_files(packages):
    """The music files (.ogg/.mp3/.wav) of the given {package: folder} map, sorted, as (package, path)."""
    out = []
    for pkg, folder in sorted(packages.items()):
        for root, _dirs, files in os.walk(folder):
            out += [(pkg, os.path.join(root, f)) for f in sorted(files)
                    if f.lower().endswith((".ogg", ".mp3", ".wav", ".flac"))]
    return out


def decode_music(path, cache_dir):
    """A music file decoded (ffmpeg) to 8 kHz mono float, cached as 16-bit WAV in cache_dir."""
    os.makedirs(cache_dir, exist_ok=True)
    h = hashlib.sha1(path.encode()).hexdigest()[:12]
    out = os.path.join(cache_dir, f"{os.path.splitext(os.path.basename(path))[0]}-{h}.wav")
    if not os.path.exists(out):
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", path, "-ac", "1", "-ar", str(SR),
                        "-c:a", "pcm_s16le", out + ".tmp.wav"], check=True)
        os.replace(out + ".tmp.wav", out)
    return _read(out)


def load_music(packages, cache_dir):
    """{package:track: 8 kHz float signal} of the packages' music files; files under 5 s or near silence (an
    empty `silence.ogg`) are left out."""
    music = {}
    for pkg, path in music_files(packages):
        x = decode_music(path, cache_dir)
        if len(x) > MIN_MUSIC_S * SR and active_rms(x) > SILENT_RMS:
            music[f"{pkg}:{os.path.splitext(os.path.basename(path))[0]}"] = x
    return music
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
             "Sorry I missed you.", "I'm away from my desk at the moment.",
             "We're either on the other line or out of the office.",
             "Our office is currently closed.", "I'm probably out walking the dog.", "I'm on vacation until Monday.",
             "Our business hours are Monday through Friday, nine to five.", "Nobody is available to take your call.",
             "", "", ""]
GREET_CLOSE = ["Please leave a message after the tone.", "Leave your name and number and I'll call you back.",
               "Please leave a message and I'll get back to you as soon as I can.",
               "At the tone, please record your message.",
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
    path, voice, speed, pitch, text = args[:5]
    ssml = len(args) > 5 and args[5]
    if os.path.exists(path):
        return path
    with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as tf:
        tmp = tf.name
    try:
        subprocess.run(["espeak-ng"] + (["-m"] if ssml else []) + ["-v", voice, "-s", str(speed), "-p", str(pitch),
                                                                   "-w", tmp, text],
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


# Greetings and answers in some of the TRAIN_ESPEAK_LANGS_AUG languages; the others read the English lines.
TRAIN_NATIVE = {
    "da": (["Hej, du har ringet til Mette. Læg en besked efter tonen.", "Jeg kan ikke tage telefonen lige nu."],
           ["Hallo?", "Ja, det er Mette.", "Hvem taler jeg med?"]),
    "fi": (["Hei, olet soittanut Mikolle. Jätä viesti äänimerkin jälkeen.", "En voi vastata juuri nyt."],
           ["Haloo?", "Mikko puhelimessa.", "Kuka soittaa?"]),
    "hu": (["Szia, Gábor vagyok. Kérlek, hagyj üzenetet a sípszó után.", "Jelenleg nem tudom felvenni."],
           ["Halló?", "Igen, tessék.", "Ki beszél?"]),
    "ro": (["Bună ziua, ați sunat la Andrei. Lăsați un mesaj după semnal.", "Nu pot răspunde acum."],
           ["Alo?", "Da, vă rog.", "Cine este?"]),
    "el": (["Γεια σας, καλέσατε τη Μαρία. Αφήστε μήνυμα μετά τον ήχο.", "Δεν μπορώ να απαντήσω τώρα."],
           ["Εμπρός;", "Ναι, παρακαλώ.", "Ποιος είναι;"]),
    "id": (["Halo, Anda menghubungi Budi. Silakan tinggalkan pesan setelah nada.", "Saya tidak bisa menjawab."],
           ["Halo?", "Ya, dengan Budi.", "Siapa ini?"]),
    "ca": (["Hola, has trucat a la Núria. Deixa un missatge després del senyal.", "Ara no puc respondre."],
           ["Digui?", "Sí, digui.", "Qui parla?"]),
    "nb": (["Hei, du har ringt Kari. Legg igjen en beskjed etter tonen.", "Jeg kan ikke ta telefonen nå."],
           ["Hallo?", "Ja, det er Kari.", "Hvem snakker jeg med?"]),
    "sk": (["Dobrý deň, volali ste Petrovi. Zanechajte odkaz po zaznení signálu.", "Momentálne nemôžem hovoriť."],
           ["Haló?", "Áno, prosím.", "Kto volá?"]),
    "hr": (["Bok, dobili ste Ivanu. Ostavite poruku nakon zvučnog signala.", "Trenutno se ne mogu javiti."],
           ["Halo?", "Da, izvolite.", "Tko zove?"]),
    "sw": (["Habari, umempigia Juma. Tafadhali acha ujumbe baada ya mlio.", "Siwezi kupokea simu sasa."],
           ["Haloo?", "Ndiyo, nakusikia.", "Nani anaongea?"]),
    "ms": (["Helo, anda telah menghubungi Aminah. Sila tinggalkan pesanan selepas nada.", "Saya tidak dapat menjawab."],
           ["Helo?", "Ya, saya.", "Siapa di sana?"]),
    "af": (["Hallo, jy het Pieter gebel. Los asseblief 'n boodskap na die toon.", "Ek kan nie nou antwoord nie."],
           ["Hallo?", "Ja, dis Pieter.", "Wie praat?"]),
}
TRAIN_IVR_LINES = ["Please leave a message at the tone.", "The person you are trying to reach is unavailable.",
                   "This call is being forwarded to voicemail.", "Sorry, this mailbox has not been set up yet.",
                   "To leave a message, wait for the tone.", "Press star to return to the main menu."]
TRAIN_VOWELS = ["a", "o", "i", "u", "e", "m", "n", "@", "V"]


def espeak_specs_wide(seed, n_greet=360, n_human=260, n_misc=120, n_mono=120, n_vowel=100):
    """The wider training pool (--wide): TRAIN_ESPEAK_LANGS_AUG x TRAIN_ESPEAK_VARIANTS_AUG (plus the first corpus's
    English voices with the new variants), native lines where TRAIN_NATIVE has them, monotone IVR voices
    (SSML pitch range x-low) and sustained vowels. (category, voice, speed, pitch, text, ssml)."""
    rng = np.random.default_rng([seed, 7003])
    langs = TRAIN_ESPEAK_LANGS_AUG + TRAIN_ESPEAK_LANGS_V1
    specs = []
    for cat, n in (("greet", n_greet), ("human", n_human), ("misc", n_misc), ("mono", n_mono), ("vowel", n_vowel)):
        for _ in range(n):
            lang = str(rng.choice(langs))
            var = str(rng.choice(TRAIN_ESPEAK_VARIANTS_AUG)) if rng.random() < 0.8 else ""
            voice = lang + ("+" + var if var else "")
            speed, pitch, ssml = int(rng.integers(100, 220)), int(rng.integers(15, 95)), False
            native = TRAIN_NATIVE.get(lang)
            if cat == "greet":
                text = str(rng.choice(native[0])) if native and rng.random() < 0.6 else greeting_text(rng)
            elif cat == "human":
                text = str(rng.choice(native[1])) if native and rng.random() < 0.6 else human_text(rng)
            elif cat == "misc":
                text = misc_text(rng)
            elif cat == "mono":
                pitch = int(rng.integers(30, 100))
                line = str(rng.choice(TRAIN_IVR_LINES + [greeting_text(rng), misc_text(rng)]))
                text, ssml = f"<speak><prosody range=\"x-low\">{line}</prosody></speak>", True
            else:
                text = "[[" + str(rng.choice(TRAIN_VOWELS)) + ":" * int(rng.integers(5, 16)) + "]]"
                speed = int(rng.integers(70, 130))
            specs.append((cat, voice, speed, pitch, text, ssml))
    return specs


def build_espeak_pool(cache_dir, seed, pool_map, wide=False):
    """Synthesize (cached) the espeak pool; pool_map is a map() (e.g. Pool.map). `wide` adds espeak_specs_wide."""
    specs = [sp + (False,) for sp in espeak_specs(seed)] + (espeak_specs_wide(seed) if wide else [])
    return synthesize_pool(cache_dir, specs, pool_map)


def synthesize_pool(cache_dir, specs, pool_map):
    """Synthesize (cached in cache_dir) every (category, voice, speed, pitch, text, ssml) of specs with espeak-ng.
    Returns [(category, wav path, description)]."""
    os.makedirs(cache_dir, exist_ok=True)
    jobs, meta = [], []
    for cat, voice, speed, pitch, text, ssml in specs:
        h = hashlib.sha1(f"{voice}|{speed}|{pitch}|{text}".encode()).hexdigest()[:16]
        path = os.path.join(cache_dir, f"{cat}-{h}.wav")
        jobs.append((path, voice, speed, pitch, text, ssml))
        meta.append((cat, path, f"tts:espeak:{voice} s={speed} p={pitch}" + (" monotone" if ssml else "")))
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
    def __init__(self, espeak_meta, extra_music=None):
        self.speech = {"greet": [], "human": [], "misc": [], "mono": [], "vowel": []}
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
        self.moh.update(extra_music or {})
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
        track = track or str(rng.choice(sorted(self.moh)))
        x = self.moh[track]
        n = int(round(seconds * SR))
        if n >= len(x):
            x = np.tile(x, n // len(x) + 1)
        s = int(rng.integers(0, len(x) - n))
        return x[s:s + n].copy(), track, s / SR

    def held_note(self, rng):
        tracks = sorted(t for t in self.notes if self.notes[t]) or sorted(self.moh)
        track = str(rng.choice(tracks))
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
