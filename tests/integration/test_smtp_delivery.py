"""Voicemail to e-mail over SMTP with a real SMTP server (Debian's aiosmtpd, Maildir): the mail
arrives once with its headers and the recording; a server that is down at first gets it once it
is up, once; a permanent 550 makes the message dead with that reason, and the operator's retry
delivers it once the mailbox takes it."""

import email
import email.policy
import os
import socket
import subprocess
import re
import time
import unittest

import junction_harness as h
import sipp_peers
from voicemail_helpers import leave_a_message, recording_bytes, voicemail_config, write_voicemail_flow

AIOSMTPD_AVAILABLE = subprocess.run(["/usr/bin/python3", "-c", "import aiosmtpd"], capture_output=True).returncode == 0


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`, delivering into the Maildir `maildir`; stopped by PID."""

    def __init__(self, owner, port, maildir, handler="smtp_handlers.RejectingMailbox"):
        self.port, self.maildir = port, maildir
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"{h.HOST}:{port}",
             "-c", handler, maildir],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        h.add_cleanup(owner, self.stop)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # listening is the event; nothing to wait on but a connect
            try:
                socket.create_connection((h.HOST, port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("aiosmtpd ended: " + self.proc.stderr.read().decode(errors="replace"))
                time.sleep(0.05)
        raise RuntimeError("aiosmtpd did not listen on port %d" % port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def mails(self):
        new = os.path.join(self.maildir, "new")
        found = []
        for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
            with open(os.path.join(new, name), "rb") as f:
                found.append(email.message_from_binary_file(f, policy=email.policy.default))
        return found


@unittest.skipUnless(sipp_peers.available() and AIOSMTPD_AVAILABLE, "needs sipp and python3-aiosmtpd")
class SmtpDeliveryTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.smtp_port = h.free_port()
        self.maildir = os.path.join(self.sandbox.dir, "maildir")
        text = voicemail_config(self.sandbox)
        # The pickup connector's two lines become the smtp connector's.
        text, count = re.subn(r"  - name: pickup[^\n]*\n    config: [^\n]*\n",
                              f"  - name: smtp\n    config:\n      servers: [{{ url: \"smtp://{h.HOST}:{self.smtp_port}\", "
                              f"starttls: off }}]\n      failback_s: 1\n", text)
        self.assertEqual(count, 1)
        text += "\nspool:\n  connector: smtp\n  retry_min_s: 1\n  retry_max_s: 2\n"
        self.sandbox.write_config(text)
        self.recording = os.path.join(self.sandbox.dir, "vm.wav")

    def start(self, to="1002"):
        write_voicemail_flow(self.sandbox, self.recording, to)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    def test_the_mail_arrives_once_with_its_headers_and_the_recording(self):
        smtp = SmtpServer(self, self.smtp_port, self.maildir)
        self.start()
        message_id = leave_a_message(self, self.sandbox, self.daemon)
        self.daemon.wait_for(r"message=" + message_id + r" delivered via smtp: 250 accepted")
        mails = smtp.mails()
        self.assertEqual(len(mails), 1)
        mail = mails[0]
        self.assertEqual(mail["Message-ID"], f"<{message_id}@junction.invalid>")
        self.assertEqual(mail["To"], "bob@example.com")
        attachment = next(mail.iter_attachments())
        self.assertEqual(attachment.get_content(), recording_bytes(self.recording))

    def test_a_server_that_is_down_at_first_gets_the_mail_once_it_is_up(self):
        self.start()
        message_id = leave_a_message(self, self.sandbox, self.daemon)
        self.daemon.wait_for(r"message=" + message_id + r" attempt 1 failed")
        smtp = SmtpServer(self, self.smtp_port, self.maildir)
        self.daemon.wait_for(r"message=" + message_id + r" delivered via smtp")
        self.assertEqual(len(smtp.mails()), 1)
        self.assertEqual(smtp.mails()[0]["Message-ID"], f"<{message_id}@junction.invalid>")

    def test_a_permanent_refusal_is_dead_with_the_reason_until_the_operator_retries(self):
        smtp = SmtpServer(self, self.smtp_port, self.maildir)
        self.start(to="reject@example.com")
        message_id = leave_a_message(self, self.sandbox, self.daemon)
        self.daemon.wait_for(r"message=" + message_id + r" dead: .*550")
        status, message = h.http_get_json(self.sandbox.admin_port, f"/message?id={message_id}")
        self.assertEqual(message["state"], "dead")
        self.assertIn("550", message["last_error"])
        self.assertEqual(smtp.mails(), [])
        # The mailbox is fixed (now a server that takes every recipient); the operator retries.
        smtp.stop()
        fixed = SmtpServer(self, self.smtp_port, self.maildir, handler="aiosmtpd.handlers.Mailbox")
        status, body = h.http_post(self.sandbox.admin_port, f"/message/retry?id={message_id}")
        self.assertEqual(status, 200, body)
        self.daemon.wait_for(r"message=" + message_id + r" delivered via smtp")
        self.assertEqual([m["Message-ID"] for m in fixed.mails()], [f"<{message_id}@junction.invalid>"])

    def test_a_server_without_the_required_starttls_never_counts_as_delivered(self):
        # EHLO's 250 is the last reply libcurl saw when it gave up for want of STARTTLS: that is
        # no delivery, and the message waits for a server that offers it.
        self.sandbox.write_config(self.sandbox.config_text.replace("starttls: off", "starttls: required"))
        smtp = SmtpServer(self, self.smtp_port, self.maildir)
        self.start()
        message_id = leave_a_message(self, self.sandbox, self.daemon)
        self.daemon.wait_for(r"message=" + message_id + r" attempt 1 failed")
        deadline = time.monotonic() + 10  # the outcome is committed by the spool's thread just after
        while True:
            message = h.http_get_json(self.sandbox.admin_port, f"/message?id={message_id}")[1]
            if message["state"] != "delivering" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(message["state"], "retrying", message)
        self.assertNotIn(f"message={message_id} delivered", self.daemon.log())
        self.assertEqual(smtp.mails(), [])


if __name__ == "__main__":
    unittest.main()
