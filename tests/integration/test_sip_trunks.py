"""SIP trunks with real peers: SIPp plays the providers. Outbound registration with digest
(accepted, refused, provider missing at first), failover between trunks on 503 and on
silence but never on busy, inbound calls by DID, and the keepalive taking a dead trunk out
of service where routing rules can see it."""

import socket
import threading
import unittest

import junction_harness as h
import sipp_peers

SIP_TEST_SETTINGS = """      realm: test.local
      digest_algorithms: [md5]   # SIPp 3.6 answers MD5 challenges only
"""

ALICE = {"user": "1001", "auth_pass": "change-me-1001"}

# Numbers starting with 0 go out through the trunks; 7 tells whether trunk p1 is usable.
ROUTING = """
function route(request)
  local n = request.number
  if n:sub(1, 1) == "0" then return "trunk/p1,p2/" .. n:sub(2) end
  if n:sub(1, 1) == "8" then return "trunk/self/" .. n end  -- a trunk back to junctiond: a loop
  if n == "7" then
    if request.trunks.p1 and not request.trunks.p1.usable then return "loopback/reject:38" end
    return "loopback/reject:1"
  end
end
"""


class BlackHole:
    """A UDP port that swallows everything: a provider that does not answer."""

    def __init__(self, owner):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((h.HOST, 0))
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()
        h.add_cleanup(owner, self.close)

    def _drain(self):
        while True:
            try:
                self.sock.recv(65536)
            except OSError:
                return
            self.received += 1

    def close(self):
        self.sock.close()
        self._thread.join(timeout=5)


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class SipTrunkTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sip_port = self.sandbox.sip_port
        self.sandbox.write_script("routing/default.lua", ROUTING)

    def start(self, *trunks):
        """Starts junctiond with these trunks (dicts of config keys)."""
        block = SIP_TEST_SETTINGS + "      trunks:\n"
        for trunk in trunks:
            # Every peer here is on 127.0.0.1: trunks must tell their provider by its port too.
            settings = {"keepalive_s": 0, "retry_min_s": 1, "retry_max_s": 2, "match_source_port": "true", **trunk}
            block += "        - { " + ", ".join(f"{key}: {value}" for key, value in settings.items()) + " }\n"
        self.sandbox.write_config(h.replace_once(self.sandbox.config_text, "      realm: junction\n", block))
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        return self.daemon

    def provider(self, scenario, port=None, keys=None, expect=None):
        return sipp_peers.Phone(self, self.sandbox, self.sip_port, scenario, keys=keys, port=port, expect=expect)

    def call(self, scenario, service, expect=None):
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, scenario, keys=ALICE, service=service, expect=expect)
        self.assertTrue(ok, f"caller scenario {scenario} failed:\n{err}\n{self.daemon.log()}")

    # -- registration ---------------------------------------------------------------------------

    def test_trunk_registers_with_digest(self):
        provider = self.provider("provider_registrar.xml", keys={"user": "4930123", "auth_pass": "trunk-secret"})
        self.start({"name": "p1", "proxy": f"127.0.0.1:{provider.port}", "username": "4930123",
                    "password": "trunk-secret", "register": "true", "domain": "provider.test"})
        self.daemon.wait_for(r"trunk p1: registered, reachable \(registered for 600 s\)")
        ok, err = provider.wait()
        self.assertTrue(ok, err)
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r'junction_sip_trunk_registered\{trunk="p1"\} 1')
        self.assertRegex(metrics, r'junction_sip_trunk_usable\{trunk="p1"\} 1')

    def test_refused_credentials_are_auth_failed_and_retried(self):
        provider = self.provider("provider_registrar.xml", keys={"user": "4930123", "auth_pass": "other"})
        self.start({"name": "p1", "proxy": f"127.0.0.1:{provider.port}", "username": "4930123",
                    "password": "trunk-secret", "register": "true"})
        self.daemon.wait_for(r"trunk p1: auth_failed, reachable \(403 Forbidden; retrying in \d+ s\)")
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r'junction_sip_trunk_usable\{trunk="p1"\} 0')

    def test_registration_never_gives_up_on_a_missing_provider(self):
        port = h.free_port()
        self.start({"name": "p1", "proxy": f"127.0.0.1:{port}", "username": "4930123", "password": "trunk-secret",
                    "register": "true"})
        self.daemon.wait_for(r"trunk p1: unreachable, reachable \(.*retrying in \d+ s\)")
        provider = self.provider("provider_registrar.xml", port=port,
                                 keys={"user": "4930123", "auth_pass": "trunk-secret"})
        self.daemon.wait_for(r"trunk p1: registered", timeout=30)
        self.assertTrue(provider.wait()[0])

    # -- outbound calls -------------------------------------------------------------------------

    def test_503_fails_over_to_the_next_trunk(self):
        first = self.provider("callee_refuses.xml", expect=503, keys={"phrase": "Service Unavailable"})
        second = self.provider("callee_answers.xml")
        self.start({"name": "p1", "proxy": f"127.0.0.1:{first.port}"},
                   {"name": "p2", "proxy": f"127.0.0.1:{second.port}"})
        self.call("call_answered.xml", service="04930555")
        self.assertTrue(first.wait()[0])
        ok, err = second.wait()
        self.assertTrue(ok, f"second trunk's callee failed:\n{err}")
        self.daemon.wait_for(r"trunk call to 4930555 via p1 failed \(SIP 503 Service Unavailable\); next trunk")
        self.daemon.wait_for(r"cdr caller=1001 callee=04930555 answered=yes")

    def test_silent_trunk_fails_over_after_the_setup_timeout(self):
        silent = BlackHole(self)
        second = self.provider("callee_answers.xml")
        self.start({"name": "p1", "proxy": f"127.0.0.1:{silent.port}", "setup_timeout_ms": 1000},
                   {"name": "p2", "proxy": f"127.0.0.1:{second.port}"})
        self.call("call_answered.xml", service="04930555")
        self.assertTrue(second.wait()[0])
        self.assertGreater(silent.received, 0, "the first trunk was tried")
        self.daemon.wait_for(r"via p1 failed \(no response to INVITE\); next trunk")

    def test_busy_is_the_answer_and_not_failed_over(self):
        first = self.provider("callee_refuses.xml", expect=486, keys={"phrase": "Busy Here"})
        second = BlackHole(self)
        self.start({"name": "p1", "proxy": f"127.0.0.1:{first.port}"},
                   {"name": "p2", "proxy": f"127.0.0.1:{second.port}"})
        self.call("call_refused.xml", service="04930555", expect=486)
        self.assertTrue(first.wait()[0])
        self.daemon.wait_for(r"cdr caller=1001 callee=04930555 answered=no .*cause=17/user_busy")
        self.assertEqual(second.received, 0, "busy must not be tried elsewhere")

    def test_a_call_looping_through_a_trunk_ends_with_483(self):
        # The trunk leads back to junctiond itself, which takes the call in again on that trunk
        # and routes it out again: only Max-Forwards, lowered on every pass, ends the loop.
        self.start({"name": "self", "proxy": f"127.0.0.1:{self.sip_port}"})
        self.call("call_refused.xml", service="8123", expect=483)
        self.daemon.wait_for(r"cdr caller=1001 callee=8123 answered=no .*cause=25/exchange_routing_error")
        hops = self.daemon.log().count("to '8123' via sip")
        self.assertGreater(hops, 60, "the call went round until Max-Forwards (70) ran out")
        self.assertLessEqual(hops, 71)

    # -- inbound calls --------------------------------------------------------------------------

    def test_inbound_call_reaches_the_user_of_its_did(self):
        provider_port = h.free_port()
        self.start({"name": "p1", "proxy": f"127.0.0.1:{provider_port}", "dids": '{ "4930123": "1002" }'})
        phone = sipp_peers.Phone(self, self.sandbox, self.sip_port, "callee_answers.xml")
        self.assertTrue(sipp_peers.register(self.sandbox, self.sip_port, "1002", "change-me-1002",
                                            contact_port=phone.port), self.daemon.log())
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "provider_calls_in.xml", service="4930123",
                                 port=provider_port)
        self.assertTrue(ok, f"provider's call failed:\n{err}\n{self.daemon.log()}")
        self.assertTrue(phone.wait()[0])
        self.daemon.wait_for(r"cdr caller=\+4930999 callee=1002 answered=yes")

    def test_inbound_call_to_an_unknown_did_is_404(self):
        provider_port = h.free_port()
        self.start({"name": "p1", "proxy": f"127.0.0.1:{provider_port}", "dids": '{ "4930123": "1002" }'})
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, "call_refused_unauthenticated.xml", service="4930999",
                                 expect=404, port=provider_port)
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        self.daemon.wait_for(r"INVITE from trunk p1 for 4930999/4930999: 404, no DID matches")

    # -- keepalive ------------------------------------------------------------------------------

    def test_dead_trunk_is_taken_out_of_service_and_routing_sees_it(self):
        silent = BlackHole(self)
        self.start({"name": "p1", "proxy": f"127.0.0.1:{silent.port}", "keepalive_s": 1, "failures_to_down": 2},
                   {"name": "p2", "proxy": f"127.0.0.1:{silent.port}", "keepalive_s": 1, "failures_to_down": 2})
        self.daemon.wait_for(r"trunk p1: off, unreachable \(unreachable: no answer to OPTIONS")
        self.daemon.wait_for(r"trunk p2: off, unreachable")
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r'junction_sip_trunk_usable\{trunk="p1"\} 0')
        self.call("call_refused.xml", service="7", expect=502)  # the rule's answer for a dead p1
        self.call("call_refused.xml", service="04930555", expect=503)  # p2 is dead too: no usable trunk


if __name__ == "__main__":
    unittest.main()
