"""What the platform holds about a participant: the download, erasure, the purge, and the personal calendar."""

import datetime as dt
import json
import re

import icalendar
from sqlalchemy import select

from events.registrations.models import CalendarToken, ManageToken, RegistrationStatus
from events.registrations.privacy import purge
from tests.conftest import NOW
from tests.registrations.helpers import fresh, open_event, outbox, person, registrations
from tests.registrations.test_api import post, token_of
from tests.registrations.test_pages import csrf_field


async def test_download_holds_everything_about_the_registration(client, session):
    event = await open_event(session)
    body = (await post(client, event, person(1, phone="+31 495 575 000", members=["Ann"]))).json()
    response = await client.get(f"/r/{token_of(body)}/data.json")
    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.text)
    assert data["registration"]["email"] == "person1@example.org"
    assert data["registration"]["phone"] == "+31 495 575 000"
    assert data["registration"]["members"] == ["Ann"]
    assert data["messages"][0]["kind"] == "confirmed" and data["messages"][0]["to"] == "person1@example.org"
    assert data["event"]["url"].endswith(f"/events/{event.slug}")


async def test_erasure_anonymises_frees_the_place_and_kills_every_link(client, session):
    event = await open_event(session, capacity=1)
    first = (await post(client, event, person(1))).json()
    waiting = (await post(client, event, person(2))).json()
    page = (await client.get(f"/r/{token_of(first)}?lang=en")).text
    unconfirmed = await client.post(f"/r/{token_of(first)}/erase", data={"csrf_token": csrf_field(page)})
    assert unconfirmed.status_code == 422  # the box must be ticked
    erased = await client.post(f"/r/{token_of(first)}/erase", data={"csrf_token": csrf_field(page), "confirm": "yes"})
    assert erased.status_code == 200 and "has been erased" in erased.text
    assert erased.headers["referrer-policy"] == "no-referrer"
    assert (await client.get(f"/r/{token_of(first)}")).status_code == 404
    assert (await client.get(f"/api/v1/registrations/{token_of(first)}")).status_code == 404

    gone, promoted = await registrations(session, event)
    assert gone.name == gone.email == "" and gone.phone is None and gone.erased_at is not None
    assert gone.status is RegistrationStatus.CANCELLED
    assert promoted.status is RegistrationStatus.CONFIRMED  # the seat went to whoever waited
    assert (await client.get(f"/api/v1/registrations/{token_of(waiting)}")).json()["status"] == "confirmed"
    event = await fresh(session, event)
    assert (event.confirmed_seats, event.waitlist_length) == (1, 0)  # the counts stay true
    # Unsent messages to them are dropped; sent ones would keep only that they were sent.
    messages = [message for message in await outbox(session) if message.registration_id == gone.id]
    assert all(message.to_address == "" and message.text_body == "" for message in messages)
    assert await session.scalar(select(ManageToken).where(ManageToken.registration_id == gone.id)) is None
    everything = " ".join(message.text_body + message.to_address for message in await outbox(session))
    assert "person1@example.org" not in everything


async def test_purge_anonymises_registrations_of_events_long_over(client, session):
    old = await open_event(session)
    await post(client, old, person(1))
    old.ends_at = old.series_ends_at = NOW - dt.timedelta(days=400)
    old.starts_at = NOW - dt.timedelta(days=400, hours=2)
    recent = await open_event(session)
    await post(client, recent, person(2))
    await session.flush()
    counted = []
    assert (
        await purge(
            session,
            ended_before=NOW - dt.timedelta(days=365),
            now=NOW,
            progress=lambda done, total: counted.append((done, total)),
        )
        == 1
    )
    [purged] = await registrations(session, old)
    [kept] = await registrations(session, recent)
    assert purged.email == "" and purged.status is RegistrationStatus.CONFIRMED  # statistics stay true
    assert kept.email == "person2@example.org"
    assert counted == [(1, 1)]
    assert await purge(session, ended_before=NOW - dt.timedelta(days=365), now=NOW) == 0


async def test_personal_calendar_link_is_only_mailed_and_shows_each_status(client, session):
    confirmed_event = await open_event(session, capacity=1)
    first = (await post(client, confirmed_event, person(1))).json()
    second_event = await open_event(session, capacity=1)
    await post(client, second_event, person(9))
    await post(client, second_event, person(1))  # waitlisted
    page = (await client.get(f"/r/{token_of(first)}?lang=en")).text
    assert "/feeds/personal/" not in page  # never shown in a page: only sent to the address
    response = await client.post(f"/r/{token_of(first)}/calendar-link", data={"csrf_token": csrf_field(page)})
    assert response.status_code == 303 and response.headers["location"].endswith("?done=calendar")
    mail = (await outbox(session))[-1]
    assert mail.kind == "calendar_link" and mail.to_address == "person1@example.org"
    url = re.search(r"https://stedenband.test(/feeds/personal/[^\s]+\.ics)", mail.text_body).group(1)
    feed = await client.get(url)
    assert feed.status_code == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.headers["referrer-policy"] == "no-referrer"
    statuses = {
        str(vevent["uid"]).split("@")[0]: str(vevent["status"])
        for vevent in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    }
    assert statuses == {str(confirmed_event.id): "CONFIRMED", str(second_event.id): "TENTATIVE"}

    await client.delete(f"/api/v1/registrations/{token_of(first)}")
    statuses = {
        str(vevent["uid"]).split("@")[0]: str(vevent["status"])
        for vevent in icalendar.Calendar.from_ical((await client.get(url)).content).walk("VEVENT")
    }
    assert statuses[str(confirmed_event.id)] == "CANCELLED"

    renewed = await client.post(
        f"/r/{token_of(first)}/calendar-link", data={"csrf_token": csrf_field(page), "renew": "yes"}
    )
    assert renewed.headers["location"].endswith("?done=renewed")
    assert (await client.get(url)).status_code == 404  # the old link is gone
    new_url = re.search(r"https://stedenband.test(/feeds/personal/[^\s]+\.ics)", (await outbox(session))[-1].text_body)
    assert (await client.get(new_url.group(1))).status_code == 200
    assert (await client.get("/feeds/personal/" + "x" * 43 + ".ics")).status_code == 404
    assert await session.scalar(select(CalendarToken.id)) is not None


async def test_no_personal_data_in_public_pages_feeds_or_the_api(client, session):
    event = await open_event(session)
    await post(client, event, person(1, name="Secret Person", phone="+31 6 1234 5678"))
    for path in (
        f"/events/{event.slug}",
        "/",
        f"/events/{event.slug}.ics",
        f"/api/v1/events/{event.slug}",
        "/api/v1/events",
    ):
        text = (await client.get(path)).text
        assert "Secret Person" not in text and "person1@example.org" not in text and "1234 5678" not in text
