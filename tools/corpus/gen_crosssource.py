#!/usr/bin/env python3
"""Generate the cross-source validation set: calls built only from sources no model is fitted on.

Writes, deterministically from --seed, into --out (default /work/data/xsrc):
  calls/xsrc-NNNN.wav + manifest.jsonl    G.711 calls in the dev manifest's format, with dev's mix of kinds

Its material is disjoint from the training half of sources.py: espeak-ng languages and variants from the XSRC_
lists (native greetings where we have them, monotone IVR voices through SSML, sustained vowels from the same
voices), music from the XSRC_MUSIC_PACKAGES, beeps from xbeeps.py (sox synthesis), other countries' call-progress
cadences, and noise of its own (street, television). The call structure, the channel and the manifest rows are
gen_training_corpus.py's. Never train on this set: it is for choosing between models.
"""

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # audioop on 3.12
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from scipy import signal as sps  # noqa: E402

import gen_training_corpus as G  # noqa: E402
import sources  # noqa: E402
import tones as T  # noqa: E402
import xbeeps  # noqa: E402
from synth import SR, active_rms, bandpass, cadence, colored_noise, ramp_env, silence  # noqa: E402

DEFAULT_SEED = 4242
CALL_TAG = 17  # the call rng stream's tag, apart from the training generator's

# Greetings and answers in some of the XSRC languages; the other languages read English lines.
NATIVE = {
    "pt": (["Olá, ligou para o Rui. De momento não posso atender. Deixe a sua mensagem após o sinal.",
            "Bom dia, está a falar com a caixa de correio da Ana. Deixe o seu nome e número, por favor."],
           ["Estou?", "Sim, diga.", "Olá, quem fala?"]),
    "uk": (["Добрий день, ви зателефонували Олені. Залиште повідомлення після сигналу.",
            "Вітаю, зараз я не можу відповісти. Будь ласка, залиште повідомлення."],
           ["Алло?", "Так, слухаю.", "Хто це?"]),
    "bg": (["Здравейте, свързахте се с Иван. В момента не мога да отговоря. Оставете съобщение след сигнала.",
            "Добър ден, моля оставете вашето име и телефон."],
           ["Ало?", "Да, кажете.", "Кой се обажда?"]),
    "sl": (["Pozdravljeni, poklicali ste Marka. Trenutno nisem dosegljiv. Pustite sporočilo po pisku.",
            "Dober dan, prosim, pustite svoje ime in številko."],
           ["Halo?", "Ja, prosim?", "Kdo kliče?"]),
    "et": (["Tere, olete helistanud Kadrile. Jätke palun sõnum pärast piiksu.",
            "Tere päevast, ma ei saa praegu vastata. Palun jätke oma nimi ja number."],
           ["Halloo?", "Jah, kuulan.", "Kes räägib?"]),
    "lv": (["Labdien, jūs zvanāt Jānim. Lūdzu, atstājiet ziņu pēc signāla.",
            "Sveiki, pašlaik nevaru atbildēt. Atstājiet savu vārdu un numuru."],
           ["Hallo?", "Jā, klausos.", "Kas zvana?"]),
    "is": (["Halló, þú hefur náð í Sigga. Vinsamlegast skildu eftir skilaboð eftir hljóðmerkið.",
            "Góðan dag, ég get ekki svarað núna. Skildu eftir nafn og númer."],
           ["Halló?", "Já, þetta er hann.", "Hver er þetta?"]),
    "cy": (["Helo, dych chi wedi cyrraedd Gareth. Gadewch neges ar ôl y dôn, os gwelwch yn dda.",
            "Bore da, dw i ddim ar gael ar hyn o bryd."],
           ["Helo?", "Ie, pwy sy'n siarad?", "Shwmae?"]),
    "sr": (["Zdravo, dobili ste Milana. Trenutno nisam dostupan. Ostavite poruku posle signala.",
            "Dobar dan, molim vas ostavite ime i broj telefona."],
           ["Halo?", "Da, izvolite.", "Ko je to?"]),
    "mk": (["Здраво, го добивте Петар. Оставете порака по сигналот.",
            "Добар ден, моментално не можам да одговорам."],
           ["Ало?", "Да, повелете.", "Кој е?"]),
    "sq": (["Përshëndetje, keni telefonuar Arbenin. Ju lutem lini një mesazh pas sinjalit.",
            "Mirëdita, nuk mund të përgjigjem tani."],
           ["Alo?", "Po, urdhëro.", "Kush është?"]),
    "mt": (["Bonġu, ċempilt lil Marija. Jekk jogħġbok ħalli messaġġ wara t-ton.",
            "Mhux disponibbli bħalissa, ħalli ismek u n-numru."],
           ["Hello?", "Iva, min qed jitkellem?"]),
}
IVR_LINES = ["Please leave your message after the tone.", "The subscriber you have called is not available.",
             "Your call has been forwarded to an automated voice messaging system.",
             "The mailbox is full and cannot accept any messages.", "Press one to leave a callback number.",
             "Record your message. When you have finished, hang up or press pound for more options.",
             "The number you have dialled is not reachable at the moment. Please try again later.",
             "Welcome to the voice mail service."]
VOWEL_PHONEMES = ["a", "o", "i", "u", "e", "m", "n", "E", "O"]

XSRC_RINGBACK = {  # (freqs Hz, on/off pattern s, amplitude-modulation Hz or 0, description)
    "JP": ([400], [1.0, 2.0], 16.0, "JP 400x16Hz 1/2"),
    "AU": ([400, 425], [0.4, 0.2, 0.4, 2.0], 17.0, "AU 400+425x17Hz .4/.2/.4/2"),
    "IN": ([400], [0.4, 0.2, 0.4, 2.0], 25.0, "IN 400x25Hz .4/.2/.4/2"),
    "FR": ([440], [1.5, 3.5], 0.0, "FR 440 1.5/3.5"),
    "RU": ([425], [0.8, 3.2], 0.0, "RU 425 .8/3.2"),
}
XSRC_BUSY = {
    "JP": ([400], [0.5, 0.5], 16.0, "busy JP 400x16Hz .5/.5"),
    "AU": ([425], [0.375, 0.375], 0.0, "busy AU 425 .375/.375"),
    "FR": ([440], [0.5, 0.5], 0.0, "busy FR 440 .5/.5"),
    "IN": ([400], [0.75, 0.75], 0.0, "busy IN 400 .75/.75"),
    "CN": ([450], [0.35, 0.35], 0.0, "busy CN 450 .35/.35"),
}

W = {}  # per-worker state
GREETING_CAP_S = 30.0
MAX_CALL_S = 40.0  # finish_call trims calls to this
# What may follow a greeting in a 40 s call: lead-in 0.5 s, gap 1.5 s, a beep of up to 1.5 s and at least 2 s of
# quiet after it, so that no beep is trimmed away or left without the quiet that ends it.
AFTER_GREETING_S = 6.0


# ==========================================================================
# sources


def espeak_specs(seed, n_greet=360, n_human=240, n_misc=120, n_mono=100, n_vowel=90):
    """(category, voice, speed, pitch, text, ssml) of every utterance the set draws from."""
    rng = np.random.default_rng([seed, 7002])
    langs, variants = sources.XSRC_ESPEAK_LANGS, sources.XSRC_ESPEAK_VARIANTS
    specs = []

    def voice():
        lang = str(rng.choice(langs))
        var = str(rng.choice(variants)) if rng.random() < 0.8 else ""
        return lang, lang + ("+" + var if var else "")

    for cat, n in (("greet", n_greet), ("human", n_human), ("misc", n_misc), ("mono", n_mono), ("vowel", n_vowel)):
        for _ in range(n):
            lang, v = voice()
            speed, pitch, ssml = int(rng.integers(110, 210)), int(rng.integers(20, 90)), False
            native = NATIVE.get(lang)
            if cat == "greet":
                use = native and rng.random() < 0.6
                text = str(rng.choice(native[0])) if use else sources.greeting_text(rng)
            elif cat == "human":
                use = native and rng.random() < 0.6
                text = str(rng.choice(native[1])) if use else sources.human_text(rng)
                if rng.random() < 0.15:  # a child answering
                    pitch = int(rng.integers(88, 100))
            elif cat == "misc":
                text = sources.misc_text(rng)
            elif cat == "mono":
                # A carrier's IVR: one pitch held through the sentence (SSML pitch range x-low), often high.
                pitch = int(rng.integers(40, 100))
                text = ("<speak><prosody range=\"x-low\">" + str(rng.choice(IVR_LINES + [sources.greeting_text(rng)]))
                        + "</prosody></speak>")
                ssml = True
            else:
                ph = str(rng.choice(VOWEL_PHONEMES))
                text = "[[" + ph + ":" * int(rng.integers(6, 16)) + "]]"
                speed = int(rng.integers(80, 130))
            specs.append((cat, v, speed, pitch, text, ssml))
    return specs


class XSources(sources.Sources):
    """The speech pool, music and held notes of the cross-source set (no Asterisk prompts)."""

    def __init__(self, espeak_meta, music):
        self.speech = {k: [] for k in ("greet", "human", "misc", "mono", "vowel")}
        for cat, path, desc in espeak_meta:
            x = sources._read(path)
            self.speech[cat].append((sources.norm(sources.trim(x)), desc))
        self.ast, self.ast_names, self.ast_beep = {}, [], None
        self.moh = {name: x / max(active_rms(x), 1e-9) * 0.1 for name, x in music.items()}
        self.notes = {t: sources.held_note_segments(x) for t, x in self.moh.items()}
        self.by_voice = {}
        for cat in ("greet", "human", "mono"):
            for x, d in self.speech[cat]:
                self.by_voice.setdefault((cat, d.split()[0]), []).append((x, d))

    def any_speech(self, rng):
        cat = ("greet", "human", "misc", "mono")[int(rng.integers(4))]
        return self.espeak(rng, cat)

    def voice_pool(self, rng, cat):
        keys = sorted(k for k in self.by_voice if k[0] == cat)
        k = keys[int(rng.integers(len(keys)))]
        return k[1], self.by_voice[k]


def init_worker(meta, music):
    W["S"] = XSources(meta, music)


# ==========================================================================
# signals of its own


def progress_tone(rng, table, total_s, region=None, start_phase=True):
    region = region or str(rng.choice(sorted(table)))
    freqs, pattern, am_hz, desc = table[region]
    ph = rng.uniform(0, sum(pattern)) if start_phase else 0.0
    x, _ = cadence(freqs, pattern, total_s, rng, start_phase_s=ph)
    if am_hz:
        x = x * (0.55 + 0.45 * np.sin(2 * np.pi * am_hz * np.arange(len(x)) / SR))
    return x, desc


def street_noise(rng, n):
    """Traffic: brown rumble with slow swells, passing cars as band-limited noise bursts (no horns: they are tones)."""
    x = colored_noise(n, "brown", rng) + 0.5 * colored_noise(n, "pink", rng)
    t = np.arange(n) / SR
    x *= 1 + 0.4 * np.sin(2 * np.pi * rng.uniform(0.05, 0.2) * t + rng.uniform(0, 6.3))
    for _ in range(int(rng.integers(1, 5))):
        c, w = rng.uniform(0, n / SR), rng.uniform(1.5, 4.0)
        x += 2.5 * colored_noise(n, "pink", rng) * np.exp(-0.5 * ((t - c) / (w / 3)) ** 2)
    return x / max(np.sqrt(np.mean(x ** 2)), 1e-12)


def pick_channel(rng):
    noise = str(rng.choice(["white", "pink", "brown", "babble", "street"], p=[0.2, 0.25, 0.15, 0.2, 0.2]))
    snr = round(float(rng.uniform(10, 40)), 1)
    level = float(rng.uniform(-36, -12))
    law = "ulaw" if rng.random() < 0.5 else "alaw"
    loss = float(rng.uniform(0.01, 0.04)) if rng.random() < 1 / 3 else 0.0
    return noise, snr, level, law, loss


def noise_signal(S, rng, kind, n):
    return street_noise(rng, n) if kind == "street" else G.noise_signal(S, rng, kind, n)


def handset(x, rng):
    """A handset or speakerphone response: a random resonance and tilt (zero phase, so onsets stay put)."""
    if rng.random() < 0.5:
        return x, None
    f0, q, gain_db = float(rng.uniform(600, 2800)), float(rng.uniform(0.7, 3.0)), float(rng.uniform(-6, 9))
    b, a = sps.iirpeak(f0, q, fs=SR)
    y = x + (10 ** (gain_db / 20) - 1) * sps.filtfilt(b, a, x)
    return y, f"handset peak {f0:.0f}Hz Q={q:.1f} {gain_db:+.0f}dB"


# ==========================================================================
# calls


def greeting(S, rng, target, cap_s=GREETING_CAP_S):
    if rng.random() < 0.2:
        v, pool = S.voice_pool(rng, "mono")
    else:
        v, pool = S.voice_pool(rng, "greet")
    pieces = []
    for i in rng.permutation(len(pool)):
        pieces += [pool[i][0], silence(float(rng.uniform(0.15, 0.9)))]
        if sum(len(p) for p in pieces) / SR >= target:
            break
    while sum(len(p) for p in pieces) / SR < target and len(pieces) < 40:  # long greetings reuse lines
        pieces += [pool[int(rng.integers(len(pool)))][0], silence(float(rng.uniform(0.15, 0.9)))]
    x = np.concatenate(pieces[:-1])
    cap = int(round(cap_s * SR))
    if len(x) > cap:
        x = x[:cap] * ramp_env(cap, 0, 0.05)
    return x, v + (" monotone" if "monotone" in pool[0][1] else "")


def call_machine(S, rng, notes, with_beep):
    tl = G.Timeline()
    if rng.random() < 0.5:
        x, d = progress_tone(rng, XSRC_RINGBACK, float(rng.uniform(2, 9)))
        tl.add(G.lvl(x, float(rng.uniform(-8, 0))))
        tl.pause(float(rng.uniform(0.1, 0.8)))
        notes.append(f"ringback {d} before answer")
    short = rng.random() < 0.25
    cap = min(GREETING_CAP_S, MAX_CALL_S - AFTER_GREETING_S - tl.t())
    g, gd = greeting(S, rng, float(rng.uniform(1, 4)) if short else float(rng.uniform(3, 25)), cap)
    g0 = tl.add(g)
    notes.insert(0, f"greeting {gd} {len(g) / SR:.1f}s" + ("" if with_beep else " no beep"))
    if rng.random() < 0.15:
        mu, tr, _ = S.music(rng, len(g) / SR)
        r = float(rng.uniform(-22, -6))
        tl.overlay(g0, G.lvl(mu, r))
        notes.append(f"greeting music bed {tr} {r:.0f}dB")
    if with_beep:
        return tl, G.add_beep(tl, rng, notes, lambda r: (xbeeps.make_beep(r), float(r.uniform(-15, 12))),
                              gap_s=(0.05, 1.5))

    def ivr(tl, rng, notes):
        x, d = S.espeak(rng, "mono")
        tl.add(x)
        notes.append(f"then IVR {d}")

    def busy_after(rng):
        x, d = progress_tone(rng, XSRC_BUSY, float(rng.uniform(2, 6)))
        return x, f"then {d}"

    G.add_nobeep_ending(tl, rng, g, notes, ivr, busy_after, repeat_below=0.65)
    return tl, None


def call_human(S, rng, notes):
    tl = G.Timeline()
    if rng.random() < 0.6:
        x, d = progress_tone(rng, XSRC_RINGBACK, float(rng.uniform(2, 12)))
        tl.add(G.lvl(x, float(rng.uniform(-8, 0))))
        notes.append(f"ringback {d} before answer")
    tl.pause(float(rng.uniform(0.2, 1.0)))
    v, pool = S.voice_pool(rng, "human")
    notes.insert(0, "human " + v)
    t_answer = tl.t()
    target = t_answer + float(rng.uniform(6, 22))
    while tl.t() < target:
        x = pool[int(rng.integers(len(pool)))][0] if rng.random() < 0.7 else S.espeak(rng, "misc")[0]
        tl.add(x * 10 ** (float(rng.uniform(-5, 5)) / 20))
        tl.pause(float(rng.uniform(0.6, 3.5)))
    r = rng.random()
    span = tl.t() - t_answer
    if r < 0.25:
        # Television in the room: music with voices over it, under the person.
        mu, tr, _ = S.music(rng, span)
        bed = G.lvl(mu, 0) + G.lvl(S.babble(rng, len(mu)), float(rng.uniform(-6, 3)))
        lv = float(rng.uniform(-20, -6))
        tl.overlay(t_answer, G.lvl(bed, lv))
        notes.append(f"background TV {tr} {lv:.0f}dB")
    elif r < 0.4:
        mu, tr, _ = S.music(rng, span)
        lv = float(rng.uniform(-18, -6))
        tl.overlay(t_answer, G.lvl(mu, lv))
        notes.append(f"background music {tr} {lv:.0f}dB")
    elif r < 0.55:
        lv = float(rng.uniform(-16, -4))
        tl.overlay(t_answer, G.lvl(bandpass(street_noise(rng, int(round(span * SR)))), lv))
        notes.append(f"street noise {lv:.0f}dB")
    return tl


def call_tone(S, rng, kind, notes):
    tl = G.Timeline()
    target = float(rng.uniform(8, 30))
    if kind == "ringback":
        x, d = progress_tone(rng, XSRC_RINGBACK, float(rng.uniform(8, 38)), start_phase=False)
        tl.add(G.lvl(x, 0))
        notes.insert(0, "ringback " + d)
    elif kind == "busy":
        if rng.random() < 0.35:
            x, d = progress_tone(rng, XSRC_RINGBACK, float(rng.uniform(2, 8)))
            tl.add(G.lvl(x, 0))
            notes.append("ringback " + d)
        x, d = progress_tone(rng, XSRC_BUSY, float(rng.uniform(5, 25)))
        tl.add(G.lvl(x, 0))
        notes.insert(0, d)
    elif kind == "dtmf":
        dd = []
        while tl.t() < target:
            sp, _ = S.espeak(rng, ("misc", "mono")[int(rng.integers(2))])
            tl.add(sp)
            tl.pause(float(rng.uniform(0.3, 1.5)))
            y, d = T.dtmf_string(rng)
            tl.add(G.lvl(y, float(rng.uniform(-8, 2))))
            tl.pause(float(rng.uniform(0.3, 1.5)))
            dd.append(d)
        notes.insert(0, "DTMF strings with speech: " + "; ".join(dd[:4]) + ("..." if len(dd) > 4 else ""))
    elif kind == "sit":
        x, d = T.sit_triplet(rng)
        ann, ad = S.espeak(rng, ("misc", "mono")[int(rng.integers(2))])
        rel = float(rng.uniform(-6, 0))
        reps = int(rng.integers(1, 3))
        G.add_sit_announcements(tl, rng, x, rel, ann, reps)
        notes.insert(0, f"{d} x{reps} + announcement {ad}")
    elif kind == "fax":
        notes.insert(0, G.add_fax(tl, rng, target))
    elif kind == "moh":
        if rng.random() < 0.5:  # the held notes of the tracks, back to back, as the worst case of hold music
            parts = []
            while sum(len(p) for p in parts) / SR < target:
                x, nd = S.held_note(rng)
                parts += [x, silence(float(rng.uniform(0, 0.3)))]
            tl.add(G.lvl(np.concatenate(parts), 0))
            d = f"held notes of hold music ({nd}...)"
        else:
            mu, tr, st = S.music(rng, target)
            tl.add(G.lvl(mu, 0))
            d = f"music on hold {tr}@{st:.0f}s"
        if rng.random() < 0.4:
            t, k = float(rng.uniform(2, 6)), 0
            while t < target - 3:
                sp = S.espeak(rng, ("misc", "mono")[int(rng.integers(2))])[0]
                tl.overlay(t, G.lvl(sp, 4))
                t += len(sp) / SR + float(rng.uniform(4, 12))
                k += 1
            d += f" with {k} hold announcements"
        notes.insert(0, d)
    elif kind == "vowel":
        ds = []
        while tl.t() < target:
            cat = "vowel" if rng.random() < 0.6 else "mono"
            y, d = S.espeak(rng, cat)
            tl.add(G.lvl(y, float(rng.uniform(-4, 2))))
            tl.pause(float(rng.uniform(0.2, 2.0)))
            ds.append(("sustained " if cat == "vowel" else "IVR ") + d)
        notes.insert(0, "sustained vowels and monotone voices: " + ", ".join(ds[:4]) + ("..." if len(ds) > 4 else ""))
    return tl


def make_call(job):
    kind, idx, seed, out = job
    S = W["S"]
    rng = np.random.default_rng([seed, CALL_TAG, idx])
    notes, beep = [], None
    if kind in ("machine_beep", "machine_nobeep"):
        tl, beep = call_machine(S, rng, notes, kind == "machine_beep")
    elif kind == "human":
        tl = call_human(S, rng, notes)
    else:
        tl = call_tone(S, rng, kind, notes)
    return G.finish_call(S, rng, tl, kind, beep, notes, f"xsrc-{idx:04d}", out, pick=pick_channel,
                         noise_fn=noise_signal, pre_channel=handset)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/work/data/xsrc")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--workers", type=int, default=2, help="processes (capped at 2)")
    ap.add_argument("--calls", type=int, default=1000)
    a = ap.parse_args(argv)
    sources.check_split()
    workers = max(1, min(2, a.workers))
    t0 = time.time()
    os.makedirs(os.path.join(a.out, "calls"), exist_ok=True)
    with mp.Pool(workers) as p:
        meta = sources.synthesize_pool(os.path.join(a.out, "_cache", "espeak"), espeak_specs(a.seed), p.imap)
    music = sources.load_music(sources.XSRC_MUSIC_PACKAGES, os.path.join(a.out, "_cache", "music"))
    print(f"espeak pool: {len(meta)} utterances, {len(music)} music tracks ({time.time() - t0:.0f}s)", flush=True)
    kinds = G.call_kinds(a.calls, np.random.default_rng([a.seed, 99]))
    jobs = [(k, i, a.seed, a.out) for i, k in enumerate(kinds)]
    with mp.Pool(workers, initializer=init_worker, initargs=(meta, music)) as p:
        calls = list(p.imap(make_call, jobs, chunksize=4))
    with open(os.path.join(a.out, "manifest.jsonl"), "w") as f:
        for r in calls:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(a.out, "generation.json"), "w") as f:
        json.dump({"seed": a.seed, "args": vars(a), "seconds": round(time.time() - t0, 1)}, f, indent=1)
    print(f"calls: {len(calls)} ({time.time() - t0:.0f}s) -> {a.out}", flush=True)


if __name__ == "__main__":
    main()
