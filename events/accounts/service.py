"""Adding and listing the people who run the programme. Functions flush and never commit."""

from __future__ import annotations

import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from events.accounts.models import Role, User
from events.catalog.models import City

# argon2-cffi's defaults are argon2id with the parameters RFC 9106 recommends.
password_hasher = PasswordHasher()
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A user cannot be added as asked; the message says why."""


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password_hasher.hash(password)


async def add_user(
    session: AsyncSession,
    *,
    email: str,
    role: Role,
    city_slug: str,
    password: str,
    display_name: str | None = None,
) -> User:
    """Add an admin or an organiser of a city office."""
    email = normalise_email(email)
    city = await session.scalar(select(City).where(City.slug == city_slug))
    if city is None:
        known = ", ".join((await session.scalars(select(City.slug).order_by(City.slug))).all()) or "none yet"
        raise AccountError(f"there is no city {city_slug!r} (known: {known})")
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"{email} already has an account")
    user = User(
        email=email,
        display_name=(display_name or email.split("@")[0]).strip()[:120],
        role=role,
        city_id=city.id,
        password_hash=hash_password(password),
    )
    session.add(user)
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> Sequence[User]:
    statement = select(User).options(selectinload(User.city)).order_by(User.email)
    return (await session.scalars(statement)).all()
