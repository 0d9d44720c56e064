"""Admins invite organisers by e-mail; the invitee chooses a password through the link. Flushes, never commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.mails import send_link
from events.accounts.models import LinkPurpose, Role, User
from events.accounts.service import EMAIL_PATTERN, issue_link
from events.audit.service import Actor, differences, record
from events.catalog.models import City
from events.errors import FieldError, InvalidFields
from events.i18n import LANGUAGES, N_
from events.settings import Settings


@dataclass(frozen=True)
class UserInput:
    email: str
    display_name: str
    role: str
    city: str  # slug
    language: str


async def _checked(session: AsyncSession, sent: UserInput, *, existing: User | None) -> tuple[str, Role, City]:
    errors = []
    email = sent.email.strip().lower()
    if existing is None:
        if len(email) > 254 or not EMAIL_PATTERN.match(email):
            errors.append(FieldError("email", N_("Enter an e-mail address like name@example.org.")))
        elif await session.scalar(select(User.id).where(User.email == email)) is not None:
            errors.append(FieldError("email", N_("This address already has an account.")))
    if not sent.display_name.strip():
        errors.append(FieldError("display_name", N_("Enter a name.")))
    elif len(sent.display_name.strip()) > 120:
        errors.append(FieldError("display_name", N_("Use at most %(count)s characters."), {"count": 120}))
    role = Role(sent.role) if sent.role in {choice.value for choice in Role} else None
    if role is None:
        errors.append(FieldError("role", N_("Choose a role.")))
    city = await session.scalar(select(City).where(City.slug == sent.city))
    if city is None:
        errors.append(FieldError("city", N_("Choose a city office.")))
    if sent.language not in LANGUAGES:
        errors.append(FieldError("language", N_("Choose a language.")))
    if errors:
        raise InvalidFields(errors)
    assert role is not None and city is not None
    return email, role, city


async def invite_user(
    session: AsyncSession, sent: UserInput, *, actor: Actor, settings: Settings, now: dt.datetime
) -> User:
    email, role, city = await _checked(session, sent, existing=None)
    user = User(
        email=email,
        display_name=sent.display_name.strip(),
        role=role,
        city_id=city.id,
        password_hash=None,
        language=sent.language,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    await session.flush()
    await send_invitation(session, user, settings=settings, now=now)
    await record(
        session,
        actor,
        "user.invited",
        entity_type="user",
        entity_id=user.id,
        now=now,
        changes={"email": [None, email], "role": [None, role.value], "office": [None, city.slug]},
    )
    return user


async def send_invitation(session: AsyncSession, user: User, *, settings: Settings, now: dt.datetime) -> None:
    token = await issue_link(session, user, LinkPurpose.INVITATION, now)
    await send_link(session, user, LinkPurpose.INVITATION, token, settings, now)


async def update_user(session: AsyncSession, user: User, sent: UserInput, *, actor: Actor, now: dt.datetime) -> None:
    _, role, city = await _checked(session, sent, existing=user)
    before = {"display_name": user.display_name, "role": user.role, "office": user.city_id, "language": user.language}
    user.display_name, user.role, user.city_id, user.language = sent.display_name.strip(), role, city.id, sent.language
    after = {"display_name": user.display_name, "role": user.role, "office": user.city_id, "language": user.language}
    if changes := differences(before, after):
        user.updated_at = now
        await record(session, actor, "user.updated", entity_type="user", entity_id=user.id, now=now, changes=changes)
