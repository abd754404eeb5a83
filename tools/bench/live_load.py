#!/usr/bin/env python3
"""Live load benchmark: N concurrent labelled calls played in real time to `amd-edge run`, as RTP or websockets.

Not a test: run by hand, figures go to BENCHMARKS.md ("Live load"). Traffic stays on 127.0.0.1; every wait is
bounded. What it does, in order:

1. picks --items calls of a manifest (the dev corpus by default; G.711 WAV files), and writes the sender's input:
   the G.711 payload of each file for RTP (PCMU or PCMA as the file is), or its 16-bit PCM at --ws-rate for
   websockets (then also written as WAV files, so that the offline run reads exactly what the daemon gets);
2. runs `amd-edge detect` offline on the same audio: the beeps (onset, detection time) and answers expected;
3. starts `amd-edge run` on loopback (--rtp-ports RTP ports, --max-calls 2 N + 100, long event history), with the
   systemd unit's malloc settings;
4. subscribes to the long-poll `GET /v1/events?after=SEQ&wait=5` in a thread, noting each page's arrival time;
5. builds and runs live_sender.c (gcc -O2): N slots, each playing the files one after another in real time (a new
   SSRC or websocket per call), starts staggered over --stagger-ms, for --seconds; optional seeded loss, jitter
   and reordering (RTP);
6. samples once a second the daemon's CPU (utime + stime), RSS, threads' run-queue wait, the sender's CPU and the
   load average;
7. after the last call has gone idle, reads `/metrics` and `GET /v1/calls`, and reports: packets sent, received and
   dropped (kernel receive-buffer overflows and the daemon's drops by reason), beeps expected / reported /
   matched (onset within --match-ms of offline) / unexpected, answers that differ from offline, event delay
   p50/p95/p99/max (arrival on the long-poll minus the wall time at which the packet that completed the decision
   was sent: the beep's `detected_ms`, the answer's `decided_ms`, machine_end's `ms` give the stream time), the
   daemon's CPU and RSS over time, and the sender's lateness (a run whose sender fell behind is marked).

    python3 tools/bench/live_load.py --binary /work/bin/amd-edge-s10 --calls 500 --seconds 60 --out /tmp/run500
    python3 tools/bench/live_load.py --mode ws --calls 500 --seconds 60 ...

Needs gcc and numpy (websocket mode). The result is printed and written to OUT/result.json (with the per-second
samples); OUT also keeps the sender's calls.tsv and ticks.bin and the daemon's log.
"""
import argparse
import array
import http.client
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from rtp_load import free_port, free_udp_range, proc_cpu_seconds, proc_runqueue_wait_seconds  # noqa: E402
PACKET_MS = 20
RTP_SAMPLES = 160
MASK64 = (1 << 64) - 1


# ---- the sender's seeded per-packet decisions (same functions as live_sender.c) ----

def mix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def packet_hash(seed, call, k, salt):
    return mix64((mix64((seed * 0x100000001B3 + mix64(call)) & MASK64) + k * 4 + salt) & MASK64)


def unit(h):
    return (h >> 11) * (1.0 / 9007199254740992.0)


def packet_delay_subticks(args, call, k):
    """Sub-ticks a packet leaves after its due time, or None when the sender drops it (live_sender.c's rule)."""
    if args.loss > 0 and unit(packet_hash(args.seed, call, k, 0)) < args.loss:
        return None
    delay = 0
    if args.jitter_ms > 0:
        delay = int(unit(packet_hash(args.seed, call, k, 1)) * (int(args.jitter_ms * args.phases / PACKET_MS + 0.5) + 1))
    if args.reorder > 0 and unit(packet_hash(args.seed, call, k, 2)) < args.reorder:
        delay += args.phases + 1
    return delay


# ---- audio ----

def read_wav(path):
    """(format tag, rate, data bytes) of a WAV file: 1 PCM, 6 A-law, 7 µ-law."""
    data = open(path, "rb").read()
    offset, fmt, rate = 12, None, None
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if chunk == b"fmt ":
            fmt, _, rate = struct.unpack("<HHI", data[offset + 8:offset + 16])
        elif chunk == b"data":
            return fmt, rate, data[offset + 8:offset + 8 + size]
        offset += 8 + size + (size & 1)
    raise ValueError(f"{path}: no data chunk")


def g711_table(alaw):
    import numpy as np
    out = np.zeros(256, dtype=np.int16)
    for byte in range(256):
        if alaw:
            a = byte ^ 0x55
            t = (a & 0x0F) << 4
            seg = (a & 0x70) >> 4
            t = t + 8 if seg == 0 else (t + 0x108) << (seg - 1)
            out[byte] = t if a & 0x80 else -t
        else:
            u = ~byte & 0xFF
            t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
            out[byte] = (0x84 - t) if u & 0x80 else (t - 0x84)
    return out


def write_wav16(path, rate, pcm):
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVEfmt " +
                struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" + struct.pack("<I", len(pcm)) + pcm)


def prepare_items(args, work):
    """Writes items.tsv and audio.bin for the sender; returns the item list and the files to detect offline."""
    folder = os.path.dirname(os.path.abspath(args.manifest))
    rows = [json.loads(line) for line in open(args.manifest) if line.strip()]
    random.Random(args.seed).shuffle(rows)
    rows = rows[:args.items]
    items, offline_files = [], []
    offset = 0
    with open(os.path.join(work, "audio.bin"), "wb") as blob, open(os.path.join(work, "items.tsv"), "w") as tsv:
        for index, row in enumerate(rows):
            path = os.path.join(folder, row["file"])
            fmt, rate, data = read_wav(path)
            if fmt not in (6, 7) or rate != 8000:
                sys.exit(f"{path}: not 8 kHz G.711 (format {fmt}, {rate} Hz)")
            if args.mode == "rtp":
                payload = data[:len(data) // RTP_SAMPLES * RTP_SAMPLES]
                payload_type = 0 if fmt == 7 else 8
                offline_files.append(path)
            else:
                import numpy as np
                pcm = g711_table(fmt == 6)[np.frombuffer(data, dtype=np.uint8)]
                if args.ws_rate == 16000:
                    x = np.arange(len(pcm) * 2) / 2.0
                    pcm = np.round(np.interp(x, np.arange(len(pcm)), pcm.astype(np.float64))).astype(np.int16)
                frame = args.ws_rate // 1000 * PACKET_MS * 2
                payload = pcm.astype("<i2").tobytes()
                payload = payload[:len(payload) // frame * frame]
                payload_type = 0
                wav = os.path.join(work, f"item-{index:04d}.wav")
                write_wav16(wav, args.ws_rate, payload)
                offline_files.append(wav)
            blob.write(payload)
            tsv.write(f"{offset} {len(payload)} {payload_type}\n")
            items.append({"id": row["id"], "kind": row.get("kind"), "file": path, "bytes": len(payload)})
            offset += len(payload)
    return items, offline_files


def offline_expectations(binary, files):
    """First beep (onset_ms, detected_ms) and the answer of every file, as `amd-edge detect` gives them."""
    out = subprocess.run(["nice", "-n", "10", binary, "detect", *files], capture_output=True, text=True,
                         timeout=1800).stdout
    by_file = {path: {"beep": None, "answer": None} for path in files}
    for line in out.splitlines():
        event = json.loads(line)
        entry = by_file.get(event.get("file"))
        if entry is None:
            continue
        if event.get("event") == "beep" and entry["beep"] is None:
            entry["beep"] = (event["onset_ms"], event["detected_ms"])
        elif event.get("event") == "answer":
            entry["answer"] = (event["answered_by"], event["decided_ms"])
    return [by_file[path] for path in files]


# ---- daemon ----

def http_get(port, path, timeout=30):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
        return response.read().decode()


def proc_status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def udp_counters():
    """The kernel's UDP InErrors and RcvbufErrors (machine-wide; loopback traffic here is almost all ours)."""
    lines = [line.split() for line in open("/proc/net/snmp") if line.startswith("Udp:")]
    table = dict(zip(lines[0][1:], (int(v) for v in lines[1][1:])))
    return {"in_errors": table.get("InErrors", 0), "rcvbuf_errors": table.get("RcvbufErrors", 0)}


class EventSubscriber(threading.Thread):
    """Follows the long-poll and keeps (arrival wall time, event) for every event."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.events, self.stop, self.truncated, self.errors = port, [], threading.Event(), 0, 0

    def run(self):
        after = 0
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            try:
                connection.request("GET", f"/v1/events?after={after}&wait=2")
                body = connection.getresponse().read()
                arrived = time.time()
            except (OSError, http.client.HTTPException):
                self.errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                time.sleep(0.1)
                continue
            page = json.loads(body)
            self.truncated += 1 if page.get("truncated") else 0
            for event in page["events"]:
                self.events.append((arrived, event))
            after = page["next"]


class Sampler(threading.Thread):
    """Once a second: daemon CPU share, RSS, run-queue wait; sender CPU share; load average."""

    def __init__(self, daemon_pid):
        super().__init__(daemon=True)
        self.pid, self.sender_pid, self.samples, self.stop = daemon_pid, None, [], threading.Event()

    def run(self):
        t0 = time.monotonic()
        last = (t0, proc_cpu_seconds(self.pid), proc_runqueue_wait_seconds(self.pid), 0.0)
        last_udp = udp_counters()["rcvbuf_errors"]
        while not self.stop.wait(1.0):
            try:
                now = time.monotonic()
                cpu, wait = proc_cpu_seconds(self.pid), proc_runqueue_wait_seconds(self.pid)
                sender = proc_cpu_seconds(self.sender_pid) if self.sender_pid else 0.0
            except OSError:
                sender = last[3]
                continue
            span = now - last[0]
            udp = udp_counters()["rcvbuf_errors"]
            self.samples.append({
                "t": round(now - t0, 1),
                "daemon_cpu_pct": round(100 * (cpu - last[1]) / span, 1),
                "daemon_rss_mb": round(proc_status_kb(self.pid, "VmRSS") / 1024, 1),
                "daemon_runq_wait_pct": round(100 * (wait - last[2]) / span, 1),
                "sender_cpu_pct": round(100 * max(0.0, sender - last[3]) / span, 1),
                "kernel_rcvbuf_drops": udp - last_udp,
                "load1": os.getloadavg()[0],
            })
            last_udp = udp
            last = (now, cpu, wait, sender)


def metric_values(text, name):
    """{labels: value} of one metric family in a Prometheus text page."""
    values = {}
    for match in re.finditer(rf'^{name}(\{{[^}}]*\}})? ([0-9.eE+-]+)$', text, re.M):
        values[match.group(1) or ""] = float(match.group(2))
    return values


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))], 1)


def spread(values):
    return {"n": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
            "p99": percentile(values, 0.99), "max": round(max(values), 1) if values else None}


# ---- one run ----

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "amd-edge"))
    parser.add_argument("--mode", choices=["rtp", "ws"], default="rtp")
    parser.add_argument("--calls", type=int, default=500, help="concurrent calls (sender slots)")
    parser.add_argument("--seconds", type=float, default=60, help="sending time, stagger included")
    parser.add_argument("--stagger-ms", type=float, default=10000, help="slots start spread over this")
    parser.add_argument("--gap-ms", type=float, default=0, help="pause between a slot's calls")
    parser.add_argument("--manifest", default="/work/shared/corpus/dev/manifest.jsonl")
    parser.add_argument("--items", type=int, default=100, help="files of the manifest to play (seeded choice)")
    parser.add_argument("--rtp-ports", type=int, default=4, help="the daemon's RTP ports (one socket each)")
    parser.add_argument("--sockets", type=int, default=0, help="sender UDP sockets (0: one per slot)")
    parser.add_argument("--phases", type=int, default=20, help="sub-ticks per 20 ms packet period")
    parser.add_argument("--ws-rate", type=int, default=8000, choices=[8000, 16000])
    parser.add_argument("--loss", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--reorder", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--idle-timeout", default="2s")
    parser.add_argument("--nice", type=int, default=0,
                        help="niceness (and autogroup niceness) of the daemon and the sender; negative needs root and makes the "
                        "machine's other jobs yield")
    parser.add_argument("--match-ms", type=float, default=40)
    parser.add_argument("--perf", type=float, default=0,
                        help="seconds of `perf record -g` on the daemon in the steady state (OUT/perf.txt)")
    parser.add_argument("--out", default=None, help="folder for the result and the raw files (default: temporary)")
    args = parser.parse_args()

    work = args.out or tempfile.mkdtemp(prefix="live-load-")
    os.makedirs(work, exist_ok=True)
    sender_binary = os.path.join(work, "live_sender")
    subprocess.run(["gcc", "-O2", "-Wall", "-o", sender_binary, os.path.join(HERE, "live_sender.c")], check=True)
    items, offline_files = prepare_items(args, work)
    expected = offline_expectations(args.binary, offline_files)

    http_port = free_port()
    rtp_base = free_udp_range(args.rtp_ports)
    command = [args.binary, "run", "--http", f"127.0.0.1:{http_port}", "--max-calls", str(2 * args.calls + 100),
               "--idle-timeout", args.idle_timeout, "--max-ended-calls", "50000", "--log-level", "warning"]
    if args.mode == "rtp":
        command += ["--rtp", f"127.0.0.1:{rtp_base}-{rtp_base + args.rtp_ports - 1}"]
    env = dict(os.environ, MALLOC_ARENA_MAX="2", MALLOC_MMAP_THRESHOLD_="131072")
    log = open(os.path.join(work, "daemon.log"), "w")
    def renice():
        # Each of the daemon and the sender runs in a session of its own, so in an autogroup of its own (the
        # kernel shares CPU between autogroups first, then by niceness inside each): --nice sets both.
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        try:
            with open("/proc/self/autogroup", "w") as f:
                f.write(str(args.nice))
        except OSError:
            pass

    if args.nice:
        # The long-poll client and the sampler (this process's threads) get the daemon's priority too, so that the
        # measured event delay is the daemon's and not this script's wait for a CPU.
        try:
            os.setsid()
        except OSError:
            pass
        renice()

    daemon = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=renice,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http_get(http_port, "/healthz", timeout=2)
                break
            except OSError:
                if daemon.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"daemon did not start; see {work}/daemon.log")
                time.sleep(0.1)
        time.sleep(1.0)
        rss_idle_mb = proc_status_kb(daemon.pid, "VmRSS") / 1024
        subscriber = EventSubscriber(http_port)
        subscriber.start()
        sampler = Sampler(daemon.pid)
        sampler.start()
        udp_before = udp_counters()
        load_before = os.getloadavg()
        sender_command = [sender_binary, "--mode", args.mode, "--items", os.path.join(work, "items.tsv"),
                          "--audio", os.path.join(work, "audio.bin"), "--calls", str(args.calls),
                          "--seconds", str(args.seconds), "--out", work, "--phases", str(args.phases),
                          "--stagger-ms", str(args.stagger_ms), "--gap-ms", str(args.gap_ms),
                          "--seed", str(args.seed)]
        if args.mode == "rtp":
            sender_command += ["--rtp-port", str(rtp_base), "--rtp-ports", str(args.rtp_ports),
                               "--sockets", str(args.sockets), "--loss", str(args.loss),
                               "--jitter-ms", str(args.jitter_ms), "--reorder", str(args.reorder)]
        else:
            sender_command += ["--ws-port", str(http_port), "--ws-rate", str(args.ws_rate)]
        sender = subprocess.Popen(sender_command, stdout=subprocess.PIPE, text=True, preexec_fn=renice,
                                  start_new_session=True)
        sampler.sender_pid = sender.pid
        profiler = None
        if args.perf > 0:
            profiler = threading.Timer(args.stagger_ms / 1000 + 5, lambda: subprocess.run(
                ["perf", "record", "-F", "199", "-g", "-p", str(daemon.pid), "-o", os.path.join(work, "perf.data"),
                 "--", "sleep", str(args.perf)], capture_output=True))
            profiler.start()
        sender_out, _ = sender.communicate(timeout=args.seconds + 600)
        load_after = os.getloadavg()
        if profiler is not None:
            profiler.join()
            with open(os.path.join(work, "perf.txt"), "w") as f:
                subprocess.run(["perf", "report", "-i", os.path.join(work, "perf.data"), "--no-children",
                                "--sort", "dso,symbol", "--stdio", "-g", "none", "--percent-limit", "0.5"],
                               stdout=f, stderr=subprocess.DEVNULL)
        sender_summary = json.loads(sender_out.strip().splitlines()[-1])
        # Let every stream go idle and end, then read the totals.
        time.sleep(float(args.idle_timeout.rstrip("s")) + 3.0)
        sampler.stop.set()
        udp_after = udp_counters()
        metrics = http_get(http_port, "/metrics")
        calls_page = json.loads(http_get(http_port, "/v1/calls", timeout=120))
        time.sleep(2.5)
        subscriber.stop.set()
        subscriber.join(timeout=10)
        rss_hwm_mb = proc_status_kb(daemon.pid, "VmHWM") / 1024
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.kill()
    result = analyse(args, work, items, expected, sender_summary, subscriber, sampler.samples, metrics, calls_page,
                     udp_before, udp_after, load_before, load_after, rss_idle_mb, rss_hwm_mb)
    with open(os.path.join(work, "result.json"), "w") as f:
        json.dump(dict(result, samples=sampler.samples), f, indent=1)
    print(json.dumps(result, indent=1))
    print(f"(per-second samples and raw files in {work})", file=sys.stderr)


def analyse(args, work, items, expected, sender_summary, subscriber, samples, metrics, calls_page, udp_before,
            udp_after, load_before, load_after, rss_idle_mb, rss_hwm_mb):
    ticks = array.array("q")
    with open(os.path.join(work, "ticks.bin"), "rb") as f:
        ticks.frombytes(f.read())
    records = {}
    with open(os.path.join(work, "calls.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            for key in ("seq", "slot", "item", "local_port", "first_subtick", "t0_real_ns", "packets", "sent", "lost",
                        "complete"):
                row[key] = int(row[key])
            records[row["id"]] = row

    def record_of(event):
        if args.mode == "rtp":
            return records.get(str(event.get("ssrc")))
        return records.get(event.get("call_id"))

    def first_stream_packet(row):
        """Index of the packet the daemon's stream time starts at: the first one sent (loss, jitter)."""
        if args.mode == "ws" or not (args.loss or args.jitter_ms or args.reorder):
            return 0, 0
        best = None
        for k in range(min(row["packets"], 8)):
            delay = packet_delay_subticks(args, row["seq"], k)
            if delay is not None and (best is None or k * args.phases + delay < best[1]):
                best = (k, k * args.phases + delay)
        return best[0] if best else 0, 0

    def send_time(row, stream_ms):
        """Wall time (s) at which the packet holding stream time `stream_ms` left the sender, or None."""
        if row["first_subtick"] < 0:
            return None
        first, _ = first_stream_packet(row)
        k = first + max(0, (int(stream_ms) + PACKET_MS - 1) // PACKET_MS - 1)
        if k >= row["packets"]:
            k = row["packets"] - 1
        delay = 0 if args.mode == "ws" else packet_delay_subticks(args, row["seq"], k) or 0
        u = row["first_subtick"] + k * args.phases + delay
        if u >= len(ticks) or ticks[u] == 0:
            return None
        return ticks[u] / 1e9

    delays = {"beep": [], "answer": [], "machine_end": []}
    hub_delays = []
    beeps = {}
    answers = {}
    unknown_events = 0
    for arrived, event in subscriber.events:
        kind = event["type"]
        if kind not in delays:
            continue
        row = record_of(event)
        if row is None:
            unknown_events += 1
            continue
        # Decisions the end of the stream made (idle timeout) have no packet that completed them.
        ended = (kind == "answer" and event.get("cause") == "stream_ended") or \
            (kind == "machine_end" and event.get("outcome") == "other")
        stream_ms = {"beep": "detected_ms", "answer": "decided_ms", "machine_end": "ms"}[kind]
        sent_at = None if ended else send_time(row, event[stream_ms])
        if sent_at is not None:
            delays[kind].append((arrived - sent_at) * 1000)
            if kind == "beep":
                at = event["at"].replace("Z", "+00:00")
                from datetime import datetime
                hub_delays.append((datetime.fromisoformat(at).timestamp() - sent_at) * 1000)
        if kind == "beep" and row["id"] not in beeps:
            beeps[row["id"]] = event
        if kind == "answer":
            answers[row["id"]] = event

    # Beeps: a call is owed its offline beep when the sender played it past the offline detection time.
    owed, reported, matched, unexpected, misplaced = 0, 0, 0, 0, []
    answer_checked, answer_differs = 0, []
    for row in records.values():
        exp = expected[row["item"]]
        played_ms = row["sent"] * PACKET_MS + row["lost"] * PACKET_MS
        beep = beeps.get(row["id"])
        if exp["beep"] is not None and played_ms >= exp["beep"][1] + 500:
            owed += 1
            if beep is not None:
                reported += 1
                if abs(beep["onset_ms"] - exp["beep"][0]) <= args.match_ms:
                    matched += 1
                else:
                    misplaced.append((row["id"], items[row["item"]]["id"], beep["onset_ms"], exp["beep"][0]))
        elif exp["beep"] is None and beep is not None:
            unexpected += 1
            misplaced.append((row["id"], items[row["item"]]["id"], beep["onset_ms"], None))
        if row["complete"] and exp["answer"] is not None and row["id"] in answers:
            answer_checked += 1
            if answers[row["id"]]["answered_by"] != exp["answer"][0]:
                answer_differs.append((row["id"], items[row["item"]]["id"], answers[row["id"]]["answered_by"],
                                       exp["answer"][0]))

    # Packets: what the sender sent, what the daemon's sockets read, what it dropped and why, what calls counted.
    ours = {}
    for call in calls_page["calls"]:
        key = str(call.get("ssrc")) if args.mode == "rtp" else call["id"]
        if key in records:
            ours[key] = call
    counted = sum(call["packets"] for call in ours.values())
    sent = sender_summary["sent"]
    result = {
        "mode": args.mode, "calls": args.calls, "seconds": args.seconds, "stagger_s": args.stagger_ms / 1000,
        "steady_state_s": round(args.seconds - args.stagger_ms / 1000, 1), "items": len(items),
        "manifest": args.manifest, "binary": args.binary, "loss": args.loss, "jitter_ms": args.jitter_ms,
        "reorder": args.reorder, "seed": args.seed, "nice": args.nice, "cores": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after],
        "sender": sender_summary,
        "sender_kept_up": sender_summary["late_ms_p999"] <= PACKET_MS and sender_summary["send_errors"] == 0,
        "calls_played": len(records), "calls_seen_by_daemon": len(ours),
        "packets_sent": sent, "packets_counted_in_calls": counted,
        "packets_not_counted": sent - counted,
        "packets_not_counted_pct": round(100 * (sent - counted) / sent, 3) if sent else None,
        "event_subscriber": {"events": len(subscriber.events), "truncated_pages": subscriber.truncated,
                             "errors": subscriber.errors, "events_of_unknown_calls": unknown_events},
        "beeps": {"owed": owed, "reported": reported, "matched": matched, "unexpected": unexpected,
                  "misplaced_examples": misplaced[:10]},
        "answers": {"checked": answer_checked, "differ": len(answer_differs), "examples": answer_differs[:10]},
        "event_delay_ms": {kind: spread(values) for kind, values in delays.items()},
        "beep_delay_to_hub_at_ms": spread(hub_delays),
    }
    if args.mode == "rtp":
        received = metric_values(metrics, "amd_rtp_packets_received_total").get("", 0)
        drops = {re.sub(r'.*reason="([^"]*)".*', r"\1", k): v for k, v in
                 metric_values(metrics, "amd_rtp_packets_dropped_total").items() if v}
        kernel = {k: udp_after[k] - udp_before[k] for k in udp_after}
        result["packets_received_by_daemon"] = int(received)
        result["daemon_drops_by_reason"] = drops
        result["kernel_udp_drops"] = kernel
        dropped = (sent - received) + sum(drops.values())
        result["packets_dropped_pct"] = round(100 * dropped / sent, 3) if sent else None
    else:
        lost = sum(max(0, row["sent"] - ours.get(row["id"], {}).get("packets", 0)) for row in records.values())
        result["frames_lost"] = lost
    steady = [s for s in samples if args.stagger_ms / 1000 + 2 <= s["t"] <= args.seconds]
    cpu = [s["daemon_cpu_pct"] for s in steady]
    result["daemon"] = {
        "rss_idle_mb": round(rss_idle_mb, 1), "rss_peak_sampled_mb": max((s["daemon_rss_mb"] for s in samples),
                                                                          default=None),
        "rss_vmhwm_mb": round(rss_hwm_mb, 1),
        "cpu_pct_steady_mean": round(sum(cpu) / len(cpu), 1) if cpu else None,
        "cpu_pct_steady_max": max(cpu) if cpu else None,
        "runq_wait_pct_steady_mean": round(sum(s["daemon_runq_wait_pct"] for s in steady) / len(steady), 1)
        if steady else None,
        "calls_active_metric_now": metric_values(metrics, "amd_calls_active").get(""),
        "detector_seconds_per_audio_second": round(
            metric_values(metrics, "amd_detector_seconds_total").get("", 0) /
            max(1e-9, metric_values(metrics, "amd_audio_seconds_total").get("", 0)), 5),
    }
    result["sender_cpu_pct_steady_mean"] = round(sum(s["sender_cpu_pct"] for s in steady) / len(steady), 1) \
        if steady else None
    result["load1_steady_mean"] = round(sum(s["load1"] for s in steady) / len(steady), 2) if steady else None
    return result


if __name__ == "__main__":
    main()
