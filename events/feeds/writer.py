"""Writing iCalendar text (RFC 5545 section 3.1): content lines, escaping and folding.

Hand-written because feeds are large and built often: this is many times faster than building component
objects, and every feed it writes is read back by four independent parsers in the tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

CRLF = "\r\n"
LINE_OCTETS = 75


# RFC 5545 allows no control characters in TEXT or parameter values but horizontal tab (and line breaks,
# written as \n); libical refuses a file with a NUL. Whatever else an organiser pasted is dropped.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped, every line break written as \\n, controls dropped."""
    value = CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _parameter_value(value: str) -> str:
    # Quoted when it holds a character that would end the parameter; a quote itself cannot appear at all.
    value = CONTROLS.sub("", value.replace("\n", " ")).replace('"', "'")
    return f'"{value}"' if ":" in value or ";" in value or "," in value else value


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    if len(line) <= LINE_OCTETS and line.isascii():  # most lines; isascii() needs no pass over the text
        return line
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line
    parts = []
    start = 0
    limit = LINE_OCTETS
    while start < len(encoded):
        stop = min(start + limit, len(encoded))
        # Back off to the start of a character: UTF-8 continuation bytes are 0b10xxxxxx.
        while stop < len(encoded) and (encoded[stop] & 0xC0) == 0x80:
            stop -= 1
        parts.append(encoded[start:stop].decode())
        start = stop
        limit = LINE_OCTETS - 1  # continuation lines start with a space
    return (CRLF + " ").join(parts)


def content_line(name: str, value: str, parameters: Mapping[str, str] | None = None) -> str:
    """One property, ``value`` already in its iCalendar form (escape TEXT with ``escape_text`` first)."""
    if not parameters:
        return fold(f"{name}:{value}") + CRLF
    params = "".join(f";{key}={_parameter_value(item)}" for key, item in parameters.items())
    return fold(f"{name}{params}:{value}") + CRLF


def text(name: str, value: str, parameters: Mapping[str, str] | None = None) -> str:
    return content_line(name, escape_text(value), parameters)


def utc(moment: dt.datetime) -> str:
    return local(moment.astimezone(dt.UTC)) + "Z"


def local(moment: dt.datetime) -> str:
    """A wall-clock time for a property with a TZID parameter (seconds are the finest iCalendar knows). Made from
    isoformat(): strftime() took longer than anything else in writing a feed."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds").replace("-", "").replace(":", "")


def date(day: dt.date) -> str:
    return day.isoformat().replace("-", "")


def two_readings(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether a wall-clock time happens twice (the clocks went back) or not at all (they went forward), so
    that calendar apps differ on the moment it means with a TZID."""
    return wall.replace(tzinfo=zone, fold=0).utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset()


def moment_line(name: str, moment: dt.datetime, timezone: str) -> str:
    """A moment as wall-clock time with TZID, or in UTC when that wall-clock time has two readings."""
    zone = ZoneInfo(timezone)
    wall = moment.astimezone(zone).replace(tzinfo=None)
    if two_readings(wall, zone):
        return utc_line(name, moment)
    return wall_line(name, wall, timezone)


def wall_line(name: str, wall: dt.datetime, timezone: str) -> str:
    """A wall-clock time with TZID, as it is (a rule's DTSTART, or an EXDATE naming the rule's own time)."""
    return content_line(name, local(wall), {"TZID": timezone})


def utc_line(name: str, moment: dt.datetime) -> str:
    return content_line(name, utc(moment))


def date_line(name: str, day: dt.date) -> str:
    return content_line(name, date(day), {"VALUE": "DATE"})


def component(kind: str, lines: Iterable[str]) -> str:
    return f"BEGIN:{kind}{CRLF}{''.join(lines)}END:{kind}{CRLF}"
