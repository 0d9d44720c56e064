"""The event editor through the real pages: creating in three languages, series with exceptions, errors at their
fields, times on both cities' clocks, publishing, changing with participants, cancelling, deleting, duplicating,
images, and two organisers editing at once."""

import datetime as dt
import re
from pathlib import Path

import httpx
import icalendar
import pytest
from sqlalchemy import func, select

from events.catalog.media import remove_unused_images
from events.catalog.models import Event, EventStatus
from events.catalog.service import EventText
from events.database import create_engine
from events.jobs import build_worker
from events.registrations.forms import from_json
from events.registrations.models import Question, Registration, RegistrationStatus
from events.registrations.service import Context, register
from tests.conftest import NOW, TEST_SETTINGS, settings_with
from tests.registrations.helpers import add_questions, outbox, person
from tests.workspace.event_helpers import (
    audit_entries,
    field_error,
    form_fields,
    fresh_event,
    load_form,
    organiser,
    submit,
    weert_event,
)
from tests.workspace.helpers import csrf_of, sign_in

CONTEXT = Context("https://stedenband.test", "stedenband.test", NOW)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
NEW = "/organiser/events"


@pytest.fixture
def settings(tmp_path):
    return settings_with(media_dir=str(tmp_path / "media"), max_image_size=4096)


async def signed_in(client, session, email="anna@weert.nl", **options):
    user = await organiser(session, email, **options)
    await sign_in(client, email)
    client.headers["Accept-Language"] = "en"  # the texts asserted below; ?lang= (a cookie) still wins
    return user


def new_event_form(**changes):
    fields = {
        "translations.nl.title": "Fietstocht door de Kempen",
        "translations.nl.summary": "Twintig kilometer over de hei",
        "translations.en.title": "Cycling tour of the Kempen",
        "translations.zh.title": "肯彭骑行",
        "translations.zh.summary": "二十公里",
        "category": "sport",
        "city": "weert",
        "start_date": "2026-04-18",
        "start_time": "10:00",
        "end_date": "2026-04-18",
        "end_time": "13:00",
        "capacity": "30",
        "max_seats_per_registration": "4",
        "waitlist_enabled": "yes",
        "waitlist_rule": "strict",
        "questions.0.kind": "choice",
        "questions.0.labels.en": "Bike",
        "questions.0.labels.nl": "Fiets",
        "questions.0.choices.en": "Own bike\nRental",
        "questions.0.choices.nl": "Eigen fiets\nHuurfiets",
        "questions.0.required": "yes",
    }
    fields.update({name.replace("__", "."): value for name, value in changes.items()})
    return {name: value for name, value in fields.items() if value is not None}


async def create(client, **changes):
    fields = await load_form(client, "/organiser/events/new", NEW)
    return await client.post(NEW, data={**fields, **new_event_form(**changes)})


async def event_by_slug(session, slug):
    return (
        await session.scalars(select(Event).where(Event.slug == slug).execution_options(populate_existing=True))
    ).one()


def slug_of(response):
    return re.match(r"/organiser/events/([^/]+)/edit", response.headers["location"]).group(1)


async def test_an_organiser_creates_an_event_in_three_languages(client, session):
    await signed_in(client, session)
    response = await create(client)
    assert response.status_code == 303 and response.headers["location"].endswith("?done=event_created")
    event = await event_by_slug(session, slug_of(response))
    await session.refresh(event, ["translations"])
    assert event.slug == "cycling-tour-of-the-kempen" and event.status is EventStatus.DRAFT
    assert {code: row.title for code, row in event.translations.items()} == {
        "nl": "Fietstocht door de Kempen",
        "en": "Cycling tour of the Kempen",
        "zh": "肯彭骑行",
    }
    # 10:00 in Weert in April is summer time: 08:00 UTC.
    assert event.starts_at == dt.datetime(2026, 4, 18, 8, tzinfo=dt.UTC) and event.timezone == "Europe/Amsterdam"
    assert event.capacity == 30 and event.max_seats_per_registration == 4 and event.edit_version == 1
    [question] = (await session.scalars(select(Question).where(Question.event_id == event.id))).all()
    assert question.label == {"en": "Bike", "nl": "Fiets"} and question.required
    assert [choice["label"] for choice in question.choices] == [
        {"en": "Own bike", "nl": "Eigen fiets"},
        {"en": "Rental", "nl": "Huurfiets"},
    ]
    [entry] = await audit_entries(session, event.id)
    assert entry.action == "event.created" and entry.changes["translations.zh.title"] == [None, "肯彭骑行"]
    assert entry.changes["start"] == [None, "2026-04-18T08:00:00+00:00"] and entry.changes["edit_version"] == [None, 1]
    page = (await client.get(response.headers["location"])).text
    assert (
        'value="Fietstocht door de Kempen"' in page and 'value="10:00"' in page and "The event has been saved" in page
    )


async def test_a_weekly_series_with_a_date_left_out(client, session):
    await signed_in(client, session)
    response = await create(
        client,
        **{
            "recurrence.frequency": "weekly",
            "recurrence.interval": "1",
            "recurrence.ends": "count",
            "recurrence.count": "6",
            "recurrence.exdates": "2026-05-02",
        },
    )
    assert response.status_code == 303, response.text
    event = await event_by_slug(session, slug_of(response))
    assert event.rrule == "FREQ=WEEKLY;COUNT=6"
    assert event.exdates == ["2026-05-02T08:00:00+00:00"] and event.long_running
    assert event.series_ends_at == dt.datetime(2026, 5, 23, 11, tzinfo=dt.UTC)
    page = (await client.get(response.headers["location"])).text
    assert 'value="weekly" selected' in page and "2026-05-02</textarea>" in page
    # Until a date instead: the last local day, written in UTC as RFC 5545 wants it next to a TZID.
    fields = await load_form(client, response.headers["location"].split("?")[0])
    changed = await submit(
        client,
        response.headers["location"].split("?")[0],
        fields,
        **{"recurrence.ends": "until", "recurrence.until": "2026-05-30", "recurrence.count": ""},
    )
    assert changed.status_code == 303, changed.text
    event = await fresh_event(session, event.id)
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20260530T215959Z"
    assert event.series_ends_at == dt.datetime(2026, 5, 30, 11, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "heading", "title_message"),
    [
        ("nl", "Controleer het formulier", "Vul in deze taal een titel in"),
        ("zh", "请检查表单", "请填写该语言的标题"),
    ],
)
async def test_every_error_is_shown_at_its_field_in_the_organisers_language(
    client, session, language, heading, title_message
):
    await signed_in(client, session)
    fields = await load_form(client, f"/organiser/events/new?lang={language}", NEW)  # the choice is remembered
    response = await client.post(
        NEW,
        data={
            **fields,
            **new_event_form(
                **{
                    "translations.nl.title": "",
                    "translations.en.title": "",
                    "translations.zh.title": "",
                    "translations.zh.summary": "",
                    "translations.nl.summary": "Alleen een samenvatting",
                    "end_time": "09:00",
                    "capacity": "veel",
                    "online_url": "javascript:alert(1)",
                    "questions.0.labels.en": "",
                    "questions.0.labels.nl": "",
                    "recurrence.frequency": "weekly",
                    "recurrence.ends": "count",
                    "recurrence.count": "500",
                }
            ),
        },
    )
    assert response.status_code == 422
    page = response.text
    assert f'<html lang="{"zh-Hans" if language == "zh" else "nl"}"' in page and heading in page
    assert title_message in field_error(page, "translations.nl.title")
    assert field_error(page, "capacity") and field_error(page, "online_url")
    assert field_error(page, "questions.0.labels") and field_error(page, "recurrence.count")
    assert 'aria-invalid="true" aria-describedby="capacity-hint capacity-error"' in page
    # What was typed is still there.
    assert 'value="veel"' in page and "Alleen een samenvatting</textarea>" in page
    assert await session.scalar(select(func.count()).select_from(Event)) == 0
    # Without any text at all, the error is at the title in the organiser's own language.
    untitled = {f"translations.{code}.{name}": "" for code in ("nl", "en", "zh") for name in ("title", "summary")}
    response = await client.post(NEW, data={**fields, **new_event_form(**untitled)})
    at_least_one = {"nl": "in minstens één taal", "zh": "至少用一种语言"}[language]
    assert at_least_one in field_error(response.text, f"translations.{language}.title")


async def test_end_before_start_and_the_hour_the_clocks_skip(client, session):
    await signed_in(client, session)
    before = await create(client, end_time="09:00")
    assert before.status_code == 422 and "after the start" in field_error(before.text, "end")
    # On 29 March 2026 the clocks in Weert jump from 02:00 to 03:00: 02:30 does not exist there.
    gap = await create(client, start_date="2026-03-29", start_time="02:30", end_date="2026-03-29", end_time="04:00")
    assert gap.status_code == 422
    assert "02:30 does not exist on 2026-03-29 in Europe/Amsterdam" in field_error(gap.text, "start")
    assert "such as 03:30" in field_error(gap.text, "start")


async def test_the_hour_that_happens_twice_is_read_as_the_first_and_a_hint_says_so(client, session):
    await signed_in(client, session)
    # On 25 October 2026 the clocks go back from 03:00 to 02:00: 02:30 happens twice.
    response = await create(
        client, start_date="2026-10-25", start_time="02:30", end_date="2026-10-25", end_time="05:00"
    )
    assert response.status_code == 303, response.text
    event = await event_by_slug(session, slug_of(response))
    assert event.starts_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 summer time (UTC+02:00)
    page = (await client.get(response.headers["location"])).text
    assert "02:30 happens twice on 2026-10-25 in Europe/Amsterdam" in page and "UTC+02:00" in page


async def test_the_form_shows_the_time_on_the_partner_citys_clock(client, session):
    await signed_in(client, session)
    event = await weert_event(session)  # Saturday 14 March 2026, 10:00–12:00 in Weert
    page = (await client.get(f"/organiser/events/{event.slug}/edit?lang=en")).text
    assert "The same moment in each twin city" in page
    assert "Sat, 14 March 2026 10:00–12:00 Weert (CET)" in page and "17:00–19:00 Hangzhou (CST)" in page
    assert 'data-clocks="' in page and "/static/editor.js" in page and "<script>" not in page
    # "Check the times" shows the typed times without saving anything.
    fields = await load_form(client, f"/organiser/events/{event.slug}/edit")
    checked = await submit(
        client, f"/organiser/events/{event.slug}/edit", fields, start_time="19:30", end_time="21:00", action="check"
    )
    assert checked.status_code == 200 and "02:30–04:00 Hangzhou" in checked.text
    assert "Sunday 15 March" in checked.text or "15 March" in checked.text
    assert (await fresh_event(session, event.id)).edit_version == 1


async def test_publishing_puts_the_event_on_its_page_and_in_the_feed(client, session):
    await signed_in(client, session)
    slug = slug_of(await create(client))
    assert (await client.get(f"/events/{slug}")).status_code == 404
    preview = await client.get(f"/organiser/events/{slug}/preview")
    assert preview.status_code == 200 and "only organisers can see this page" in preview.text
    assert preview.headers["x-robots-tag"] == "noindex" and '<meta name="robots" content="noindex">' in preview.text
    page = await client.get(f"/organiser/events/{slug}/edit")
    published = await client.post(f"/organiser/events/{slug}/publish", data={"csrf_token": csrf_of(page.text)})
    assert published.status_code == 303 and published.headers["location"].endswith("done=event_published")
    public = await client.get(f"/events/{slug}?lang=en")
    assert public.status_code == 200 and "Cycling tour of the Kempen" in public.text
    event = await event_by_slug(session, slug)
    assert event.status is EventStatus.PUBLISHED and event.published_at == NOW and event.edit_version == 2
    feed = icalendar.Calendar.from_ical((await client.get("/feeds/events.ics?lang=en")).content)
    [vevent] = [item for item in feed.walk("VEVENT") if str(item["uid"]).startswith(str(event.id))]
    assert str(vevent["summary"]) == "Cycling tour of the Kempen" and int(vevent["sequence"]) == event.sequence == 1
    assert [entry.action for entry in await audit_entries(session, event.id)] == ["event.created", "event.published"]


async def registered(session, event, *languages):
    for number, language in enumerate(languages, start=1):
        await register(session, event_id=event.id, sent=from_json(person(number, language=language)), context=CONTEXT)


async def test_a_new_time_asks_whether_to_tell_the_participants_and_tells_each_in_their_language(client, session):
    await signed_in(client, session)
    event = await weert_event(session)
    await registered(session, event, "nl", "zh", "en")
    url = f"/organiser/events/{event.slug}/edit"
    fields = await load_form(client, url)
    assert "3 registrations are active" in (await client.get(url + "?lang=en")).text
    unanswered = await submit(client, url, fields, start_time="14:00", end_time="16:00")
    assert unanswered.status_code == 422 and "3 people are registered" in field_error(unanswered.text, "notify")
    before = (await fresh_event(session, event.id)).sequence
    response = await submit(client, url, fields, start_time="14:00", end_time="16:00", notify="yes")
    assert response.status_code == 303, response.text
    event = await fresh_event(session, event.id)
    assert event.starts_at == dt.datetime(2026, 3, 14, 13, tzinfo=dt.UTC) and event.sequence == before + 1
    changed = [message for message in await outbox(session) if message.kind == "event_changed"]
    assert sorted(message.language for message in changed) == ["en", "nl", "zh"]
    by_language = {message.language: message for message in changed}
    assert by_language["nl"].subject == "Gewijzigd: Theeceremonie" or "Theeceremonie" in by_language["nl"].subject
    assert "茶道" in by_language["zh"].subject and "Tea ceremony" in by_language["en"].subject
    invitation = icalendar.Calendar.from_ical(by_language["en"].calendar)
    [vevent] = invitation.walk("VEVENT")
    assert int(vevent["sequence"]) > before and str(invitation["method"]) == "REQUEST"
    [*_, entry] = await audit_entries(session, event.id)
    assert entry.action == "event.updated"
    assert entry.changes["start"] == ["2026-03-14T09:00:00+00:00", "2026-03-14T13:00:00+00:00"]
    assert entry.changes["edit_version"] == [1, 2]
    # A change that is not of time or place asks nothing and tells nobody.
    fields = await load_form(client, url)
    quiet = await submit(client, url, fields, **{"translations.en.summary": "Tea from Yuhang"})
    assert quiet.status_code == 303 and len([m for m in await outbox(session) if m.kind == "event_changed"]) == 3


async def test_cancelling_needs_a_reason_and_tells_everyone(client, session):
    await signed_in(client, session)
    event = await weert_event(session)
    await registered(session, event, "nl", "zh")
    url = f"/organiser/events/{event.slug}/cancel"
    page = await client.get(url + "?lang=en")
    assert "2 registrations are active" in page.text
    refused = await client.post(url, data={"csrf_token": csrf_of(page.text), "reason.nl": "  "})
    assert refused.status_code == 422 and "at least one language" in field_error(refused.text, "reason")
    assert (await fresh_event(session, event.id)).status is EventStatus.PUBLISHED
    response = await client.post(
        url, data={"csrf_token": csrf_of(page.text), "reason.nl": "De zaal is dicht", "reason.zh": "场馆关闭"}
    )
    assert response.status_code == 303
    event = await fresh_event(session, event.id)
    assert event.status is EventStatus.CANCELLED and event.cancellation_reasons == {
        "nl": "De zaal is dicht",
        "zh": "场馆关闭",
    }
    mails = {message.language: message for message in await outbox(session) if message.kind == "event_cancelled"}
    assert (
        set(mails) == {"nl", "zh"}
        and "场馆关闭" in mails["zh"].text_body
        and "De zaal is dicht" in mails["nl"].text_body
    )
    assert "场馆关闭" in (await client.get(f"/events/{event.slug}?lang=zh")).text
    [*_, entry] = await audit_entries(session, event.id)
    assert entry.action == "event.cancelled" and entry.changes["status"] == ["published", "cancelled"]


async def test_deleting_leaves_a_tombstone_in_the_feed_and_ends_the_registrations(client, session):
    await signed_in(client, session)
    event = await weert_event(session)
    await registered(session, event, "en")
    url = f"/organiser/events/{event.slug}/delete"
    page = await client.get(url)
    unconfirmed = await client.post(url, data={"csrf_token": csrf_of(page.text), "reason.en": "Storm"})
    assert unconfirmed.status_code == 422 and field_error(unconfirmed.text, "confirm")
    no_reason = await client.post(url, data={"csrf_token": csrf_of(page.text), "confirm": "yes"})
    assert no_reason.status_code == 422 and field_error(no_reason.text, "reason")
    deleted = await client.post(url, data={"csrf_token": csrf_of(page.text), "confirm": "yes", "reason.en": "Storm"})
    assert deleted.status_code == 303 and deleted.headers["location"] == "/organiser/events?done=event_deleted"
    assert (await client.get(f"/events/{event.slug}")).status_code == 404
    assert (await client.get(f"/organiser/events/{event.slug}/edit")).status_code == 404
    feed = icalendar.Calendar.from_ical((await client.get("/feeds/events.ics")).content)
    [tombstone] = [item for item in feed.walk("VEVENT") if str(item["uid"]).startswith(str(event.id))]
    assert str(tombstone["status"]) == "CANCELLED"
    [registration] = (await session.scalars(select(Registration).execution_options(populate_existing=True))).all()
    assert registration.status is RegistrationStatus.CANCELLED and registration.cancelled_by == "organiser"
    assert [m.kind for m in await outbox(session)][-1] == "event_cancelled"
    actions = [entry.action for entry in await audit_entries(session, event.id)]
    assert actions == ["registration.cancelled", "event.deleted"]


async def test_duplicating_makes_a_draft_copy_without_registrations(client, session):
    await signed_in(client, session)
    event = await weert_event(session)
    await registered(session, event, "nl")
    await add_questions(session, event)
    page = await client.get(f"/organiser/events/{event.slug}/edit")
    response = await client.post(f"/organiser/events/{event.slug}/duplicate", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"].endswith("done=event_duplicated")
    copy = await event_by_slug(session, slug_of(response))
    await session.refresh(copy, ["translations"])
    assert copy.slug == "tea-ceremony-copy" and copy.status is EventStatus.DRAFT and copy.id != event.id
    assert copy.translations["en"].title == "Tea ceremony (copy)" and copy.translations["zh"].title.startswith("茶道")
    assert copy.confirmed_seats == 0 and copy.starts_at == event.starts_at and copy.capacity == event.capacity
    assert await session.scalar(select(func.count()).where(Registration.event_id == copy.id)) == 0
    assert await session.scalar(select(func.count()).where(Question.event_id == copy.id)) == 5
    [entry] = await audit_entries(session, copy.id)
    assert entry.action == "event.duplicated" and entry.changes["duplicated_from"] == [None, event.slug]


async def test_an_image_with_alt_text_in_each_language(client, session, settings):
    await signed_in(client, session)
    fields = await load_form(client, "/organiser/events/new", NEW)
    data = {**fields, **new_event_form()}
    missing_alt = await client.post(NEW, data=data, files={"image": ("tea.png", PNG, "image/png")})
    assert missing_alt.status_code == 422
    for code in ("nl", "en", "zh"):
        assert "Describe the image" in field_error(missing_alt.text, f"translations.{code}.image_alt")
    # The image was kept: the form carries it while the rest is put right.
    kept = re.search(r'name="image_path" value="(/media/[0-9a-f]{32}\.png)"', missing_alt.text).group(1)
    alts = {f"translations.{code}.image_alt": "Twee fietsers" for code in ("nl", "en", "zh")}
    response = await client.post(NEW, data={**data, **alts, "image_path": kept})
    assert response.status_code == 303, response.text
    event = await event_by_slug(session, slug_of(response))
    assert event.image_path == kept
    served = await client.get(kept)
    assert served.status_code == 200 and served.content == PNG and served.headers["content-type"] == "image/png"
    assert (
        "max-age=31536000" in served.headers["cache-control"] and served.headers["x-content-type-options"] == "nosniff"
    )
    assert (await client.get("/media/../secret.png")).status_code == 404
    assert (await client.get("/media/" + "0" * 32 + ".png")).status_code == 404


async def test_images_no_event_shows_are_removed_after_a_day(client, session, settings):
    await signed_in(client, session)
    fields = await load_form(client, "/organiser/events/new", NEW)
    data = {**fields, **new_event_form()}
    alts = {f"translations.{code}.image_alt": "Twee fietsers" for code in ("nl", "en", "zh")}
    saved = await client.post(NEW, data={**data, **alts}, files={"image": ("tea.png", PNG, "image/png")})
    assert saved.status_code == 303, saved.text
    shown = (await event_by_slug(session, slug_of(saved))).image_path
    abandoned = await client.post(NEW, data=data, files={"image": ("tea.png", PNG, "image/png")})  # never saved
    left = re.search(r'name="image_path" value="(/media/[0-9a-f]{32}\.png)"', abandoned.text).group(1)
    media = Path(settings.media_dir)
    (media / "notes.txt").write_text("not the platform's")
    uploaded_by_now = dt.datetime.now(dt.UTC)  # the files' own times
    assert await remove_unused_images(session, media, now=uploaded_by_now) == 0  # its form may still be open
    assert await remove_unused_images(session, media, now=uploaded_by_now + dt.timedelta(hours=25)) == 1
    assert (await client.get(left)).status_code == 404
    assert (await client.get(shown)).status_code == 200 and (media / "notes.txt").exists()


def test_the_worker_removes_unused_images_every_hour():
    jobs = {job.name: job.every for job in build_worker(TEST_SETTINGS, create_engine(TEST_SETTINGS.database_url)).jobs}
    assert jobs["unused images clean-up"] == dt.timedelta(hours=1)


async def test_images_of_the_wrong_kind_or_too_large_are_refused_at_the_field(client, session, tmp_path):
    await signed_in(client, session)
    fields = await load_form(client, "/organiser/events/new", NEW)
    data = {**fields, **new_event_form()}
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, body, kind in (("x.svg", svg, "image/svg+xml"), ("x.png", b"GIF89a" + b"\0" * 50, "image/png")):
        refused = await client.post(NEW, data=data, files={"image": (name, body, kind)})
        assert refused.status_code == 422 and "JPEG, PNG or WebP" in field_error(refused.text, "image")
    too_big = await client.post(NEW, data=data, files={"image": ("big.png", PNG + b"\0" * 4096, "image/png")})
    assert too_big.status_code == 422 and "larger than" in field_error(too_big.text, "image")
    assert not (tmp_path / "media").exists() or not list((tmp_path / "media").iterdir())
    # Far beyond the image limit, the body itself is refused before anything reads it.
    huge = await client.post(NEW, data=data, files={"image": ("huge.png", PNG + b"\0" * 1_100_000, "image/png")})
    assert huge.status_code == 413


async def test_the_body_limit_allows_an_image_on_the_event_forms_only(client, session):
    await signed_in(client, session)
    fields = await load_form(client, "/organiser/events/new", NEW)
    body = "x" * 1_200_000  # over EVENTS_MAX_BODY_SIZE (1 MiB), within it plus the image allowance
    elsewhere = await client.post("/organiser/tokens", data={**fields, "name": body})
    assert elsewhere.status_code == 413


async def test_two_organisers_editing_at_once_cannot_overwrite_each_other(client, session, app):
    await signed_in(client, session)
    await organiser(session, "li@yuhang.gov.cn", city="yuhang", name="Li Na")
    event = await weert_event(session, co_organisers=("yuhang",))
    url = f"/organiser/events/{event.slug}/edit"
    anna_form = await load_form(client, url)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as li:
        await sign_in(li, "li@yuhang.gov.cn")
        li_form = await load_form(li, url)
        moved = await submit(li, url, li_form, start_time="11:00", end_time="13:00", capacity="25")
        assert moved.status_code == 303
    # Anna saves her own change on the form she loaded before Li saved.
    conflict = await submit(client, url + "?lang=en", anna_form, capacity="40", **{"translations.en.title": "Tea day"})
    assert conflict.status_code == 409
    page = conflict.text
    assert "Someone else changed this event meanwhile" in page
    assert "Li Na changed the start from “Sat, 14 March 2026 10:00” to “Sat, 14 March 2026 11:00”" in page
    assert "The form now shows the new value." in page and "You changed it too: the form shows your value." in page
    # Nothing of Anna's is lost, and Li's start is in the form Anna sends next.
    assert 'value="Tea day"' in page and 'value="40"' in page and 'value="11:00"' in page
    event = await fresh_event(session, event.id)
    assert event.edit_version == 2 and event.capacity == 25
    again = await submit(client, url, form_fields(page, url))
    assert again.status_code == 303
    event = await fresh_event(session, event.id)
    await session.refresh(event, ["translations"])
    assert event.edit_version == 3 and event.capacity == 40 and event.translations["en"].title == "Tea day"
    assert event.starts_at == dt.datetime(2026, 3, 14, 10, tzinfo=dt.UTC)  # Li's 11:00, kept


async def test_a_single_date_of_a_series_is_moved_or_cancelled_and_participants_are_told(client, session):
    await signed_in(client, session)
    event = await weert_event(session, rrule="FREQ=WEEKLY;COUNT=4")
    await registered(session, event, "zh")
    url = f"/organiser/events/{event.slug}/occurrences"
    page = await client.get(url + "?lang=en")
    assert page.status_code == 200 and page.text.count('class="occurrence"') == 4
    second = "20260321T090000Z"
    fields = {"csrf_token": csrf_of(page.text), "start_date": "2026-03-22", "start_time": "10:00", "end_time": "12:00"}
    moved = await client.post(f"{url}/{second}", data={**fields, "action": "move"})
    assert moved.status_code == 303 and moved.headers["location"].endswith("done=date_moved")
    cancelled = await client.post(
        f"{url}/20260328T090000Z", data={"csrf_token": csrf_of(page.text), "action": "cancel"}
    )
    assert cancelled.status_code == 303
    gap = await client.post(
        f"{url}/20260404T080000Z", data={**fields, "start_date": "2026-03-29", "start_time": "02:15", "action": "move"}
    )
    assert gap.status_code == 422 and "does not exist" in gap.text
    assert (await client.post(f"{url}/20260322T090000Z", data={**fields, "action": "move"})).status_code == 404
    feed = icalendar.Calendar.from_ical((await client.get("/feeds/events.ics")).content)
    overrides = [item for item in feed.walk("VEVENT") if "recurrence-id" in item]
    assert len(overrides) == 2
    assert [m.language for m in await outbox(session) if m.kind == "event_changed"] == ["zh", "zh"]
    actions = [entry.action for entry in await audit_entries(session, event.id)]
    assert actions == ["event.occurrence_moved", "event.occurrence_cancelled"]


async def test_the_list_shows_what_the_office_manages_with_its_numbers_and_missing_languages(client, session):
    await signed_in(client, session)
    mine = await weert_event(session, texts={"en": EventText("Tea ceremony")})
    await registered(session, mine, "en")
    other = await weert_event(session, office="yuhang", texts={"zh": EventText("西湖")})
    joint = await weert_event(session, office="yuhang", co_organisers=("weert",), texts={"en": EventText("Joint")})
    draft = await weert_event(session, status=EventStatus.DRAFT, texts={"en": EventText("Plan")})
    page = (await client.get("/organiser/events?lang=en")).text
    assert "Tea ceremony" in page and "Joint" in page and "西湖" not in page and "Plan" not in page
    assert "1 of 20 confirmed" in page and "No text yet in: Nederlands, 中文" in page
    assert f"/organiser/events/{mine.slug}/registrations" in page
    drafts = (await client.get("/organiser/events?show=drafts")).text
    assert "Plan" in drafts and "Tea ceremony" not in drafts and f"/organiser/events/{draft.slug}/edit" in drafts
    assert f"/organiser/events/{other.slug}/edit" not in page + drafts
    assert f"/organiser/events/{joint.slug}/edit" in page
