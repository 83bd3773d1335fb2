"""Voicemail to e-mail with real parts: a SIPp caller talks (A-law from SIPp's pcap), the flow
records it and hands it to the durable spool with save_message, and the pickup connector writes
a complete MIME mail into its folder: the right headers, a Message-ID made from the message id,
and the recording attached byte for byte. Also: the spool keeps what it accepted across a kill -9
of junctiond and delivers it after the restart."""

import email
import email.policy
import glob
import os
import signal
import unittest

import junction_harness as h
import sipp_peers
from voicemail_helpers import ALICE, call_shipped_voicemail, leave_a_message, recording_bytes, voicemail_config, write_voicemail_flow


@unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
class VoicemailMailTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.sandbox.write_config(voicemail_config(self.sandbox))
        self.recording = os.path.join(self.sandbox.dir, "vm.wav")
        self.write_flow(to="1002")

    def write_flow(self, to):
        write_voicemail_flow(self.sandbox, self.recording, to)

    def leave_a_message(self):
        return leave_a_message(self, self.sandbox, self.daemon)

    def mail_of(self, message_id):
        path = os.path.join(self.sandbox.mail_dir, f"{message_id}.eml")
        with open(path, "rb") as f:
            return email.message_from_binary_file(f, policy=email.policy.default)

    def test_a_recorded_message_arrives_as_a_mime_mail_with_the_recording(self):
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        message_id = self.leave_a_message()
        self.daemon.wait_for(r"message=" + message_id + r" .*delivered via pickup")
        mail = self.mail_of(message_id)
        self.assertEqual(mail["Message-ID"], f"<{message_id}@junction.invalid>")
        self.assertEqual(mail["To"], "bob@example.com")
        self.assertEqual(mail["Subject"], "voice message from 1001")
        self.assertEqual(mail["X-Junction-Message"], message_id)
        attachments = [part for part in mail.iter_attachments()]
        self.assertEqual(len(attachments), 1)
        self.assertEqual(attachments[0].get_content_type(), "audio/wav")
        self.assertEqual(attachments[0].get_filename(), "message.wav")
        recorded = recording_bytes(self.recording)
        self.assertGreater(len(recorded), 2 * 8000 * 2, "two seconds of 16-bit audio")
        self.assertEqual(attachments[0].get_content(), recorded, "the attachment is the recording, byte for byte")
        self.assertIn("Alice Example", mail.get_body(preferencelist=("plain",)).get_content())
        self.assertEqual(glob.glob(os.path.join(self.sandbox.mail_dir, ".*")), [], "no temporary file is left")

    def test_what_the_spool_accepted_survives_kill_9_and_is_delivered_after_the_restart(self):
        # No connector at first: the message waits in the spool, then junctiond is killed.
        text = h.replace_once(self.sandbox.config_text, "  - name: pickup ", "  - name: pickup\n    enabled: false\n    #")
        self.sandbox.write_config(text)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        message_id = self.leave_a_message()
        os.kill(self.daemon.pid, signal.SIGKILL)
        self.daemon.proc.wait(timeout=10)
        self.assertFalse(os.path.exists(os.path.join(self.sandbox.mail_dir, f"{message_id}.eml")))
        # With the connector back, the restart delivers it, once.
        text = h.replace_once(self.sandbox.config_text, "  - name: pickup\n    enabled: false\n    #", "  - name: pickup ")
        self.sandbox.write_config(text)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        self.daemon.wait_for(r"message=" + message_id + r" .*delivered via pickup")
        self.assertEqual(self.mail_of(message_id)["Message-ID"], f"<{message_id}@junction.invalid>")
        self.assertEqual(len(glob.glob(os.path.join(self.sandbox.mail_dir, "*.eml"))), 1)

    def test_an_undeliverable_message_is_dead_with_its_reason_and_the_operator_can_retry_it(self):
        self.write_flow(to="9999")
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        message_id = self.leave_a_message()
        self.daemon.wait_for(r"message=" + message_id + r" dead: no address to deliver to: no user 9999")
        status, dead = h.http_get_json(self.sandbox.admin_port, "/messages?state=dead")
        self.assertEqual(status, 200)
        self.assertEqual([m["id"] for m in dead], [message_id])
        self.assertEqual(dead[0]["last_error"], "no address to deliver to: no user 9999")
        self.assertEqual(dead[0]["attempts"], 1)
        status, body = h.http_post(self.sandbox.admin_port, f"/message/retry?id={message_id}")
        self.assertEqual(status, 200, body)
        first_death = self.daemon.wait_for(r"dead: ")[0]
        self.daemon.wait_for(r"message=" + message_id + r" dead: ", start=first_death + 1)
        status, message = h.http_get_json(self.sandbox.admin_port, f"/message?id={message_id}")
        self.assertEqual(message["attempts"], 2)
        self.assertIn("retried by the operator", [event["detail"] for event in message["history"]])
        self.assertEqual(message["parts"][0]["name"], "message.wav")
        status, _, _ = h.http_get(self.sandbox.admin_port, "/message?id=no-such-message")
        self.assertEqual(status, 404)


class DefaultVoicemailFlowTest(unittest.TestCase):
    """The shipped flow: a call to a user with no phone registered goes to the user's mailbox."""

    @unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
    def test_a_caller_leaves_a_message_that_is_mailed_to_the_user(self):
        sandbox = h.Sandbox(self)
        # Bob has an email and no PIN: the message is mailed, and no mailbox keeps a copy whose
        # message-waiting lamp he could never put out.
        sandbox.write_config(h.replace_once(voicemail_config(sandbox), '    voicemail_pin: "1002"\n', ""))
        daemon = h.start_daemon(self, sandbox.config_path)
        rtp = call_shipped_voicemail(self, sandbox, daemon, "1002")
        _, line = daemon.wait_for(r"voicemail \S+ spooled for bob@example.com")
        message_id = line.split("voicemail ")[1].split(" ")[0]
        daemon.wait_for(r"message=" + message_id + r" .*delivered via pickup")
        with open(os.path.join(sandbox.mail_dir, f"{message_id}.eml"), "rb") as f:
            mail = email.message_from_binary_file(f, policy=email.policy.default)
        self.assertEqual(mail["To"], "bob@example.com")
        self.assertEqual(mail["Subject"], "voice message from 1001")
        wav = next(mail.iter_attachments()).get_content()
        self.assertEqual(wav[:4], b"RIFF")
        self.assertGreater(len(wav), 8000 * 2 * 3, "seconds of the caller's voice")
        self.assertGreater(len(rtp.packets), 100, "the caller heard the greeting and the confirmation")
        self.assertNotIn("left in mailbox", daemon.log())
        self.assertEqual(glob.glob(os.path.join(sandbox.dir, "var", "voicemail", "1002", "msg-*")), [])

    @unittest.skipUnless(sipp_peers.available(), "sipp (Debian sip-tester) is not installed")
    def test_a_full_disk_refuses_new_messages_clearly_and_keeps_the_old_ones(self):
        sandbox = h.Sandbox(self)
        text = voicemail_config(sandbox)
        sandbox.write_config(text)
        daemon = h.start_daemon(self, sandbox.config_path)
        call_shipped_voicemail(self, sandbox, daemon, "1002")
        _, line = daemon.wait_for(r"voicemail \S+ left in mailbox 1002")
        kept = line.split("voicemail ")[1].split(" ")[0]
        _, line = daemon.wait_for(r"voicemail \S+ spooled for bob@example.com")
        mailed = line.split("voicemail ")[1].split(" ")[0]
        daemon.wait_for(r"message=" + mailed + r" .*delivered via pickup")
        daemon.stop()

        # Restarted where the disk has less free than the reserve both stores keep (1 TB).
        sandbox.write_config(text + "spool:\n  reserve_mb: 1000000\nvoicemail:\n  reserve_mb: 1000000\n")
        daemon = h.start_daemon(self, sandbox.config_path)
        call_shipped_voicemail(self, sandbox, daemon, "1002")
        daemon.wait_for(r"voicemail for 1002 not left in the mailbox: mailbox storage full: \d+ bytes free")
        daemon.wait_for(r"voicemail for 1002 not spooled: spool full: \d+ bytes free")
        boxes = glob.glob(os.path.join(sandbox.dir, "var", "voicemail", "1002", "msg-*.wav"))
        self.assertEqual([os.path.basename(p) for p in boxes], [f"msg-{kept}.wav"])
        self.assertTrue(os.path.exists(os.path.join(sandbox.mail_dir, f"{mailed}.eml")))
        self.assertEqual(len(glob.glob(os.path.join(sandbox.mail_dir, "*.eml"))), 1)


if __name__ == "__main__":
    unittest.main()
