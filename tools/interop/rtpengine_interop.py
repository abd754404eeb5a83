#!/usr/bin/env python3
"""amd-edge behind a real media proxy: rtpengine (userspace) mirrors the callee's media to amd-edge's RTP port.

tools/interop/rtpengine.sh starts rtpengine and amd-edge and then runs this with their ports. Steps:
  1. NG `offer` (caller's SDP) and `answer` (callee's SDP) set up a call between two local RTP endpoints;
  2. NG `subscribe request` for the callee's tag returns rtpengine's SDP offer of the callee's media, and
     `subscribe answer` with amd-edge's RTP address as the subscriber's SDP makes rtpengine fork it there;
  3. the controller registers its call id for the fork's source (POST /v1/calls); the callee (ffmpeg, real
     time) plays the voicemail call as PCMU to rtpengine, which relays it to the caller and forks it to amd-edge;
  4. `GET /v1/calls` on amd-edge must show the beep, with an onset within 50 ms of `amd-edge detect` on the file.
Prints each NG exchange and the comparison; exits 1 when a check fails.

NG protocol: a cookie, a space, then a bencoded dictionary, over UDP; the reply echoes the cookie.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ONSET_TOLERANCE_MS = 50
NG_TIMEOUT_S = 5.0
CALLS_POLL_TIMEOUT_S = 60.0
# 12-byte RTP header and 160 PCMU bytes: 20 ms per packet, as PBXs send (ffmpeg fills 1400 bytes otherwise).
RTP_PACKET_BYTES = 172


def bencode(value) -> bytes:
    """Encodes str, bytes, int, list and dict (keys sorted, as bencode requires)."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    if isinstance(value, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


def bdecode(data: bytes, index: int = 0):
    """Decodes one value at `index`; returns (value, next index). Byte strings come back as str."""
    head = data[index:index + 1]
    if head == b"i":
        end = data.index(b"e", index)
        return int(data[index + 1:end]), end + 1
    if head == b"l":
        index += 1
        items = []
        while data[index:index + 1] != b"e":
            item, index = bdecode(data, index)
            items.append(item)
        return items, index + 1
    if head == b"d":
        index += 1
        result = {}
        while data[index:index + 1] != b"e":
            key, index = bdecode(data, index)
            result[key], index = bdecode(data, index)
        return result, index + 1
    colon = data.index(b":", index)
    length = int(data[index:colon])
    start = colon + 1
    return data[start:start + length].decode(errors="replace"), start + length


class NGClient:
    """One UDP socket talking the NG control protocol to rtpengine."""

    def __init__(self, port: int):
        self.address = ("127.0.0.1", port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(NG_TIMEOUT_S)
        self.sequence = 0

    def request(self, command: str, **arguments) -> dict:
        self.sequence += 1
        cookie = f"amd{os.getpid()}_{self.sequence}".encode()
        message = dict(arguments, command=command)
        self.sock.sendto(cookie + b" " + bencode(message), self.address)
        while True:
            reply = self.sock.recv(65536)
            got_cookie, _, body = reply.partition(b" ")
            if got_cookie == cookie:
                break
        result, _ = bdecode(body)
        shown = {k: v for k, v in result.items() if k != "sdp"}
        print(f"NG {command}: {json.dumps(shown)}")
        if result.get("result") not in ("ok", "pong"):
            raise SystemExit(f"rtpengine refused `{command}`: {result.get('error-reason', result)}")
        return result


def sdp(port: int, session: str) -> str:
    """A one-stream PCMU SDP at 127.0.0.1:`port`."""
    return (
        "v=0\r\n"
        f"o=- {abs(hash(session)) % 10**9} 1 IN IP4 127.0.0.1\r\n"
        f"s={session}\r\n"
        "c=IN IP4 127.0.0.1\r\n"
        "t=0 0\r\n"
        f"m=audio {port} RTP/AVP 0\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=ptime:20\r\n"
        "a=sendrecv\r\n"
    )


def media_port(description: str) -> int:
    """The port of the first `m=audio` line of an SDP."""
    for line in description.splitlines():
        if line.startswith("m=audio "):
            return int(line.split()[1])
    raise SystemExit(f"no m=audio line in rtpengine's SDP:\n{description}")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def play(ffmpeg: str, source: list, local_port: int, remote_port: int) -> subprocess.Popen:
    """ffmpeg sending `source` as real-time PCMU RTP from 127.0.0.1:`local_port` to rtpengine's `remote_port`."""
    return subprocess.Popen(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-re", *source, "-ar", "8000", "-ac", "1",
         "-acodec", "pcm_mulaw", "-payload_type", "0", "-packetsize", str(RTP_PACKET_BYTES), "-f", "rtp",
         f"rtp://127.0.0.1:{remote_port}?localport={local_port}"],
        stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ng-port", type=int, required=True, help="rtpengine's NG control port (UDP, loopback)")
    parser.add_argument("--http", required=True, help="amd-edge's HTTP address, HOST:PORT")
    parser.add_argument("--amd-rtp-port", type=int, required=True, help="amd-edge's --rtp port on 127.0.0.1")
    parser.add_argument("--binary", required=True, help="the amd-edge binary (for `detect`)")
    parser.add_argument("--audio", required=True, help="the callee's audio: a voicemail call with a beep")
    parser.add_argument("--ffmpeg", default="ffmpeg")
    args = parser.parse_args()

    detected = [json.loads(line) for line in subprocess.run(
        [args.binary, "detect", args.audio], check=True, capture_output=True, text=True).stdout.splitlines()]
    offline = [event for event in detected if event.get("event") == "beep"]
    if not offline:
        raise SystemExit(f"amd-edge detect found no beep in {args.audio}")
    offline_onset = offline[0]["onset_ms"]
    print(f"amd-edge detect {args.audio}: beep onset {offline_onset} ms")

    ng = NGClient(args.ng_port)
    call_id = f"amd-interop-{os.getpid()}"
    caller_port, callee_port = free_udp_port(), free_udp_port()
    # The caller's RTP port must exist, so the media rtpengine relays to it is not refused by ICMP.
    caller_sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    caller_sink.bind(("127.0.0.1", caller_port))

    ng.request("ping")
    offer = ng.request("offer", **{"call-id": call_id, "from-tag": "caller", "sdp": sdp(caller_port, "caller"),
                                   "replace": ["origin", "session-connection"]})
    to_callee = media_port(offer["sdp"])          # where the callee sends its media
    answer = ng.request("answer", **{"call-id": call_id, "from-tag": "caller", "to-tag": "callee",
                                     "sdp": sdp(callee_port, "callee"),
                                     "replace": ["origin", "session-connection"]})
    to_caller = media_port(answer["sdp"])         # where the caller sends its media
    print(f"call {call_id}: caller 127.0.0.1:{caller_port} <-> rtpengine {to_caller} | "
          f"rtpengine {to_callee} <-> callee 127.0.0.1:{callee_port}")

    subscribe = ng.request("subscribe request", **{"call-id": call_id, "from-tag": "callee",
                                                   "flags": ["SIP-source-address"]})
    subscriber_tag = subscribe["to-tag"]
    mirror_port = media_port(subscribe["sdp"])    # rtpengine sends the fork from this port
    print(f"rtpengine offers the callee's media from port {mirror_port}; subscriber tag {subscriber_tag}")
    ng.request("subscribe answer", **{"call-id": call_id, "to-tag": subscriber_tag,
                                      "sdp": sdp(args.amd_rtp_port, "amd-edge")})
    # The controller names the mirrored stream before its media arrives: the fork's source address is known
    # from the subscription, so the call shows up in amd-edge (and in its events) under the SIP Call-ID.
    registration = json.dumps({"id": call_id, "match": {"source": f"127.0.0.1:{mirror_port}"},
                               "metadata": {"leg": "callee"}}).encode()
    request = urllib.request.Request(f"http://{args.http}/v1/calls", data=registration, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=2) as response:
        print(f"POST /v1/calls -> {response.status}")

    callee = play(args.ffmpeg, ["-i", args.audio], callee_port, to_callee)
    try:
        callee.wait(timeout=CALLS_POLL_TIMEOUT_S)
    finally:
        if callee.poll() is None:
            callee.kill()
    relayed = 0
    caller_sink.setblocking(False)
    try:
        while caller_sink.recv(2048):
            relayed += 1
    except BlockingIOError:
        pass
    print(f"the caller received {relayed} relayed packets from rtpengine (last socket buffer's worth at most)")

    deadline = time.monotonic() + 10
    beeps = []
    calls = []
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"http://{args.http}/v1/calls", timeout=2) as response:
            calls = json.load(response)
        calls = calls.get("calls", calls) if isinstance(calls, dict) else calls
        beeps = [call for call in calls if call.get("beep") and call.get("id") == call_id]
        if beeps:
            break
        time.sleep(0.2)
    print("GET /v1/calls:", json.dumps(calls, indent=1)[:2000])
    ng.request("delete", **{"call-id": call_id})
    if not beeps:
        print("FAIL: amd-edge reported no beep for the mirrored call")
        return 1
    beep = beeps[0]["beep"]
    onset = beep.get("onset_ms")
    difference = abs(onset - offline_onset)
    verdict = "PASS" if difference <= ONSET_TOLERANCE_MS else "FAIL"
    print(f"{verdict}: mirrored beep onset {onset} ms vs offline {offline_onset} ms "
          f"(difference {difference} ms, allowed {ONSET_TOLERANCE_MS} ms)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
