"""Read an iCalendar file with libical (the parser of GNOME Evolution) and print every occurrence of every VEVENT
that overlaps a window, as JSON records (see tests/parsers/__init__.py):

    /usr/bin/python3 expand.py FILE WINDOW_START WINDOW_END      (ISO 8601 moments, e.g. 2025-01-01T00:00:00Z)

Runs on Debian's system Python with its GObject-introspection bindings to libical (python3-gi and
gir1.2-ical-3.0), not in the project's virtual environment. Standard library only besides ``gi``.

Every time is computed by libical: a value with a TZID is resolved through the VTIMEZONEs of the file itself
(``get_datetime_with_component`` walks up to the VCALENDAR; this script refuses a time that libical resolved
to one of its own built-in zones instead) and turned into UTC with ``as_timet_with_zone``. A series is expanded
by libical's ``RecurIterator`` (see ``_expand`` for how, and why not with the zone attached); EXDATEs are
left out by their UTC time as libical computes it. libical's expansion does not know overrides, so they are
applied here from the parsed components: the occurrence whose start equals an override's RECURRENCE-ID (in
UTC, as libical computes both) takes the override's DTSTART, DTEND, STATUS and texts.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

# A series is followed this far around the window, so an occurrence moved into the window is still found.
MARGIN = dt.timedelta(days=400)
MAX_OCCURRENCES = 5000
BUILTIN_PREFIX = "/freeassociation.sourceforge.net/"
Kind = ICalGLib.PropertyKind


class ParseError(Exception):
    pass


def _moment(component, kind) -> tuple[str, int] | None:
    """A DATE or DATE-TIME property as (text, seconds): UTC ISO for a date-time, YYYY-MM-DD for a date."""
    prop = component.get_first_property(kind)
    if prop is None:
        return None
    value = prop.get_datetime_with_component(component)
    return _time(value, prop)


def _time(value, prop) -> tuple[str, int]:
    if value is None or value.is_null_time():
        raise ParseError(f"unreadable time in {prop.as_ical_string().strip()}")
    if value.is_date():
        day = dt.date(value.get_year(), value.get_month(), value.get_day())
        return day.isoformat(), int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
    if value.is_utc():
        seconds = value.as_timet_with_zone(ICalGLib.Timezone.get_utc_timezone())
    else:
        zone = value.get_timezone()
        tzid = prop.get_parameter_as_string("TZID")
        if zone is None or tzid is None:
            raise ParseError(f"floating time in {prop.as_ical_string().strip()}")
        if zone.get_tzid() != tzid or zone.get_tzid().startswith(BUILTIN_PREFIX):
            raise ParseError(f"TZID {tzid} is not defined by a VTIMEZONE of the file")
        seconds = value.as_timet_with_zone(zone)
    return _iso(seconds), seconds


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _end(component, start: tuple[str, int]) -> tuple[str, int]:
    """DTEND, or DTSTART plus DURATION (as libical reads it: exact seconds), or DTSTART."""
    end = _moment(component, Kind.DTEND_PROPERTY)
    if end is not None:
        return end
    prop = component.get_first_property(Kind.DURATION_PROPERTY)
    if prop is None:
        return start
    seconds = start[1] + prop.get_duration().as_int()
    return _span_text(seconds, len(start[0]) == 10), seconds


def _text(component, kind) -> str | None:
    prop = component.get_first_property(kind)
    if prop is None:
        return None
    if kind == Kind.STATUS_PROPERTY:
        return prop.get_value_as_string()
    getter = {
        Kind.SUMMARY_PROPERTY: prop.get_summary,
        Kind.DESCRIPTION_PROPERTY: prop.get_description,
        Kind.LOCATION_PROPERTY: prop.get_location,
    }[kind]
    return getter()


def _record(uid, recurrence_id, start, end, component) -> dict[str, object]:
    return {
        "uid": uid,
        "recurrence_id": recurrence_id,
        "start": start,
        "end": end,
        "status": _text(component, Kind.STATUS_PROPERTY),
        "summary": _text(component, Kind.SUMMARY_PROPERTY),
        "description": _text(component, Kind.DESCRIPTION_PROPERTY),
        "location": _text(component, Kind.LOCATION_PROPERTY),
    }


def _components(parent, kind):
    child = parent.get_first_component(kind)
    while child is not None:
        yield child
        child = parent.get_next_component(kind)


def _expand(event, first_start: int, first_end: int, stop: int):
    """The series' occurrences as (start, end, is_date) in UTC seconds, EXDATEs left out.

    The rule is expanded by libical's RecurIterator in floating wall-clock time, and every instance is turned
    into UTC by libical with the file's VTIMEZONE. (Iterating with the zone attached makes libical 3.0 carry
    the hour an instance in a spring-forward gap is pushed to into every later instance: a libical bug, not
    the feed's, avoided so.) UNTIL, in UTC, is first converted by libical into the same wall-clock time.
    Each instance lasts the exact (UTC) length of the first (DTEND - DTSTART, or DURATION), as
    icalcomponent_foreach_recurrence and RFC 5545 3.8.5.3 have it.
    """
    dtstart_prop = event.get_first_property(Kind.DTSTART_PROPERTY)
    dtstart = dtstart_prop.get_datetime_with_component(event)
    is_date = dtstart.is_date()
    zone = None if is_date or dtstart.is_utc() else dtstart.get_timezone()
    rule = event.get_first_property(Kind.RRULE_PROPERTY).get_rrule()
    until = rule.get_until()
    if until is not None and not until.is_null_time() and zone is not None and until.is_utc():
        local_until = until.convert_to_zone(zone)
        local_until.set_timezone(None)
        rule.set_until(local_until)
    floating = dtstart.clone()
    if zone is not None:
        floating.set_timezone(None)
    excluded = set()
    for prop in _properties(event, Kind.EXDATE_PROPERTY):
        excluded.add(_time(prop.get_datetime_with_component(event), prop)[1])
    length = first_end - first_start
    iterator = ICalGLib.RecurIterator.new(rule, floating)
    for _ in range(MAX_OCCURRENCES):
        instance = iterator.next()
        if instance is None or instance.is_null_time():
            return
        if is_date:
            seconds = int(
                dt.datetime(instance.get_year(), instance.get_month(), instance.get_day(), tzinfo=dt.UTC).timestamp()
            )
        elif zone is not None:
            seconds = instance.as_timet_with_zone(zone)
        else:
            seconds = instance.as_timet_with_zone(ICalGLib.Timezone.get_utc_timezone())
        if seconds >= stop:
            return
        if seconds not in excluded:
            yield seconds, seconds + length, is_date
    raise ParseError(f"more than {MAX_OCCURRENCES} occurrences in {event.get_uid()}")


def _span_text(seconds: int, is_date: bool) -> str:
    if is_date:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()
    return _iso(seconds)


def expand(text: str, after: dt.datetime, before: dt.datetime) -> list[dict[str, object]]:
    root = ICalGLib.Component.new_from_string(text)
    if root is None:
        raise ParseError("libical could not parse the file")
    if root.count_errors():
        errors = [
            prop.as_ical_string().strip()
            for component in _walk(root)
            for prop in _properties(component, Kind.XLICERROR_PROPERTY)
        ]
        raise ParseError("libical reports errors: " + "; ".join(errors))
    events = list(_components(root, ICalGLib.ComponentKind.VEVENT_COMPONENT))
    masters = {}
    overrides: dict[str, dict[int, object]] = {}
    for event in events:
        uid = event.get_uid()
        if event.get_first_property(Kind.RECURRENCEID_PROPERTY) is not None:
            _, seconds = _moment(event, Kind.RECURRENCEID_PROPERTY)
            overrides.setdefault(uid, {})[seconds] = event
        elif uid in masters:
            raise ParseError(f"two VEVENTs without RECURRENCE-ID have UID {uid}")
        else:
            masters[uid] = event

    low, high = int(after.timestamp()), int(before.timestamp())
    records = []

    def add(uid, recurrence_id, start, end, component) -> None:
        if end[1] > low and start[1] < high:
            records.append(_record(uid, recurrence_id, start[0], end[0], component))

    for uid, event in masters.items():
        start = _moment(event, Kind.DTSTART_PROPERTY)
        end = _end(event, start)
        if event.get_first_property(Kind.RDATE_PROPERTY) is not None:
            raise ParseError("RDATE is not expanded by this harness")
        if event.get_first_property(Kind.RRULE_PROPERTY) is None:
            add(uid, None, start, end, event)
            continue
        changed = overrides.get(uid, {})
        for span_start, span_end, is_date in _expand(event, start[1], end[1], high + int(MARGIN.total_seconds())):
            recurrence_id = _span_text(span_start, is_date)
            override = changed.pop(span_start, None)
            if override is None:
                add(
                    uid,
                    recurrence_id,
                    (recurrence_id, span_start),
                    (_span_text(span_end, is_date), span_end),
                    event,
                )
            else:
                moved_start = _moment(override, Kind.DTSTART_PROPERTY)
                add(uid, recurrence_id, moved_start, _end(override, moved_start), override)
    # An override that names no occurrence (or has no series) is still an event of its own.
    for uid, changed in overrides.items():
        for override in changed.values():
            start = _moment(override, Kind.DTSTART_PROPERTY)
            recurrence_id, _ = _moment(override, Kind.RECURRENCEID_PROPERTY)
            add(uid, recurrence_id, start, _end(override, start), override)
    return records


def _walk(component):
    yield component
    for child in _components(component, ICalGLib.ComponentKind.ANY_COMPONENT):
        yield from _walk(child)


def _properties(component, kind):
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


def _parse_moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: /usr/bin/python3 expand.py FILE WINDOW_START WINDOW_END", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as file:
        text = file.read()
    try:
        records = expand(text, _parse_moment(sys.argv[2]), _parse_moment(sys.argv[3]))
    except ParseError as error:
        print(f"libical: {error}", file=sys.stderr)
        return 1
    json.dump(records, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
