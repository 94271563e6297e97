"""Email over SMTP (smtplib): a text and an HTML part; the Message-ID carries the idempotency
key, so the receiving side can drop a copy it already has.

Each worker thread keeps its connection open between messages (checked with NOOP before reuse).
A failure before the message data was sent is transient (nothing was delivered); a connection
lost while the data was being sent, before the server's answer, leaves the message in doubt:
the server may have taken it, so it is never sent again without an admin.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate

from learnloop.connectors.channels.base import (
    SEND_TIMEOUT_SECONDS,
    Channel,
    ChannelFailure,
    Outgoing,
)
from learnloop.connectors.channels.rendering import render_html, render_text

__all__ = ["EmailChannel", "email_message", "message_id"]


def message_id(key: str) -> str:
    """The same Message-ID for every attempt of one delivery (keys may hold any character)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@learnloop>"


def email_message(outgoing: Outgoing, *, sender: str) -> EmailMessage:
    if not outgoing.recipient.email:
        raise ChannelFailure(f"{outgoing.recipient.key} has no email address", transient=False)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.recipient.email
    message["Subject"] = outgoing.message.title
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(outgoing.idempotency_key)
    message["X-Learnloop-Delivery"] = outgoing.idempotency_key
    message.set_content(render_text(outgoing.message, outgoing.why))
    message.add_alternative(render_html(outgoing.message, outgoing.why), subtype="html")
    return message


class EmailChannel(Channel):
    name = "email"

    def __init__(self, *, host: str, port: int, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls = username, password, starttls
        self._local = threading.local()

    def _open(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=SEND_TIMEOUT_SECONDS)
        smtp.ehlo()
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def _connection(self) -> smtplib.SMTP:
        smtp = getattr(self._local, "smtp", None)
        if smtp is not None:
            try:
                if smtp.noop()[0] == 250:
                    return smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        self._local.smtp = self._open()
        return self._local.smtp

    def _drop(self) -> None:
        smtp = getattr(self._local, "smtp", None)
        self._local.smtp = None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def send(self, outgoing: Outgoing) -> str:
        message = email_message(outgoing, sender=self.sender)
        recipient = str(message["To"])
        try:
            smtp = self._connection()
            code, answer = smtp.mail(self.sender)
            if code != 250:
                smtp.rset()
                raise smtplib.SMTPSenderRefused(code, answer, self.sender)
            code, answer = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise ChannelFailure(f"SMTP refused the recipient: {error.recipients}",
                                 transient=all(400 <= code < 500 for code in codes)) from error
        except smtplib.SMTPResponseException as error:
            raise ChannelFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}",
                                 transient=400 <= error.smtp_code < 500) from error
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise ChannelFailure(f"SMTP server {self.host}:{self.port}: {error}",
                                 transient=True) from error
        try:
            # the wire wants CRLF line ends (what smtplib.send_message would make)
            code, answer = smtp.data(message.as_bytes(policy=message.policy.clone(
                linesep="\r\n")))
            if code != 250:  # smtplib checks the answer to DATA, not the one after the data
                raise smtplib.SMTPDataError(code, answer)
        except smtplib.SMTPResponseException as error:
            # the server answered: it did not take the message
            raise ChannelFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}",
                                 transient=400 <= error.smtp_code < 500) from error
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise ChannelFailure(f"SMTP server {self.host}:{self.port} went away while taking "
                                 f"the message: {error}", transient=False,
                                 in_doubt=True) from error
        return str(message["Message-ID"])
