"""Announcements from the media plugin with a real caller (SIPp): the call is answered with
Junction's own SDP, the audio file arrives as G.711 RTP, in order, paced, and decodes to the
file's samples; then the flow hangs up."""

import math
import os
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
SAMPLES = [int(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(8000)]  # 1 s of 440 Hz


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class MediaPlayTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sip_port = self.sandbox.sip_port
        first = h.free_port() & ~1
        text = h.replace_once(self.sandbox.config_text, "      realm: junction\n", SIP_TEST_SETTINGS)
        text = h.replace_once(text, "ports: { first: 20000, last: 29999 }",
                              f"ports: {{ first: {first}, last: {first + 40} }}, rtcp_interval_s: 1")
        self.sandbox.write_config(text)
        self.wav = os.path.join(self.sandbox.dir, "tone.wav")
        with wave.open(self.wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(struct.pack(f"<{len(SAMPLES)}h", *SAMPLES))

    def start(self, flow):
        self.sandbox.write_script("flows/default.lua", flow)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    def test_announcement_arrives_as_paced_g711_that_decodes_to_the_file(self):
        self.start(f'function on_call(call)\n  local ok, why = play("{self.wav}")\n'
                   f'  log("played " .. tostring(ok) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"played true nil")
        packets = rtp.packets
        self.assertEqual(len(packets), 50, "one second of audio is 50 packets of 20 ms")
        decoded = []
        first = None
        for i, (_, data) in enumerate(packets):
            self.assertEqual(data[0] >> 6, 2, "RTP version 2")
            payload_type, sequence, timestamp, ssrc = data[1] & 0x7F, *struct.unpack("!HII", data[2:12])
            self.assertEqual(payload_type, 0, "PCMU, the first of our codecs the caller offered")
            self.assertEqual(len(data), 12 + 160)
            if first is None:
                first = (sequence, timestamp, ssrc)
                self.assertTrue(data[1] & 0x80, "marker on the first packet")
            else:
                self.assertEqual(sequence, (first[0] + i) & 0xFFFF)
                self.assertEqual(timestamp, (first[1] + 160 * i) & 0xFFFFFFFF)
                self.assertEqual(ssrc, first[2])
            decoded += [ulaw_to_linear(b) for b in data[12:]]
        for i, (want, got) in enumerate(zip(SAMPLES, decoded)):
            self.assertLessEqual(abs(want - got), 8 + abs(want) // 32, f"sample {i}")
        # Paced, not sent in a burst: 49 intervals of 20 ms.
        self.assertGreater(packets[-1][0] - packets[0][0], 0.7)

    def test_digits_pressed_by_the_caller_are_collected_up_to_the_terminator(self):
        self.start('function on_call(call)\n  local digits, why = collect({ max_digits = 5, first_timeout = 10 })\n'
                   '  log("collected " .. tostring(digits) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_enters_digits.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"collected 12 nil")

    def test_collect_times_out_when_nothing_is_pressed(self):
        self.start(f'function on_call(call)\n  local digits, why = collect({{ prompt = "{self.wav}", first_timeout = 1 }})\n'
                   '  log("collected " .. tostring(digits) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"collected nil timeout")
        self.assertEqual(len(rtp.packets), 50, "the whole prompt was played before the timeout began")

    def test_a_recording_holds_exactly_what_the_caller_sent(self):
        # SIPp's g711a.pcap is A-law in 30 ms packets: answer with PCMA.
        text = h.replace_once(self.sandbox.config_text, "config: { address: 127.0.0.1, ports:",
                              "config: { codecs: [PCMA, PCMU], address: 127.0.0.1, ports:")
        self.sandbox.write_config(text)
        recording = os.path.join(self.sandbox.dir, "message.wav")
        self.start(f'function on_call(call)\n  local ms, key = record("{recording}", {{ max_seconds = 2 }})\n'
                   '  log("recorded " .. tostring(ms) .. " " .. tostring(key))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_talks.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"recorded 20\d\d nil")
        with wave.open(recording, "rb") as w:
            self.assertEqual((w.getnchannels(), w.getsampwidth(), w.getframerate()), (1, 2, 8000))
            got = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
        sent = [alaw_to_linear(b) for b in pcap_payloads("/usr/share/sip-tester/g711a.pcap")]
        self.assertGreaterEqual(len(got), 16000)
        self.assertEqual(list(got), sent[:len(got)], "the WAV is the caller's audio, sample for sample")

    def test_a_busy_tone_has_the_countrys_cadence(self):
        self.start('function on_call(call)\n  local ok = tone("busy", { seconds = 1 })\n'
                   '  log("toned " .. tostring(ok))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"toned true")
        audio = [ulaw_to_linear(b) for _, data in rtp.packets for b in data[12:]]
        self.assertEqual(len(audio), 8000)
        level = lambda a, b: sum(abs(x) for x in audio[a * 8:b * 8]) / ((b - a) * 8)  # noqa: E731
        # Germany (the plugin's default): 425 Hz, 480 ms on, 480 ms off.
        self.assertGreater(level(20, 460), 1000)
        self.assertLess(level(500, 940), 20)
        crossings = sum(1 for i in range(161, 460 * 8) if (audio[i - 1] < 0) != (audio[i] < 0))
        self.assertAlmostEqual(crossings / 2 / ((460 * 8 - 161) / 8000), 425, delta=15)

    def test_speech_uses_the_calling_users_language(self):
        # The caller's user entry names a voice espeak-ng does not have: say() must try it.
        text = h.replace_once(self.sandbox.config_text, "    sip_password: change-me-1001\n",
                              "    sip_password: change-me-1001\n    language: xx-nowhere\n")
        self.sandbox.write_config(text)
        self.start('function on_call(call)\n  local ok, why = say("Hello.")\n'
                   '  log("said " .. tostring(ok) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"said nil speech: .*xx-nowhere")

    def test_text_is_spoken_to_the_caller(self):
        self.start('function on_call(call)\n  local ok, why = say("Your message has been saved.", { language = "en" })\n'
                   '  log("said " .. tostring(ok) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"said true nil")
        audio = [ulaw_to_linear(b) for _, data in rtp.packets for b in data[12:]]
        self.assertGreater(len(audio), 8000, "a sentence lasts more than a second")
        self.assertGreater(sum(abs(x) for x in audio) / len(audio), 300, "and it is not silence")

    def test_opus_and_g722_callers_hear_announcements_in_their_codec(self):
        self.start(f'function on_call(call)\n  local ok, why = play("{self.wav}")\n'
                   f'  log("played " .. tostring(ok) .. " " .. tostring(why))\n  hangup()\nend\n')
        start = 0
        for offer, payload_type, units in (("96 101\n      a=rtpmap:96 opus/48000/2", 96, 960), ("9 101", 9, 160)):
            rtp = RtpListener(self)
            scenario = sipp_peers.scenario_with(self.sandbox, "call_hears_announcement.xml", {
                "RTP/AVP 0 8 101": f"RTP/AVP {offer}",
                "m=audio [0-9]+ RTP/AVP 0 101": f"m=audio [0-9]+ RTP/AVP {payload_type}"})
            ok, err = sipp_peers.run(self.sandbox, self.sip_port, scenario, keys={**ALICE, "rtp_port": rtp.port},
                                     service="1002")
            self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
            self.daemon.wait_for(r"played true nil", start=start)
            packets = [data for _, data in rtp.packets]
            self.assertEqual(len(packets), 50, f"one second in 20 ms packets of payload type {payload_type}")
            timestamps = [struct.unpack("!I", data[4:8])[0] for data in packets]
            self.assertEqual({data[1] & 0x7F for data in packets}, {payload_type})
            self.assertEqual({(b - a) & 0xFFFFFFFF for a, b in zip(timestamps, timestamps[1:])}, {units})
            if payload_type == 96:
                # RFC 6716 3.1: the TOC byte says SILK narrowband, 20 ms frames (configuration 1).
                self.assertEqual({data[12] >> 3 for data in packets}, {1})
                self.assertLess(sum(len(d) - 12 for d in packets), 8000, "Opus is smaller than G.711")
            else:
                self.assertEqual({len(d) - 12 for d in packets}, {160}, "G.722 at 64 kbit/s")
            start = self.daemon.wait_for(r"cdr caller=1001", start=start)[0] + 1

    def test_the_server_reports_on_its_stream_in_rtcp(self):
        self.start(f'function on_call(call)\n  local ok, why = play("{self.wav}", {{ loop = 3 }})\n'
                   f'  log("played " .. tostring(ok) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp, rtcp = RtpListener.with_rtcp(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"played true nil")
        self.daemon.wait_for(r"media leg \d+ PCMU: sent 150, received 0")
        ssrc = struct.unpack("!I", rtp.packets[0][1][8:12])[0]
        reports = [data for _, data in rtcp.packets]
        self.assertGreaterEqual(len(reports), 1, "about one report a second for three seconds")
        for data in reports:
            self.assertEqual(data[0] >> 6, 2)
            self.assertEqual(data[1], 200, "a sender report while it sends")
            self.assertEqual(struct.unpack("!I", data[4:8])[0], ssrc, "about the RTP stream's SSRC")
            packets = struct.unpack("!I", data[20:24])[0]
            self.assertTrue(0 < packets <= 150, packets)
            self.assertIn(b"junction-", data, "with an SDES CNAME")
            length = (struct.unpack("!H", data[2:4])[0] + 1) * 4
            self.assertEqual(data[length + 1], 202, "the SDES follows the SR")

    def test_a_missing_file_is_the_flows_error_to_handle(self):
        self.start('function on_call(call)\n  local ok, why = play("/nonexistent/x.wav")\n'
                   '  log("play said " .. tostring(ok) .. " " .. tostring(why))\n  hangup()\nend\n')
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_hears_announcement.xml",
                                 keys={**ALICE, "rtp_port": rtp.port}, service="1002")
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"play said nil file: /nonexistent/x\.wav: ")
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=yes")
        # The channel closes as the call ends, just after the CDR line: poll the gauge briefly.
        deadline = time.monotonic() + 5
        while True:
            _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
            if "\njunction_media_channels 0\n" in metrics or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertRegex(metrics, r"(?m)^junction_media_channels 0$", "the call's channel is closed")


if __name__ == "__main__":
    unittest.main()
