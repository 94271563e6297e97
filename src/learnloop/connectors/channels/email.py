"""Email over SMTP (smtplib): a text and an HTML part; the Message-ID carries the idempotency
key, so the receiving side can drop a copy it already has."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
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

    def send(self, outgoing: Outgoing) -> str:
        message = email_message(outgoing, sender=self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=SEND_TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise ChannelFailure(f"SMTP refused the recipient: {error.recipients}",
                                 transient=all(400 <= code < 500 for code in codes)) from error
        except smtplib.SMTPResponseException as error:
            raise ChannelFailure(f"SMTP {error.smtp_code}: {error.smtp_error!r}",
                                 transient=400 <= error.smtp_code < 500) from error
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelFailure(f"SMTP server {self.host}:{self.port}: {error}",
                                 transient=True) from error
        return str(message["Message-ID"])
