"""Signing in and out, throttling, password resets, invitations, deactivation and API tokens, through the pages."""

import datetime as dt
import re

import httpx
from sqlalchemy import func, select

from events.accounts.models import ApiToken, LoginFailure, Role, User, UserSession
from events.accounts.service import user_for_api_token, user_for_session
from events.audit.models import AuditEntry
from events.mail.models import OutboxMessage
from tests.conftest import NOW
from tests.workspace.helpers import PASSWORD, csrf_of, make_user, post_form, sign_in


async def count(session, model, *where):
    return await session.scalar(select(func.count()).select_from(model).where(*where))


async def mails(session, kind):
    statement = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return (await session.scalars(statement)).all()


def link_in(message, path):
    return re.search(rf"https://stedenband.test(/{path}/[A-Za-z0-9_-]+)", message.text_body).group(1)


async def test_an_anonymous_visitor_is_sent_to_sign_in_and_comes_back(client, session):
    await make_user(session)
    response = await client.get("/organiser/users?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Forganiser%2Fusers%3Fx%3D1"
    page = await client.get(response.headers["location"])
    assert 'name="next" value="/organiser/users?x=1"' in page.text
    assert page.headers["cache-control"] == "no-store"
    signed_in = await client.post(
        "/login",
        data={"email": "ANNA@weert.nl ", "password": PASSWORD, "next": "/organiser/", "csrf_token": csrf_of(page.text)},
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/organiser/"
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    dashboard = await client.get("/organiser/")
    assert dashboard.status_code == 200 and "anna" in dashboard.text
    assert dashboard.headers["x-robots-tag"] == "noindex"


async def test_sign_in_needs_a_csrf_token_and_never_redirects_elsewhere(client, session):
    await make_user(session)
    await client.get("/login")  # the browser has its CSRF cookie
    refused = await client.post("/login", data={"email": "anna@weert.nl", "password": PASSWORD})
    assert refused.status_code == 403 and await count(session, UserSession) == 0
    page = (await client.get("/login")).text
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = await client.post(
            "/login",
            data={"email": "anna@weert.nl", "password": PASSWORD, "next": target, "csrf_token": csrf_of(page)},
        )
        assert response.headers["location"] == "/organiser/"


async def test_a_wrong_password_says_so_and_is_counted(client, session):
    await make_user(session)
    page = (await client.get("/login?lang=en")).text
    response = await client.post(
        "/login", data={"email": "anna@weert.nl", "password": "wrong password!", "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 400
    assert "The e-mail address or the password is not right" in response.text
    assert 'value="anna@weert.nl"' in response.text and "wrong password!" not in response.text
    assert await count(session, LoginFailure) == 1
    unknown = await client.post(
        "/login", data={"email": "nobody@weert.nl", "password": "x", "csrf_token": csrf_of(page)}
    )
    assert unknown.status_code == 400 and "not right" in unknown.text  # the same answer: no account is revealed


async def test_repeated_failures_lock_the_account_for_a_while(client, session, app):
    await make_user(session)
    page = (await client.get("/login?lang=en")).text
    for _ in range(5):
        await client.post("/login", data={"email": "anna@weert.nl", "password": "nope", "csrf_token": csrf_of(page)})
    locked = await client.post(
        "/login", data={"email": "anna@weert.nl", "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert int(locked.headers["retry-after"]) > 0
    app.state.clock = lambda: NOW + dt.timedelta(minutes=16)
    await sign_in(client, "anna@weert.nl")


async def test_many_failures_from_one_address_slow_it_down_whatever_the_account(client, session):
    await make_user(session)
    page = (await client.get("/login")).text
    for number in range(20):
        await client.post(
            "/login", data={"email": f"guess{number}@weert.nl", "password": "x", "csrf_token": csrf_of(page)}
        )
    refused = await client.post(
        "/login", data={"email": "anna@weert.nl", "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert refused.status_code == 429


async def test_signing_out_ends_the_session(client, session):
    await make_user(session)
    await sign_in(client, "anna@weert.nl")
    response = await post_form(client, "/organiser/", "/logout", {})
    assert response.status_code == 303 and "Max-Age=0" in response.headers["set-cookie"]
    assert await count(session, UserSession) == 0
    assert (await client.get("/organiser/")).status_code == 303


async def test_a_forged_or_foreign_cookie_is_no_session(client, session):
    await make_user(session)
    client.cookies.set("session", "abc.def", domain="testserver")
    assert (await client.get("/organiser/")).status_code == 303


async def test_sessions_end_after_being_idle(client, session, app):
    await make_user(session)
    await sign_in(client, "anna@weert.nl")
    app.state.clock = lambda: NOW + dt.timedelta(hours=11)
    assert (await client.get("/organiser/")).status_code == 200  # activity pushes the idle timeout back
    app.state.clock = lambda: NOW + dt.timedelta(hours=22)
    assert (await client.get("/organiser/")).status_code == 200
    app.state.clock = lambda: NOW + dt.timedelta(hours=35)
    assert (await client.get("/organiser/")).status_code == 303


async def test_password_reset_by_a_single_use_link_that_expires(client, session, app):
    user = await make_user(session, language="en")
    await sign_in(client, "anna@weert.nl")  # a session elsewhere, which the reset ends
    other = [row.token_hash for row in (await session.scalars(select(UserSession))).all()]
    page = (await client.get("/password/forgot?lang=en")).text
    for email in ("nobody@weert.nl", "anna@weert.nl"):
        answer = await client.post("/password/forgot", data={"email": email, "csrf_token": csrf_of(page)})
        assert answer.status_code == 200 and "If this address has an account" in answer.text
    [mail] = await mails(session, "password_reset")
    assert mail.to_address == "anna@weert.nl" and mail.subject == "Reset your Stedenband password"
    link = link_in(mail, "password/reset")
    form = await client.get(link)
    assert form.status_code == 200 and form.headers["referrer-policy"] == "no-referrer"
    mismatch = await client.post(
        link, data={"password": "a long new password", "password_again": "another", "csrf_token": csrf_of(form.text)}
    )
    assert mismatch.status_code == 422 and 'id="password_again-error"' in mismatch.text
    done = await client.post(
        link,
        data={
            "password": "a long new password",
            "password_again": "a long new password",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/organiser/")
    remaining = [row.token_hash for row in (await session.scalars(select(UserSession))).all()]
    assert not set(other) & set(remaining)  # every earlier session has ended
    assert (await client.get(link)).status_code == 410  # used
    await session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    assert await count(session, AuditEntry, AuditEntry.action == "user.password_reset") == 1

    answer = await client.post("/password/forgot", data={"email": "anna@weert.nl", "csrf_token": csrf_of(page)})
    late = link_in((await mails(session, "password_reset"))[-1], "password/reset")
    app.state.clock = lambda: NOW + dt.timedelta(minutes=61)
    assert (await client.get(late)).status_code == 410
    assert (await client.get("/password/reset/" + "x" * 43)).status_code == 404


async def test_an_admin_invites_an_organiser_who_chooses_a_password(client, session):
    await make_user(session, "admin@weert.nl", role=Role.ADMIN)
    await sign_in(client, "admin@weert.nl")
    bad = await post_form(
        client,
        "/organiser/users/new",
        "/organiser/users",
        {"email": "not an address", "display_name": "", "role": "boss", "city": "yuhang", "language": "zh"},
    )
    assert bad.status_code == 422
    for field in ("email", "display_name", "role"):
        assert f'id="{field}-error"' in bad.text
    response = await post_form(
        client,
        "/organiser/users/new",
        "/organiser/users",
        {"email": "li@yuhang.gov.cn", "display_name": "Li Na", "role": "organiser", "city": "yuhang", "language": "zh"},
    )
    assert response.status_code == 303
    [mail] = await mails(session, "invitation")
    assert mail.to_address == "li@yuhang.gov.cn" and mail.language == "zh"
    invitee = await session.scalar(select(User).where(User.email == "li@yuhang.gov.cn"))
    assert invitee.password_hash is None
    link = link_in(mail, "invitation")
    await post_form(client, "/organiser/", "/logout", {})
    form = await client.get(link)
    done = await client.post(
        link,
        data={
            "password": "长城很长很长很长很长很长很长",
            "password_again": "长城很长很长很长很长很长很长",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert done.status_code == 303
    assert (await client.get("/organiser/")).status_code == 200
    assert (await client.get("/organiser/users")).status_code == 403  # organisers do not manage users
    actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions == ["user.invited", "user.password_set"]


async def test_deactivating_ends_sessions_and_api_tokens_at_once(client, session, app):
    from events.accounts.service import create_api_token
    from events.audit.service import SYSTEM

    admin = await make_user(session, "admin@weert.nl", role=Role.ADMIN)
    leaver = await make_user(session, "leaver@weert.nl")
    _, token = await create_api_token(session, leaver, name="agenda", days=30, now=NOW, actor=SYSTEM)
    # The leaver signs in with a browser of their own.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as theirs:
        await sign_in(theirs, "leaver@weert.nl")
        assert (await theirs.get("/organiser/")).status_code == 200
        await sign_in(client, "admin@weert.nl")
        response = await post_form(client, "/organiser/users", f"/organiser/users/{leaver.id}/deactivate", {})
        assert response.status_code == 303
        assert (await theirs.get("/organiser/")).status_code == 303
        page = (await theirs.get("/login")).text
        again = await theirs.post(
            "/login", data={"email": "leaver@weert.nl", "password": PASSWORD, "csrf_token": csrf_of(page)}
        )
        assert again.status_code == 400
    assert await user_for_api_token(session, token, NOW) is None
    assert await count(session, UserSession, UserSession.user_id == leaver.id) == 0
    own = await post_form(client, "/organiser/users", f"/organiser/users/{admin.id}/deactivate", {})
    assert own.status_code == 403  # an admin cannot lock themselves out


async def test_api_tokens_are_shown_once_stored_hashed_and_revocable(client, session):
    user = await make_user(session)
    await sign_in(client, "anna@weert.nl")
    created = await post_form(client, "/organiser/tokens", "/organiser/tokens", {"name": "City agenda", "days": "90"})
    assert created.status_code == 200
    token = re.search(r'id="new-token"[^>]*value="(stb_[A-Za-z0-9_-]+)"', created.text).group(1)
    row = await session.scalar(select(ApiToken))
    assert row.token_hash != token and token not in row.token_hash and row.prefix == token[:10]
    found, _ = await user_for_api_token(session, token, NOW)
    assert found.id == user.id
    listing = await client.get("/organiser/tokens")
    assert token not in listing.text and row.prefix in listing.text
    revoked = await post_form(client, "/organiser/tokens", f"/organiser/tokens/{row.id}/revoke", {})
    assert revoked.status_code == 303
    assert await user_for_api_token(session, token, NOW) is None
    assert await user_for_session(session, "x", NOW) is None
