"""The platform's own reading of a series where the clocks change and at UNTIL (catalog.recurrence), as RFC 5545
has it; tests/feeds/test_parsers.py checks that four calendar parsers read the feeds the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from events.catalog.recurrence import (
    RecurrenceError,
    check_rule,
    instances,
    iter_occurrences,
    normalise_rule,
    occurrence_at,
    occurrences_between,
    read_rule,
    series_end,
)
from events.catalog.service import change_occurrence
from tests.conftest import NOW
from tests.factories import build_world, make_event

UTC = dt.UTC
WEERT = "Europe/Amsterdam"
AMS = ZoneInfo(WEERT)


def weert(*parts: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=AMS, fold=fold).astimezone(UTC)  # type: ignore[misc]


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def spans(start: dt.datetime, end: dt.datetime, rule: str, **options: object) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(o.start, o.end) for o in iter_occurrences(start, end, WEERT, rule, **options)]  # type: ignore[arg-type]


# -- lengths (finding F1) ------------------------------------------------------------------------------------------


def test_every_occurrence_lasts_exactly_as_long_as_the_first_across_a_change():
    # Saturday 22:00 to Sunday 04:00: six hours; the night of 28 March loses an hour on the wall clock.
    start = weert(2026, 3, 21, 22)
    found = spans(start, weert(2026, 3, 22, 4), "FREQ=WEEKLY;COUNT=3")
    assert found[1] == (utc(2026, 3, 28, 21), utc(2026, 3, 29, 3))  # 05:00 summer time: still six hours
    assert all(end - begin == dt.timedelta(hours=6) for begin, end in found)


def test_a_first_occurrence_across_the_change_gives_its_exact_length_to_the_others():
    start = weert(2026, 3, 28, 22)
    found = spans(start, weert(2026, 3, 29, 4), "FREQ=WEEKLY;COUNT=2")  # 22:00 to 04:00 is five hours that night
    assert found == [(utc(2026, 3, 28, 21), utc(2026, 3, 29, 2)), (utc(2026, 4, 4, 20), utc(2026, 4, 5, 1))]


def test_an_instance_in_the_skipped_hour_keeps_its_length():
    # 02:30 on 29 March does not exist: read as 03:30 summer time (the offset before the gap), an hour long.
    found = spans(weert(2026, 3, 22, 2, 30), weert(2026, 3, 22, 3, 30), "FREQ=WEEKLY;COUNT=2")
    assert found[1] == (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2, 30))


def test_an_instance_in_the_repeated_hour_is_the_first_pass():
    found = spans(weert(2026, 10, 18, 2, 30), weert(2026, 10, 18, 3, 30), "FREQ=WEEKLY;COUNT=2")
    assert found[1] == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))


def test_all_day_occurrences_last_as_many_days_as_the_first():
    # Saturday and Sunday: 47 hours the first weekend (the clocks go forward), 48 the next ones.
    start, end = weert(2026, 3, 28), weert(2026, 3, 30)
    found = spans(start, end, "FREQ=WEEKLY;COUNT=2", all_day=True)
    assert found == [(start, end), (weert(2026, 4, 4), weert(2026, 4, 6))]
    assert found[1][1] - found[1][0] == dt.timedelta(hours=48)
    assert series_end(start, end, WEERT, "FREQ=WEEKLY;COUNT=2", all_day=True) == weert(2026, 4, 6)


def test_the_occurrence_at_a_start_has_its_own_end():
    start, end = weert(2026, 3, 21, 22), weert(2026, 3, 22, 4)
    assert occurrence_at(utc(2026, 3, 28, 21), start, end, WEERT).end == utc(2026, 3, 29, 3)
    day = occurrence_at(weert(2026, 3, 29), weert(2026, 3, 22), weert(2026, 3, 23), WEERT, all_day=True)
    assert day.end == weert(2026, 3, 30)


# -- UNTIL (findings F7 and F8) ------------------------------------------------------------------------------------


def test_until_is_compared_with_the_real_start_of_an_instance_in_the_skipped_hour():
    # Daily at 02:15; UNTIL is 03:14 summer time on 29 March, and that day's 02:15 is 03:15 summer time: after it.
    found = spans(weert(2026, 3, 28, 2, 15), weert(2026, 3, 28, 2, 45), "FREQ=DAILY;UNTIL=20260329T011400Z")
    assert [begin for begin, _ in found] == [utc(2026, 3, 28, 1, 15)]
    exactly = spans(weert(2026, 3, 28, 2, 15), weert(2026, 3, 28, 2, 45), "FREQ=DAILY;UNTIL=20260329T011500Z")
    assert [begin for begin, _ in exactly] == [utc(2026, 3, 28, 1, 15), utc(2026, 3, 29, 1, 15)]


def test_until_is_compared_with_the_real_start_of_an_instance_in_the_repeated_hour():
    # Weekly at 02:45; UNTIL is 02:44 winter time on 25 October, and that day's 02:45 is the first pass, before it.
    found = spans(weert(2026, 10, 18, 2, 45), weert(2026, 10, 18, 3, 15), "FREQ=WEEKLY;UNTIL=20261025T014400Z")
    assert [begin for begin, _ in found] == [utc(2026, 10, 18, 0, 45), utc(2026, 10, 25, 0, 45)]


def test_instances_after_until_are_given_only_when_asked_for():
    start, end, rule = weert(2026, 3, 28, 2, 15), weert(2026, 3, 28, 2, 45), "FREQ=DAILY;UNTIL=20260329T011400Z"
    every = list(instances(start, end, WEERT, rule, with_after_until=True))
    assert [(i.wall, i.after_until) for i in every][:2] == [
        (dt.datetime(2026, 3, 28, 2, 15), False),
        (dt.datetime(2026, 3, 29, 2, 15), True),  # the rule's own wall-clock time, after UNTIL in real time
    ]
    assert len(list(instances(start, end, WEERT, rule))) == 1


@pytest.mark.parametrize(
    ("rule", "all_day", "written"),
    [
        ("FREQ=WEEKLY;UNTIL=20260407", False, "FREQ=WEEKLY;UNTIL=20260407T215959Z"),  # the end of that day
        ("FREQ=WEEKLY;UNTIL=20260407T190000", False, "FREQ=WEEKLY;UNTIL=20260407T170000Z"),  # 19:00 in Weert
        ("FREQ=WEEKLY;UNTIL=20260407T170000Z", False, "FREQ=WEEKLY;UNTIL=20260407T170000Z"),
        ("FREQ=WEEKLY;UNTIL=20260406T220000Z", True, "FREQ=WEEKLY;UNTIL=20260407"),  # midnight in Weert
        ("FREQ=WEEKLY;UNTIL=20260407T000000", True, "FREQ=WEEKLY;UNTIL=20260407"),
        ("FREQ=WEEKLY;UNTIL=20260407", True, "FREQ=WEEKLY;UNTIL=20260407"),
        ("RRULE:freq=WEEKLY;byday=TU,TH;COUNT=4", False, "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"),
    ],
)
def test_until_is_written_in_the_form_rfc_5545_requires_with_the_same_meaning(rule, all_day, written):
    start = weert(2026, 3, 17) if all_day else weert(2026, 3, 17, 19)
    end = start + dt.timedelta(days=1 if all_day else 0, hours=0 if all_day else 1)
    assert normalise_rule(rule, start, WEERT, all_day=all_day) == written
    assert check_rule(start, end, WEERT, rule, all_day=all_day) == written
    assert spans(start, end, rule, all_day=all_day) == spans(start, end, written, all_day=all_day)


def test_until_that_is_no_date_is_refused():
    with pytest.raises(RecurrenceError):
        read_rule("FREQ=DAILY;UNTIL=tomorrow", weert(2026, 3, 17, 19), WEERT)


def test_a_series_with_until_ends_and_one_without_does_not():
    start = weert(2026, 3, 17, 19)
    assert series_end(start, start + dt.timedelta(hours=1), WEERT, "FREQ=WEEKLY") is None
    assert read_rule("FREQ=WEEKLY", start, WEERT).endless
    last = series_end(start, start + dt.timedelta(hours=1), WEERT, "FREQ=WEEKLY;UNTIL=20260407")
    assert last == weert(2026, 4, 7, 20)


async def test_organisers_rules_are_stored_with_until_as_rfc_5545_requires(session):
    world = await build_world(session)
    event = await make_event(
        session, world, starts_at=weert(2026, 3, 17, 19), rrule="FREQ=WEEKLY;UNTIL=20260407", now=NOW
    )
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20260407T215959Z"
    assert event.series_ends_at == weert(2026, 4, 7, 21)


# -- two occurrences at one time (finding P1) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    original_start: dt.datetime
    cancelled: bool = False
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


def test_an_occurrence_moved_onto_another_one_is_kept_beside_it():
    start = weert(2026, 5, 5, 19)
    moved = Change(start, starts_at=weert(2026, 5, 12, 19), ends_at=weert(2026, 5, 12, 20))
    found = occurrences_between(start, start + dt.timedelta(hours=1), WEERT, "FREQ=WEEKLY;COUNT=3", changes=[moved])
    assert [(o.start, o.original_start) for o in found] == [
        (weert(2026, 5, 12, 19), None),  # the rule's own first
        (weert(2026, 5, 12, 19), start),
        (weert(2026, 5, 19, 19), None),
    ]


async def test_pages_and_the_api_show_an_event_with_an_occurrence_moved_onto_another(client, session):
    world = await build_world(session)
    start = weert(2026, 5, 5, 19)
    event = await make_event(
        session, world, title="Tai chi", starts_at=start, hours=1, rrule="FREQ=WEEKLY;COUNT=3", now=NOW
    )
    await change_occurrence(
        session, event, start + dt.timedelta(weeks=1), starts_at=start, ends_at=start + dt.timedelta(hours=1), now=NOW
    )
    page = await client.get(f"/events/{event.slug}?lang=en")
    assert page.status_code == 200
    assert page.text.count("Tue, 5 May 2026 19:00") >= 2  # both occurrences at that time are listed
    assert (await client.get(f"/api/v1/events/{event.slug}")).status_code == 200
    assert (await client.get(f"/events/{event.slug}.ics")).status_code == 200
