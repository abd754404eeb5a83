#!/usr/bin/env python3
"""Benchmark: N concurrent Vonage websocket calls at real time against a local `amd-edge run`.

Starts the daemon on a free loopback port, opens N websockets to /socket, and on each sends the
`websocket:connected` header then one 20 ms frame of 16-bit PCM every 20 ms on schedule (speech-like buzz, a
1 kHz 400 ms beep at a per-call time, more buzz) for --seconds. Afterwards it reads GET /v1/calls and reports:
frames sent vs. received by the daemon (lost), beeps reported vs. those `amd-edge detect` finds offline in
the same audio (onset within 50 ms), the daemon's CPU (share of one core over the
streaming window) and RSS (peak sampled and VmHWM), and how late the client sent (its own scheduling).

Traffic goes to 127.0.0.1 only; every loop is bounded by --seconds. Needs python3 `websockets` and numpy.

    swift build -c release --product amd-edge
    python3 tools/bench/vonage_bench.py --binary .build/release/amd-edge --calls 200 --seconds 20
"""

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave

import numpy as np
import websockets

FRAME_MS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call_audio(rate: int, seconds: float, beep_at: float) -> bytes:
    """Speech-like buzz (120 Hz harmonics under a 4 Hz syllable envelope) with a 1 kHz 400 ms beep at beep_at."""
    n = int(rate * seconds)
    t = np.arange(n) / rate
    f0 = 120 + 15 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    buzz = np.zeros(n)
    for h in range(1, int(3400 / 140)):
        buzz += np.sin(h * phase) / h
    buzz *= 3000 * (0.5 - 0.5 * np.cos(2 * np.pi * 4 * t))
    start, end = int(beep_at * rate), int((beep_at + 0.4) * rate)
    buzz[start:end] = 10362 * np.sin(2 * np.pi * 1000 * np.arange(end - start) / rate)
    buzz[end:end + int(0.3 * rate)] = 0
    # A line-noise floor near -60 dBFS: a pure tone in digital silence is nothing a phone line carries.
    buzz += 30 * np.random.default_rng(int(beep_at * 1000)).standard_normal(n)
    return np.clip(np.round(buzz), -32767, 32767).astype("<i2").tobytes()


def offline_beeps(binary: str, variants: list, rate: int) -> list:
    """The first beep onset (ms) `amd-edge detect` finds in each variant, or None: what the daemon should report."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, audio in enumerate(variants):
            path = os.path.join(folder, f"variant-{index}.wav")
            with wave.open(path, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(rate)
                w.writeframes(audio)
            paths.append(path)
        out = subprocess.run([binary, "detect", *paths], capture_output=True, text=True, timeout=300).stdout
    onsets = [None] * len(variants)
    for line in out.splitlines():
        event = json.loads(line)
        index = int(os.path.basename(event["file"]).split("-")[1].split(".")[0])
        if event.get("event") == "beep" and onsets[index] is None:
            onsets[index] = event["onset_ms"]
    return onsets


def proc_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def get_json(port: int, path: str):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return json.loads(r.read())


async def run_call(i: int, port: int, rate: int, audio: bytes, start_at: float, stats: dict, stop_at: float):
    frame_bytes = rate // 1000 * FRAME_MS * 2
    frames = [audio[o:o + frame_bytes] for o in range(0, len(audio), frame_bytes)]
    header = json.dumps({"event": "websocket:connected", "content-type": f"audio/l16;rate={rate}",
                         "uuid": f"bench-{i}", "caller": "bench"})
    loop = asyncio.get_running_loop()
    async with websockets.connect(f"ws://127.0.0.1:{port}/socket", compression=None, max_queue=None,
                                  ping_interval=None) as ws:
        await ws.send(header)
        await asyncio.sleep(max(0.0, start_at - loop.time()))
        sent = 0
        for k, frame in enumerate(frames):
            due = start_at + k * FRAME_MS / 1000
            now = loop.time()
            if now > stop_at:
                break
            if due > now:
                await asyncio.sleep(due - now)
            else:
                stats["late_ms"].append((now - due) * 1000)
            await ws.send(frame)
            sent += 1
        stats["sent"][i] = sent


async def main_async(args, port: int, pid: int) -> dict:
    rate = args.rate
    loop = asyncio.get_running_loop()
    variants = args.variants
    stats = {"sent": {}, "late_ms": []}
    begin = loop.time() + 2.0
    stop_at = begin + args.seconds + 5
    samples_rss = []

    async def sampler():
        while loop.time() < stop_at:
            samples_rss.append(proc_status_kib(pid, "VmRSS"))
            await asyncio.sleep(0.5)

    sampler_task = asyncio.create_task(sampler())
    # Spread the calls' frame phases over one 20 ms period, as independent calls would be.
    tasks = [asyncio.create_task(run_call(i, port, rate, variants[i % 10],
                                          begin + (i % 100) * FRAME_MS / 1000 / 100, stats, stop_at))
             for i in range(args.calls)]
    await asyncio.sleep(max(0.0, begin - loop.time()))
    cpu0, wall0, self0 = proc_cpu_seconds(pid), time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    cpu1, wall1, self1 = proc_cpu_seconds(pid), time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    sampler_task.cancel()
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    return {"stats": stats, "errors": errors, "cpu": cpu1 - cpu0, "wall": wall1 - wall0,
            "client_cpu": (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime),
            "rss_peak_kib": max(samples_rss or [0])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/amd-edge")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=int, default=16000, choices=[8000, 16000])
    parser.add_argument("--json", help="write the summary here as JSON too")
    args = parser.parse_args()

    # Ten audio variants, beep at 4 s … 13 s, so the calls do not beep in lockstep.
    args.variants = [call_audio(args.rate, args.seconds, 4.0 + v * (args.seconds - 7) / 10) for v in range(10)]
    expected = offline_beeps(args.binary, args.variants, args.rate)
    port = free_port()
    daemon = subprocess.Popen([args.binary, "run", "--http", f"127.0.0.1:{port}", "--max-calls",
                               str(args.calls + 10), "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(port, "/healthz")
                break
            except Exception:
                if daemon.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"daemon did not start: {daemon.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        rss_idle = proc_status_kib(daemon.pid, "VmRSS")
        run = asyncio.run(main_async(args, port, daemon.pid))
        # Wait (bounded) until the daemon has ended every bench call, then compare.
        deadline = time.monotonic() + 30
        while True:
            calls = [c for c in get_json(port, "/v1/calls")["calls"] if c["id"].startswith("bench-")]
            if all(c["state"] == "ended" for c in calls) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        received = {c["id"]: c["packets"] for c in calls}
        beeps = {c["id"]: (c.get("beep") or {}).get("onset_ms") for c in calls}
        expected_calls = [i for i in range(args.calls) if expected[i % 10] is not None]
        matched = sum(1 for i in expected_calls
                      if beeps.get(f"bench-{i}") is not None
                      and abs(beeps[f"bench-{i}"] - expected[i % 10]) <= 50)
        unexpected = sum(1 for i in range(args.calls)
                         if expected[i % 10] is None and beeps.get(f"bench-{i}") is not None)
        sent = run["stats"]["sent"]
        lost = sum(max(0, n - received.get(f"bench-{i}", 0)) for i, n in sent.items())
        late = sorted(run["stats"]["late_ms"])
        summary = {
            "calls": args.calls, "connected": len(calls), "seconds": args.seconds, "rate": args.rate,
            "frames_sent": sum(sent.values()), "frames_received": sum(received.values()), "frames_lost": lost,
            "beeps_expected": len(expected_calls),
            "beeps_reported": sum(1 for onset in beeps.values() if onset is not None),
            "beeps_matched_within_50ms": matched,
            "beeps_unexpected": unexpected,
            "daemon_cpu_percent_of_one_core": round(100 * run["cpu"] / run["wall"], 1),
            "daemon_rss_idle_mib": round(rss_idle / 1024, 1),
            "daemon_rss_peak_mib": round(run["rss_peak_kib"] / 1024, 1),
            "daemon_vmhwm_mib": round(proc_status_kib(daemon.pid, "VmHWM") / 1024, 1),
            "client_cpu_percent_of_one_core": round(100 * run["client_cpu"] / run["wall"], 1),
            "client_late_frames": len(late),
            "client_late_p99_ms": round(late[int(0.99 * (len(late) - 1))], 1) if late else 0.0,
            "client_late_max_ms": round(late[-1], 1) if late else 0.0,
            "errors": run["errors"][:5],
        }
        print(json.dumps(summary, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(summary, f, indent=2)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.kill()


if __name__ == "__main__":
    main()
