"""Check-in at the door: codes in mail and on the manage page, the phone page, scanning, refusing a second
check-in with the time of the first, and two organisers scanning the same code at the same moment."""

import asyncio
import datetime as dt
import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from events.audit.models import AuditEntry
from events.audit.service import SYSTEM
from events.database import create_engine, make_sessionmaker
from events.mail.transport import SMTPTransport, build_email
from events.registrations.check_in_codes import check_in_code, code_in, registration_id_of, scan_url
from events.registrations.models import Registration, RegistrationStatus
from events.registrations.organising import AlreadyCheckedIn, check_in
from tests.conftest import NOW
from tests.registrations.committed import committed_event, writer
from tests.smtp import SMTPServer, body_text
from tests.workspace.helpers import csrf_of
from tests.workspace.registration_helpers import (
    CONTEXT,
    DE_WIT,
    LI,
    SECRET,
    audit_entries,
    mails,
    organiser,
    post_action,
    reload,
    sign_up,
    text_of,
    weert_event,
    yuhang_event,
)


def test_codes_are_signed_and_carry_only_the_number():
    code = check_in_code(SECRET, 42)
    assert code.startswith("42.") and registration_id_of(SECRET, code) == 42
    assert registration_id_of(SECRET, f" {code}\n") == 42  # as pasted
    assert registration_id_of(SECRET, "43" + code[2:]) is None  # another number with this signature
    assert registration_id_of("another-secret", code) is None
    assert registration_id_of(SECRET, "42") is None and registration_id_of(SECRET, "x" * 500) is None
    url = scan_url("https://stedenband.test", code)
    assert url == f"https://stedenband.test/organiser/check-in/scan?code={quote(code, safe='')}"
    assert code_in(url) == code and code_in(code) == code


async def test_a_confirmed_participant_has_a_qr_code_on_the_manage_page_and_in_mail(client, session):
    event = await weert_event(session, capacity=1)
    page = await client.get(f"/events/{event.slug}/register?lang=en")
    data = {"name": "李娜", "email": "li.na@example.cn", "home_city": "yuhang", "language": "zh", "consent": "yes"}
    response = await client.post(f"/events/{event.slug}/register", data={**data, "csrf_token": csrf_of(page.text)})
    manage = await client.get(response.headers["location"] + "&lang=en")
    [registration] = (await session.scalars(select(Registration))).all()
    code = check_in_code(SECRET, registration.id)
    assert "Your check-in code" in manage.text and "<svg" in manage.text and code in manage.text
    [mail] = await mails(session, "confirmed")
    assert mail.qr_code == scan_url("https://stedenband.test", code)
    again = await client.post(f"/events/{event.slug}/register", data={**data, "csrf_token": csrf_of(page.text)})
    assert again.status_code == 200  # registered already: the manage link is mailed again, with the code
    [manage_link] = await mails(session, "manage_link")
    assert manage_link.qr_code == mail.qr_code

    waiting = await sign_up(session, event, 2, **DE_WIT)
    assert waiting.status is RegistrationStatus.WAITLISTED
    [waitlisted_mail] = await mails(session, "waitlisted")
    assert waitlisted_mail.qr_code is None  # no code before a place is certain


async def test_the_mail_carries_the_qr_code_as_an_inline_image_over_real_smtp(client, session):
    event = await weert_event(session)
    registration = await sign_up(session, event, 1, **LI)
    [row] = await mails(session, "confirmed")
    code = check_in_code(SECRET, registration.id)
    with SMTPServer() as server:
        await SMTPTransport(server.url).deliver(build_email(row, sender="Stedenband <noreply@stedenband.test>"), row)
        [received] = server.inbox.wait_for(1)
    related = [part for part in received.walk() if part.get_content_type() == "multipart/related"]
    assert len(related) == 1
    html, image = related[0].iter_parts()
    assert html.get_content_type() == "text/html" and image.get_content_type() == "image/png"
    content_id = image["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in html.get_content()
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert code in body_text(received)  # the plain text has the code to read out or type
    assert code in html.get_content()
    assert any(part.get_content_type() == "text/calendar" for part in received.walk())  # the invitation stays


async def test_the_door_page_counts_finds_and_checks_in(client, session, app):
    event = await weert_event(session)
    li = await sign_up(session, event, 1, **LI, seats=2, members=["王芳"])
    await sign_up(session, event, 2, **DE_WIT)
    await organiser(client, session)
    desk = await client.get(f"/organiser/events/{event.slug}/check-in?lang=en")
    assert desk.status_code == 200
    assert "0 of 3 people checked in" in text_of(desk.text)
    assert 'src="/static/checkin.js' in desk.text and "<script>" not in desk.text  # no inline script
    found = await client.get(f"/organiser/events/{event.slug}/check-in", params={"q": "王芳", "lang": "en"})
    assert "李娜" in found.text and "Joëlle" not in found.text
    form = re.search(r'action="(/organiser/events/[^"]+/check-in)">.*?name="next" value="([^"]+)"', found.text, re.S)
    assert form.group(1) == f"/organiser/events/{event.slug}/registrations/{li.id}/check-in"
    app.state.clock = lambda: NOW + dt.timedelta(minutes=42)
    response = await client.post(
        form.group(1), data={"csrf_token": csrf_of(found.text), "next": form.group(2).replace("&amp;", "&")}
    )
    assert response.status_code == 303
    back = f"/organiser/events/{event.slug}/check-in?q=%E7%8E%8B%E8%8A%B3&done=checked_in"
    assert response.headers["location"] == back  # back to the search, which stays
    after = await client.get(f"/organiser/events/{event.slug}/check-in?lang=en")
    assert "2 of 3 people checked in" in text_of(after.text) and "1 of 2 registrations" in text_of(after.text)
    assert "Checked in at Mon, 2 March 2026 10:42" in text_of(after.text)  # on the event's clock (Weert)
    assert (await reload(session, li)).checked_in_at == NOW + dt.timedelta(minutes=42)


async def test_checking_in_twice_is_refused_with_the_time_of_the_first(client, session, app):
    event = await weert_event(session)
    registration = await sign_up(session, event, 1)
    await organiser(client, session)
    assert (await post_action(client, event, registration.id, "check-in")).status_code == 303
    app.state.clock = lambda: NOW + dt.timedelta(hours=1)
    again = await post_action(client, event, registration.id, "check-in")
    assert again.status_code == 409
    assert "checked in at Mon, 2 March 2026 10:00" in text_of(again.text)
    assert (await reload(session, registration)).checked_in_at == NOW
    assert len(await audit_entries(session, "registration.checked_in")) == 1
    undone = await post_action(client, event, registration.id, "undo-check-in")
    assert undone.status_code == 303 and (await reload(session, registration)).checked_in_at is None
    [entry] = await audit_entries(session, "registration.check_in_undone")
    assert entry.changes == {"checked_in_at": [NOW.isoformat(), None]}


async def test_only_confirmed_registrations_are_checked_in(client, session):
    event = await weert_event(session, capacity=1)
    await sign_up(session, event, 1)
    waiting = await sign_up(session, event, 2)
    await organiser(client, session)
    refused = await post_action(client, event, waiting.id, "check-in")
    assert refused.status_code == 409 and "not confirmed" in refused.text
    scan = await client.get(
        "/organiser/check-in/scan", params={"code": check_in_code(SECRET, waiting.id), "lang": "en"}
    )
    assert scan.status_code == 200 and "cannot be checked in" in scan.text
    assert f"/registrations/{waiting.id}/check-in" not in scan.text


async def test_scanning_opens_the_person_and_checks_them_in(client, session):
    event = await weert_event(session)
    registration = await sign_up(session, event, 1, **LI, seats=2, members=["王芳"])
    await organiser(client, session)
    code = check_in_code(SECRET, registration.id)
    # What a phone's camera app opens: the URL in the QR code (after signing in).
    page = await client.get(scan_url("https://testserver", code) + "&lang=en")
    assert page.status_code == 200
    assert "李娜" in page.text and "王芳" in page.text and "Trade mission" in page.text
    match = re.search(r'action="([^"]+/check-in)">.*?name="next" value="([^"]+)"', page.text, re.S)
    response = await client.post(
        match.group(1), data={"csrf_token": csrf_of(page.text), "next": match.group(2).replace("&amp;", "&")}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/check-in/scan?code={quote(code, safe='')}&done=checked_in"
    done = await client.get(response.headers["location"] + "&lang=en")
    assert "Checked in." in done.text and "Already checked in at Mon, 2 March 2026 10:00" in text_of(done.text)
    pasted = await client.get("/organiser/check-in/scan", params={"code": scan_url("https://x.example", code)})
    assert pasted.status_code == 200 and "李娜" in pasted.text  # the whole link pasted into the field works too


async def test_forged_and_foreign_codes_are_refused(client, session):
    event = await weert_event(session)
    ours = await sign_up(session, event, 1)
    theirs = await sign_up(session, await yuhang_event(session), 2, **LI)
    await organiser(client, session)
    forged = str(ours.id) + "." + "A" * 27
    for code in (forged, check_in_code("not-our-key", ours.id), "hello"):
        response = await client.get("/organiser/check-in/scan", params={"code": code, "lang": "en"})
        assert response.status_code == 404 and "This is not a valid check-in code." in response.text
    foreign = await client.get("/organiser/check-in/scan", params={"code": check_in_code(SECRET, theirs.id)})
    assert foreign.status_code == 403 and "李娜" not in foreign.text
    blank = await client.get("/organiser/check-in/scan")
    assert blank.status_code == 200 and 'id="code"' in blank.text


async def test_the_check_in_start_page_lists_only_the_offices_current_events(client, session, app):
    current = await weert_event(session)
    await sign_up(session, current, 1, seats=2)
    await yuhang_event(session)
    await organiser(client, session)
    page = await client.get("/organiser/check-in?lang=en")
    assert page.status_code == 200
    assert f'href="/organiser/events/{current.slug}/check-in"' in page.text
    assert len(re.findall(r'href="/organiser/events/[^"]+/check-in"', page.text)) == 1  # not Yuhang's event
    assert "0 of 2 people checked in" in text_of(page.text)
    app.state.clock = lambda: NOW + dt.timedelta(days=30)  # the event is long over
    later = await client.get("/organiser/check-in?lang=en")
    assert f"/organiser/events/{current.slug}/check-in" not in later.text


async def test_the_api_checks_in_once_and_answers_409_with_the_first_time(client, session):
    from events.accounts.service import create_api_token
    from tests.workspace.helpers import make_user

    event = await weert_event(session)
    registration = await sign_up(session, event, 1)
    user = await make_user(session, "api@weert.example")
    _, token = await create_api_token(session, user, name="door", days=30, now=NOW, actor=SYSTEM)
    url = f"/api/v1/events/{event.slug}/registrations/{registration.id}/check-in"
    headers = {"Authorization": f"Bearer {token}"}
    first = await client.post(url, headers=headers)
    assert first.status_code == 200 and first.json()["checked_in_at"] == NOW.isoformat()
    second = await client.post(url, headers=headers)
    assert second.status_code == 409 and second.headers["content-type"] == "application/problem+json"
    problem = second.json()
    assert problem["type"].endswith("/problems/already-checked-in")
    assert problem["checked_in_at"] == NOW.isoformat()


@pytest.fixture
async def committed(migrated_database):
    engine = create_engine(migrated_database)
    event_id, [registration_id] = await committed_event(engine, starts_at=NOW + dt.timedelta(days=5), people=1)
    yield engine, registration_id
    await engine.dispose()


async def test_the_same_code_scanned_at_once_by_several_organisers_checks_in_once(committed):
    engine, registration_id = committed
    start = asyncio.Event()

    async def scan(minute: int) -> object:
        # Each attempt is its own connection and transaction, committed, as two phones at the door are.
        try:
            async with writer(engine)() as session:
                await start.wait()
                registration = await check_in(
                    session, registration_id, actor=SYSTEM, now=NOW + dt.timedelta(minutes=minute)
                )
                return registration.checked_in_at
        except AlreadyCheckedIn as refused:
            return refused

    attempts = [asyncio.create_task(scan(minute)) for minute in range(6)]
    await asyncio.sleep(0.2)
    start.set()  # everyone at once
    results = await asyncio.gather(*attempts)
    succeeded = [result for result in results if not isinstance(result, AlreadyCheckedIn)]
    refused = [result for result in results if isinstance(result, AlreadyCheckedIn)]
    assert len(succeeded) == 1 and len(refused) == 5
    assert {refusal.checked_in_at for refusal in refused} == set(succeeded)  # each is told the first time
    async with make_sessionmaker(engine)() as session:
        stored = await session.get(Registration, registration_id)
        entries = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "registration.checked_in")
        )
    assert stored.checked_in_at == succeeded[0] and entries == 1
    assert CONTEXT.now == NOW
