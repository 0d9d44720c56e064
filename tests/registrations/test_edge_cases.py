"""The rules at the edges: a cancelled or started event hands out no places, strict order holds for approvals,
and a new invitation outranks the cancellation of an earlier one."""

import datetime as dt

import icalendar

from events.catalog.models import WaitlistRule
from events.registrations.models import RegistrationStatus
from events.registrations.notices import cancel_event_and_notify
from events.registrations.service import Context, decide
from tests.conftest import NOW
from tests.registrations.helpers import SOON, open_event, outbox, person, registrations
from tests.registrations.test_api import post, token_of

CONTEXT = Context("https://stedenband.test", "stedenband.test", NOW)


async def test_a_cancelled_event_promotes_nobody_and_takes_no_changes(client, session):
    event = await open_event(session, capacity=1, waitlist_enabled=True)
    first = (await post(client, event, person(1))).json()
    await post(client, event, person(2))  # waits
    await cancel_event_and_notify(session, event.id, reasons={"en": "Storm"}, context=CONTEXT)
    url = f"/api/v1/registrations/{token_of(first)}"
    more = await client.patch(url, json={"seats": 2, "members": ["Ann"]})
    assert more.status_code == 409 and more.json()["type"].endswith("/problems/registration-closed")
    assert (await client.delete(url)).json()["status"] == "cancelled"
    statuses = [registration.status for registration in await registrations(session, event)]
    assert statuses == [RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED]  # nobody "got a place"
    assert not [message for message in await outbox(session) if message.kind == "promoted"]


async def test_a_started_event_promotes_nobody_and_takes_no_changes(client, session, app):
    event = await open_event(session, capacity=1, waitlist_enabled=True)
    first = (await post(client, event, person(1))).json()
    await post(client, event, person(2))
    app.state.clock = lambda: SOON + dt.timedelta(minutes=5)
    url = f"/api/v1/registrations/{token_of(first)}"
    assert (await client.patch(url, json={"seats": 1})).status_code == 409
    assert (await client.delete(url)).json()["status"] == "cancelled"
    assert [r.status for r in await registrations(session, event)][1] is RegistrationStatus.WAITLISTED
    assert not [message for message in await outbox(session) if message.kind == "promoted"]


async def test_a_pending_registration_cannot_change_after_the_start(client, session, app):
    event = await open_event(session, approval_required=True)
    body = (await post(client, event, person(1))).json()
    app.state.clock = lambda: SOON + dt.timedelta(minutes=5)
    changed = await client.patch(f"/api/v1/registrations/{token_of(body)}", json={"seats": 2, "members": ["Ann"]})
    assert changed.status_code == 409


async def test_in_strict_order_an_approval_does_not_pass_those_waiting_before_it(client, session):
    event = await open_event(
        session, capacity=3, approval_required=True, waitlist_enabled=True, waitlist_rule=WaitlistRule.STRICT
    )
    for body in (person(1), person(2, seats=3, members=["Ann", "Bob"]), person(3)):
        assert (await post(client, event, body)).status_code == 201
    first, delegation, late = await registrations(session, event)
    await decide(session, first.id, CONTEXT, approve=True)  # 1 place: confirmed, 2 left
    await decide(session, delegation.id, CONTEXT, approve=True)  # 3 places do not fit: waits
    await decide(session, late.id, CONTEXT, approve=True)  # would fit, but the delegation waited first
    assert [r.status for r in await registrations(session, event)] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]


async def test_first_fit_lets_an_approval_that_fits_go_first(client, session):
    event = await open_event(
        session, capacity=3, approval_required=True, waitlist_enabled=True, waitlist_rule=WaitlistRule.FIRST_FIT
    )
    for body in (person(1), person(2, seats=3, members=["Ann", "Bob"]), person(3)):
        assert (await post(client, event, body)).status_code == 201
    first, delegation, late = await registrations(session, event)
    for registration in (first, delegation, late):
        await decide(session, registration.id, CONTEXT, approve=True)
    statuses = [r.status for r in await registrations(session, event)]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED]


async def test_registering_again_after_cancelling_sends_an_invitation_that_outranks_the_cancellation(client, session):
    event = await open_event(session)
    url = f"/api/v1/registrations/{token_of((await post(client, event, person(1))).json())}"
    await client.delete(url)
    await post(client, event, person(1))
    invitations = [message for message in await outbox(session) if message.calendar]
    methods = [message.calendar_method for message in invitations]
    sequences = [int(icalendar.Calendar.from_ical(m.calendar).walk("VEVENT")[0]["sequence"]) for m in invitations]
    assert methods == ["REQUEST", "CANCEL", "REQUEST"]
    assert sequences[0] < sequences[1] < sequences[2]
