"""The audit log: the database keeps it append-only; admins read and filter it page by page; whoever manages an event
reads that event's history; nothing on these pages can change anything."""

import datetime as dt
import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from events.accounts.models import Role
from events.audit.models import AuditEntry
from events.audit.service import SYSTEM, Actor, record
from events.catalog.models import EventCoOrganiser
from events.clocks import format_moment
from tests.conftest import NOW
from tests.databases import database_url_for_tests, is_postgresql
from tests.factories import make_event
from tests.workspace.helpers import make_user, sign_in, world_of


async def log(session, actor, action, *, at=NOW, entity_type="event", entity_id="x", event_id=None, changes=None):
    return await record(
        session,
        actor,
        action,
        entity_type=entity_type,
        entity_id=entity_id,
        now=at,
        event_id=event_id,
        changes=changes,
    )


def main_of(page: str) -> str:
    return page.split('<main id="main"')[1].split("</main>")[0]


def entry_ids(page: str) -> list[int]:
    return [int(number) for number in re.findall(r'<li class="audit-entry" id="entry-(\d+)">', page)]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entries SET action = 'event.nothing'", "DELETE FROM audit_entries", "TRUNCATE audit_entries"],
)
async def test_the_database_refuses_to_change_or_delete_an_entry(session, statement):
    if statement.startswith("TRUNCATE") and not is_postgresql(database_url_for_tests()):
        pytest.skip("SQLite has no TRUNCATE")
    entry = await log(session, SYSTEM, "event.updated", changes={"capacity": [10, 20]})
    with pytest.raises(DBAPIError, match="the audit log cannot be changed"):
        async with session.begin_nested():
            await session.execute(text(statement))
    with pytest.raises(DBAPIError, match="the audit log cannot be changed"):
        async with session.begin_nested():
            await session.delete(entry)
            await session.flush()
    session.expunge_all()
    kept = await session.scalar(select(AuditEntry).where(AuditEntry.id == entry.id))
    assert kept.action == "event.updated" and kept.changes == {"capacity": [10, 20]}


async def people(session):
    admin = await make_user(session, "admin@weert.nl", role=Role.ADMIN, language="en", display_name="Ada Admin")
    anna = await make_user(session, "anna@weert.nl", language="en", display_name="Anna Organiser")
    return admin, anna


async def test_an_admin_reads_every_change_newest_first_in_words(client, session):
    admin, anna = await people(session)
    world = await world_of(session)
    event = await make_event(session, world, title="Tea day", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    await log(session, SYSTEM, "event.updated", event_id=event.id, entity_id=event.id, changes={"capacity": [10, 20]})
    await log(session, Actor(None, "cli"), "feed_source.added", entity_type="feed_source", entity_id=3)
    await log(
        session,
        Actor(anna.id, "web"),
        "registration.approved",
        entity_type="registration",
        entity_id=42,
        event_id=event.id,
        changes={"status": ["pending", "confirmed"], "confirmed_at": [None, NOW.isoformat()], "paid": [False, True]},
    )
    await log(session, Actor(admin.id, "api"), "something.new", entity_type="gadget", entity_id=7)
    await sign_in(client, "admin@weert.nl")
    page = await client.get("/organiser/audit?lang=en")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = main_of(page.text)
    ids = entry_ids(html)
    assert ids == sorted(ids, reverse=True) and len(ids) == 4
    newest, approval, cli, system = html.split('<li class="audit-entry"')[1:]
    assert "something.new" in newest and "Gadget" not in newest and "gadget" in newest  # unknown codes as they are
    assert "by Ada Admin" in newest and "admin@weert.nl" in newest and "via API" in newest
    assert "Registration approved" in approval and "by Anna Organiser" in approval and "anna@weert.nl" in approval
    assert "Registration <code>42</code>" in approval
    assert 'href="/organiser/events/tea-day/history"' in approval
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", approval.split("<tbody>")[1]))
    assert "status pending confirmed" in cells
    assert f"confirmed_at (empty) {format_moment(NOW, 'Europe/Amsterdam', 'en')}" in cells  # on the office clock
    assert "paid no yes" in cells
    assert "by command line" in cli and "Feed source added" in cli
    assert "by system" in system and "Event changed" in system
    assert format_moment(NOW, "Europe/Amsterdam", "en") in system
    # Read only: the only form is the filter, and it is sent with GET.
    assert re.findall(r'<form method="(\w+)"', html) == ["get"]


async def test_filters_narrow_the_log(client, session):
    admin, anna = await people(session)
    world = await world_of(session)
    tea = await make_event(session, world, title="Tea day", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    other = await make_event(session, world, title="Other day", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    day = dt.timedelta(days=1)
    ids = {
        "tea": (await log(session, Actor(anna.id, "web"), "event.updated", event_id=tea.id, at=NOW - 3 * day)).id,
        "other": (await log(session, Actor(admin.id, "web"), "event.updated", event_id=other.id, at=NOW - day)).id,
        "user": (await log(session, Actor(admin.id, "web"), "user.invited", entity_type="user", at=NOW)).id,
        "system": (await log(session, SYSTEM, "registration.promoted", entity_type="registration", at=NOW)).id,
        "cli": (await log(session, Actor(None, "cli"), "feed_source.removed", entity_type="feed_source")).id,
    }
    await sign_in(client, "admin@weert.nl")

    async def shown(query: str) -> list[int]:
        page = await client.get(f"/organiser/audit?lang=en&{query}")
        assert page.status_code == 200, page.text
        return entry_ids(page.text)

    assert await shown("action=event.updated") == [ids["other"], ids["tea"]]
    assert await shown("entity=user") == [ids["user"]]
    assert await shown(f"user={anna.id}") == [ids["tea"]]
    assert await shown("user=system") == [ids["system"]]
    assert await shown("user=cli") == [ids["cli"]]
    assert await shown("event=tea-day") == [ids["tea"]]
    assert await shown("from=2026-02-27&to=2026-02-27") == [ids["tea"]]  # days on the admin's office clock
    assert await shown(f"from=2026-03-01&user={admin.id}") == [ids["user"], ids["other"]]
    filters = await client.get("/organiser/audit?lang=en")
    assert '<option value="event.updated">Event changed</option>' in filters.text
    assert f'<option value="{anna.id}">Anna Organiser (anna@weert.nl)</option>' in filters.text
    chosen = await client.get("/organiser/audit?lang=en&action=user.invited")
    assert '<option value="user.invited" selected>' in chosen.text

    wrong = await client.get("/organiser/audit?lang=en&from=yesterday&event=no-such-event&user=somebody")
    assert wrong.status_code == 400
    for field in ("from", "event", "user"):
        assert f'id="{field}-error"' in wrong.text
    assert "no-such-event" in wrong.text  # what was typed stays
    backwards = await client.get("/organiser/audit?lang=en&from=2026-03-02&to=2026-03-01")
    assert backwards.status_code == 400 and 'id="to-error"' in backwards.text


async def test_the_log_pages_by_the_last_entry_shown_keeping_the_filters(client, session):
    await people(session)
    for number in range(120):
        await log(session, SYSTEM, "event.updated", entity_id=number)
    await log(session, SYSTEM, "user.updated", entity_type="user")
    await sign_in(client, "admin@weert.nl")
    first = await client.get("/organiser/audit?action=event.updated")
    ids = entry_ids(first.text)
    assert len(ids) == 50
    older = re.search(r'<a href="([^"]+)" rel="next">', first.text).group(1).replace("&amp;", "&")
    assert older == f"/organiser/audit?action=event.updated&before={ids[-1]}"
    second = await client.get(older)
    more = entry_ids(second.text)
    assert len(more) == 50 and more[0] < ids[-1] and 'href="/organiser/audit?action=event.updated"' in second.text
    third = await client.get(re.search(r'<a href="([^"]+)" rel="next">', second.text).group(1).replace("&amp;", "&"))
    last = entry_ids(third.text)
    assert len(last) == 20 and 'rel="next"' not in third.text
    assert len(set(ids + more + last)) == 120


async def test_only_admins_read_the_whole_log(client, session):
    await people(session)
    anonymous = await client.get("/organiser/audit")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=%2Forganiser%2Faudit"
    await sign_in(client, "anna@weert.nl")
    assert (await client.get("/organiser/audit")).status_code == 403
    assert (await client.get("/organiser/audit?action=user.updated")).status_code == 403


async def test_whoever_manages_an_event_reads_its_history(client, session, app):
    import httpx

    admin, anna = await people(session)
    await make_user(session, "li@yuhang.gov.cn", city="yuhang", language="en")
    world = await world_of(session)
    tea = await make_event(session, world, title="Tea day", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    joint = await make_event(session, world, title="Joint day", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    session.add(EventCoOrganiser(event_id=joint.id, city_id=world.yuhang.id))
    mine = await log(session, Actor(anna.id, "web"), "event.updated", event_id=tea.id, changes={"capacity": [None, 30]})
    other = await log(session, Actor(anna.id, "web"), "event.updated", event_id=joint.id)
    await session.flush()

    await sign_in(client, "anna@weert.nl")
    page = await client.get("/organiser/events/tea-day/history?lang=en")
    assert page.status_code == 200 and entry_ids(page.text) == [mine.id]
    assert "Tea day" in page.text and re.findall(r'<form method="(\w+)"', main_of(page.text)) == []
    assert (await client.get("/organiser/events/no-such-event/history")).status_code == 404

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as yuhang:
        assert (await yuhang.get("/organiser/events/tea-day/history")).status_code == 303  # anonymous: sign in
        await sign_in(yuhang, "li@yuhang.gov.cn")
        assert (await yuhang.get("/organiser/events/tea-day/history")).status_code == 403  # another office's
        shared = await yuhang.get("/organiser/events/joint-day/history")
        assert shared.status_code == 200 and entry_ids(shared.text) == [other.id]  # a co-organiser's
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as admins:
        await sign_in(admins, "admin@weert.nl")
        assert entry_ids((await admins.get("/organiser/events/joint-day/history")).text) == [other.id]


async def test_a_deactivated_account_or_a_forged_cookie_reads_nothing(client, session, app):
    import httpx

    from events.accounts.service import deactivate

    admin, _ = await people(session)
    world = await world_of(session)
    await make_event(session, world, title="Tea day", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    await sign_in(client, "admin@weert.nl")
    assert (await client.get("/organiser/audit")).status_code == 200
    await deactivate(session, admin, SYSTEM, NOW)  # an admin who left: the old session no longer works
    for path in ("/organiser/", "/organiser/audit", "/organiser/events/tea-day/history", "/organiser/feeds"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as forger:
        forger.cookies.set("session", "made-up.signature", domain="testserver")
        assert (await forger.get("/organiser/audit")).status_code == 303
