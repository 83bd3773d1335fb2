"""The SIP plugin's registrar with a real peer (SIPp): digest authentication with good and
bad passwords, the toll-fraud throttle, and registrations that survive a restart."""

import os
import re
import socket
import time
import unittest

import junction_harness as h
import sip_digest_client as digest
import sipp_peers



# User 1002 may use SHA-256 only (per-user policy); the Python client registers it.
SHA256_USER = ("    sip_password: change-me-1002\n", "    sip_password: change-me-1002\n    sip_auth: [sha256]\n")

SIP_TEST_SETTINGS = """      realm: test.local
      digest_algorithms: [md5]   # SIPp 3.6 answers MD5 challenges only
      auth_throttle: { max_failures: 3, window_s: 60, block_s: 600 }
"""


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class SipRegisterTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sip_port = self.sandbox.sip_port
        text = h.replace_once(self.sandbox.config_text, "      realm: junction\n", SIP_TEST_SETTINGS)
        self.sandbox.write_config(h.replace_once(text, *SHA256_USER))
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    def register(self, password, expect, user="1001", expires=600, scenario="register_auth.xml"):
        """Runs one SIPp registration; returns True when the scenario saw `expect`."""
        return sipp_peers.register(self.sandbox, self.sip_port, user, password, expect=expect, expires=expires,
                                   scenario=scenario)

    def test_sha256_digest_registers_a_user_whose_policy_demands_it(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            uri = f"sip:127.0.0.1:{self.sip_port}"
            contact = f"sip:1002@127.0.0.1:{s.getsockname()[1]}"
            s.sendto(digest.register_request(uri, "1002", "127.0.0.1", contact, 1), (h.HOST, self.sip_port))
            status, head = digest.parse_response(s.recv(65536))
            self.assertEqual(status, 401, head)
            self.assertEqual(list(digest.challenges(head)), ["SHA-256"], "only what the user's policy allows")
            answer = digest.authorization(head, "SHA-256", "1002", "change-me-1002", "REGISTER", uri)
            s.sendto(digest.register_request(uri, "1002", "127.0.0.1", contact, 2, authorization=answer),
                     (h.HOST, self.sip_port))
            status, head = digest.parse_response(s.recv(65536))
            self.assertEqual(status, 200, head)
            self.assertIn(f"Contact: <{contact}>;expires=600", head)

    def test_good_password_registers_and_is_restored_after_restart(self):
        self.assertTrue(self.register("change-me-1001", 200), self.daemon.log())
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r'junction_sip_register_total\{status="200"\} 1')
        self.assertRegex(metrics, r"(?m)^junction_location_bindings 1$")
        self.daemon.stop()
        restarted = h.start_daemon(self, self.sandbox.config_path)
        restarted.wait_for(r"location: 1 registrations restored")

    def test_wrong_password_is_refused_and_nothing_is_bound(self):
        self.assertTrue(self.register("guess", 403), self.daemon.log())
        self.daemon.wait_for(r"REGISTER 1001 from udp:127\.0\.0\.1:\d+: 403 wrong password for 1001")
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r"(?m)^junction_location_bindings 0$")

    def test_unknown_user_is_refused(self):
        self.assertTrue(self.register("whatever", 403, user="4444"), self.daemon.log())

    def test_repeated_failures_block_the_source(self):
        for _ in range(3):
            self.assertTrue(self.register("guess", 403), self.daemon.log())
        self.daemon.wait_for(r"source 127\.0\.0\.1 blocked")
        # Blocked: refused at once, without even a challenge.
        self.assertTrue(self.register("change-me-1001", 403, scenario="register_once.xml"), self.daemon.log())
        self.daemon.wait_for(r"is blocked after repeated failures")
        # The gauge is refreshed once a second (counting is not done per REGISTER).
        deadline = time.monotonic() + 5
        while True:
            _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
            if re.search(r"(?m)^junction_sip_blocked_sources 1$", metrics) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertRegex(metrics, r"(?m)^junction_sip_blocked_sources 1$")

    def test_garbage_on_the_wire_changes_nothing(self):
        garbage = [os.urandom(300), b"REGISTER\r\n\r\n", b"REGISTER sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n",
                   ("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKg1\r\n"
                    "From: <sip:1001@x>;tag=1\r\nTo: <sip:1001@x>\r\nCall-ID: g1\r\nCSeq: 1 REGISTER\r\n"
                    "Contact: <sip:1001@127.0.0.1:9>;expires=abc\r\nAuthorization: Digest username=\"1001\","
                    "realm=\"test.local\",nonce=\"zz.zz\",uri=\"sip:x\",response=\"00\",algorithm=SHA-999\r\n"
                    "Content-Length: 0\r\n\r\n").encode()]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            for message in garbage:
                s.sendto(message, (h.HOST, self.sip_port))
            self.daemon.wait_for(r"400 malformed Authorization header")
            port = s.getsockname()[1]
            s.sendto((f"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKo1;rport\r\n"
                      "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n"
                      "Content-Length: 0\r\n\r\n").encode(), (h.HOST, self.sip_port))
            answer = s.recv(4096).decode(errors="replace")
        self.assertTrue(answer.startswith("SIP/2.0 200 OK"), answer)
        self.assertRegex(answer, r"(?m)^Allow-Events: message-summary\r$")
        self.assertRegex(answer, r"(?m)^Allow: .*\bSUBSCRIBE\b")
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.log())
        self.assertTrue(self.register("change-me-1001", 200), self.daemon.log())


class SipListenTest(unittest.TestCase):
    def test_sip_port_in_use_refuses_to_start_with_the_reason(self):
        sandbox = h.Sandbox(self)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind((h.HOST, sandbox.sip_port))
            daemon = h.start_daemon(self, sandbox.config_path, wait_ready=False)
            status = daemon.wait_exit(timeout=h.START_TIMEOUT)
        log = daemon.log()
        self.assertEqual(status, 2, log)
        self.assertIn(f"plugin 'sip' failed to start: sip: cannot listen on udp:127.0.0.1:{sandbox.sip_port}: "
                      "Address already in use", log)
        self.assertNotRegex(log, r"\bready: ")


if __name__ == "__main__":
    unittest.main()
