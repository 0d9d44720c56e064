"""Mails to the people who run the programme: invitations and password resets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.models import LinkPurpose, User
from events.accounts.service import LINK_VALID
from events.i18n import N_, gettext_for
from events.mail.notice import Notice, notice_message
from events.mail.service import queue_message
from events.settings import Settings


def link_url(settings: Settings, purpose: LinkPurpose, token: str) -> str:
    path = "invitation" if purpose is LinkPurpose.INVITATION else "password/reset"
    return f"{settings.base_url}/{path}/{token}"


async def send_link(
    session: AsyncSession, user: User, purpose: LinkPurpose, token: str, settings: Settings, now: dt.datetime
) -> None:
    language = user.language
    if purpose is LinkPurpose.INVITATION:
        subject = gettext_for(language, N_("You are invited to the Stedenband workspace"))
        paragraphs = [
            gettext_for(
                language,
                N_("You have been invited to organise exchange events between Weert and Yuhang on Stedenband."),
            ),
            gettext_for(
                language, N_("Choose your password to start. Your sign-in address is %(email)s."), email=user.email
            ),
        ]
        label = gettext_for(language, N_("Choose your password"))
        note = gettext_for(
            language, N_("This link works once and expires in %(days)s days."), days=LINK_VALID[purpose].days
        )
    else:
        subject = gettext_for(language, N_("Reset your Stedenband password"))
        paragraphs = [
            gettext_for(
                language, N_("Someone, probably you, asked to reset the password of %(email)s."), email=user.email
            ),
            gettext_for(language, N_("If it was not you, ignore this message: your password stays as it is.")),
        ]
        label = gettext_for(language, N_("Choose a new password"))
        note = gettext_for(
            language,
            N_("This link works once and expires in %(minutes)s minutes."),
            minutes=int(LINK_VALID[purpose].total_seconds() // 60),
        )
    notice = Notice(
        kind=purpose.value,
        to_address=user.email,
        to_name=user.display_name,
        language=language,
        subject=subject,
        paragraphs=paragraphs,
        action_url=link_url(settings, purpose, token),
        action_label=label,
        notes=[note],
    )
    await queue_message(session, notice_message(notice), now=now, domain=settings.uid_domain)
