"""One event as an iCalendar file: what a calendar app needs to add it and keep it up to date."""

import datetime as dt

import icalendar

from events.catalog.service import EventText, cancel_event
from tests.conftest import NOW
from tests.factories import build_world, make_event


async def test_event_download_is_a_valid_calendar_with_a_stable_uid(client, session):
    world = await build_world(session)
    event = await make_event(
        session,
        world,
        venue=world.venue,
        starts_at=dt.datetime(2026, 3, 14, 13, tzinfo=dt.UTC),
        now=NOW,
        texts={"en": EventText(title="Art exchange", summary="Ink and oil"), "zh": EventText(title="艺术交流")},
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    response = await client.get(f"/events/{event.slug}.ics?lang=zh")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response.headers["content-disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    vevent = next(component for component in calendar.walk("VEVENT"))
    assert str(vevent["uid"]) == f"{event.id}@stedenband.test"
    assert str(vevent["summary"]) == "艺术交流"
    assert vevent["summary"].params["LANGUAGE"] == "zh"
    assert vevent.decoded("dtstart") == dt.datetime(2026, 3, 14, 14, tzinfo=vevent.decoded("dtstart").tzinfo)
    assert str(vevent.decoded("dtstart").tzinfo) == "Europe/Amsterdam"
    assert vevent["rrule"]["COUNT"] == [3]
    assert str(vevent["status"]) == "CONFIRMED"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]

    await cancel_event(session, event, reasons={"en": "Storm"}, now=NOW)
    cancelled = icalendar.Calendar.from_ical((await client.get(f"/events/{event.slug}.ics")).content)
    vevent = next(component for component in cancelled.walk("VEVENT"))
    assert str(vevent["status"]) == "CANCELLED" and int(vevent["sequence"]) == 1
    assert str(vevent["uid"]) == f"{event.id}@stedenband.test"  # the same event for the calendar app
