#!/usr/bin/env python3
"""RTP source admission under a flood: does a genuine call still get in, whole and on time?

Starts `amd-edge run --max-calls 1000` on loopback, then at once:
  * a flooder process sends, as fast as one Python process can, half random datagrams and half random-SSRC RTP
    headers with a 160-byte payload (each from the same socket, so every SSRC is a new would-be source);
  * the genuine call, Samples/voicemail-beep.wav as PCMU, paced at 20 ms a packet from another socket.
Afterwards it prints, as JSON: the flood's rate, how many calls the daemon opened (1 is right), the genuine call as
`GET /v1/calls` shows it (packets played and lost, the beep's onset to compare with `amd-edge detect`), and the
daemon's RTP drop counters by reason.

Usage: tools/bench/rtp_admission_flood.py BINARY [WAV]     (loopback only; runs about 20 s)
"""
import json
import struct
import subprocess
import sys
import time
import urllib.request

HTTP_PORT = 18301
RTP_PORT = 18302
MAX_CALLS = 1000
PACKET_BYTES = 160  # 20 ms of 8 kHz G.711
PACKET_SECONDS = 0.02
FLOOD_HEAD_START_S = 1.0  # the flood is under way before the genuine call's first packet
SETTLE_S = 3.5  # lets the daemon end the call on its 2 s idle timeout before the API is read
GENUINE_SSRC = 0x600DCA11

FLOODER = r'''
import os, random, socket, struct, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
rnd = random.Random(1)
junk = [os.urandom(rnd.randint(12, 200)) for _ in range(512)]
payload = bytes(160)
end, sent = time.time() + seconds, 0
while time.time() < end:
    for i in range(256):
        if i & 1:
            datagram = junk[i]
        else:
            datagram = struct.pack("!BBHII", 0x80, 0, rnd.getrandbits(16), rnd.getrandbits(32),
                                   rnd.getrandbits(32)) + payload
        try:
            s.sendto(datagram, ("127.0.0.1", port))
            sent += 1
        except BlockingIOError:
            pass
print(sent)
'''


def api(path):
    return urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}{path}", timeout=10).read()


def wait_for_daemon():
    for _ in range(300):
        try:
            api("/healthz")
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the daemon did not answer /healthz")


def mulaw_packets(path):
    """The µ-law WAV's data chunk (format tag 7) cut into 20 ms payloads."""
    data = open(path, "rb").read()
    at = data.index(b"data")
    size = struct.unpack("<I", data[at + 4:at + 8])[0]
    audio = data[at + 8:at + 8 + size]
    return [audio[k:k + PACKET_BYTES] for k in range(0, len(audio) - PACKET_BYTES + 1, PACKET_BYTES)]


def main():
    binary = sys.argv[1]
    wav = sys.argv[2] if len(sys.argv) > 2 else "Samples/voicemail-beep.wav"
    daemon = subprocess.Popen([binary, "run", "--http", f"127.0.0.1:{HTTP_PORT}", "--rtp", f"127.0.0.1:{RTP_PORT}",
                               "--max-calls", str(MAX_CALLS), "--idle-timeout", "2s", "--log-level", "error"])
    try:
        wait_for_daemon()
        packets = mulaw_packets(wav)
        flood_seconds = len(packets) * PACKET_SECONDS + 2
        flood = subprocess.Popen([sys.executable, "-c", FLOODER, str(RTP_PORT), str(flood_seconds)],
                                 stdout=subprocess.PIPE)
        time.sleep(FLOOD_HEAD_START_S)
        import socket
        genuine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        start = time.time()
        for k, payload in enumerate(packets):
            while time.time() < start + k * PACKET_SECONDS:
                pass  # busy-wait: sleep's granularity would bunch the packets
            header = struct.pack("!BBHII", 0x80, 0, (1000 + k) & 0xFFFF, (5000 + k * PACKET_BYTES) & 0xFFFFFFFF,
                                 GENUINE_SSRC)
            genuine.sendto(header + payload, ("127.0.0.1", RTP_PORT))
        flood_sent = int(flood.communicate()[0])
        time.sleep(SETTLE_S)
        calls = json.loads(api("/v1/calls"))["calls"]
        metrics = api("/metrics").decode()
        print(json.dumps({
            "flood_datagrams_sent": flood_sent,
            "flood_rate_per_s": round(flood_sent / flood_seconds),
            "calls": len(calls),
            "genuine_packets_sent": len(packets),
            "genuine": [c for c in calls if c["ssrc"] == GENUINE_SSRC],
            "rtp_drops": {line.split('"')[1]: float(line.split()[-1]) for line in metrics.splitlines()
                          if line.startswith("amd_rtp_packets_dropped_total{")},
        }, indent=1))
    finally:
        daemon.terminate()
        daemon.wait()


if __name__ == "__main__":
    main()
