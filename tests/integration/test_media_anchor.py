"""The server stepping into a bridged call's media, with real phones (SIPp) and RTP ports of
the test's own: a phone that holds its peer makes the peer hear the music class, moved onto the
server by a re-INVITE and back again on resume; record_call relays both legs and writes what
each side said into a stereo WAV; keys sent in SIP INFO reach collect()."""

import os
import random
import struct
import time
import unittest
import wave

import junction_harness as h
import sipp_peers
from rtp_tools import RtpListener, alaw_to_linear, pcap_payloads, ulaw_to_linear

SIP_TEST_SETTINGS = """      realm: test.local
      digest_algorithms: [md5]   # SIPp 3.6 answers MD5 challenges only
"""
ALICE = {"user": "1001", "auth_pass": "change-me-1001"}
PCAP = "/usr/share/sip-tester/g711a.pcap"


def noise(count, seed):
    """Audio no two 20 ms frames of which look alike, so a frame tells where it came from."""
    rng = random.Random(seed)
    return [rng.randint(-8000, 8000) for _ in range(count)]


def find_run(samples, run):
    """Where `run` occurs in `samples` (lists of 16-bit samples), or -1."""
    pack = lambda values: struct.pack(f"<{len(values)}h", *values)  # noqa: E731
    haystack, needle = pack(samples), pack(run)
    at = haystack.find(needle)
    while at >= 0 and at % 2:
        at = haystack.find(needle, at + 1)
    return at // 2 if at >= 0 else -1


def close_to(decoded, original):
    """Whether G.711 µ-law samples decode to within its quantisation of the originals."""
    return all(abs(d - o) <= abs(o) // 12 + 40 for d, o in zip(decoded, original))


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class MediaAnchorTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sip_port = self.sandbox.sip_port
        first = h.free_port() & ~1
        self.music = noise(8000, seed=4)  # one second
        music_wav = os.path.join(self.sandbox.dir, "music.wav")
        with wave.open(music_wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(struct.pack(f"<{len(self.music)}h", *self.music))
        text = h.replace_once(self.sandbox.config_text, "      realm: junction\n", SIP_TEST_SETTINGS)
        text = h.replace_once(text, "ports: { first: 20000, last: 29999 }",
                              f"ports: {{ first: {first}, last: {first + 40} }}, "
                              f"music_on_hold: {{ noise: [{music_wav}] }}, hold_music: noise")
        self.sandbox.write_config(text)

    def start(self, flow):
        self.sandbox.write_script("flows/default.lua", flow)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    def callee(self, scenario, keys):
        phone = sipp_peers.Phone(self, self.sandbox, self.sip_port, scenario, keys=keys)
        self.assertTrue(sipp_peers.register(self.sandbox, self.sip_port, "1002", "change-me-1002",
                                            contact_port=phone.port), self.daemon.log())
        return phone

    def test_a_held_phone_hears_the_music_class_and_resuming_reconnects_the_phones(self):
        self.start('function on_call(call)\n  dial("1002")\nend\n')
        callee_rtp = RtpListener(self)
        phone = self.callee("callee_held_music.xml", {"rtp_port": callee_rtp.port})
        caller = sipp_peers.scenario_with(self.sandbox, "call_hold_resume.xml", {"[callee_rtp]": callee_rtp.port})
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, caller, keys=ALICE, service="1002")
        self.assertTrue(ok, f"caller: {err}\n{self.daemon.log()}")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee: {err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"resumed: the phones send media to each other again")
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=yes")
        packets = list(callee_rtp.packets)
        # Held for 1.2 s: about 60 packets of 20 ms (the re-INVITEs take some of it).
        self.assertGreaterEqual(len(packets), 30, self.daemon.log())
        self.assertLessEqual(len(packets), 75)
        frames = [self.music[i:i + 160] for i in range(0, len(self.music), 160)]
        matched, previous, in_order = 0, None, 0
        for _, data in packets:
            self.assertEqual(data[1] & 0x7F, 0, "PCMU, the codec the held phone uses")
            self.assertEqual(len(data), 12 + 160)
            decoded = [ulaw_to_linear(b) for b in data[12:]]
            where = next((k for k, frame in enumerate(frames) if close_to(decoded, frame)), None)
            if where is not None:
                matched += 1
                if previous is not None and where == (previous + 1) % len(frames):
                    in_order += 1
                previous = where
        self.assertGreaterEqual(matched, len(packets) * 9 // 10, "the packets are frames of the music file")
        self.assertGreaterEqual(in_order, matched * 8 // 10, "played in order")
        # After the resume the server sends nothing more: the phones talk to each other.
        count = len(callee_rtp.packets)
        time.sleep(0.3)  # nothing to await: this checks that nothing comes
        self.assertEqual(len(callee_rtp.packets), count)

    def test_a_recorded_call_is_relayed_and_both_sides_land_in_a_stereo_wav(self):
        recording = os.path.join(self.sandbox.dir, "call.wav")
        self.start(f'function on_call(call)\n  record_call("{recording}")\n  dial("1002")\nend\n')
        callee_rtp = RtpListener(self)
        answer = bytes(random.Random(9).randrange(256) for _ in range(160 * 50))  # one second of A-law
        callee_rtp.send_to_sender([answer[i:i + 160] for i in range(0, len(answer), 160)], payload_type=8)
        phone = self.callee("callee_recorded.xml", {"rtp_port": callee_rtp.port})
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_recorded.xml", keys=ALICE, service="1002")
        self.assertTrue(ok, f"caller: {err}\n{self.daemon.log()}")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee: {err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"call recorded to " + recording)
        # The caller's key reached the callee as RFC 4733 events: one event, one timestamp.
        packets = [data for _, data in callee_rtp.packets]
        events = [data for data in packets if data[1] & 0x7F == 101]
        self.assertGreaterEqual(len(events), 3, "the key's event packets were relayed")
        self.assertEqual({data[12] for data in events}, {1}, "key 1")
        self.assertEqual(len({data[4:8] for data in events}), 1, "all with the event's one timestamp")
        # The caller's A-law reached the callee through the server unchanged, in its timing:
        # SIPp's pcap has 30 ms packets, so our timestamps step by 240. (SIPp plays each pcap
        # with the SSRC in it: the audio's SSRC takes over from the key's only after 2 s of it,
        # so the start of the audio is dropped, as another sender's would be.)
        audio = [data for data in packets if data[1] & 0x7F == 8]
        sent = pcap_payloads(PCAP)
        relayed = b"".join(data[12:] for data in audio)
        self.assertGreaterEqual(len(relayed), 4000, "at least half a second of the caller's audio was relayed")
        self.assertGreaterEqual(sent.find(relayed), 0, "a stretch of what the caller sent, unchanged")
        steps = {(struct.unpack("!I", b[4:8])[0] - struct.unpack("!I", a[4:8])[0]) & 0xFFFFFFFF
                 for a, b in zip(audio, audio[1:])}
        self.assertEqual(steps, {240})
        with wave.open(recording, "rb") as w:
            self.assertEqual((w.getnchannels(), w.getsampwidth(), w.getframerate()), (2, 2, 8000))
            frames = struct.unpack(f"<{w.getnframes() * 2}h", w.readframes(w.getnframes()))
        left, right = list(frames[0::2]), list(frames[1::2])
        caller_said = [alaw_to_linear(b) for b in relayed[len(relayed) // 2:len(relayed) // 2 + 800]]
        callee_said = [alaw_to_linear(b) for b in answer]
        self.assertGreaterEqual(find_run(left, caller_said), 0, "the caller's audio is on the left")
        self.assertGreaterEqual(find_run(right, callee_said), 0, "the callee's second is on the right, whole")

    def test_a_relay_between_a_law_and_opus_transcodes(self):
        recording = os.path.join(self.sandbox.dir, "call.wav")
        self.start(f'function on_call(call)\n  record_call("{recording}")\n  dial("1002")\nend\n')
        opus = "96\n      a=rtpmap:96 opus/48000/2"
        callee_rtp = RtpListener(self)
        # The caller offers A-law and Opus; the callee answers Opus: the server, in between,
        # takes A-law from the caller (our first codec it has) and sends the callee Opus.
        callee = sipp_peers.scenario_with(self.sandbox, "callee_recorded.xml", {
            "m=audio [0-9]+ RTP/AVP 8 101": "m=audio [0-9]+ RTP/AVP 8 96 101",
            'm=audio [0-9]+ RTP/AVP 8"': 'm=audio [0-9]+ RTP/AVP 96"',
            "m=audio [rtp_port] RTP/AVP 8 101\n      a=rtpmap:101 telephone-event/8000": f"m=audio [rtp_port] RTP/AVP {opus}"})
        caller = sipp_peers.scenario_with(self.sandbox, "call_recorded.xml", {
            "m=audio [media_port] RTP/AVP 8 101": "m=audio [media_port] RTP/AVP 8 96 101\n      a=rtpmap:96 opus/48000/2",
            '<nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_1.pcap"/></action></nop>': ""})
        phone = self.callee(callee, {"rtp_port": callee_rtp.port})
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, caller, keys=ALICE, service="1002")
        self.assertTrue(ok, f"caller: {err}\n{self.daemon.log()}")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee: {err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"call recorded to " + recording)
        packets = [data for _, data in callee_rtp.packets if data[1] & 0x7F == 96]
        self.assertGreaterEqual(len(packets), 50, "a second and more of the caller, in 20 ms Opus packets")
        self.assertEqual({data[1] & 0x7F for data in packets}, {96})
        self.assertEqual({data[12] >> 3 for data in packets}, {1}, "SILK narrowband, 20 ms (RFC 6716 3.1)")
        timestamps = [struct.unpack("!I", data[4:8])[0] for data in packets]
        self.assertEqual({(b - a) & 0xFFFFFFFF for a, b in zip(timestamps, timestamps[1:])}, {960})
        with wave.open(recording, "rb") as w:
            frames = struct.unpack(f"<{w.getnframes() * 2}h", w.readframes(w.getnframes()))
        left = list(frames[0::2])
        caller_said = [alaw_to_linear(b) for b in pcap_payloads(PCAP)[:8000]]
        self.assertGreaterEqual(find_run(left, caller_said), 0, "the caller's A-law, decoded, is on the left")

    def test_a_caller_answered_by_an_announcement_is_handed_to_the_callee(self):
        wav = os.path.join(self.sandbox.dir, "hello.wav")
        with wave.open(wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(struct.pack("<1600h", *noise(1600, seed=2)))
        self.start(f'function on_call(call)\n  play("{wav}")\n  dial("1002")\nend\n')
        rtp = RtpListener(self)
        callee = sipp_peers.scenario_with(self.sandbox, "callee_answers.xml",
                                          {"m=audio 40000 RTP/AVP 0 8 101": "m=audio [0-9]+ RTP/AVP 0 8 101"})
        phone = self.callee(callee, {})
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_handed_over.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"caller: {err}\n{self.daemon.log()}")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee: {err}\n{self.daemon.log()}")
        self.assertEqual(len(rtp.packets), 10, "the announcement (200 ms) came from the server first")
        self.daemon.wait_for(r"media leg \d+ PCMU: sent 10,")  # our channel closed after the hand-over

    def test_keys_sent_in_sip_info_are_collected(self):
        self.start('function on_call(call)\n  local digits, why = collect({ max_digits = 5, first_timeout = 5 })\n'
                   '  log("collected " .. tostring(digits) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_sends_info_digits.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"collected 42 nil")


if __name__ == "__main__":
    unittest.main()
