"""Delivering one message: over SMTP with aiosmtplib, or as an .eml file in a folder when no server is set."""

from __future__ import annotations

import contextlib
import io
import logging
import os
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import segno

from events.i18n import N_, gettext_for
from events.mail.models import OutboxMessage

log = logging.getLogger("events.mail")


class DeliveryError(Exception):
    """The message could not be delivered this time; the worker will retry it."""


class Transport(Protocol):
    async def deliver(self, message: EmailMessage, row: OutboxMessage) -> None: ...


def build_email(row: OutboxMessage, *, sender: str) -> EmailMessage:
    """A multipart message: plain text, HTML and (for invitations) the calendar, as mail programs expect it."""
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = sender
    local, _, domain = row.to_address.rpartition("@")
    # Address() refuses line breaks and other header injection; names were checked when registering as well.
    message["To"] = Address(display_name=row.to_name, username=local, domain=domain)
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message["Auto-Submitted"] = "auto-generated"
    if row.qr_code:
        _with_qr_code(message, row)
    else:
        message.set_content(row.text_body)
        message.add_alternative(row.html_body, subtype="html")
    if row.calendar and row.calendar_method:
        # Outlook and Gmail look for the calendar inside the alternatives; Apple Mail and Thunderbird also
        # accept the attachment.
        message.add_alternative(row.calendar, subtype="calendar", params={"method": row.calendar_method})
        message.add_attachment(
            row.calendar.encode(),
            maintype="application",
            subtype="ics",
            filename="invite.ics" if row.calendar_method == "REQUEST" else "cancel.ics",
        )
    # After the content: set_content() removes every Content-* header it finds.
    message["Content-Language"] = row.language
    return message


def _with_qr_code(message: EmailMessage, row: OutboxMessage) -> None:
    """Text and HTML with the row's QR code: in the HTML as an inline PNG (mail programs block SVG and data:
    images), a part of its own referred to by Content-ID; in the text, the code to read out or type."""
    assert row.qr_code is not None
    # The code to read out: the ``code`` of the scan address the QR code holds.
    code = parse_qs(urlsplit(row.qr_code).query).get("code", [row.qr_code])[0]
    label = gettext_for(row.language, N_("Your check-in code"))
    hint = gettext_for(row.language, N_("Show this code at the entrance; the organisers scan it to check you in."))
    message.set_content(f"{row.text_body.rstrip()}\n\n{label}: {code}\n{hint}\n")
    content_id = make_msgid("check-in", domain=row.message_id.rpartition("@")[2].rstrip(">") or None)
    figure = (
        '<div style="text-align:center;margin:16px 0">'
        f'<img src="cid:{content_id[1:-1]}" width="220" height="220" alt="{escape(label)}" '
        'style="display:inline-block;width:220px;height:220px">'
        f'<p style="margin:4px 0;font-size:13px;color:#4a5563">{escape(hint)}</p>'
        f'<p style="margin:4px 0;font-family:monospace;font-size:15px">{escape(code)}</p></div>'
    )
    html = row.html_body
    at = html.rfind("</body>")
    html = f"{html[:at]}{figure}{html[at:]}" if at >= 0 else html + figure
    message.add_alternative(html, subtype="html")
    picture = io.BytesIO()
    segno.make(row.qr_code, error="m").save(picture, kind="png", scale=5, border=4, dark="#1b2430")
    html_part = next(part for part in message.iter_parts() if part.get_content_type() == "text/html")
    html_part.add_related(picture.getvalue(), maintype="image", subtype="png", cid=content_id, filename="check-in.png")


class FolderTransport:
    """Writes each message as an .eml file, so a new installation needs no mail server at all."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder).resolve()

    async def deliver(self, message: EmailMessage, row: OutboxMessage) -> None:
        path = self.folder / f"message-{row.id:08d}.eml"
        temporary = path.with_suffix(".tmp")
        content = bytes(message)  # a refused header (ValueError) is the message's fault, not the disk's
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(content)
            os.replace(temporary, path)
        except OSError as error:  # a full disk, a missing permission: retried like a mail server that is away
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)  # no half-written file left behind
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        log.info("Wrote %s message %s to %s", row.kind, row.id, path, extra={"outbox_id": row.id, "kind": row.kind})


class SMTPTransport:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.hostname = parts.hostname or "localhost"
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    async def deliver(self, message: EmailMessage, row: OutboxMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.implicit_tls,
                # STARTTLS when the server offers it; a local relay may not.
                start_tls=None if not self.implicit_tls else False,
                timeout=30,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        log.info("Sent %s message %s", row.kind, row.id, extra={"outbox_id": row.id, "kind": row.kind})


def transport_for(smtp_url: str | None, mail_dir: str) -> Transport:
    return SMTPTransport(smtp_url) if smtp_url else FolderTransport(mail_dir)
