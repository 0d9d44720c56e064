"""Every route of the event editor and the write API, tried by an anonymous visitor, an organiser of the other
office, a co-organiser, an admin, and with guessed slugs and dates."""

import pytest

from events.catalog.models import EventStatus
from tests.workspace.event_helpers import admin, fresh_event, load_form, organiser, submit, token_of, weert_event
from tests.workspace.helpers import csrf_of, sign_in

PAGES = ("edit", "preview", "cancel", "delete", "occurrences")
FIRST_DATE = "20260314T090000Z"  # the series below starts on Saturday 14 March 2026, 10:00 in Weert


def actions(slug):
    """Each POST of the editor for one event, with a body that would succeed."""
    return [
        (f"/organiser/events/{slug}/publish", {}),
        (f"/organiser/events/{slug}/unpublish", {}),
        (f"/organiser/events/{slug}/duplicate", {}),
        (f"/organiser/events/{slug}/occurrences/{FIRST_DATE}", {"action": "cancel"}),
        (f"/organiser/events/{slug}/cancel", {"reason.en": "Storm"}),
        (f"/organiser/events/{slug}/delete", {"confirm": "yes", "reason.en": "Storm"}),
    ]


async def series(session, **options):
    return await weert_event(session, rrule="FREQ=WEEKLY;COUNT=4", **options)


async def csrf(client):
    return csrf_of((await client.get("/organiser/events")).text)


async def test_an_anonymous_visitor_is_sent_to_sign_in_everywhere(client, session):
    event = await series(session)
    for path in ("/organiser/events", "/organiser/events/new", *(f"/organiser/events/{event.slug}/{p}" for p in PAGES)):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    await client.get("/login")  # a CSRF cookie, so only the missing sign-in can refuse
    for path, body in [("/organiser/events", {}), (f"/organiser/events/{event.slug}/edit", {}), *actions(event.slug)]:
        response = await client.post(path, data=body)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    assert (await fresh_event(session, event.id)).status is EventStatus.PUBLISHED


async def test_an_organiser_of_the_other_office_may_not_touch_the_event(client, session):
    event = await series(session)
    await organiser(session, "li@yuhang.gov.cn", city="yuhang")
    await sign_in(client, "li@yuhang.gov.cn")
    for page in PAGES:
        response = await client.get(f"/organiser/events/{event.slug}/{page}?lang=en")
        assert response.status_code == 403 and "run by another city office" in response.text, page
    token = await csrf(client)
    form_of_weert = {"csrf_token": token, "translations.en.title": "Taken over", "category": "culture"}
    for path, body in [(f"/organiser/events/{event.slug}/edit", form_of_weert), *actions(event.slug)]:
        response = await client.post(path, data={**body, "csrf_token": token})
        assert response.status_code == 403, path
    assert event.slug not in (await client.get("/organiser/events")).text
    after = await fresh_event(session, event.id)
    assert after.status is EventStatus.PUBLISHED and after.edit_version == 1 and after.deleted_at is None


async def test_guessed_slugs_and_dates_are_not_found(client, session):
    event = await series(session)
    await organiser(session)
    await sign_in(client, "anna@weert.nl")
    token = await csrf(client)
    for page in PAGES:
        assert (await client.get(f"/organiser/events/no-such-event/{page}")).status_code == 404
    for path, body in actions("no-such-event"):
        assert (await client.post(path, data={**body, "csrf_token": token})).status_code == 404, path
    for key in ("20260315T090000Z", "not-a-date", "20260314T090000"):
        path = f"/organiser/events/{event.slug}/occurrences/{key}"
        assert (await client.post(path, data={"action": "cancel", "csrf_token": token})).status_code == 404
    single = await weert_event(session, title="Single")
    assert (await client.get(f"/organiser/events/{single.slug}/occurrences")).status_code == 404
    # A deleted event is gone for its own organisers too.
    await client.post(f"/organiser/events/{single.slug}/delete", data={"confirm": "yes", "csrf_token": token})
    assert (await client.get(f"/organiser/events/{single.slug}/edit")).status_code == 404


async def test_forms_without_their_csrf_token_change_nothing(client, session):
    event = await series(session)
    await organiser(session)
    await sign_in(client, "anna@weert.nl")
    for path, body in [(f"/organiser/events/{event.slug}/edit", {}), *actions(event.slug)]:
        assert (await client.post(path, data=body)).status_code == 403, path
    assert (await fresh_event(session, event.id)).edit_version == 1


@pytest.mark.parametrize("who", ["co-organiser", "admin"])
async def test_a_co_organiser_and_an_admin_may_do_everything(client, session, who):
    if who == "admin":
        user = await admin(session)
    else:
        user = await organiser(session, "li@yuhang.gov.cn", city="yuhang")
    await sign_in(client, user.email)
    joint = await series(session, co_organisers=("yuhang",))
    for page in PAGES:
        assert (await client.get(f"/organiser/events/{joint.slug}/{page}")).status_code == 200, page
    url = f"/organiser/events/{joint.slug}/edit"
    saved = await submit(client, url, await load_form(client, url), capacity="12")
    assert saved.status_code == 303
    token = await csrf(client)
    for path, body in actions(joint.slug):
        response = await client.post(path, data={**body, "csrf_token": token})
        assert response.status_code == 303, (path, response.text[-500:])
    after = await fresh_event(session, joint.id)
    assert after.deleted_at is not None and after.capacity == 12


async def test_an_organiser_creates_events_for_their_own_office_only(client, session):
    await organiser(session)
    await sign_in(client, "anna@weert.nl")
    fields = await load_form(client, "/organiser/events/new", "/organiser/events")
    body = {
        **fields,
        "translations.en.title": "Lantern festival",
        "category": "culture",
        "city": "yuhang",
        "start_date": "2026-04-18",
        "start_time": "19:00",
        "end_time": "21:00",
    }
    forged = await client.post("/organiser/events", data={**body, "office": "yuhang"})
    assert forged.status_code == 403
    own = await client.post("/organiser/events", data={**body, "co_organisers": "yuhang"})
    assert own.status_code == 303


async def test_the_write_api_for_each_kind_of_caller(client, session):
    event = await series(session)
    joint = await series(session, co_organisers=("yuhang",))
    li = await token_of(session, await organiser(session, "li@yuhang.gov.cn", city="yuhang"))
    boss = await token_of(session, await admin(session))
    routes = [
        ("GET", "/api/v1/events/{slug}", None),
        ("PATCH", "/api/v1/events/{slug}", {"capacity": 15}),
        ("POST", "/api/v1/events/{slug}/unpublish", None),
        ("POST", "/api/v1/events/{slug}/publish", None),
        ("POST", "/api/v1/events/{slug}/cancel", {"reason": "Storm"}),
        ("DELETE", "/api/v1/events/{slug}", None),
    ]
    for method, path, body in routes:
        refused = await client.request(method, path.format(slug=event.slug), json=body, headers=li)
        assert refused.status_code == 403, (method, path)
        anonymous = await client.request(method, path.format(slug=event.slug), json=body)
        assert anonymous.status_code == (200 if method == "GET" else 401), (method, path)
        allowed = await client.request(method, path.format(slug=joint.slug), json=body, headers=li)
        assert allowed.status_code in (200, 204), (method, path, allowed.text)
    for method, path, body in routes:
        allowed = await client.request(method, path.format(slug=event.slug), json=body, headers=boss)
        assert allowed.status_code in (200, 204), (method, path, allowed.text)
