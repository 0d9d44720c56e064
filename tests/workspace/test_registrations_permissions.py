"""Every registration, message and check-in route and API call, tried from the outside: as an anonymous visitor,
an organiser of the other office, an organiser of a co-organising office, and an admin; with guessed slugs and
registration numbers of other events and other offices."""

from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select

from events.accounts.models import Role
from events.accounts.service import create_api_token
from events.audit.models import AuditEntry
from events.audit.service import SYSTEM
from events.catalog.models import EventCoOrganiser
from events.catalog.service import delete_event
from events.registrations.check_in_codes import check_in_code
from events.registrations.models import Registration, RegistrationStatus
from events.registrations.organising import approve_or_decline
from tests.conftest import NOW
from tests.workspace.helpers import csrf_of, make_user, sign_in
from tests.workspace.registration_helpers import CONTEXT, SECRET, sign_up, weert_event, yuhang_event

ROLES = ("anonymous", "other_office", "co_organiser", "admin")
ALLOWED = {"co_organiser", "admin"}


async def weert_world(session, *, co_organised: bool):
    """A Weert event (the Yuhang office co-organises it when told) with a registration in every state: two
    places, both confirmed; a delegation of two waiting; two awaiting approval."""
    event = await weert_event(session, approval_required=True, capacity=2)
    people = {
        "confirmed": await sign_up(session, event, 1),
        "door": await sign_up(session, event, 2),
        "waiting": await sign_up(session, event, 3, seats=2),
        "pending": await sign_up(session, event, 4),
        "declinable": await sign_up(session, event, 5),
    }
    for name in ("confirmed", "door", "waiting"):
        await approve_or_decline(session, people[name].id, CONTEXT, actor=SYSTEM, approve=True)
    if co_organised:
        world = session.info["world"]
        session.add(EventCoOrganiser(event_id=event.id, city_id=world.yuhang.id))
        await session.flush()
    return event, people


async def as_role(client: httpx.AsyncClient, session, role: str) -> None:
    """Sign the client in from Yuhang: an organiser (of the co-organising office or not) or an admin."""
    if role == "anonymous":
        return
    kind = Role.ADMIN if role == "admin" else Role.ORGANISER
    await make_user(session, f"{role}@yuhang.example", role=kind, city="yuhang")
    await sign_in(client, f"{role}@yuhang.example")


def pages(event, people):
    slug, number = event.slug, people["confirmed"].id
    return [
        f"/organiser/events/{slug}/registrations",
        f"/organiser/events/{slug}/registrations?status=pending&q=person",
        f"/organiser/events/{slug}/registrations.csv",
        f"/organiser/events/{slug}/registrations.xlsx",
        f"/organiser/events/{slug}/registrations/{number}",
        f"/organiser/events/{slug}/message",
        f"/organiser/events/{slug}/check-in",
        f"/organiser/check-in/scan?code={quote(check_in_code(SECRET, number), safe='')}",
    ]


def actions(event, people):
    base = f"/organiser/events/{event.slug}/registrations"
    return [
        (f"{base}/{people['pending'].id}/approve", {}),
        (f"{base}/{people['declinable'].id}/decline", {}),
        (f"{base}/{people['confirmed'].id}/cancel", {"message": "Sorry"}),
        # A place came free, too small for the waiting delegation: the organiser lets the approved one in.
        (f"{base}/{people['pending'].id}/promote", {}),
        (f"{base}/{people['door'].id}/seats", {"seats": "1"}),
        (f"{base}/{people['door'].id}/check-in", {}),
        (f"{base}/{people['door'].id}/undo-check-in", {}),
        (
            f"/organiser/events/{event.slug}/message",
            {"group": "active", "step": "preview", "body_en": "Hi", "subject_en": "Hi"},
        ),
    ]


async def statuses(session, event):
    rows = (
        await session.scalars(
            select(Registration).where(Registration.event_id == event.id).execution_options(populate_existing=True)
        )
    ).all()
    return {row.id: (row.status, row.seats, row.checked_in_at) for row in rows}


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_and_action_checks_who_asks(client, session, role):
    event, people = await weert_world(session, co_organised=role == "co_organiser")
    await as_role(client, session, role)
    for url in pages(event, people):
        response = await client.get(url)
        if role == "anonymous":
            assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), url
        elif role in ALLOWED:
            assert response.status_code == 200, url
            assert response.headers["cache-control"] == "no-store"
        else:
            assert response.status_code == 403, url
            assert "Person 1" not in response.text  # nothing of the participants shows
    token = csrf_of((await client.get("/login" if role == "anonymous" else "/organiser/")).text)
    before = await statuses(session, event)
    for url, data in actions(event, people):
        response = await client.post(url, data={**data, "csrf_token": token})
        if role == "anonymous":
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), url
        elif role in ALLOWED:
            assert response.status_code in (200, 303), (url, response.status_code)
        else:
            assert response.status_code == 403, url
    after = await statuses(session, event)
    if role in ALLOWED:
        assert after[people["pending"].id][0] is RegistrationStatus.CONFIRMED
        assert after[people["declinable"].id][0] is RegistrationStatus.DECLINED
        assert after[people["confirmed"].id][0] is RegistrationStatus.CANCELLED
        assert after[people["waiting"].id][0] is RegistrationStatus.WAITLISTED
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("registration.")))).all()
        assert {entry.via for entry in entries} == {"web", "system"}
    else:
        assert after == before  # nothing changed at all


@pytest.mark.parametrize("role", ("other_office", "co_organiser", "admin"))
async def test_the_check_in_list_offers_only_events_the_user_manages(client, session, role):
    event, _ = await weert_world(session, co_organised=role == "co_organiser")
    theirs = await yuhang_event(session)
    await as_role(client, session, role)
    page = await client.get("/organiser/check-in")
    assert page.status_code == 200
    assert (f"/organiser/events/{event.slug}/check-in" in page.text) is (role in ALLOWED)
    assert f"/organiser/events/{theirs.slug}/check-in" in page.text  # their own office's event


async def test_anonymous_visitors_are_sent_to_sign_in_for_the_check_in_pages(client, session):
    await weert_event(session)
    for url in ("/organiser/check-in", "/organiser/check-in/scan?code=1.abc"):
        response = await client.get(url)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=" + quote(url, safe="")


async def test_guessed_slugs_and_numbers_of_other_events_are_not_found(client, session):
    event, people = await weert_world(session, co_organised=False)
    mine = await weert_event(session)
    other_office = await yuhang_event(session)
    theirs = await sign_up(session, other_office, 9)
    gone = await weert_event(session)
    gone_registration = await sign_up(session, gone, 8)
    await delete_event(session, gone, now=NOW)
    await make_user(session, "anna@weert.example", city="weert")
    await sign_in(client, "anna@weert.example")
    token = csrf_of((await client.get("/organiser/")).text)
    guesses = [
        f"/organiser/events/{mine.slug}/registrations/{people['confirmed'].id}",  # another event of the office
        f"/organiser/events/{mine.slug}/registrations/{theirs.id}",  # another office's registration
        "/organiser/events/no-such-event/registrations",
        f"/organiser/events/{gone.slug}/registrations",
        f"/organiser/events/{gone.slug}/registrations/{gone_registration.id}",
        f"/organiser/events/{mine.slug}/registrations/999999",
    ]
    for url in guesses:
        assert (await client.get(url)).status_code == 404, url
        if "/registrations/" in url:
            assert (await client.post(url + "/check-in", data={"csrf_token": token})).status_code == 404, url
    assert (await client.get(f"/organiser/events/{other_office.slug}/registrations")).status_code == 403
    gone_code = quote(check_in_code(SECRET, gone_registration.id), safe="")
    assert (await client.get(f"/organiser/check-in/scan?code={gone_code}")).status_code == 404
    for registration in (people["confirmed"], theirs, gone_registration):
        stored = await session.get(Registration, registration.id, populate_existing=True)
        assert stored.checked_in_at is None


async def api_token(session, role: str) -> str | None:
    if role == "anonymous":
        return None
    kind = Role.ADMIN if role == "admin" else Role.ORGANISER
    user = await make_user(session, f"{role}@yuhang.example", role=kind, city="yuhang")
    _, token = await create_api_token(session, user, name="test", days=30, now=NOW, actor=SYSTEM)
    return token


@pytest.mark.parametrize("role", ROLES)
async def test_every_api_call_checks_the_token_and_the_office(client, session, role):
    event, people = await weert_world(session, co_organised=role == "co_organiser")
    token = await api_token(session, role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    base = f"/api/v1/events/{event.slug}/registrations"
    calls = [
        ("GET", base, None),
        ("POST", f"{base}/{people['pending'].id}/approve", None),
        ("POST", f"{base}/{people['declinable'].id}/decline", None),
        ("POST", f"{base}/{people['door'].id}/check-in", None),
        ("POST", f"{base}/{people['confirmed'].id}/cancel", {"message": "Sorry"}),
    ]
    before = await statuses(session, event)
    for method, url, body in calls:
        response = await client.request(method, url, headers=headers, json=body)
        if role == "anonymous":
            assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer"), url
            assert response.headers["content-type"] == "application/problem+json"
        elif role in ALLOWED:
            assert response.status_code == 200, (url, response.text)
        else:
            assert response.status_code == 403 and response.json()["type"].endswith("/problems/forbidden"), url
            assert response.headers["content-type"] == "application/problem+json"
    if role not in ALLOWED:
        assert await statuses(session, event) == before
    wrong_token = await client.get(base, headers={"Authorization": "Bearer stb_not-a-token"})
    assert wrong_token.status_code == 401


async def test_the_api_does_not_find_guessed_numbers_or_slugs(client, session):
    event, people = await weert_world(session, co_organised=False)
    mine = await weert_event(session)
    token = await api_token(session, "admin")
    headers = {"Authorization": f"Bearer {token}"}
    for url in (
        f"/api/v1/events/{mine.slug}/registrations/{people['door'].id}/check-in",  # a number of another event
        f"/api/v1/events/{event.slug}/registrations/999999/check-in",
        f"/api/v1/events/{event.slug}/registrations/abc/check-in",
        "/api/v1/events/no-such-event/registrations/1/approve",
    ):
        response = await client.post(url, headers=headers)
        assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json", url
    assert (await client.get("/api/v1/events/no-such-event/registrations", headers=headers)).status_code == 404
    stored = await session.get(Registration, people["door"].id, populate_existing=True)
    assert stored.checked_in_at is None


async def test_numbers_beyond_any_registration_are_not_found(client, session):
    event, _ = await weert_world(session, co_organised=False)
    token = await api_token(session, "admin")
    await sign_in(client, "admin@yuhang.example")
    for number in ("2147483648", "99999999999999999999", "0"):
        response = await client.get(f"/organiser/events/{event.slug}/registrations/{number}")
        assert response.status_code == 404, number
    response = await client.post(
        f"/api/v1/events/{event.slug}/registrations/99999999999/check-in", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404
