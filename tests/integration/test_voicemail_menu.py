"""The shipped flow's voice mailboxes with real parts: a SIPp caller leaves a message for a user
with no phone registered (greeting, recording, "saved"); the user dials the mailbox number *98,
types the PIN and menu keys as SIP INFO, hears the message, deletes it, and changes the PIN,
which the next call needs. A brute-forced PIN locks the mailbox: after three wrong PINs even
the right one is refused, from a new call too."""

import glob
import json
import os
import sqlite3
import unittest

import junction_harness as h
import sipp_peers
from rtp_tools import RtpListener
from voicemail_helpers import ALICE, call_shipped_voicemail, voicemail_config

BOB = {"user": "1002", "auth_pass": "change-me-1002"}
MAILBOX_NUMBER = "*98"

INFO_KEY = """  <send retrans="500">
    <![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: "Test Caller" <sip:[user]@[remote_ip]>;tag=[pid]c[call_number]
      To: <sip:[service]@[remote_ip]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} INFO
      Contact: <sip:[user]@[local_ip]:[local_port]>
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={key}
      Duration=160
    ]]>
  </send>

  <recv response="200"/>
"""


TALK = """  <pause milliseconds="{pause}"/>
  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>
  <pause milliseconds="{talk}"/>
"""


def typing_scenario(sandbox, keys, talk_after=None, pause_ms=0, talk_ms=0):
    """call_types_keys.xml typing `keys` (one INFO each, CSeq from 3) right after the answer:
    the flow's collect() takes them as type-ahead, one prompt after another. With `talk_after`,
    the caller talks (SIPp's A-law pcap) after that many keys, `pause_ms` after typing them."""
    infos = ""
    for i, k in enumerate(keys):
        if talk_after is not None and i == talk_after:
            infos += TALK.format(pause=pause_ms, talk=talk_ms)
        infos += INFO_KEY.format(cseq=3 + i, key=k)
    return sipp_peers.scenario_with(sandbox, "call_types_keys.xml", {"  <!-- KEYS -->\n": infos})


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class VoicemailMenuTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sandbox.write_config(voicemail_config(self.sandbox))
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        self.mailboxes = os.path.join(self.sandbox.dir, "var", "voicemail")

    def call_menu(self, caller, keys, **talk):
        rtp = RtpListener(self)
        ok, err = sipp_peers.run(self.sandbox, self.sandbox.sip_port, typing_scenario(self.sandbox, keys, **talk),
                                 keys={**caller, "rtp_port": rtp.port}, service=MAILBOX_NUMBER, timeout=150)
        self.assertTrue(ok, f"{err}\n{self.daemon.log()}")
        return rtp

    def recordings(self):
        return glob.glob(os.path.join(self.sandbox.dir, "var", "recordings", "*"))

    def stored_pin(self, box):
        db = sqlite3.connect(os.path.join(self.mailboxes, "mailboxes.db"))
        try:
            return db.execute("SELECT salt, hash FROM pins WHERE box = ?", (box,)).fetchone()
        finally:
            db.close()

    def test_a_user_hears_deletes_a_message_and_changes_the_pin(self):
        call_shipped_voicemail(self, self.sandbox, self.daemon, "1002")
        _, line = self.daemon.wait_for(r"voicemail \S+ left in mailbox 1002")
        message_id = line.split("voicemail ")[1].split(" ")[0]
        message_file = os.path.join(self.mailboxes, "1002", f"msg-{message_id}.wav")
        with open(message_file, "rb") as f:
            self.assertEqual(f.read(4), b"RIFF")
        self.assertEqual(self.recordings(), [], "the flow removed its recording once both stores had it")

        start = self.daemon.line_count()
        # PIN 1002 (from the config), 1 listen: the message plays and is kept as heard, 7 delete,
        # then 4: the new PIN twice, * ends.
        rtp = self.call_menu(BOB, list("1002#") + ["1", "7", "4"] + list("24680#24680#") + ["*"])
        self.daemon.wait_for(r"mailbox 1002 opened by 1002", start=start)
        self.assertFalse(os.path.exists(message_file), "the message was deleted")
        self.assertEqual(glob.glob(os.path.join(self.mailboxes, "1002", "msg-*")), [])
        salt, digest = self.stored_pin("1002")
        self.assertRegex(digest, r"^pbkdf2-sha256:\d+:[0-9a-f]{64}$")
        self.assertNotIn("24680", salt + digest)
        self.assertGreater(len(rtp.packets), 500, "the menu spoke, and played the message")

        # The old PIN no longer opens the mailbox; the new one does.
        start = self.daemon.line_count()
        self.call_menu(BOB, list("1002#") + list("24680#") + ["*"])
        self.daemon.wait_for(r"mailbox 1002: wrong PIN", start=start)
        self.daemon.wait_for(r"mailbox 1002 opened by 1002", start=start)

    def test_a_user_records_a_greeting_that_callers_then_hear(self):
        # PIN, 3 greetings, 1 unavailable; the prompts take their time, then the user talks and
        # presses #; * ends.
        start = self.daemon.line_count()
        self.call_menu(BOB, list("1002#") + ["3", "1", "#", "*"], talk_after=7, pause_ms=20000, talk_ms=6000)
        self.daemon.wait_for(r"mailbox 1002 opened by 1002", start=start)
        greeting = os.path.join(self.mailboxes, "1002", "greeting-unavailable.wav")
        self.assertTrue(os.path.exists(greeting), self.daemon.log())
        with open(greeting, "rb") as f:
            data = f.read()
        self.assertEqual(data[:4], b"RIFF")
        self.assertGreater(len(data), 8000 * 2 * 2, "seconds of the user's voice")
        self.assertEqual(self.recordings(), [])
        # A caller now gets the recorded greeting, not the spoken default.
        start = self.daemon.line_count()
        call_shipped_voicemail(self, self.sandbox, self.daemon, "1002")
        self.daemon.wait_for(r"greeting of 1002: recorded unavailable", start=start)
        self.daemon.wait_for(r"voicemail \S+ left in mailbox 1002", start=start)

    def test_a_user_opens_another_mailbox_from_their_own_phone(self):
        # Alice at her phone: star for another mailbox, 1002, Bob's PIN, then star ends.
        start = self.daemon.line_count()
        self.call_menu(ALICE, list("*#1002#1002#*"))
        self.daemon.wait_for(r"mailbox 1002 opened by 1001", start=start)
        self.assertNotIn("mailbox 1001 opened", self.daemon.log())

    def test_pin_brute_force_locks_the_mailbox_even_for_the_right_pin(self):
        start = self.daemon.line_count()
        self.call_menu(ALICE, list("1111#2222#3333#"))
        self.daemon.wait_for(r"mailbox 1001: wrong PIN(?!;)", start=start)
        self.daemon.wait_for(r"mailbox 1001: wrong PIN; locked: try again in 60 s", start=start)
        # A new call with the right PIN: refused while the lockout lasts.
        start = self.daemon.line_count()
        self.call_menu(ALICE, list("1001#"))
        self.daemon.wait_for(r"mailbox 1001: locked: try again in \d+ s", start=start)
        self.assertNotIn("mailbox 1001 opened", self.daemon.log())
        self.assertEqual(self.daemon.log().count("mailbox 1001: wrong PIN"), 3)

        # The operator sees the lockout and ends it; then the right PIN opens the mailbox.
        status = h.http_get_json(self.sandbox.admin_port, "/mailbox?box=1001")[1]
        self.assertEqual((status["pin"], status["lockouts"]), ("configured", 1))
        self.assertIsNotNone(status["locked_until"])
        code, body = h.http_post(self.sandbox.admin_port, "/mailbox/unlock?box=1001")
        self.assertEqual(code, 200, body)
        self.assertIsNone(json.loads(body)["locked_until"])
        start = self.daemon.line_count()
        self.call_menu(ALICE, list("1001#") + ["*"])
        self.daemon.wait_for(r"mailbox 1001 opened by 1001", start=start)
        self.assertEqual(h.http_post(self.sandbox.admin_port, "/mailbox/unlock?box=4242")[0], 404)


if __name__ == "__main__":
    unittest.main()
