"""Registering through the JSON API: outcomes, the waiting list, the rules, the mail it queues."""

import datetime as dt
import re

import icalendar
import pytest

from events.catalog.models import WaitlistRule
from events.catalog.service import cancel_event
from events.registrations.models import RegistrationStatus
from tests.conftest import NOW
from tests.openapi_check import assert_matches_schema
from tests.registrations.helpers import SOON, add_questions, fresh, open_event, outbox, person, registrations


async def post(client, event, body, **headers):
    return await client.post(f"/api/v1/events/{event.slug}/registrations", json=body, headers=headers)


def token_of(body):
    return body["manage_url"].rsplit("/", 1)[1]


async def test_register_confirms_and_sends_an_invitation_with_the_feed_uid(client, session):
    event = await open_event(session, online_url="https://meet.example/trade")
    response = await post(client, event, person(1, seats=2, members=["Member Two"]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert_matches_schema(body, "Registration")
    assert body["status"] == "confirmed" and body["seats"] == 2 and body["waitlist_position"] is None
    assert body["online_url"] == "https://meet.example/trade"
    assert body["manage_url"].startswith("https://stedenband.test/r/")
    assert len(token_of(body)) >= 22  # at least 128 random bits
    event_json = (await client.get(f"/api/v1/events/{event.slug}")).json()
    assert event_json["seats_left"] == 8 and event_json["capacity"] == 10

    [message] = await outbox(session)
    assert message.kind == "confirmed" and message.to_address == "person1@example.org"
    assert message.calendar_method == "REQUEST"
    assert token_of(body) in message.text_body  # the manage link
    calendar = icalendar.Calendar.from_ical(message.calendar)
    assert str(calendar["method"]) == "REQUEST"
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["uid"]) == f"{event.id}@stedenband.test"
    assert "mailto:person1@example.org" in str(vevent["attendee"])
    assert str(vevent["organizer"]) == "mailto:stedenband@weert.example"
    assert "https://meet.example/trade" in str(vevent["description"])
    # The online link is for confirmed participants only: never on a public page or in the public calendar.
    assert "meet.example" not in (await client.get(f"/events/{event.slug}")).text
    assert "meet.example" not in (await client.get(f"/api/v1/events/{event.slug}")).text
    assert "meet.example" not in (await client.get(f"/events/{event.slug}.ics")).text


async def test_full_event_puts_people_on_the_waiting_list_in_order(client, session):
    event = await open_event(session, capacity=2)
    statuses = [(await post(client, event, person(number))).json() for number in range(1, 6)]
    assert [body["status"] for body in statuses] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [body["waitlist_position"] for body in statuses[2:]] == [1, 2, 3]
    waitlisted_mail = [message for message in await outbox(session) if message.kind == "waitlisted"]
    assert len(waitlisted_mail) == 3 and all(message.calendar is None for message in waitlisted_mail)
    assert "Your place on the waiting list: 2." in waitlisted_mail[1].text_body
    event_json = (await client.get(f"/api/v1/events/{event.slug}")).json()
    assert event_json["seats_left"] == 0 and event_json["waitlist_length"] == 3
    assert event_json["registration_open"] is True  # the waiting list is open

    cancelled = await client.delete(f"/api/v1/registrations/{token_of(statuses[0])}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    promoted = (await client.get(f"/api/v1/registrations/{token_of(statuses[2])}")).json()
    assert promoted["status"] == "confirmed"
    assert (await client.get(f"/api/v1/registrations/{token_of(statuses[3])}")).json()["waitlist_position"] == 1
    kinds = [(message.kind, message.to_address, message.calendar_method) for message in await outbox(session)][-2:]
    assert kinds == [("cancelled", "person1@example.org", "CANCEL"), ("promoted", "person3@example.org", "REQUEST")]
    event = await fresh(session, event)
    assert (event.confirmed_seats, event.waitlist_length) == (2, 2)


@pytest.mark.parametrize(("rule", "expected"), [(WaitlistRule.STRICT, []), (WaitlistRule.FIRST_FIT, ["person3"])])
async def test_a_delegation_that_does_not_fit_follows_the_events_rule(client, session, rule, expected):
    event = await open_event(session, capacity=3, waitlist_rule=rule)
    first = (await post(client, event, person(1, seats=2))).json()
    delegation = (await post(client, event, person(2, seats=3))).json()  # 1 left: does not fit
    assert delegation["status"] == "waitlisted"
    single = (await post(client, event, person(3))).json()
    if rule is WaitlistRule.STRICT:
        assert single["status"] == "waitlisted"  # nobody passes the waiting delegation
        await client.delete(f"/api/v1/registrations/{token_of(first)}")  # 3 free: the delegation fits now
        confirmed = [
            r.email.split("@")[0]
            for r in await registrations(session, event)
            if r.status is RegistrationStatus.CONFIRMED
        ]
        assert confirmed == ["person2"]
    else:
        confirmed = [
            r.email.split("@")[0]
            for r in await registrations(session, event)
            if r.status is RegistrationStatus.CONFIRMED and r.email != "person1@example.org"
        ]
        assert confirmed == expected  # the single person fits the free seat and goes first


async def test_registering_again_resends_the_manage_link(client, session):
    event = await open_event(session)
    first = (await post(client, event, person(1))).json()
    again = await client.post(
        f"/api/v1/events/{event.slug}/registrations?lang=en",
        json=person(1, email="PERSON1@Example.org", name="Other spelling"),
    )
    assert again.status_code == 409
    problem = again.json()
    assert problem["type"].endswith("/problems/already-registered")
    assert "e-mailed your manage link again" in problem["detail"]
    assert "manage_url" not in problem  # the link goes to the address only, never to whoever asked
    [_, resent] = await outbox(session)
    assert resent.kind == "manage_link" and resent.to_address == "person1@example.org"
    new_token = resent.text_body.split("/r/")[1].split("?")[0].split()[0]
    assert new_token != token_of(first)
    assert (await client.get(f"/api/v1/registrations/{new_token}")).status_code == 200
    assert (await client.get(f"/api/v1/registrations/{token_of(first)}")).status_code == 200
    assert len(await registrations(session, event)) == 1


async def test_registering_again_for_more_places_than_are_left_resends_the_link(client, session):
    """Being registered already is answered before "not enough places": the person holds a place and has lost
    their link, and registering again is how they find it."""
    event = await open_event(session, capacity=2, waitlist_enabled=False, max_seats_per_registration=3)
    assert (await post(client, event, person(1))).status_code == 201
    again = await post(client, event, person(1, seats=2))
    assert again.status_code == 409 and again.json()["type"].endswith("/problems/already-registered")
    someone_else = await post(client, event, person(2, seats=2))
    assert someone_else.status_code == 409 and someone_else.json()["type"].endswith("/problems/not-enough-seats")
    assert [message.kind for message in await outbox(session)] == ["confirmed", "manage_link"]
    assert len(await registrations(session, event)) == 1


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"registration_opens_at": NOW + dt.timedelta(days=2)}, "not_yet_open"),
        ({"registration_closes_at": NOW - dt.timedelta(hours=1)}, "closed"),
        ({"starts_at_offset": -dt.timedelta(hours=1)}, "started"),
        ({"cancelled": True}, "cancelled"),
        ({"capacity": 1, "waitlist_enabled": False, "prefill": 1}, "full"),
        ({"registration_enabled": False}, "no_registration"),
    ],
)
async def test_closed_registration_answers_409_naming_the_reason(client, session, options, reason):
    offset = options.pop("starts_at_offset", None)
    cancelled = options.pop("cancelled", False)
    prefill = options.pop("prefill", 0)
    if offset is not None:
        from tests.factories import build_world, make_event

        world = await build_world(session)
        event = await make_event(
            session,
            world,
            starts_at=NOW + offset,
            hours=3,
            capacity=10,
            now=NOW,
            registration_opens_at=NOW - dt.timedelta(days=5),
        )
    else:
        event = await open_event(session, **options)
    if cancelled:
        await cancel_event(session, event, reasons={"en": "Storm"}, now=NOW)
    for number in range(prefill):
        assert (await post(client, event, person(100 + number))).status_code == 201
    response = await post(client, event, person(1))
    assert response.status_code == 409, response.text
    assert response.json()["reason"] == reason
    assert response.json()["type"].endswith("/problems/registration-closed")
    assert len(await registrations(session, event)) == prefill


async def test_approval_required_leaves_registrations_pending_until_decided(client, session):
    from events.registrations.service import Context, decide

    event = await open_event(session, approval_required=True)
    body = (await post(client, event, person(1))).json()
    assert body["status"] == "pending"
    assert (await fresh(session, event)).confirmed_seats == 0  # pending registrations hold no seats
    [registration] = await registrations(session, event)
    await decide(session, registration.id, Context("https://stedenband.test", "stedenband.test", NOW), approve=True)
    assert (await client.get(f"/api/v1/registrations/{token_of(body)}")).json()["status"] == "confirmed"
    assert [message.kind for message in await outbox(session)] == ["pending", "confirmed"]


async def test_questions_are_checked_by_kind(client, session):
    event = await open_event(session)
    ids = await add_questions(session, event)
    good = {
        str(ids["diet"]): "vegetarian",
        str(ids["topics"]): ["tea", "logistics"],
        str(ids["company"]): "Acme",
        str(ids["visa"]): False,
    }
    response = await post(client, event, person(1, answers=good))
    assert response.status_code == 201, response.text
    assert response.json()["answers"][str(ids["topics"])] == ["logistics", "tea"]  # in the question's order
    bad = {
        str(ids["diet"]): "meat",
        str(ids["topics"]): "tea",
        str(ids["company"]): 5,
        str(ids["visa"]): "yes",
        "999": "x",
    }
    response = await post(client, event, person(2, answers=bad))
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {
        f"answers.{ids['diet']}",
        f"answers.{ids['topics']}",
        f"answers.{ids['company']}",
        f"answers.{ids['visa']}",
        "answers.999",
    }
    missing = await post(client, event, person(3))
    assert {error["field"] for error in missing.json()["errors"]} == {
        f"answers.{ids['diet']}",
        f"answers.{ids['visa']}",
    }
    questions = (await client.get(f"/api/v1/events/{event.slug}?lang=nl")).json()["questions"]
    assert questions[0] == {
        "id": str(ids["diet"]),
        "kind": "choice",
        "required": True,
        "label": "Dieet",
        "labels": {"en": "Diet", "nl": "Dieet", "zh": "饮食"},
        "choices": [
            {"value": "any", "label": "Alles", "labels": {"en": "Anything", "nl": "Alles", "zh": "都可以"}},
            {
                "value": "vegetarian",
                "label": "Vegetarisch",
                "labels": {"en": "Vegetarian", "nl": "Vegetarisch", "zh": "素食"},
            },
        ],
    }


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"name": "", "email": "", "home_city": "", "language": "", "consent": False},
            {"name", "email", "home_city", "language", "consent"},
        ),
        ({"name": "x" * 121}, {"name"}),
        ({"name": "Eve\r\nBcc: victim@example.org"}, {"name"}),
        ({"email": "not-an-address"}, {"email"}),
        ({"email": "eve@example.org\r\nBcc: victim@example.org"}, {"email"}),
        ({"phone": "call me"}, {"phone"}),
        ({"seats": "two"}, {"seats"}),
        ({"seats": 9}, {"seats"}),
        ({"seats": 3, "members": ["Only one"]}, {"members"}),
        ({"members": "Ann, Bob"}, {"members"}),
        ({"language": "fr"}, {"language"}),
        ({"home_city": "atlantis"}, {"home_city"}),
        ({"answers": ["a"]}, {"answers"}),
    ],
)
async def test_bad_input_names_each_field_and_writes_nothing(client, session, changes, fields):
    event = await open_event(session, max_seats_per_registration=5)
    response = await post(client, event, person(1, **changes))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert_matches_schema(response.json(), "Problem")
    assert {error["field"] for error in response.json()["errors"]} == fields
    assert await registrations(session, event) == [] and await outbox(session) == []


async def test_not_json_and_unknown_event(client, session):
    event = await open_event(session)
    response = await client.post(
        f"/api/v1/events/{event.slug}/registrations", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert (await post(client, event, ["a list"])).status_code == 422
    response = await client.post("/api/v1/events/nope/registrations", json=person(1))
    assert response.status_code == 404


async def test_idempotency_key_makes_a_retry_safe(client, session):
    event = await open_event(session)
    first = await post(client, event, person(1), **{"Idempotency-Key": "key-1"})
    retry = await post(client, event, person(1), **{"Idempotency-Key": "key-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.json()["status"] == "confirmed"
    assert (await client.get(f"/api/v1/registrations/{token_of(retry.json())}")).status_code == 200
    assert len(await registrations(session, event)) == 1
    assert len(await outbox(session)) == 1  # the retry sends nothing again
    other = await post(client, event, person(2), **{"Idempotency-Key": "key-1"})
    assert other.status_code == 422 and other.json()["type"].endswith("/problems/idempotency-key-reused")


async def test_change_seats_members_and_answers(client, session):
    event = await open_event(session, capacity=4)
    body = (await post(client, event, person(1))).json()
    url = f"/api/v1/registrations/{token_of(body)}"
    changed = await client.patch(url, json={"seats": 3, "members": ["Ann", "Bob"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["seats"] == 3 and changed.json()["members"] == ["Ann", "Bob"]
    assert (await fresh(session, event)).confirmed_seats == 3
    too_many = await client.patch(url, json={"seats": 6, "members": []})
    assert too_many.status_code == 422  # above the maximum per registration
    (await post(client, event, person(2)))  # takes the last seat
    no_room = await client.patch(url, json={"seats": 4, "members": []})
    assert no_room.status_code == 409 and no_room.json()["type"].endswith("/problems/not-enough-seats")
    fewer = await client.patch(url, json={"members": ["Ann"]})  # seats follow the members: 2
    assert fewer.json()["seats"] == 2
    assert (await fresh(session, event)).confirmed_seats == 3
    assert (await client.patch(url, json={"seats": "x"})).status_code == 422


async def test_cancelled_registration_keeps_its_link_and_cannot_change(client, session):
    event = await open_event(session)
    body = (await post(client, event, person(1))).json()
    url = f"/api/v1/registrations/{token_of(body)}"
    assert (await client.delete(url)).json()["status"] == "cancelled"
    assert (await client.delete(url)).json()["status"] == "cancelled"  # twice changes nothing
    assert (await client.get(url)).json()["status"] == "cancelled"
    assert (await client.patch(url, json={"seats": 2})).status_code == 409
    again = await post(client, event, person(1))
    assert again.status_code == 201  # the partial unique index counts active registrations only


async def test_wrong_tokens_are_a_plain_404(client, session):
    await open_event(session)
    for token in ("x", "a" * 43, "../../etc/passwd", "%00"):
        response = await client.get(f"/api/v1/registrations/{token}")
        assert response.status_code == 404
    assert (await client.get("/r/" + "b" * 43)).status_code == 404


async def test_rate_limit_answers_429_with_retry_after(session, sessionmaker):
    import httpx

    from events.app import create_app
    from tests.conftest import settings_with

    event = await open_event(session)
    app = create_app(settings_with(registration_rate_limit="2/minute"), sessionmaker=sessionmaker)
    app.state.clock = lambda: NOW
    app.state.rate_limiter.clock = lambda: NOW.timestamp() + 15  # one window, whatever the real time
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as client:
        codes = [(await post(client, event, person(number))).status_code for number in range(3)]
        assert codes == [201, 201, 429]
        refused = await post(client, event, person(9))
        assert refused.headers["retry-after"].isdigit() and int(refused.headers["retry-after"]) <= 60
        assert refused.json()["type"].endswith("/problems/too-many-requests")


async def test_seats_left_never_goes_below_zero_in_the_database(session):
    """Even code that forgot the lock could not overbook: the database refuses it."""
    from sqlalchemy.exc import IntegrityError

    event = await open_event(session, capacity=2)
    event.confirmed_seats = 3
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.flush()


async def test_event_cancelled_tells_every_participant(client, session):
    from events.registrations.notices import cancel_event_and_notify
    from events.registrations.service import Context

    event = await open_event(session, capacity=1)
    await post(client, event, person(1))
    await post(client, event, person(2, language="zh"))
    await cancel_event_and_notify(
        session,
        event.id,
        reasons={"en": "Typhoon warning", "zh": "台风预警"},
        context=Context("https://stedenband.test", "stedenband.test", NOW),
    )
    messages = [m for m in await outbox(session) if m.kind == "event_cancelled"]
    assert [(m.to_address, m.calendar_method) for m in messages] == [
        ("person1@example.org", "CANCEL"),
        ("person2@example.org", None),
    ]
    assert "台风预警" in messages[1].text_body and messages[1].subject.startswith("已取消")
    calendar = icalendar.Calendar.from_ical(messages[0].calendar)
    vevent = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "CANCEL" and int(vevent["sequence"]) > 1


async def test_reminders_go_out_once_a_day_before(session, client):
    from events.registrations.notices import queue_reminders
    from events.registrations.service import Context

    event = await open_event(session)
    await post(client, event, person(1))
    day_before = SOON - dt.timedelta(hours=20)
    context = Context("https://stedenband.test", "stedenband.test", day_before, secret_key="test-secret")
    assert await queue_reminders(session, Context("https://stedenband.test", "stedenband.test", NOW)) == 0
    assert await queue_reminders(session, context) == 1
    assert await queue_reminders(session, context) == 0
    reminder = (await outbox(session))[-1]
    assert (
        reminder.kind == "reminder" and "Weert (CET)" in reminder.text_body and "Hangzhou (CST)" in reminder.text_body
    )
    assert reminder.qr_code and "/organiser/check-in/scan?code=" in reminder.qr_code  # the check-in code, at hand


async def test_messages_are_in_the_participants_language(client, session):
    event = await open_event(session)
    await post(client, event, person(1, language="zh"))
    await post(client, event, person(2, language="nl"))
    chinese, dutch = await outbox(session)
    assert chinese.subject.startswith("报名成功") and "杭州 (CST)" in chinese.text_body
    assert dutch.subject.startswith("Aanmelding bevestigd") and "Beste Person 2," in dutch.text_body
    assert '<html lang="zh-Hans">' in chinese.html_body


async def test_more_capacity_promotes_the_waiting_list_at_once(client, session):
    from events.registrations.errors import CapacityBelowConfirmed
    from events.registrations.service import Context, change_capacity

    event = await open_event(session, capacity=1)
    answers = [(await post(client, event, person(number))).json() for number in range(3)]
    context = Context("https://stedenband.test", "stedenband.test", NOW)
    await change_capacity(session, event.id, 2, context)
    assert (await client.get(f"/api/v1/registrations/{token_of(answers[1])}")).json()["status"] == "confirmed"
    assert (await client.get(f"/api/v1/registrations/{token_of(answers[2])}")).json()["waitlist_position"] == 1
    with pytest.raises(CapacityBelowConfirmed):
        await change_capacity(session, event.id, 1, context)
    await change_capacity(session, event.id, None, context)  # no limit: everyone waiting is in
    assert (await client.get(f"/api/v1/registrations/{token_of(answers[2])}")).json()["status"] == "confirmed"


async def test_registering_locks_the_event_and_reads_its_counts_in_one_statement_of_a_fixed_number(
    client, session, count_statements
):
    event = await open_event(session)
    await session.commit()
    assert (await post(client, event, person(1))).status_code == 201
    counter = count_statements()
    assert (await post(client, event, person(2))).status_code == 201
    statements = [" ".join(statement.split()) for statement in counter.statements]
    postgresql = session.bind.dialect.name == "postgresql"

    def first(*words: str) -> int:
        found = [number for number, statement in enumerate(statements) if all(word in statement for word in words)]
        assert len(found) == 1, (words, statements)
        return found[0]

    # One plain Core statement takes the lock and reads what registering decides on: every other registration for
    # the event waits while the lock is held. The event with its texts, loaded by the first registration, is kept
    # while its updated_at and sequence hold.
    assert not [statement for statement in statements if "JOIN event_translations" in statement]
    locked = first("events.confirmed_seats", "events.updated_at", "FROM events WHERE events.slug =")
    assert statements[locked].endswith("FOR UPDATE") or not postgresql
    assert first("JOIN questions") < locked  # the questions before it (and cached outside tests)
    # Cities and categories (cached per process outside tests), the event's questions, the event's lock; the
    # registration (unless the address is registered already, in the same statement), the counter, its manage link
    # (on PostgreSQL all three in the registration's statement) and its confirmation mail.
    work = [statement for statement in statements if "SAVEPOINT" not in statement]
    if postgresql:
        assert len(work) == 6, "\n".join(work)
        assert re.search(r"INSERT INTO registrations .*INSERT INTO manage_tokens .*UPDATE events SET", work[4])
    else:
        assert len(work) == 8, "\n".join(work)


async def test_an_event_changed_since_it_was_kept_is_loaded_again(client, session, sessionmaker, count_statements):
    """Registering takes the event from the process's cache while its updated_at and sequence hold; an organiser's
    change moves them, and must reach the very next confirmation."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from events.catalog.models import Event

    event = await open_event(session)
    await session.commit()
    assert (await post(client, event, person(1))).json()["event"]["title"] == "Trade mission"  # kept from here on
    async with sessionmaker() as organiser:
        query = select(Event).where(Event.id == event.id).options(selectinload(Event.translations))
        changed = await organiser.scalar(query)
        changed.translations["en"].title = "Moved to the town hall"
        changed.updated_at = NOW + dt.timedelta(minutes=1)
        await organiser.commit()

    def whole_reads(statements: list[str]) -> int:
        return len([statement for statement in statements if "JOIN event_translations" in statement])

    counter = count_statements()
    answer = await post(client, event, person(2))
    assert answer.status_code == 201
    assert answer.json()["event"]["title"] == "Moved to the town hall"
    assert whole_reads(counter.statements) == 1
    counter = count_statements()
    assert (await post(client, event, person(3))).json()["event"]["title"] == "Moved to the town hall"
    assert whole_reads(counter.statements) == 0  # kept again


async def test_registering_changes_nothing_of_the_event_but_its_counters(client, session):
    """The registration, its counter and its manage link may be written by one statement, whose parameters must
    not reach the event's other columns."""
    from sqlalchemy import select

    from events.catalog.models import Event

    event = await open_event(session, capacity=1)
    await session.commit()
    columns = [column for column in Event.__table__.c if column.name not in ("confirmed_seats", "waitlist_length")]
    before = (await session.execute(select(*columns).where(Event.id == event.id))).one()
    for number in (1, 2):  # confirmed, then waitlisted
        assert (await post(client, event, person(number))).status_code == 201
    counters = (Event.confirmed_seats, Event.waitlist_length)
    after = (await session.execute(select(*columns, *counters).where(Event.id == event.id))).one()
    assert after[:-2] == before and after[-2:] == (1, 1)


async def test_a_new_registration_written_by_core_statements_behaves_as_if_loaded(session):
    """register() writes the row, the counter, the manage link and the mail with Core statements; what it returns
    is a persistent object of the session (a later change is flushed), the event is not left dirty, and the
    commit moves the answer cache's data version on."""
    from sqlalchemy import inspect, select

    from events.cache import _LocalChanges
    from events.catalog.models import Event
    from events.registrations.forms import from_json
    from events.registrations.models import ManageToken
    from events.registrations.service import Context, register

    event = await open_event(session, capacity=1)
    await session.commit()
    commits = _LocalChanges.count
    context = Context("https://stedenband.test", "stedenband.test", NOW)
    first = await register(session, event_id=event.id, sent=from_json(person(1)), context=context)
    second = await register(session, event_id=event.id, sent=from_json(person(2)), context=context)
    assert (first.registration.status.value, second.registration.status.value) == ("confirmed", "waitlisted")
    assert inspect(first.registration).persistent and not session.is_modified(event)
    assert (event.confirmed_seats, event.waitlist_length) == (1, 1)
    stored = (
        await session.execute(select(Event.confirmed_seats, Event.waitlist_length).where(Event.id == event.id))
    ).one()
    assert tuple(stored) == (1, 1)
    tokens = await session.scalars(select(ManageToken.registration_id).order_by(ManageToken.id))
    assert list(tokens) == [first.registration.id, second.registration.id]
    assert [message.registration_id for message in await outbox(session)] == [
        first.registration.id,
        second.registration.id,
    ]

    await session.commit()
    assert _LocalChanges.count == commits + 1

    first.registration.phone = "+31 495 575 000"
    await session.flush()
    await session.refresh(first.registration)
    assert first.registration.phone == "+31 495 575 000"
