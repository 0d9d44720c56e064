"""Holding an event's input against the rules: every broken rule becomes a field error, all reported at once.

Times are entered as wall-clock times in the event's own zone. A time that does not exist there (the hour the
clocks skip in spring) is refused; one that happens twice (the hour repeated in autumn) is read as the first, and
a hint says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.catalog.editing.inputs import EventInput, Moment, RecurrenceInput
from events.catalog.editing.questions import CheckedQuestion, check_questions
from events.catalog.editing.rules import MAX_INTERVAL, MAX_SERIES, SimpleRule, build_rule
from events.catalog.models import Category, City, Event, EventStatus, Venue, WaitlistRule
from events.catalog.queries import Catalogue
from events.catalog.recurrence import MAX_OCCURRENCES, RecurrenceError, check_rule, iter_occurrences, read_rule
from events.catalog.service import EventText
from events.errors import FieldError, InvalidFields
from events.i18n import LANGUAGE_CODES, N_
from events.registrations.models import Question

MAX_TITLE, MAX_SUMMARY, MAX_DESCRIPTION, MAX_ALT = 200, 500, 20_000, 300
MAX_CAPACITY = 100_000
MAX_SEATS = 100
MAX_URL = 500
# Images uploaded through the editor: "/media/" and a random name (see catalog/media.py).
MEDIA_PATH = re.compile(r"^/media/[0-9a-f]{32}\.(jpg|png|webp)$")


@dataclass(frozen=True)
class CheckedEvent:
    """Everything an event needs, checked: catalogue rows found, times in UTC, the repeat rule as an RRULE."""

    texts: dict[str, EventText]
    category: Category
    city: City
    office: City
    co_organisers: list[City]
    venue: Venue | None
    online_url: str | None
    image_path: str | None
    timezone: str
    all_day: bool
    starts_at: dt.datetime
    ends_at: dt.datetime
    rrule: str | None
    exdates: list[dt.datetime]
    capacity: int | None
    max_seats_per_registration: int
    waitlist_enabled: bool
    waitlist_rule: WaitlistRule
    approval_required: bool
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    questions: list[CheckedQuestion]
    status: EventStatus
    hints: list[FieldError] = field(default_factory=list)


@dataclass(frozen=True)
class Situation:
    """What the checks need besides the input: the catalogue, the venues, and the event as it stands (if any)."""

    catalogue: Catalogue
    venues: dict[int, Venue]
    media_dir: Path
    language: str  # the reader's: "give a title in at least one language" points at their column
    event: Event | None = None
    questions: Sequence[Question] = ()


class _Problems:
    def __init__(self, initial: list[FieldError]) -> None:
        self.errors = list(initial)
        self.hints: list[FieldError] = []

    def add(self, name: str, message: str, **params: object) -> None:
        self.errors.append(FieldError(name, message, dict(params)))

    def about(self, name: str) -> bool:
        return any(item.field == name or item.field.startswith(name + ".") for item in self.errors)


def check(sent: EventInput, situation: Situation) -> CheckedEvent:
    """The checked event, or InvalidFields naming every field that breaks a rule."""
    problems = _Problems(sent.problems)
    texts = _texts(sent, situation, problems)
    category = situation.catalogue.category_by_slug.get(sent.category)
    if category is None and not problems.about("category"):
        problems.add("category", N_("Choose a category."))
    city = situation.catalogue.city_by_slug.get(sent.city)
    if city is None and not problems.about("city"):
        problems.add("city", N_("Choose the city where the event takes place."))
    office = situation.catalogue.city_by_slug.get(sent.office)
    if office is None and not problems.about("office"):
        problems.add("office", N_("Choose the city office that runs the event."))
    co_organisers = _co_organisers(sent, situation, office, problems)
    venue = _venue(sent, situation, city, problems)
    timezone = _timezone(sent, city, problems)
    times = _times(sent, timezone, problems) if timezone else None
    rrule, exdates = _recurrence(sent, times, timezone, situation, problems)
    capacity, max_seats = _places(sent, situation, problems)
    window = _window(sent, timezone, times, problems)
    questions = check_questions(sent.questions, situation.questions, problems)
    status = _status(sent.status, situation.event, problems)
    online_url = _online_url(sent.online_url, problems)
    image_path = _image(sent, situation, texts, problems)
    if problems.errors:
        raise InvalidFields(problems.errors)
    assert category and city and office and timezone and times and status
    return CheckedEvent(
        texts=texts,
        category=category,
        city=city,
        office=office,
        co_organisers=co_organisers,
        venue=venue,
        online_url=online_url,
        image_path=image_path,
        timezone=timezone,
        all_day=sent.all_day,
        starts_at=times[0],
        ends_at=times[1],
        rrule=rrule,
        exdates=exdates,
        capacity=capacity,
        max_seats_per_registration=max_seats,
        waitlist_enabled=sent.waitlist_enabled,
        waitlist_rule=WaitlistRule(sent.waitlist_rule),
        approval_required=sent.approval_required,
        registration_opens_at=window[0],
        registration_closes_at=window[1],
        questions=questions,
        status=status,
        hints=problems.hints,
    )


def _texts(sent: EventInput, situation: Situation, problems: _Problems) -> dict[str, EventText]:
    texts = {}
    limits = {"title": MAX_TITLE, "summary": MAX_SUMMARY, "description": MAX_DESCRIPTION, "image_alt": MAX_ALT}
    for code in LANGUAGE_CODES:
        text = sent.translations.get(code)
        if text is None:
            continue
        values = {name: getattr(text, name).strip() for name in limits}
        for name, limit in limits.items():
            if len(values[name]) > limit:
                problems.add(f"translations.{code}.{name}", N_("Use at most %(count)s characters."), count=limit)
        if not values["title"]:
            if any(values.values()):
                problems.add(
                    f"translations.{code}.title",
                    N_("Give a title in this language, or leave all its fields empty."),
                )
            continue
        texts[code] = EventText(**values)
    if not texts and not problems.about("translations"):
        language = situation.language if situation.language in LANGUAGE_CODES else LANGUAGE_CODES[0]
        problems.add(f"translations.{language}.title", N_("Give the event a title in at least one language."))
    return texts


def _co_organisers(sent: EventInput, situation: Situation, office: City | None, problems: _Problems) -> list[City]:
    found: list[City] = []
    for slug in dict.fromkeys(sent.co_organisers):
        city = situation.catalogue.city_by_slug.get(slug)
        if city is None:
            problems.add("co_organisers", N_("“%(value)s” is not a city office."), value=slug[:40])
        elif office is None or city.id != office.id:  # the organising office is no co-organiser of its own
            found.append(city)
    return found


def _venue(sent: EventInput, situation: Situation, city: City | None, problems: _Problems) -> Venue | None:
    if sent.venue is None:
        return None
    venue = situation.venues.get(sent.venue)
    if venue is None:
        problems.add("venue", N_("Choose one of the venues."))
    elif city is not None and venue.city_id != city.id:
        problems.add("venue", N_("This venue is in another city than the event."))
    return venue


def _timezone(sent: EventInput, city: City | None, problems: _Problems) -> str | None:
    name = sent.timezone or (city.timezone if city else "")
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("timezone", N_("Give an IANA time zone such as Europe/Amsterdam or Asia/Shanghai."))
        return None
    return name


def read_local(local: dt.datetime, timezone: str, name: str) -> tuple[dt.datetime | None, FieldError | None]:
    """A wall-clock time in ``timezone`` as a UTC moment, with an error (the time does not exist) or a hint (it
    happens twice; the first is taken), or neither."""
    zone = ZoneInfo(timezone)
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    moment = first.astimezone(dt.UTC)
    if first.utcoffset() == second.utcoffset():
        return moment, None
    params: dict[str, object] = {"time": f"{local:%H:%M}", "date": f"{local:%Y-%m-%d}", "zone": timezone}
    if moment.astimezone(zone).replace(tzinfo=None) != local:
        later = moment.astimezone(zone)  # the wall-clock time just after the gap
        message = N_(
            "%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward that night. "
            "Choose another time, such as %(later)s."
        )
        return None, FieldError(name, message, {**params, "later": f"{later:%H:%M}"})
    offset = first.strftime("%z")
    hint = N_(
        "%(time)s happens twice on %(date)s in %(zone)s, as the clocks go back that night; "
        "the first one (UTC%(offset)s) is used."
    )
    return moment, FieldError(name, hint, {**params, "offset": f"{offset[:3]}:{offset[3:]}"})


def _exact(value: Moment, timezone: str, name: str, problems: _Problems) -> dt.datetime | None:
    """A moment sent as a local time (naive) or an exact one (with an offset), in UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    if not isinstance(value, dt.datetime):
        problems.add(name, N_("Give a time as well as the date."))
        return None
    moment, note = read_local(value, timezone, name)
    if moment is None and note is not None:
        problems.errors.append(note)
    elif note is not None:
        problems.hints.append(note)
    return moment


def _day(value: Moment, timezone: str) -> tuple[dt.date, bool]:
    """The local day of a moment, and whether it is midnight (an exclusive end, as the event JSON shows it)."""
    if isinstance(value, dt.datetime):
        local = value.astimezone(ZoneInfo(timezone)) if value.tzinfo else value
        return local.date(), local.time() == dt.time()
    return value, False


def _times(sent: EventInput, timezone: str, problems: _Problems) -> tuple[dt.datetime, dt.datetime] | None:
    if sent.start is None and not problems.about("start"):
        problems.add("start", N_("Give the date and time the event starts."))
    if sent.end is None and not problems.about("end"):
        problems.add("end", N_("Give the date and time the event ends."))
    if sent.start is None or sent.end is None:
        return None
    if sent.all_day:
        # All-day events run from midnight of the first day to midnight after the last, in the event's zone.
        zone = ZoneInfo(timezone)
        first, _ = _day(sent.start, timezone)
        last, exclusive = _day(sent.end, timezone)
        last = last - dt.timedelta(days=1) if exclusive and last > first else last
        if last < first:
            problems.add("end", N_("The last day cannot be before the first."))
            return None
        start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
        return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    starts_at, ends_at = _exact(sent.start, timezone, "start", problems), _exact(sent.end, timezone, "end", problems)
    if starts_at is None or ends_at is None:
        return None
    if ends_at <= starts_at:
        problems.add("end", N_("The end must be after the start."))
        return None
    return starts_at, ends_at


def _recurrence(
    sent: EventInput,
    times: tuple[dt.datetime, dt.datetime] | None,
    timezone: str | None,
    situation: Situation,
    problems: _Problems,
) -> tuple[str | None, list[dt.datetime]]:
    recurrence = sent.recurrence
    if recurrence is None or (not recurrence.frequency and not recurrence.rule):
        return None, []
    rule = _rule(recurrence, timezone, sent.all_day, problems)
    if rule is None or times is None or timezone is None:
        return None, []
    start, end = times
    if recurrence.until is not None and recurrence.until < start.astimezone(ZoneInfo(timezone)).date():
        problems.add("recurrence.until", N_("The last date cannot be before the first."))
        return None, []
    all_day = sent.all_day
    try:
        # Stored as RFC 5545 wants it (UNTIL in UTC, or a date for an all-day series), as the feeds write it.
        rule = check_rule(start, end, timezone, rule, all_day=all_day)
        endless = read_rule(rule, start, timezone, all_day=all_day).endless
    except RecurrenceError:
        name = "recurrence.rule" if recurrence.rule else "recurrence"
        problems.add(name, N_("The start must itself be one of the dates of the series, and the rule one we know."))
        return None, []
    # An RRULE written elsewhere may say more than the form can; it is kept as it is while it does not change.
    unchanged = situation.event is not None and rule == situation.event.rrule
    if endless and not unchanged:
        problems.add("recurrence.rule", N_("A series needs an end: a last date or a number of times."))
        return None, []
    limit = MAX_OCCURRENCES if unchanged else MAX_SERIES + 1
    series = iter_occurrences(start, end, timezone, rule, all_day=all_day)
    dates = [occurrence.start for occurrence in islice(series, limit)]
    if len(dates) > MAX_SERIES and not unchanged:
        name = "recurrence.count" if recurrence.count is not None else "recurrence.until"
        problems.add(name, N_("A series can have at most %(count)s dates."), count=MAX_SERIES)
        return None, []
    excluded = _exdates(recurrence.exdates, dates, timezone, problems)
    if excluded is not None and len(set(excluded)) >= len(dates):
        problems.add("recurrence.exdates", N_("No date of the series would be left."))
    return rule, sorted(set(excluded or []))


def _rule(recurrence: RecurrenceInput, timezone: str | None, all_day: bool, problems: _Problems) -> str | None:
    if recurrence.rule:
        return recurrence.rule
    if recurrence.frequency not in ("weekly", "monthly"):
        problems.add("recurrence.frequency", N_("Choose weekly or monthly."))
        return None
    interval = recurrence.interval or 0
    if not 1 <= interval <= MAX_INTERVAL:
        problems.add("recurrence.interval", N_("Choose a number from 1 to %(count)s."), count=MAX_INTERVAL)
    if recurrence.count is not None and not 2 <= recurrence.count <= MAX_SERIES:
        problems.add("recurrence.count", N_("Choose a number from 2 to %(count)s."), count=MAX_SERIES)
    if (recurrence.count is None) == (recurrence.until is None) and not problems.about("recurrence"):
        problems.add("recurrence.until", N_("Give either a last date or a number of times."))
    if problems.about("recurrence") or timezone is None:
        return None
    simple = SimpleRule(recurrence.frequency, interval, recurrence.until, recurrence.count)
    return build_rule(simple, timezone=timezone, all_day=all_day)


def _exdates(
    sent: Sequence[Moment], dates: list[dt.datetime], timezone: str, problems: _Problems
) -> list[dt.datetime] | None:
    """Each exception as the exact start of a date of the series: a day names the date on that day."""
    zone = ZoneInfo(timezone)
    by_day = {occurrence.astimezone(zone).date(): occurrence for occurrence in dates}
    found = []
    for value in sent:
        if isinstance(value, dt.datetime):
            moment = value.astimezone(dt.UTC) if value.tzinfo else read_local(value, timezone, "")[0]
            match = moment if moment in dates else None
            day = value.date()
        else:
            match, day = by_day.get(value), value
        if match is None:
            problems.add("recurrence.exdates", N_("%(date)s is not a date of this series."), date=f"{day:%Y-%m-%d}")
            return None
        found.append(match)
    return found


def _places(sent: EventInput, situation: Situation, problems: _Problems) -> tuple[int | None, int]:
    capacity, max_seats = sent.capacity, sent.max_seats_per_registration
    confirmed = situation.event.confirmed_seats if situation.event else 0
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        problems.add("capacity", N_("Enter at least 1 place, or leave it empty for no limit."))
    elif capacity is not None and capacity < confirmed:
        problems.add(
            "capacity", N_("%(count)s places are confirmed already; the capacity cannot be lower."), count=confirmed
        )
    if max_seats is None or not 1 <= max_seats <= MAX_SEATS:
        if not problems.about("max_seats_per_registration"):
            problems.add("max_seats_per_registration", N_("Choose a number from 1 to %(count)s."), count=MAX_SEATS)
        max_seats = 1
    elif capacity is not None and max_seats > capacity:
        problems.add("max_seats_per_registration", N_("This cannot be more than the capacity."))
    if sent.waitlist_rule not in {rule.value for rule in WaitlistRule}:
        problems.add("waitlist_rule", N_("Choose how the waiting list moves up."))
    return capacity, max_seats


def _window(
    sent: EventInput,
    timezone: str | None,
    times: tuple[dt.datetime, dt.datetime] | None,
    problems: _Problems,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Registration opens by default at publication and closes at the start; given, they must fit before it."""
    if timezone is None:
        return None, None
    opens, closes = (
        _exact(value, timezone, name, problems) if value is not None else None
        for name, value in (
            ("registration_opens_at", sent.registration_opens_at),
            ("registration_closes_at", sent.registration_closes_at),
        )
    )
    if opens is not None and closes is not None and closes < opens:
        problems.add("registration_closes_at", N_("Registration must close after it opens."))
    elif times is not None and closes is not None and closes > times[0]:
        problems.add("registration_closes_at", N_("Registration must close by the time the event starts."))
    elif times is not None and opens is not None and opens >= times[0]:
        problems.add("registration_opens_at", N_("Registration must open before the event starts."))
    return opens, closes


def _status(status: str, event: Event | None, problems: _Problems) -> EventStatus | None:
    if event is not None and status == event.status.value:
        return event.status
    if status in (EventStatus.DRAFT.value, EventStatus.PUBLISHED.value):
        if event is not None and event.status is EventStatus.CANCELLED:
            problems.add("status", N_("A cancelled event stays cancelled; duplicate it to plan it again."))
            return None
        return EventStatus(status)
    problems.add("status", N_("Use draft or published; to cancel an event, use its cancel action."))
    return None


def _online_url(url: str, problems: _Problems) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        problems.add("online_url", N_("Give a web address that starts with https:// or http://."))
        return None
    return url


def _image(sent: EventInput, situation: Situation, texts: dict[str, EventText], problems: _Problems) -> str | None:
    path = sent.image_path
    if not path:
        return None
    current = situation.event.image_path if situation.event else None
    stored = MEDIA_PATH.match(path) and (situation.media_dir / path.removeprefix("/media/")).is_file()
    if path != current and not stored:
        problems.add("image", N_("This image is no longer there; upload it again."))
        return None
    for code, text in texts.items():
        if not text.image_alt:
            problems.add(
                f"translations.{code}.image_alt",
                N_("Describe the image for people who cannot see it, in each language with a title."),
            )
    return path
