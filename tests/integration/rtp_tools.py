"""RTP as the integration tests see it: G.711 decoding written out (so a test does not trust
our codec), the payloads of SIPp's pcap files, and a phone's RTP port that keeps what arrives
and can talk back."""

import socket
import struct
import threading
import time

import junction_harness as h


def ulaw_to_linear(code):
    """G.711 µ-law decoding (ITU-T G.711), written out so the test does not trust our codec."""
    code = ~code & 0xFF
    magnitude = (((code & 0x0F) << 3) + 0x84) << ((code >> 4) & 0x07)
    return (0x84 - magnitude) if code & 0x80 else (magnitude - 0x84)


def alaw_to_linear(code):
    """G.711 A-law decoding (ITU-T G.711), written out so the test does not trust our codec."""
    code ^= 0x55
    magnitude = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    magnitude = magnitude + 8 if segment == 0 else (magnitude + 0x108) << (segment - 1)
    return magnitude if code & 0x80 else -magnitude


def pcap_payloads(path):
    """The RTP payload bytes of a pcap of Ethernet/IPv4/UDP/RTP packets, in order."""
    with open(path, "rb") as f:
        data = f.read()
    out, offset = bytearray(), 24
    while offset + 16 <= len(data):
        length = struct.unpack("<I", data[offset + 8:offset + 12])[0]
        packet = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        out += packet[42 + 12:]  # Ethernet 14 + IPv4 20 + UDP 8, then the 12-byte RTP header
    return bytes(out)


class RtpListener:
    """A phone's RTP port: keeps every datagram with its arrival time."""

    def __init__(self, owner, port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((h.HOST, port))
        self.port = self.sock.getsockname()[1]
        self.packets = []
        self.sources = []
        self.first_arrived = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        h.add_cleanup(owner, self.close)

    def _run(self):
        while True:
            try:
                data, source = self.sock.recvfrom(2048)
            except OSError:
                return
            self.packets.append((time.monotonic(), data))
            if not self.sources:
                self.sources.append(source)
                self.first_arrived.set()

    def close(self):
        self.sock.close()
        self._thread.join(timeout=5)

    @classmethod
    def with_rtcp(cls, owner):
        """An RTP port (even) and its RTCP port (the one above), as a phone has them."""
        for _ in range(50):
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            probe.bind((h.HOST, 0))
            port = probe.getsockname()[1] & ~1
            probe.close()
            try:
                rtp = cls(owner, port)
            except OSError:
                continue
            try:
                return rtp, cls(owner, port + 1)
            except OSError:
                continue
        raise RuntimeError("no free pair of UDP ports")

    def send_to_sender(self, payloads, payload_type, interval=0.02):
        """Once a packet has arrived, sends `payloads` as RTP back to where it came from, paced
        (symmetric RTP: from this port), on a thread; returns at once."""
        def run():
            if not self.first_arrived.wait(timeout=10):
                return
            target, start = self.sources[0], time.monotonic()
            for i, payload in enumerate(payloads):
                header = struct.pack("!BBHII", 0x80, payload_type | (0x80 if i == 0 else 0), i, i * len(payload), 0x1234)
                try:
                    self.sock.sendto(header + payload, target)
                except OSError:
                    return
                time.sleep(max(0.0, start + (i + 1) * interval - time.monotonic()))
        threading.Thread(target=run, daemon=True).start()
