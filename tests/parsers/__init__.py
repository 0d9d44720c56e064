"""Four independent iCalendar parsers that calendar apps really use, each reading a file into the same records.

- ``icalendar`` with ``recurring-ical-events`` (Python, in the virtual environment);
- ``vobject`` with its own ``rruleset()`` expansion (Python, in the virtual environment);
- ``ical.js``, Mozilla's parser in Thunderbird (Node.js: ``icaljs/expand.js``, installed by
  ``npm ci --prefix tests/parsers/icaljs``);
- ``libical``, the C library of GNOME Evolution, through Debian's GObject-introspection bindings on the system
  Python (``libical/expand.py`` run with ``/usr/bin/python3``; ``apt-get install python3-gi gir1.2-ical-3.0``).

Each gives one record per occurrence of every VEVENT that overlaps a window ``[start, end)``: a series is
expanded (RRULE and EXDATE; RDATE too except in the libical harness, which refuses it) and its RECURRENCE-ID
overrides replace the occurrences they name, moved ones at their new time and cancelled ones kept with their
own STATUS, as calendar apps show them. An override that names no occurrence the parser finds is listed on
its own. ``recurrence_id`` is the start the rule gives an occurrence (None for an event without rule). A
moment is UTC (``2026-03-14T13:00:00Z``), a date (all-day) is ``2026-03-14`` and, for the window, midnight UTC.

How each computes times (the harnesses add nothing of their own):

- ical.js and libical compute every time from the file's own VTIMEZONEs. ical.js needs them registered with
  ``ICAL.TimezoneService`` (its quirk, done in ``expand.js``); libical resolves a TZID through the VCALENDAR and
  ``expand.py`` refuses a time resolved to one of libical's built-in zones instead.
- vobject builds a tzinfo from each VTIMEZONE of the file (dateutil's ``tzical``).
- icalendar reads a TZID that names an IANA zone with ``zoneinfo`` (the machine's tz database), not with the
  file's VTIMEZONE; it reads the VTIMEZONE only for other TZIDs.
- The end of a generated occurrence: recurring-ical-events and this module's vobject expansion add the
  master's DTEND - DTSTART as Python computes it for two times in one zone (wall-clock difference, added in
  wall-clock time), or its DURATION (added in wall-clock time); ical.js adds the exact (UTC) difference, or
  the DURATION, in wall-clock time; libical, like its own ``icalcomponent_foreach_recurrence``, adds the
  exact difference or DURATION in UTC, which is what RFC 5545 3.8.5.3 says ("the same exact duration will
  apply to all the members"). They agree unless an occurrence spans a change of the clocks.

Quirks of the parsers that are not the feed's fault, handled in the harnesses:

- ical.js relates every RECURRENCE-ID override of the calendar to an event unless it is given the event's
  own (``exceptions`` option), and needs the VTIMEZONEs registered.
- recurring-ical-events gives an occurrence of an event without rule a RECURRENCE-ID too: dropped here.
- libical 3.0's RecurIterator, run with the zone attached, carries the hour an instance in a spring-forward
  gap is pushed to into every later instance; ``expand.py`` iterates in floating wall-clock time instead and
  converts each instance with libical.
- libical trims leading and trailing white space of a TEXT value; not handled, and not met, since the
  platform strips what organisers type.

Behaviours the feeds are written around (docs/feeds.md, "Daylight saving time and the parsers"), not handled
here, so that the tests see them:

- recurring-ical-events reads DTEND, EXDATE and RDATE in DTSTART's zone and loses the fold on the way, so a
  DTEND in UTC beside a DTSTART with TZID can be read an hour off; it matches an EXDATE by its UTC moment and
  by its local time, so (as RFC 5545 says) an EXDATE at a wall-clock time also removes an RDATE at the moment
  that wall-clock time means.
- recurring-ical-events and vobject keep an RDATE beside the rule's own instance at the same moment as two
  occurrences (vobject through Python's rule that a time in a repeated hour never equals one in another zone).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import icalendar
import recurring_ical_events
import vobject

HERE = Path(__file__).resolve().parent
ICALJS_DIR = HERE / "icaljs"
ICALJS_SCRIPT = ICALJS_DIR / "expand.js"
LIBICAL_SCRIPT = HERE / "libical" / "expand.py"
SYSTEM_PYTHON = "/usr/bin/python3"
# A series is followed this far around the window, so an occurrence moved into the window is still found
# (the same margin as the two external harnesses).
MARGIN = dt.timedelta(days=400)
MAX_OCCURRENCES = 5000
TIMEOUT_SECONDS = 120


class ParserError(Exception):
    """A parser could not read a file, or gave something that is not an answer."""


@dataclass(frozen=True, order=True)
class Record:
    """One occurrence as a calendar app shows it."""

    uid: str
    recurrence_id: str | None  # the start the rule gives it (UTC or a date); None for an event without rule
    start: str
    end: str
    status: str | None
    summary: str | None
    description: str | None
    location: str | None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def moment_text(value: dt.datetime | dt.date) -> str:
    """The record form of a time: UTC ISO 8601 for a date-time (which must know its zone), ISO for a date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ParserError(f"floating time {value.isoformat()} (no time zone)")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _seconds(value: dt.datetime | dt.date) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return dt.datetime.combine(value, dt.time(), dt.UTC).timestamp()


def _overlaps(
    start: dt.datetime | dt.date, end: dt.datetime | dt.date, after: dt.datetime, before: dt.datetime
) -> bool:
    return _seconds(end) > after.timestamp() and _seconds(start) < before.timestamp()


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalised(records: Iterable[Record | dict[str, str | None]]) -> list[Record]:
    return sorted(record if isinstance(record, Record) else Record(**record) for record in records)


# -- icalendar + recurring-ical-events ---------------------------------------------------------------------------


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def parse_with_icalendar(path: Path, start: dt.datetime, end: dt.datetime) -> list[Record]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    # recurring-ical-events gives every occurrence a RECURRENCE-ID, also an event's without rule: drop that one.
    series = {
        str(event["UID"])
        for event in calendar.walk("VEVENT")
        if "RRULE" in event or "RDATE" in event or "RECURRENCE-ID" in event
    }
    records = []
    query = recurring_ical_events.of(calendar, components=["VEVENT"])
    for occurrence in query.between(start - dt.timedelta(days=2), end + dt.timedelta(days=2)):
        begin = occurrence.decoded("DTSTART")
        finish = occurrence.decoded("DTEND") if "DTEND" in occurrence else begin
        if not _overlaps(begin, finish, start, end):
            continue
        recurrence_id = occurrence.get("RECURRENCE-ID")
        records.append(
            Record(
                uid=str(occurrence["UID"]),
                recurrence_id=moment_text(recurrence_id.dt)
                if recurrence_id is not None and str(occurrence["UID"]) in series
                else None,
                start=moment_text(begin),
                end=moment_text(finish),
                status=_text(occurrence.get("STATUS")),
                summary=_text(occurrence.get("SUMMARY")),
                description=_text(occurrence.get("DESCRIPTION")),
                location=_text(occurrence.get("LOCATION")),
            )
        )
    return normalised(records)


# -- vobject ------------------------------------------------------------------------------------------------------


def _vobject_value(component: object, name: str) -> object:
    line = getattr(component, name.lower().replace("-", "_"), None)  # vobject: component.dtstart, .recurrence_id
    return None if line is None else line.value


def _vobject_end(component: object, begin: object) -> object:
    """DTEND, or DTSTART plus DURATION (vobject reads it as a timedelta, added as Python adds it), or DTSTART."""
    finish = _vobject_value(component, "DTEND")
    if finish is None:
        duration = _vobject_value(component, "DURATION")
        finish = begin if duration is None else begin + duration  # type: ignore[operator]
    return finish


def _vobject_record(uid: str, recurrence_id: str | None, begin: object, finish: object, component: object) -> Record:
    return Record(
        uid=uid,
        recurrence_id=recurrence_id,
        start=moment_text(begin),  # type: ignore[arg-type]
        end=moment_text(finish),  # type: ignore[arg-type]
        status=_text(_vobject_value(component, "STATUS")),
        summary=_text(_vobject_value(component, "SUMMARY")),
        description=_text(_vobject_value(component, "DESCRIPTION")),
        location=_text(_vobject_value(component, "LOCATION")),
    )


def parse_with_vobject(path: Path, start: dt.datetime, end: dt.datetime) -> list[Record]:
    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    masters: dict[str, object] = {}
    overrides: dict[str, dict[str, object]] = {}
    for component in calendar.contents.get("vevent", []):
        uid = str(_vobject_value(component, "UID"))
        recurrence_id = _vobject_value(component, "RECURRENCE-ID")
        if recurrence_id is not None:
            overrides.setdefault(uid, {})[moment_text(recurrence_id)] = component  # type: ignore[arg-type]
        elif uid in masters:
            raise ParserError(f"two VEVENTs without RECURRENCE-ID have UID {uid}")
        else:
            masters[uid] = component
    records = []
    for uid, master in masters.items():
        begin = _vobject_value(master, "DTSTART")
        finish = _vobject_end(master, begin)
        rules = master.getrruleset(addRDate=True)  # type: ignore[attr-defined]
        if rules is None:
            if _overlaps(begin, finish, start, end):  # type: ignore[arg-type]
                records.append(_vobject_record(uid, None, begin, finish, master))
            continue
        length = finish - begin  # type: ignore[operator]
        changed = dict(overrides.get(uid, {}))
        for count, occurrence in enumerate(rules):
            if count >= MAX_OCCURRENCES:
                raise ParserError(f"more than {MAX_OCCURRENCES} occurrences in {uid}")
            # vobject expands a series of dates as naive midnights.
            first: dt.datetime | dt.date = occurrence if isinstance(begin, dt.datetime) else occurrence.date()
            if _seconds(first) >= (end + MARGIN).timestamp():
                break
            recurrence_id = moment_text(first)
            override = changed.pop(recurrence_id, None)
            if override is None:
                moved_start, moved_end, source = first, first + length, master
            else:
                moved_start = _vobject_value(override, "DTSTART")  # type: ignore[assignment]
                moved_end = _vobject_end(override, moved_start)  # type: ignore[assignment]
                source = override
            if _overlaps(moved_start, moved_end, start, end):
                records.append(_vobject_record(uid, recurrence_id, moved_start, moved_end, source))
        overrides[uid] = changed  # those that name no occurrence of the series
    # An override that names no occurrence (or has no series) is still an event of its own.
    for uid, changed in overrides.items():
        for recurrence_id, override in changed.items():
            begin = _vobject_value(override, "DTSTART")
            finish = _vobject_end(override, begin)
            if _overlaps(begin, finish, start, end):  # type: ignore[arg-type]
                records.append(_vobject_record(uid, recurrence_id, begin, finish, override))
    return normalised(records)


# -- ical.js (Node.js) --------------------------------------------------------------------------------------------


@cache
def icaljs_unavailable() -> str | None:
    """Why ical.js cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "ical.js needs Node.js: apt-get install nodejs npm, then npm ci --prefix tests/parsers/icaljs"
    if not (ICALJS_DIR / "node_modules" / "ical.js" / "package.json").exists():
        return "ical.js is not installed: run npm ci --prefix tests/parsers/icaljs"
    return None


def _run(command: list[str], name: str, env: dict[str, str] | None = None) -> list[Record]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired as error:
        raise ParserError(f"{name} took more than {TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        raise ParserError(f"{name} failed (exit {done.returncode}): {done.stderr.strip()}")
    try:
        return normalised(json.loads(done.stdout))
    except (ValueError, TypeError) as error:
        raise ParserError(f"{name} printed no records: {done.stdout[:500]!r} {done.stderr[:500]!r}") from error


def parse_with_icaljs(path: Path, start: dt.datetime, end: dt.datetime) -> list[Record]:
    reason = icaljs_unavailable()
    if reason:
        raise ParserError(reason)
    node = shutil.which("node") or "node"
    env = {**os.environ, "TZ": "UTC"}  # nothing may fall back on the machine's own zone
    return _run([node, str(ICALJS_SCRIPT), str(path), _utc_iso(start), _utc_iso(end)], "ical.js", env)


# -- libical (system Python with GObject introspection) -----------------------------------------------------------


@cache
def libical_unavailable() -> str | None:
    """Why libical cannot run here, or None when it can."""
    hint = "apt-get install python3-gi gir1.2-ical-3.0 (Debian's bindings to libical for /usr/bin/python3)"
    if not Path(SYSTEM_PYTHON).exists():
        return f"libical needs Debian's {SYSTEM_PYTHON}: {hint}"
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return f"{SYSTEM_PYTHON} could not import ICalGLib in time"
    if done.returncode != 0:
        return f"libical's bindings are missing: {hint}"
    return None


def parse_with_libical(path: Path, start: dt.datetime, end: dt.datetime) -> list[Record]:
    reason = libical_unavailable()
    if reason:
        raise ParserError(reason)
    # The system Python must not see the virtual environment's packages.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    command = [SYSTEM_PYTHON, "-I", str(LIBICAL_SCRIPT), str(path), _utc_iso(start), _utc_iso(end)]
    return _run(command, "libical", env)


# -- all of them --------------------------------------------------------------------------------------------------

Parser = Callable[[Path, dt.datetime, dt.datetime], list[Record]]
PARSERS: dict[str, Parser] = {
    "icalendar": parse_with_icalendar,
    "vobject": parse_with_vobject,
    "ical.js": parse_with_icaljs,
    "libical": parse_with_libical,
}


def unavailable(name: str) -> str | None:
    """Why a parser cannot run on this machine (with what to install), or None when it can."""
    return {"ical.js": icaljs_unavailable, "libical": libical_unavailable}.get(name, lambda: None)()


def parser_versions() -> dict[str, str]:
    """The version of each parser that runs here, for reports."""
    from importlib.metadata import version

    versions = {
        "icalendar": version("icalendar"),
        "recurring-ical-events": version("recurring-ical-events"),
        "vobject": version("vobject"),
    }
    package = ICALJS_DIR / "node_modules" / "ical.js" / "package.json"
    if package.exists():
        versions["ical.js"] = json.loads(package.read_text())["version"]
    if libical_unavailable() is None and shutil.which("dpkg-query"):
        # The bindings expose no version of their own; Debian's package says which libical they load.
        done = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "libical3"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        versions["libical"] = done.stdout.strip() or "unknown"
    return versions
