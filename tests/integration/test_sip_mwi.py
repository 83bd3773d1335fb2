"""Message-waiting indication (RFC 3842 message-summary over RFC 6665 SUBSCRIBE/NOTIFY) through
the SIP plugin, with real phones (SIPp): a phone subscribes to its own mailbox (401 first, then
digest authentication) and is told at once that nothing waits; a caller's flow leaves a message
in the mailbox and the phone is told (Messages-Waiting: yes, 1/0); a refresh brings the state
again; another flow marks the message heard (no, 0/1); unsubscribing ends with a final NOTIFY.
Also: other event packages get 489, someone else's mailbox 403, too brief an interval 423,
malformed SUBSCRIBEs 400; Expires: 0 fetches the state once; an unrefreshed subscription ends
with terminated;reason=timeout (UDP and TCP); a subscriber answering 481 is dropped; stopping
the daemon sends no NOTIFY."""

import os
import re
import signal
import socket
import subprocess
import time
import unittest
import wave

import junction_harness as h
import sip_digest_client as digest
import sipp_peers

HERE = os.path.dirname(os.path.abspath(__file__))

SIP_TEST_SETTINGS = """      realm: test.local
      digest_algorithms: [md5]   # SIPp 3.6 answers MD5 challenges only
      mwi: { min_expires_s: 2, max_expires_s: 600, max_per_user: 2, max_subscriptions: 3 }
"""
ALICE = {"user": "1001", "auth_pass": "change-me-1001"}
BOB = {"user": "1002", "auth_pass": "change-me-1002"}

# Calls to 8000 leave the test's recording in 1001's mailbox, calls to 8001 mark 1001's messages
# heard and kept; others go where they are dialled.
FLOW = """
function on_call(call)
  if call.callee == "8000" then
    answer()
    local id, why = voicemail.deposit("1001", "{wav}")
    log("deposited " .. tostring(id) .. " " .. tostring(why))
    hangup()
    return
  end
  if call.callee == "8001" then
    answer()
    for _, m in ipairs(voicemail.messages("1001")) do
      log("saved " .. m.id .. " " .. tostring(voicemail.set_folder("1001", m.id, "saved")))
    end
    hangup()
    return
  end
  dial(call.callee, {{ timeout = 30 }})
end
"""


def write_wav(path, seconds=0.5):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * int(8000 * seconds))


def sipp_messages(path):
    """The SIP messages in a SIPp -trace_msg log, each as (direction, text): 'received' or 'sent'."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:  # keep the CRLFs
        text = f.read()
    found = []
    for block in re.split(r"(?m)^-{20,}.*$", text):
        match = re.search(r"message (received|sent)[^\n]*\n\s*\n(.*)", block, re.S)
        if match:
            found.append((match.group(1), match.group(2).lstrip()))
    return found


def body(message):
    """The body as Content-Length says (the log adds line ends of its own after it)."""
    return message.split("\r\n\r\n", 1)[1][:int(header(message, "Content-Length"))]


def header(message, name):
    match = re.search(rf"(?mi)^{re.escape(name)}:\s*(.*?)\s*$", message)
    return match.group(1) if match else None


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class SipMwiTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sip_port = self.sandbox.sip_port
        self.wav = self.sandbox.path("message.wav")
        write_wav(self.wav)
        self.sandbox.write_config(h.replace_once(self.sandbox.config_text, "      realm: junction\n",
                                                 SIP_TEST_SETTINGS))
        self.sandbox.write_script("flows/default.lua", FLOW.format(wav=self.wav))
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    # -- helpers -------------------------------------------------------------------------------

    def scenario(self, name, replacements=None):
        """tests/integration/<name>, with texts SIPp's keys cannot reach replaced, in the sandbox."""
        with open(os.path.join(HERE, name), encoding="ascii") as f:
            text = f.read()
        for old, new in (replacements or {}).items():
            self.assertIn(old, text)
            text = text.replace(old, str(new))
        path = os.path.join(self.sandbox.dir, f"{len(os.listdir(self.sandbox.dir))}_{name}")
        with open(path, "w", encoding="ascii") as f:
            f.write(text)
        return path

    def sipp(self, scenario, keys, message_log=None, transport="udp"):
        """Starts a SIPp client scenario in the background; stopped by PID at cleanup."""
        args = sipp_peers.sipp_args(self.sip_port, scenario, h.free_port(), keys, transport=transport)
        if message_log:
            args += ["-trace_msg", "-message_file", message_log]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.sandbox.dir)

        def stop():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()

        self.addCleanup(stop)
        return proc

    def finished(self, proc, what, timeout=40):
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err = proc.stderr.read().decode(errors="replace")
        self.assertEqual(proc.returncode, 0, f"{what} failed:\n{err}\n{self.daemon.log()}")

    def run_sipp(self, scenario, keys, what, transport="udp"):
        self.finished(self.sipp(scenario, keys, transport=transport), what)

    def metrics(self):
        status, _, text = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertEqual(status, 200)
        return text

    def metric(self, series):
        match = re.search(rf"(?m)^{re.escape(series)} (\S+)$", self.metrics())
        return float(match.group(1)) if match else None

    def wait_metric(self, series, value, timeout=10.0):
        """Polls /metrics (the daemon's own account of SIP events) until `series` reads `value`."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.metric(series)
            if current == value:
                return
            if time.monotonic() > deadline:
                self.fail(f"{series} is {current}, not {value}, after {timeout} s\n{self.daemon.log()}")
            time.sleep(0.05)  # nothing pushes metrics: poll them

    def raw_subscribe(self, sock, cseq, event="message-summary", box="1001", expires="600", contact=True,
                      to_tag="", extra="", call_id="raw-mwi-1", authorization="", user="1001"):
        port = sock.getsockname()[1]
        uri = f"sip:{box}@127.0.0.1:{self.sip_port}"
        lines = [f"SUBSCRIBE {uri} SIP/2.0",
                 f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-{call_id}-{cseq};rport",
                 "Max-Forwards: 70", f"From: <sip:{user}@127.0.0.1>;tag=raw1",
                 f"To: <sip:{box}@127.0.0.1>" + (f";tag={to_tag}" if to_tag else ""),
                 f"Call-ID: {call_id}", f"CSeq: {cseq} SUBSCRIBE", f"Event: {event}", f"Expires: {expires}"]
        if contact:
            lines.append(f"Contact: <sip:{user}@127.0.0.1:{port}>")
        text = "\r\n".join(lines) + "\r\n" + extra + authorization + "Content-Length: 0\r\n\r\n"
        sock.sendto(text.encode(), (h.HOST, self.sip_port))
        return uri

    def raw_subscription(self, sock, call_id, user="1001", expires="600"):
        """Subscribes `user` to their mailbox from `sock` (401, then credentials); answers the first
        NOTIFY. Returns the final answer's text (the 200, or a refusal)."""
        uri = self.raw_subscribe(sock, 1, call_id=call_id, user=user, box=user, expires=expires)
        status, head = digest.parse_response(sock.recv(65536))
        self.assertEqual(status, 401, head)
        authorization = digest.authorization(head, "MD5", user, f"change-me-{user}", "SUBSCRIBE", uri)
        self.raw_subscribe(sock, 2, call_id=call_id, user=user, box=user, authorization=authorization,
                           expires=expires)
        answer = self.receive(sock)
        if answer.startswith("SIP/2.0 200 "):
            notify = self.receive(sock)
            self.assertTrue(notify.startswith("NOTIFY "), notify)
            self.answer_notify(sock, notify)
        return answer

    def answer_notify(self, sock, notify):
        reply = "SIP/2.0 200 OK\r\n" + "".join(
            f"{name}: {header(notify, name)}\r\n" for name in ("Via", "From", "To", "Call-ID", "CSeq"))
        sock.sendto((reply + "Content-Length: 0\r\n\r\n").encode(), (h.HOST, self.sip_port))

    @staticmethod
    def receive(sock):
        return sock.recv(65536).decode(errors="replace")

    # -- the story -----------------------------------------------------------------------------

    def call(self, number):
        ok, err = sipp_peers.run(self.sandbox, self.sip_port, os.path.join(HERE, "mwi_caller.xml"), keys=BOB,
                                 service=number)
        self.assertTrue(ok, f"caller of {number}: {err}\n{self.daemon.log()}")

    def test_a_phone_is_told_of_its_mailbox_at_once_then_of_each_change_and_unsubscribes(self):
        messages = self.sandbox.path("subscriber_messages.log")
        subscriber = self.sipp(os.path.join(HERE, "mwi_subscriber.xml"), {**ALICE, "expires": 600}, messages)
        # The first NOTIFY (nothing waits) has been answered: the subscription stands.
        self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 1)
        self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 1)

        # Bob calls 8000, whose flow leaves a message in Alice's mailbox: NOTIFY (yes, 1/0). The
        # phone then refreshes its subscription: NOTIFY (1/0) again.
        self.call("8000")
        self.daemon.wait_for(r"deposited \S+ nil")
        self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 3)
        # Bob calls 8001, whose flow marks the message heard and kept: NOTIFY (no, 0/1). The phone
        # then unsubscribes: the last NOTIFY says terminated.
        self.call("8001")
        self.daemon.wait_for(r"saved \S+ true")

        # SIPp checked each NOTIFY (see the scenario); its message log shows them in order.
        self.finished(subscriber, "subscriber")
        received = [text for direction, text in sipp_messages(messages) if direction == "received"]
        notifies = [text for text in received if text.startswith("NOTIFY ")]
        self.assertEqual(len(notifies), 5, received)
        for notify in notifies:
            self.assertEqual(header(notify, "Event"), "message-summary")
            self.assertEqual(header(notify, "Content-Type"), "application/simple-message-summary")
            self.assertIn("\r\nMessage-Account: sip:1001@test.local\r\n", notify)
        bodies = [body(notify) for notify in notifies]
        self.assertEqual(bodies[0], "Messages-Waiting: no\r\nMessage-Account: sip:1001@test.local\r\n"
                                    "Voice-Message: 0/0\r\n")
        self.assertEqual([re.search(r"Messages-Waiting: (\w+)\r\n", b).group(1) for b in bodies],
                         ["no", "yes", "yes", "no", "no"])
        self.assertEqual([re.search(r"Voice-Message: (\S+)\r\n", b).group(1) for b in bodies],
                         ["0/0", "1/0", "1/0", "0/1", "0/1"])
        states = [header(notify, "Subscription-State") for notify in notifies]
        self.assertRegex(states[0], r"^active;expires=(600|599)$")
        self.assertRegex(states[2], r"^active;expires=(300|299)$")
        self.assertEqual(states[4], "terminated")
        answers = [text for text in received if text.startswith("SIP/2.0 200")]
        self.assertEqual([header(r, "Expires") for r in answers], ["600", "300", "0"])

        self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 5)
        self.wait_metric("junction_sip_mwi_subscriptions", 0)
        self.assertEqual(self.metric('junction_sip_subscribe_total{status="401"}'), 1)
        self.assertEqual(self.metric('junction_sip_subscribe_total{status="200"}'), 3)  # new, refresh, end
        self.assertEqual(self.metric('junction_sip_mwi_notify_total{result="failed"}'), 0)

    # -- refusals ------------------------------------------------------------------------------

    def test_other_event_packages_get_489_naming_message_summary(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            self.raw_subscribe(s, 1, event="presence")
            answer = self.receive(s)
        self.assertTrue(answer.startswith("SIP/2.0 489 Bad Event\r\n"), answer)
        self.assertEqual(header(answer, "Allow-Events"), "message-summary")
        self.assertRegex(header(answer, "To"), r";tag=")
        self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 0)

    def test_someone_elses_mailbox_is_403(self):
        refused = self.scenario("mwi_subscribe_refused.xml", {"[expect]": 403})
        self.run_sipp(refused, {**ALICE, "box": "1002", "expires": 600}, "subscriber of 1002's mailbox")
        self.daemon.wait_for(r"SUBSCRIBE message-summary 1002 by 1001 from udp:127\.0\.0\.1:\d+: 403 "
                             r"1001 may not watch mailbox 1002")
        self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 0)
        self.assertEqual(self.metric('junction_sip_mwi_notify_total{result="ok"}'), 0)

    def test_too_brief_an_interval_is_423_with_min_expires(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            self.raw_subscribe(s, 1, expires="1")
            status, head = digest.parse_response(s.recv(65536))
            self.assertEqual(status, 401, head)
            self.assertRegex(header(head, "To"), r";tag=")
            uri = f"sip:1001@127.0.0.1:{self.sip_port}"
            authorization = digest.authorization(head, "MD5", "1001", "change-me-1001", "SUBSCRIBE", uri)
            self.raw_subscribe(s, 2, expires="1", authorization=authorization)
            answer = self.receive(s)
        self.assertTrue(answer.startswith("SIP/2.0 423 Interval Too Brief\r\n"), answer)
        self.assertEqual(header(answer, "Min-Expires"), "2")

    def test_malformed_subscribes_get_400_with_a_reason_and_change_nothing(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            self.raw_subscribe(s, 1, contact=False, call_id="bad-1")
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 400 Missing Contact\r\n"), answer)
            self.raw_subscribe(s, 1, expires="soon", call_id="bad-2")
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 400 "), answer)
            self.assertIn("Expires", answer.split("\r\n", 1)[0])
            self.raw_subscribe(s, 1, extra="Contact: <sip:a@127.0.0.1:9>\r\n", call_id="bad-3")
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 400 Contact Must Be One URI\r\n"), answer)
            # In a dialog that does not exist (expired, or never was).
            self.raw_subscribe(s, 7, to_tag="nosuchdialog", call_id="bad-4")
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 481 "), answer)
            s.sendto(os.urandom(200), (h.HOST, self.sip_port))
            s.sendto(b"SUBSCRIBE sip:x SIP/2.0\r\n\r\n", (h.HOST, self.sip_port))
            port = s.getsockname()[1]
            s.sendto((f"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKo1;rport\r\n"
                      "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n"
                      "Content-Length: 0\r\n\r\n").encode(), (h.HOST, self.sip_port))
            answer = self.receive(s)
        self.assertTrue(answer.startswith("SIP/2.0 200 OK"), answer)
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.log())
        self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 0)

    def test_limits_per_user_and_in_all(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            # A third subscription of 1001's (max_per_user: 2) drops the least recently refreshed.
            first = self.raw_subscription(s, "limit-1")
            self.assertTrue(first.startswith("SIP/2.0 200 "), first)
            for call_id in ("limit-2", "limit-3"):
                answer = self.raw_subscription(s, call_id)
                self.assertTrue(answer.startswith("SIP/2.0 200 "), answer)
            self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 3)
            self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 2)
            self.daemon.wait_for(r"mailbox 1001: its least recently refreshed subscription dropped")
            # The dropped one is gone: its refresh gets 481.
            tag = re.search(r";tag=([^;>\s]+)", header(first, "To")).group(1)
            self.raw_subscribe(s, 3, call_id="limit-1", to_tag=tag)
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 481 "), answer)
            # A fetch (Expires: 0) with both places taken drops nobody.
            answer = self.raw_subscription(s, "limit-fetch", expires="0")
            self.assertTrue(answer.startswith("SIP/2.0 200 "), answer)
            self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 4)
            self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 2)
            self.assertEqual(self.daemon.log().count("least recently refreshed subscription dropped"), 1)
            # 1002 takes the last place (max_subscriptions: 3); after that, nobody gets in.
            answer = self.raw_subscription(s, "limit-4", user="1002")
            self.assertTrue(answer.startswith("SIP/2.0 200 "), answer)
            answer = self.raw_subscription(s, "limit-5", user="1002")
            self.assertTrue(answer.startswith("SIP/2.0 503 Too Many Subscriptions\r\n"), answer)
            self.assertEqual(header(answer, "Retry-After"), "300")
        self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 3)
        self.daemon.wait_for(r"SUBSCRIBE 1002 from udp:127\.0\.0\.1:\d+: 503, 3 subscriptions held")

    # -- the end of subscriptions --------------------------------------------------------------

    def test_an_unrefreshed_subscription_ends_with_reason_timeout_over_udp_and_tcp(self):
        for number, transport in enumerate(["udp", "tcp"], start=1):
            self.run_sipp(os.path.join(HERE, "mwi_subscriber_expires.xml"), {**ALICE, "expires": 2},
                          f"subscriber over {transport}", transport=transport)
            self.wait_metric("junction_sip_mwi_subscriptions", 0)
            self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 2 * number)

    def test_a_subscribe_with_expires_0_fetches_the_state_once(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            uri = self.raw_subscribe(s, 1, expires="0", call_id="fetch-1")
            status, head = digest.parse_response(s.recv(65536))
            self.assertEqual(status, 401, head)
            authorization = digest.authorization(head, "MD5", "1001", "change-me-1001", "SUBSCRIBE", uri)
            self.raw_subscribe(s, 2, expires="0", call_id="fetch-1", authorization=authorization)
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 200 OK\r\n"), answer)
            self.assertEqual(header(answer, "Expires"), "0")
            notify = self.receive(s)
            self.assertTrue(notify.startswith("NOTIFY "), notify)
            self.assertEqual(header(notify, "Subscription-State"), "terminated")
            self.assertEqual(body(notify), "Messages-Waiting: no\r\nMessage-Account: sip:1001@test.local\r\n"
                                           "Voice-Message: 0/0\r\n")
            self.answer_notify(s, notify)
        self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 1)
        self.assertEqual(self.metric("junction_sip_mwi_subscriptions"), 0)

    def test_a_notify_answered_481_removes_the_subscription(self):
        self.run_sipp(os.path.join(HERE, "mwi_subscriber_forgets.xml"), ALICE, "subscriber")
        self.wait_metric('junction_sip_mwi_notify_total{result="failed"}', 1)
        self.wait_metric("junction_sip_mwi_subscriptions", 0)
        self.daemon.wait_for(r"mailbox 1001: NOTIFY answered 481; subscription removed")

    def test_stopping_the_daemon_sends_no_notify_and_ends_cleanly(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((h.HOST, 0))
            s.settimeout(5)
            uri = self.raw_subscribe(s, 1)
            status, head = digest.parse_response(s.recv(65536))
            self.assertEqual(status, 401, head)
            authorization = digest.authorization(head, "MD5", "1001", "change-me-1001", "SUBSCRIBE", uri)
            self.raw_subscribe(s, 2, authorization=authorization)
            answer = self.receive(s)
            self.assertTrue(answer.startswith("SIP/2.0 200 OK\r\n"), answer)
            self.assertEqual(header(answer, "Expires"), "600")
            self.assertRegex(header(answer, "Contact"), r"^<sip:junction@127\.0\.0\.1:\d+>$")
            notify = self.receive(s)
            self.assertTrue(notify.startswith(f"NOTIFY sip:1001@127.0.0.1:{s.getsockname()[1]} SIP/2.0"), notify)
            self.assertIn("Voice-Message: 0/0", notify)
            self.answer_notify(s, notify)
            self.wait_metric('junction_sip_mwi_notify_total{result="ok"}', 1)

            self.daemon.signal(signal.SIGTERM)
            self.assertEqual(self.daemon.wait_exit(), 0, self.daemon.log())
            # Whatever it sent before it exited is in the socket by now: nothing.
            s.settimeout(0)
            with self.assertRaises(BlockingIOError):
                s.recv(65536)
        self.assertNotRegex(self.daemon.log(), r"(?i)\berror\b|sanitizer")


if __name__ == "__main__":
    unittest.main()
