"""Each request for the personal calendar link sends a mail, so it is rate-limited; and the personal feed, a
private link like the manage pages, is not for search engines."""

import httpx

from events.app import create_app
from events.registrations.notices import issue_calendar_token
from tests.conftest import NOW, settings_with
from tests.registrations.helpers import open_event, outbox, person
from tests.registrations.test_api import post, token_of
from tests.registrations.test_pages import csrf_field


async def ask_for_link(client, token: str, **extra: str) -> httpx.Response:
    page = (await client.get(f"/r/{token}?lang=en")).text
    return await client.post(f"/r/{token}/calendar-link", data={"csrf_token": csrf_field(page), **extra})


async def calendar_mails(session) -> int:
    return sum(message.kind == "calendar_link" for message in await outbox(session))


async def test_the_calendar_link_is_mailed_at_most_five_times_an_hour_to_one_address(client, session):
    first_event, second_event = await open_event(session), await open_event(session)
    first = token_of((await post(client, first_event, person(1))).json())
    second = token_of((await post(client, second_event, person(1, email="Person1@Example.org"))).json())
    for _ in range(3):
        assert (await ask_for_link(client, first)).status_code == 303
    for _ in range(2):  # another registration of the same address counts for that address
        assert (await ask_for_link(client, second, renew="yes")).status_code == 303
    assert await calendar_mails(session) == 5

    limited = await ask_for_link(client, first)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 3600
    assert limited.headers["x-robots-tag"] == "noindex" and limited.headers["cache-control"] == "no-store"
    assert "Please wait" in limited.text and "seconds and try again" in limited.text
    assert "Trade mission" in limited.text and 'action="/r/' in limited.text  # the manage page, with its forms
    assert await calendar_mails(session) == 5  # nothing more was mailed

    other = token_of((await post(client, first_event, person(2))).json())
    assert (await ask_for_link(client, other)).status_code == 303  # other addresses are not held up


async def test_the_calendar_link_also_counts_against_the_usual_limit_per_client(sessionmaker, session):
    app = create_app(settings_with(registration_rate_limit="3/minute"), sessionmaker=sessionmaker)
    app.state.clock = lambda: NOW
    app.state.rate_limiter.clock = lambda: NOW.timestamp() + 15  # one window, whatever the real time
    event = await open_event(session)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as client:
        token = token_of((await post(client, event, person(1))).json())  # the first of three
        assert (await ask_for_link(client, token)).status_code == 303
        assert (await ask_for_link(client, token)).status_code == 303
        limited = await ask_for_link(client, token)
    assert limited.status_code == 429 and "Please wait" in limited.text
    assert await calendar_mails(session) == 2


async def test_the_personal_feed_is_not_indexed_nor_passed_on(client, session):
    event = await open_event(session)
    await post(client, event, person(1))
    token = await issue_calendar_token(session, "person1@example.org", NOW)
    feed = await client.get(f"/feeds/personal/{token}.ics")
    assert feed.status_code == 200
    assert feed.headers["x-robots-tag"] == "noindex"
    assert feed.headers["referrer-policy"] == "no-referrer"
    assert feed.headers["cache-control"] == "private, no-cache"
    assert feed.headers["content-disposition"] == 'inline; filename="my-events.ics"'
