"""An event's registrations as a spreadsheet: CSV that Excel opens with Chinese and Dutch names intact, and XLSX.

One row per registration, the answers to the event's own questions as columns labelled in the organiser's
language, times on the event's clock. A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
the start) gets an apostrophe in front, in both formats, so an export opened later cannot run what a
participant typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import xlsxwriter

from events.catalog.models import Event
from events.catalog.queries import Catalogue
from events.i18n import LANGUAGES, N_, gettext_for, pick_text
from events.registrations.models import Question, Registration
from events.registrations.organising import STATUS_LABELS
from events.registrations.service import answer_text

Cell = str | int | dt.datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEMBER_SEPARATOR = "; "
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def neutralised(value: str) -> str:
    """Text a spreadsheet shows as text: an apostrophe before what would start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _local(moment: dt.datetime | None, timezone: str) -> dt.datetime | None:
    """A moment on the event's clock, without a zone (spreadsheets have none); the header names the zone."""
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None) if moment else None


def registration_sheet(
    event: Event,
    catalogue: Catalogue,
    questions: Sequence[Question],
    registrations: Sequence[Registration],
    language: str,
) -> Sheet:
    """The rows and columns of an export, in the organiser's ``language``."""

    def label(message: str, **values: object) -> str:
        return gettext_for(language, message, **values)

    zone = event.timezone
    header = [
        label(N_("Number")),
        label(N_("Status")),
        label(N_("Name")),
        label(N_("E-mail address")),
        label(N_("Phone number")),
        label(N_("Home city")),
        label(N_("Language")),
        label(N_("Places")),
        label(N_("Other members")),
        label(N_("Registered at (%(zone)s)"), zone=zone),
        label(N_("Checked in at (%(zone)s)"), zone=zone),
        label(N_("Cancelled at (%(zone)s)"), zone=zone),
        *(neutralised(pick_text(question.label, language)) for question in questions),
    ]
    cities = {city.id: pick_text(city.name, language) for city in catalogue.cities}
    rows: list[list[Cell]] = []
    for registration in registrations:
        home = cities.get(registration.home_city_id) if registration.home_city_id else None
        texts = [
            label(STATUS_LABELS[registration.status]),
            registration.name,
            registration.email,
            registration.phone or "",
            home or label(N_("Another city")),
            LANGUAGES[registration.language].name if registration.language in LANGUAGES else registration.language,
        ]
        answers = [
            answer_text(question, registration.answers.get(str(question.id)), language) for question in questions
        ]
        rows.append(
            [
                registration.id,
                *(neutralised(text) for text in texts),
                registration.seats,
                neutralised(MEMBER_SEPARATOR.join(registration.members)),
                _local(registration.created_at, zone),
                _local(registration.checked_in_at, zone),
                _local(registration.cancelled_at, zone),
                *(neutralised(answer) for answer in answers),
            ]
        )
    return Sheet(label(N_("Registrations")), header, rows)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.strftime("%Y-%m-%d %H:%M")
    return str(cell)


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte order mark: without it Excel reads the file in the computer's old code page and
    garbles Chinese (and é, ë). Commas and CRLF, as RFC 4180 says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.header)
    writer.writerows([_text(cell) for cell in row] for row in sheet.rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: Sheet) -> bytes:
    """An Excel workbook of one sheet: a frozen header row with filters, real dates, text kept as text."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(buffer, options)
    worksheet = workbook.add_worksheet(_sheet_name(sheet.title))
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for column, title in enumerate(sheet.header):
        worksheet.write_string(0, column, title, bold)
        worksheet.set_column(column, column, min(max(len(title) + 2, 12), 40))
    for row_number, row in enumerate(sheet.rows, 1):
        for column, cell in enumerate(row):
            if isinstance(cell, dt.datetime):
                worksheet.write_datetime(row_number, column, cell, moment)
            elif isinstance(cell, int):
                worksheet.write_number(row_number, column, cell)
            elif cell:
                worksheet.write_string(row_number, column, cell)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.header) - 1)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet1"


def file_name(event: Event, extension: str) -> str:
    """An ASCII file name for Content-Disposition, whatever the event is called."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", event.slug).strip("-") or "event"
    return f"registrations-{slug}.{extension}"
