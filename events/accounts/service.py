"""The people who run the programme: adding and inviting them, signing in and out, password resets,
deactivation and API tokens. Functions flush and never commit; mails go through the outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from events.accounts.models import AccountLink, ApiToken, LinkPurpose, LoginFailure, Role, User, UserSession
from events.audit.service import Actor, record
from events.catalog.models import City
from events.errors import FieldError, InvalidFields, NotFound, PlatformError
from events.i18n import LANGUAGES, N_
from events.tokens import looks_like_token, new_token, token_hash

# argon2-cffi's defaults are argon2id with the parameters RFC 9106 recommends.
password_hasher = PasswordHasher()
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12

SESSION_IDLE = dt.timedelta(hours=12)
SESSION_LIFETIME = dt.timedelta(days=7)
LINK_VALID = {LinkPurpose.INVITATION: dt.timedelta(days=7), LinkPurpose.PASSWORD_RESET: dt.timedelta(hours=1)}
FAILURE_WINDOW = dt.timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
API_TOKEN_DAYS = (30, 90, 365)
# Verified against when the address has no account, so a wrong address costs as long as a wrong password.
_UNKNOWN_ACCOUNT_HASH = password_hasher.hash("no account has this password")


class AccountError(ValueError):
    """A user cannot be added as asked; the message says why (for the command line)."""


class SignInFailed(PlatformError):
    status = 400
    code = "sign-in-failed"
    title = N_("The e-mail address or the password is not right")


class SignInThrottled(PlatformError):
    status = 429
    code = "sign-in-throttled"
    title = N_("Too many failed attempts")

    def __init__(self, minutes: int) -> None:
        super().__init__(
            N_("Too many failed attempts. Try again in %(minutes)s minutes, or reset your password."),
            minutes=minutes,
        )
        self.retry_after = minutes * 60

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class LinkExpired(PlatformError):
    status = 410
    code = "link-expired"
    title = N_("This link has expired or has been used")


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str  # for the session cookie; only its hash is stored


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password_hasher.hash(password)


def check_new_password(password: str, repeated: str, field: str = "password") -> None:
    """The rules for a password a person chooses, as field errors for a form."""
    errors = []
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError(field, N_("Use at least %(count)s characters."), {"count": MIN_PASSWORD_LENGTH}))
    elif len(password) > 1000:
        errors.append(FieldError(field, N_("Use at most %(count)s characters."), {"count": 1000}))
    if password != repeated:
        errors.append(FieldError(f"{field}_again", N_("The two passwords are not the same.")))
    if errors:
        raise InvalidFields(errors)


async def _verify(password_hash: str, password: str) -> bool:
    # Verifying takes tens of milliseconds of CPU on purpose: keep it off the event loop.
    def verify() -> bool:
        try:
            return password_hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify)


async def add_user(
    session: AsyncSession,
    *,
    email: str,
    role: Role,
    city_slug: str,
    password: str | None,
    display_name: str | None = None,
    language: str = "nl",
) -> User:
    """Add an admin or an organiser of a city office; without a password they must be invited to set one."""
    email = normalise_email(email)
    city = await session.scalar(select(City).where(City.slug == city_slug))
    if city is None:
        known = ", ".join((await session.scalars(select(City.slug).order_by(City.slug))).all()) or "none yet"
        raise AccountError(f"there is no city {city_slug!r} (known: {known})")
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"{email} already has an account")
    if language not in LANGUAGES:
        raise AccountError(f"{language!r} is not one of the languages {', '.join(LANGUAGES)}")
    user = User(
        email=email,
        display_name=(display_name or email.split("@")[0]).strip()[:120],
        role=role,
        city_id=city.id,
        password_hash=hash_password(password) if password is not None else None,
        language=language,
    )
    session.add(user)
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> Sequence[User]:
    statement = select(User).options(selectinload(User.city)).order_by(User.is_active.desc(), User.email)
    return (await session.scalars(statement)).all()


def _key(secret_key: str, kind: str, value: str) -> str:
    return hmac.new(secret_key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


async def _throttled_for(
    session: AsyncSession, account_key: str, address_key: str, now: dt.datetime
) -> dt.timedelta | None:
    since = now - FAILURE_WINDOW
    counts = (
        await session.execute(
            select(
                func.count().filter(LoginFailure.account_key == account_key),
                func.count().filter(LoginFailure.address_key == address_key),
                func.min(LoginFailure.at),
            ).where(
                LoginFailure.at > since,
                (LoginFailure.account_key == account_key) | (LoginFailure.address_key == address_key),
            )
        )
    ).one()
    if counts[0] >= FAILURES_PER_ACCOUNT or counts[1] >= FAILURES_PER_ADDRESS:
        return max(counts[2] + FAILURE_WINDOW - now, dt.timedelta(minutes=1))
    return None


async def sign_in(
    session: AsyncSession, *, email: str, password: str, address: str, secret_key: str, now: dt.datetime
) -> SignedIn:
    """Check the password and open a session; failures are counted per account and per client address.

    The caller commits even when this raises SignInFailed, so the failure stays counted."""
    email = email.strip().lower()[:254]
    account_key, address_key = _key(secret_key, "account", email), _key(secret_key, "address", address)
    if (wait := await _throttled_for(session, account_key, address_key, now)) is not None:
        raise SignInThrottled(-(-int(wait.total_seconds()) // 60))
    user = await session.scalar(select(User).where(User.email == email))
    stored = user.password_hash if user is not None and user.is_active and user.password_hash else None
    if not await _verify(stored or _UNKNOWN_ACCOUNT_HASH, password) or stored is None or user is None:
        session.add(LoginFailure(account_key=account_key, address_key=address_key, at=now))
        await session.execute(delete(LoginFailure).where(LoginFailure.at < now - FAILURE_WINDOW))
        await session.flush()
        raise SignInFailed()
    if password_hasher.check_needs_rehash(stored):
        user.password_hash = password_hasher.hash(password)
    await session.execute(delete(LoginFailure).where(LoginFailure.account_key == account_key))
    user.last_login_at = now
    return SignedIn(user, await open_session(session, user, now))


async def open_session(session: AsyncSession, user: User, now: dt.datetime) -> str:
    token, hashed = new_token()
    session.add(
        UserSession(
            token_hash=hashed,
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=min(now + SESSION_IDLE, now + SESSION_LIFETIME),
        )
    )
    await session.flush()
    return token


TOUCH_EVERY = dt.timedelta(minutes=5)


async def user_for_session(session: AsyncSession, token: str, now: dt.datetime) -> tuple[User, int | None] | None:
    """The active user a session token belongs to, and the session's id when its idle timeout should be pushed
    back (see ``touch_session``); an idle or ended session gives None. Reads only."""
    if not looks_like_token(token):
        return None
    row = (
        await session.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == token_hash(token), UserSession.expires_at > now, User.is_active)
            .options(selectinload(User.city))
        )
    ).one_or_none()
    if row is None:
        return None
    user_session, user = row
    # A sliding idle timeout, written at most every few minutes so that reading pages does not write each time.
    return user, user_session.id if now - user_session.last_seen_at > TOUCH_EVERY else None


async def touch_session(session: AsyncSession, session_id: int, now: dt.datetime) -> None:
    row = await session.get(UserSession, session_id)
    if row is not None:
        row.last_seen_at = now
        row.expires_at = min(now + SESSION_IDLE, row.created_at + SESSION_LIFETIME)


async def sign_out(session: AsyncSession, token: str) -> None:
    await session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


async def issue_link(session: AsyncSession, user: User, purpose: LinkPurpose, now: dt.datetime) -> str:
    """A new single-use link; earlier unused links of the same purpose stop working."""
    await session.execute(
        delete(AccountLink).where(
            AccountLink.user_id == user.id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None)
        )
    )
    token, hashed = new_token()
    session.add(
        AccountLink(
            token_hash=hashed, user_id=user.id, purpose=purpose, created_at=now, expires_at=now + LINK_VALID[purpose]
        )
    )
    await session.flush()
    return token


async def find_link(session: AsyncSession, token: str, purpose: LinkPurpose, now: dt.datetime) -> AccountLink:
    if not looks_like_token(token):
        raise NotFound()
    link = await session.scalar(
        select(AccountLink).where(AccountLink.token_hash == token_hash(token), AccountLink.purpose == purpose)
    )
    if link is None:
        raise NotFound()
    if link.used_at is not None or link.expires_at <= now:
        raise LinkExpired()
    return link


async def set_password_with_link(
    session: AsyncSession, token: str, purpose: LinkPurpose, password: str, repeated: str, now: dt.datetime
) -> SignedIn:
    """Use an invitation or reset link: set the password, end every other session, and sign in."""
    link = await find_link(session, token, purpose, now)
    check_new_password(password, repeated)
    user = await session.get(User, link.user_id, options=[selectinload(User.city)])
    if user is None or not user.is_active:
        raise LinkExpired()
    # Marking the link used is conditional, so two tabs sending the same link cannot both use it.
    used = await session.execute(
        update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None)).values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkExpired()
    user.password_hash = await anyio.to_thread.run_sync(password_hasher.hash, password)
    user.last_login_at = now
    await session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    await record(
        session,
        Actor(user.id, "web"),
        "user.password_set" if purpose is LinkPurpose.INVITATION else "user.password_reset",
        entity_type="user",
        entity_id=user.id,
        now=now,
    )
    return SignedIn(user, await open_session(session, user, now))


async def deactivate(session: AsyncSession, user: User, actor: Actor, now: dt.datetime) -> None:
    """Someone who left: their sessions end and their API tokens stop working at once."""
    if not user.is_active:
        return
    user.is_active = False
    user.updated_at = now
    await session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    await session.execute(delete(AccountLink).where(AccountLink.user_id == user.id))
    await session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    await record(
        session,
        actor,
        "user.deactivated",
        entity_type="user",
        entity_id=user.id,
        now=now,
        changes={"active": [True, False]},
    )


async def reactivate(session: AsyncSession, user: User, actor: Actor, now: dt.datetime) -> None:
    if user.is_active:
        return
    user.is_active = True
    user.updated_at = now
    await record(
        session,
        actor,
        "user.reactivated",
        entity_type="user",
        entity_id=user.id,
        now=now,
        changes={"active": [False, True]},
    )


async def create_api_token(
    session: AsyncSession, user: User, *, name: str, days: int, now: dt.datetime, actor: Actor
) -> tuple[ApiToken, str]:
    """A new personal API token; the token itself is returned once and never stored."""
    token, hashed = new_token()
    token = f"stb_{token}"
    row = ApiToken(
        token_hash=token_hash(token),
        user_id=user.id,
        name=name.strip()[:100] or "API",
        prefix=token[:10],
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "api_token.created",
        entity_type="api_token",
        entity_id=row.id,
        now=now,
        changes={"name": [None, row.name], "expires_at": [None, row.expires_at]},
    )
    return row, token


async def list_api_tokens(session: AsyncSession, user: User) -> Sequence[ApiToken]:
    statement = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    return (await session.scalars(statement)).all()


async def revoke_api_token(session: AsyncSession, user: User, token_id: int, *, now: dt.datetime, actor: Actor) -> None:
    row = await session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound()
    if row.revoked_at is None:
        row.revoked_at = now
        await record(session, actor, "api_token.revoked", entity_type="api_token", entity_id=row.id, now=now)


async def user_for_api_token(session: AsyncSession, token: str, now: dt.datetime) -> tuple[User, int | None] | None:
    """The active user of a valid, unexpired, unrevoked token, and the token's id when its last use should be
    written (see ``touch_api_token``). Reads only."""
    if not token.startswith("stb_") or not looks_like_token(token[4:]):
        return None
    row = (
        await session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(
                ApiToken.token_hash == token_hash(token),
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
                User.is_active,
            )
            .options(selectinload(User.city))
        )
    ).one_or_none()
    if row is None:
        return None
    api_token, user = row
    stale = api_token.last_used_at is None or now - api_token.last_used_at > TOUCH_EVERY
    return user, api_token.id if stale else None


async def touch_api_token(session: AsyncSession, token_id: int, now: dt.datetime) -> None:
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
