"""aiosmtpd handlers for the mail tests, run with `/usr/bin/python3 -m aiosmtpd -c
smtp_handlers.RejectingMailbox <maildir>`: a Maildir mailbox (Debian's aiosmtpd Mailbox
handler) that refuses recipients starting with "reject" with a permanent 550."""

from aiosmtpd.handlers import Mailbox


class RejectingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
