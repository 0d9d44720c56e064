"""Registering and managing through the pages: forms with CSRF, errors shown at their fields, private links."""

import re

import pytest

from events.registrations.models import RegistrationStatus
from tests.registrations.helpers import add_questions, fresh, open_event, outbox, registrations


def csrf_field(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


async def form_for(client, event, lang="en"):
    response = await client.get(f"/events/{event.slug}/register?lang={lang}")
    assert response.status_code == 200
    return response.text


def fields(**changes):
    base = {"name": "Wang Fang", "email": "wang@example.cn", "home_city": "yuhang", "language": "zh", "consent": "yes"}
    return {**base, **changes}


async def submit(client, event, data, page=None):
    page = page or await form_for(client, event)
    return await client.post(f"/events/{event.slug}/register", data={**data, "csrf_token": csrf_field(page)})


async def test_the_event_page_links_to_the_form_and_the_form_has_every_field(client, session):
    event = await open_event(session)
    ids = await add_questions(session, event)
    assert f'href="/events/{event.slug}/register"' in (await client.get(f"/events/{event.slug}?lang=en")).text
    page = await form_for(client, event, "nl")
    for field_id in ("name", "email", "phone", "home_city", "language", "seats", "members", "consent"):
        assert f'id="{field_id}"' in page
    assert f'name="q{ids["diet"]}" value="vegetarian"' in page and "Dieet" in page
    assert 'href="/privacy"' in page
    assert 'name="csrf_token"' in page


async def test_registering_redirects_to_the_private_manage_page(client, session):
    event = await open_event(session, online_url="https://meet.example/x")
    response = await submit(client, event, fields())
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/r/") and location.endswith("?done=registered")
    assert response.headers["referrer-policy"] == "no-referrer"
    manage = await client.get(location)
    assert manage.status_code == 200
    assert manage.headers["referrer-policy"] == "no-referrer"  # the token must not leak to other sites
    assert manage.headers["cache-control"] == "no-store"
    assert "status-confirmed" in manage.text
    assert "Wang Fang" in manage.text and "wang@example.cn" in manage.text
    assert "https://meet.example/x" in manage.text  # the meeting link, now that they are confirmed
    assert "calendar.google.com" in manage.text and "/event.ics" in manage.text
    [registration] = await registrations(session, event)
    assert registration.language == "zh" and registration.home_city_id is not None


async def test_a_form_without_a_valid_csrf_token_is_refused_and_changes_nothing(client, session):
    event = await open_event(session)
    await form_for(client, event)  # the visitor has a CSRF cookie
    missing = await client.post(f"/events/{event.slug}/register", data=fields())
    forged = await client.post(f"/events/{event.slug}/register", data={**fields(), "csrf_token": "0" * 64})
    assert missing.status_code == forged.status_code == 403
    assert "Nothing was changed" in forged.text
    other_site = await client.post(
        f"/events/{event.slug}/register",
        data={**fields(), "csrf_token": csrf_field(await form_for(client, event))},
        headers={"Origin": "https://evil.example"},
    )
    assert other_site.status_code == 403
    assert await registrations(session, event) == [] and await outbox(session) == []


@pytest.mark.parametrize(
    ("changes", "field_ids"),
    [
        ({"name": "", "email": "", "home_city": "", "consent": ""}, ["name", "email", "home_city", "consent"]),
        ({"email": "wang-at-example"}, ["email"]),
        ({"name": "W" * 121}, ["name"]),
        ({"seats": "3", "members": "Only one"}, ["members"]),
        ({"seats": "99"}, ["seats"]),
        ({"phone": "<script>"}, ["phone"]),
    ],
)
async def test_errors_are_shown_at_their_fields_with_what_was_typed(client, session, changes, field_ids):
    event = await open_event(session)
    response = await submit(client, event, fields(**changes))
    assert response.status_code == 422
    for field_id in field_ids:
        assert f'id="{field_id}-error"' in response.text
        assert f'aria-describedby="{field_id}-error"' in response.text or field_id == "members"
    if changes.get("name"):
        assert 'value="' + changes["name"] + '"' in response.text
    assert "&lt;script&gt;" in response.text or "<script>" not in response.text.split("<main", 1)[1]
    assert await registrations(session, event) == []


async def test_errors_are_in_the_visitors_language(client, session):
    event = await open_event(session)
    page = await form_for(client, event, "nl")
    response = await client.post(
        f"/events/{event.slug}/register?lang=nl", data={**fields(email=""), "csrf_token": csrf_field(page)}
    )
    assert response.status_code == 422
    assert "Vul je e-mailadres in." in response.text


async def test_closed_and_full_events_explain_why(client, session):
    event = await open_event(session, capacity=1, waitlist_enabled=False)
    earlier_form = await form_for(client, event)
    assert (await submit(client, event, fields())).status_code == 303
    page = await client.get(f"/events/{event.slug}/register?lang=en")
    assert "fully booked and has no waiting list" in page.text
    assert '<form method="post"' not in page.text
    late = await submit(client, event, fields(email="late@example.org"), page=earlier_form)
    assert late.status_code == 409
    assert "fully booked and has no waiting list" in late.text


async def test_manage_page_changes_and_cancels_with_csrf(client, session):
    event = await open_event(session, capacity=3)
    ids = await add_questions(session, event)
    location = (await submit(client, event, fields(**{f"q{ids['diet']}": "any", f"q{ids['visa']}": "no"}))).headers.get(
        "location"
    )
    assert location is not None, "registration failed"
    token = location.split("/r/")[1].split("?")[0]
    page = (await client.get(f"/r/{token}?lang=en")).text
    changed = await client.post(
        f"/r/{token}/change",
        data={
            "csrf_token": csrf_field(page),
            "seats": "2",
            "members": "Li Wei",
            f"q{ids['diet']}": "vegetarian",
            f"q{ids['visa']}": "yes",
        },
    )
    assert changed.status_code == 303 and changed.headers["location"].endswith("?done=changed")
    [registration] = await registrations(session, event)
    assert registration.seats == 2 and registration.members == ["Li Wei"]
    assert (await fresh(session, event)).confirmed_seats == 2
    too_many = await client.post(f"/r/{token}/change", data={"csrf_token": csrf_field(page), "seats": "4"})
    assert too_many.status_code in (409, 422)
    assert 'id="seats"' in too_many.text  # the page again, with the problem
    no_csrf = await client.post(f"/r/{token}/cancel", data={})
    assert no_csrf.status_code == 403
    cancelled = await client.post(f"/r/{token}/cancel", data={"csrf_token": csrf_field(page)})
    assert cancelled.status_code == 303
    page = await client.get(f"/r/{token}?done=cancelled&lang=en")
    assert page.status_code == 200 and "status-cancelled" in page.text
    assert "Cancel my registration" not in page.text
    [registration] = await registrations(session, event)
    assert registration.status is RegistrationStatus.CANCELLED


async def test_already_registered_shows_a_page_and_mails_the_link(client, session):
    event = await open_event(session)
    assert (await submit(client, event, fields())).status_code == 303
    again = await submit(client, event, fields(email="WANG@example.cn"))
    assert again.status_code == 200
    assert "we have e-mailed your manage link again" in again.text
    assert "/r/" not in again.text  # never shown to whoever typed the address
    assert [message.kind for message in await outbox(session)] == ["confirmed", "manage_link"]
