"""Calls through the SIP plugin with real peers (SIPp): two registered phones, Junction in the
middle as a B2BUA whose SDP passes through unchanged; busy, no answer, cancel, unknown and
unregistered numbers, unauthenticated callers; and the call detail records."""

import json
import os
import signal
import socket
import time
import unittest

import junction_harness as h
import sipp_peers

SIP_TEST_SETTINGS = """      realm: test.local
      digest_algorithms: [md5]   # SIPp 3.6 answers MD5 challenges only
"""

ALICE = {"user": "1001", "auth_pass": "change-me-1001"}

# The SIP side of refusals: the shipped flow would take these callers to voicemail instead.
REFUSING_FLOW = """
function on_call(call)
  local ok, reason = dial(call.callee, { timeout = 30 })
  if not ok and reason ~= "hangup" then
    if reason == "routing_error" then reason = "temporary_failure" end
    reject(reason)
  end
end
"""


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class SipCallTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sip_port = self.sandbox.sip_port
        text = h.replace_once(self.sandbox.config_text, "      realm: junction\n", SIP_TEST_SETTINGS)
        # Holds pass through to the other phone here; music on hold is test_media_anchor's.
        text = h.replace_once(text, "ports: { first: 20000, last: 29999 }", "hold_music: none")
        self.sandbox.write_config(text)
        self.sandbox.write_script("flows/default.lua", REFUSING_FLOW)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    def phone(self, scenario, user="1002", expect=None, keys=None, transport="udp"):
        """Bob's phone: a SIPp UAS running `scenario`, registered as `user`."""
        phone = sipp_peers.Phone(self, self.sandbox, self.sip_port, scenario, expect=expect, keys=keys,
                                 transport=transport)
        self.assertTrue(sipp_peers.register(self.sandbox, self.sip_port, user, f"change-me-{user}",
                                            contact_port=phone.port, transport=transport), self.daemon.log())
        return phone

    def cdr_records(self, count, timeout=10.0):
        """The call detail records in var/cdr.jsonl once there are `count` of them."""
        path = os.path.join(self.sandbox.dir, "var", "cdr.jsonl")
        deadline = time.monotonic() + timeout
        while True:
            lines = open(path, encoding="utf-8").read().splitlines() if os.path.exists(path) else []
            if len(lines) >= count or time.monotonic() > deadline:
                self.assertEqual(len(lines), count, lines)
                return [json.loads(line) for line in lines]
            time.sleep(0.05)  # a worker appends the record just after the call ends

    def call(self, scenario, service="1002", expect=None, keys=ALICE, transport="udp"):
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, scenario, keys=keys, service=service, expect=expect,
                                 transport=transport)
        self.assertTrue(ok, f"caller scenario {scenario} failed:\n{err}\n{self.daemon.log()}")

    def test_answered_call_passes_both_sdps_unchanged_and_writes_a_cdr(self):
        phone = self.phone("callee_answers.xml")
        self.call("call_answered.xml")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee failed:\n{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=yes .*cause=16/normal_clearing")
        record = self.cdr_records(1)[0]
        self.assertEqual((record["caller"], record["caller_name"], record["callee"], record["driver"]),
                         ("1001", "Alice Example", "1002", "sip"))
        self.assertTrue(record["connected_to"].startswith("sip/sip:1002@127.0.0.1:"), record)
        self.assertIsNotNone(record["answer"])
        self.assertGreaterEqual(record["talk_ms"], 200)  # the caller waits 300 ms before its BYE
        self.assertEqual((record["cause"], record["cause_name"]), (16, "normal_clearing"))
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r'junction_sip_invite_total\{outcome="accepted"\} 1')
        self.assertRegex(metrics, r'junction_sip_invite_total\{outcome="challenged"\} 1')

    def test_call_over_tcp_both_ways(self):
        phone = self.phone("callee_answers.xml", transport="tcp")
        self.call("call_answered.xml", transport="tcp")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee failed:\n{err}\n{self.daemon.log()}")
        record = self.cdr_records(1)[0]
        self.assertRegex(record["connected_to"], r"^sip/sip:1002@127\.0\.0\.1:\d+;transport=TCP$")
        self.assertEqual(record["cause_name"], "normal_clearing")

    def test_hold_reinvite_is_relayed_both_ways(self):
        phone = self.phone("callee_held.xml")
        self.call("call_hold.xml")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee failed:\n{err}\n{self.daemon.log()}")

    def test_a_key_sent_by_info_reaches_the_other_phone_by_info(self):
        phone = self.phone("callee_gets_info.xml")
        self.call("call_sends_info_in_call.xml")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee failed:\n{err}\n{self.daemon.log()}")

    def test_busy_callee_gives_486_to_the_caller(self):
        phone = self.phone("callee_refuses.xml", expect=486, keys={"phrase": "Busy Here"})
        self.call("call_refused.xml", expect=486)
        self.assertTrue(phone.wait()[0])
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=no .*cause=17/user_busy")
        record = self.cdr_records(1)[0]
        self.assertIsNone(record["answer"])
        self.assertEqual((record["talk_ms"], record["cause_name"]), (0, "user_busy"))

    def test_caller_cancelling_cancels_the_ringing_callee(self):
        phone = self.phone("callee_rings.xml")
        self.call("call_cancelled.xml")
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee failed:\n{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=no .*cause=487/originator_cancel")

    def test_no_answer_times_out_with_480_and_cancels_the_callee(self):
        flow = self.sandbox.script_path("flows/default.lua")
        with open(flow, encoding="utf-8") as f:
            text = f.read()
        self.sandbox.write_script("flows/default.lua", h.replace_once(text, "{ timeout = 30 }", "{ timeout = 1 }"))
        self.daemon.signal(signal.SIGHUP)
        self.daemon.wait_for(r"scripts reloaded \(generation 2\)")
        phone = self.phone("callee_rings.xml")
        self.call("call_refused.xml", expect=480)
        ok, err = phone.wait()
        self.assertTrue(ok, f"callee was not cancelled:\n{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=no .*cause=19/no_answer")

    def test_a_flow_that_redirects_sends_302(self):
        self.sandbox.write_script("flows/default.lua", 'function on_call(call) redirect("sip:desk@example.com") end\n')
        self.daemon.signal(signal.SIGHUP)
        self.daemon.wait_for(r"scripts reloaded \(generation 2\)")
        self.call("call_refused.xml", expect=302)
        self.daemon.wait_for(r"call=c-1 redirected to sip:desk@example\.com")

    def test_unknown_number_gives_404(self):
        self.call("call_refused.xml", service="7777", expect=404)
        self.daemon.wait_for(r"cdr caller=1001 callee=7777 answered=no .*cause=3/no_route")

    def test_user_without_registered_phone_gives_480(self):
        self.call("call_refused.xml", service="1002", expect=480)
        self.daemon.wait_for(r"cdr caller=1001 callee=1002 answered=no .*cause=20/subscriber_absent")

    def test_invites_we_cannot_serve_get_420_488_and_483(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            port = s.getsockname()[1]

            def invite(extra, body, branch, hops=70):
                s.sendto((f"INVITE sip:1002@127.0.0.1:{self.sip_port} SIP/2.0\r\n"
                          f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{branch};rport\r\n"
                          f"Max-Forwards: {hops}\r\nFrom: <sip:1001@127.0.0.1>;tag=x{branch}\r\n"
                          f"To: <sip:1002@127.0.0.1>\r\nCall-ID: {branch}@test\r\nCSeq: 1 INVITE\r\n"
                          f"Contact: <sip:1001@127.0.0.1:{port}>\r\n{extra}"
                          f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode(),
                         (h.HOST, self.sip_port))
                return s.recv(65536).decode()

            answer = invite("Require: 100rel, foo\r\n", "v=0\r\n", "req1")
            self.assertTrue(answer.startswith("SIP/2.0 420 "), answer)
            self.assertRegex(answer, r"(?m)^Unsupported: 100rel, foo\r$")
            answer = invite("", "", "late1")
            self.assertTrue(answer.startswith("SIP/2.0 488 "), answer)
            self.assertIn("INVITE without SDP offer is not supported", answer)
            answer = invite("", "v=0\r\n", "hop1", hops=0)
            self.assertTrue(answer.startswith("SIP/2.0 483 "), answer)
            answer = invite("", "v=0\r\n", "plain1")
            self.assertTrue(answer.startswith("SIP/2.0 407 "), "the same INVITE, well formed, is challenged: " + answer)
        self.assertNotIn("incoming from", self.daemon.log())

    def test_wrong_password_gives_403_and_no_call(self):
        self.call("call_refused.xml", expect=403, keys={"user": "1001", "auth_pass": "guess"})
        self.daemon.wait_for(r"INVITE from 1001 \(udp:127\.0\.0\.1:\d+\) to 1002: 403 wrong password for 1001")
        self.assertNotIn("incoming from", self.daemon.log())


if __name__ == "__main__":
    unittest.main()
