"""Plain notices (account links, digests, organisers' messages to participants): a greeting, a few paragraphs
and at most one button, in the recipient's language, through the same outbox as every other message."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.i18n import N_, gettext_for
from events.mail.service import Message
from events.web.templating import create_environment


@dataclass(frozen=True)
class Notice:
    kind: str
    to_address: str
    to_name: str
    language: str
    subject: str
    paragraphs: list[str]
    action_url: str | None = None
    action_label: str | None = None
    # Small print under the button ("this link works once and expires in an hour").
    notes: list[str] = field(default_factory=list)
    signature: str | None = None
    registration_id: int | None = None
    qr_code: str | None = None


def notice_message(notice: Notice) -> Message:
    environment = create_environment()
    greeting = (
        gettext_for(notice.language, N_("Dear %(name)s,"), name=notice.to_name)
        if notice.to_name
        else gettext_for(notice.language, N_("Hello,"))
    )
    context = {"lang": notice.language, "greeting": greeting, "notice": notice}
    return Message(
        kind=notice.kind,
        to_address=notice.to_address,
        to_name=notice.to_name,
        language=notice.language,
        subject=notice.subject,
        text_body=environment.get_template("mail/notice.txt").render(context),
        html_body=environment.get_template("mail/notice.html").render(context),
        registration_id=notice.registration_id,
        qr_code=notice.qr_code,
    )
