"""Exports of an event's registrations: CSV that Excel opens with Chinese and Dutch names intact, XLSX, the
answers as columns, and no formula a participant could have typed."""

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

from events.accounts.service import create_api_token
from events.audit.service import SYSTEM
from events.registrations.export import neutralised
from events.registrations.service import cancel_registration
from tests.conftest import NOW
from tests.openapi_check import assert_matches_schema
from tests.registrations.helpers import add_questions
from tests.workspace.helpers import make_user
from tests.workspace.registration_helpers import CONTEXT, DE_WIT, LI, organiser, sign_up, weert_event, yuhang_event

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


async def event_with_answers(session):
    event = await weert_event(session)
    ids = await add_questions(session, event)
    li = await sign_up(
        session,
        event,
        1,
        **LI,
        seats=3,
        members=["王芳", "张伟"],
        phone="+86 138 0000 0000",
        answers={str(ids["diet"]): "vegetarian", str(ids["visa"]): True, str(ids["topics"]): ["tea", "logistics"]},
    )
    de_wit = await sign_up(
        session,
        event,
        2,
        **DE_WIT,
        answers={str(ids["diet"]): "any", str(ids["visa"]): False, str(ids["company"]): '=HYPERLINK("http://x")'},
    )
    attacker = await sign_up(
        session,
        event,
        3,
        name="@SUM(1+1)",
        answers={str(ids["diet"]): "any", str(ids["visa"]): False, str(ids["notes"]): "-2+3 and more"},
    )
    return event, li, de_wit, attacker


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_csv_has_names_intact_answers_as_columns_and_no_formulas(client, session):
    event, li, de_wit, attacker = await event_with_answers(session)
    await organiser(client, session)
    response = await client.get(f"/organiser/events/{event.slug}/registrations.csv?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="registrations-{event.slug}.csv"'
    assert response.headers["cache-control"] == "no-store"
    rows = read_csv(response)
    header = rows[0]
    assert header[:12] == [
        "Number",
        "Status",
        "Name",
        "E-mail address",
        "Phone number",
        "Home city",
        "Language",
        "Places",
        "Other members",
        "Registered at (Europe/Amsterdam)",
        "Checked in at (Europe/Amsterdam)",
        "Cancelled at (Europe/Amsterdam)",
    ]
    assert header[12:] == ["Diet", "Topics", "Company", "Notes", "Visa?"]  # one column per question
    by_number = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows[1:]}
    first = by_number[li.id]
    assert first["Name"] == "李娜" and by_number[de_wit.id]["Name"] == "Joëlle de Wit-Brouwer"
    assert first["Diet"] == "Vegetarian" and first["Topics"] == "Logistics, Tea" and first["Visa?"] == "Yes"
    assert first["Status"] == "Confirmed" and first["Home city"] == "Yuhang" and first["Language"] == "中文"
    assert first["Places"] == "3" and first["Other members"] == "王芳; 张伟"
    assert first["Phone number"] == "'+86 138 0000 0000"  # a phone number starting with + is no formula either
    assert first["Registered at (Europe/Amsterdam)"] == "2026-03-02 10:00"  # 09:00 UTC is 10:00 in Weert
    assert by_number[de_wit.id]["Company"] == '\'=HYPERLINK("http://x")'
    assert by_number[attacker.id]["Name"] == "'@SUM(1+1)"
    assert by_number[attacker.id]["Notes"] == "'-2+3 and more"
    assert response.content.count(b"\r\n") == len(rows)  # CRLF, as RFC 4180 says
    dutch = read_csv(await client.get(f"/organiser/events/{event.slug}/registrations.csv?lang=nl"))
    assert dutch[0][12] == "Dieet" and dutch[0][13] == "Topics"  # the organiser's language, else the fallback
    assert {row[12] for row in dutch[1:]} == {"Vegetarisch", "Alles"}


def test_every_formula_start_is_neutralised():
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert neutralised(text) == "'" + text
    for text in ("Anna", "1+1", " =x", "李娜", ""):
        assert neutralised(text) == text


async def test_times_are_on_the_events_own_clock_and_filters_apply(client, session):
    event = await yuhang_event(session)
    kept = await sign_up(session, event, 1, **LI)
    gone = await sign_up(session, event, 2)
    await cancel_registration(session, gone.id, CONTEXT)
    await organiser(client, session, "yuhang")
    rows = read_csv(await client.get(f"/organiser/events/{event.slug}/registrations.csv?lang=en&status=confirmed"))
    assert [int(row[0]) for row in rows[1:]] == [kept.id]
    assert "Registered at (Asia/Shanghai)" in rows[0]
    assert rows[1][rows[0].index("Registered at (Asia/Shanghai)")] == "2026-03-02 17:00"
    everyone = read_csv(await client.get(f"/organiser/events/{event.slug}/registrations.csv?lang=en"))
    assert len(everyone) == 3 and "Cancelled" in [row[1] for row in everyone[1:]]


def read_xlsx(content: bytes) -> list[list[object]]:
    """The first sheet's cells, read from the XML inside the workbook (no spreadsheet library needed)."""
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        names = workbook.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            strings = ElementTree.fromstring(workbook.read("xl/sharedStrings.xml"))
            shared = ["".join(node.itertext()) for node in strings.iter(f"{SHEET}si")]
        sheet = ElementTree.fromstring(workbook.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{SHEET}row"):
        cells: list[object] = []
        for cell in row.iter(f"{SHEET}c"):
            column = ord(re.match(r"[A-Z]+", cell.get("r")).group(0)[-1]) - ord("A")
            column += 26 * (len(re.match(r"[A-Z]+", cell.get("r")).group(0)) - 1)
            while len(cells) < column:
                cells.append(None)
            value = cell.find(f"{SHEET}v")
            if cell.get("t") == "s":
                cells.append(shared[int(value.text)])
            elif cell.get("t") == "inlineStr":
                cells.append("".join(cell.find(f"{SHEET}is").itertext()))
            else:
                cells.append(float(value.text) if value is not None else None)
        rows.append(cells)
    return rows


async def test_xlsx_opens_with_the_same_rows_dates_as_dates_and_text_as_text(client, session):
    event, li, de_wit, attacker = await event_with_answers(session)
    await organiser(client, session)
    response = await client.get(f"/organiser/events/{event.slug}/registrations.xlsx?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response.headers["content-disposition"] == f'attachment; filename="registrations-{event.slug}.xlsx"'
    rows = read_xlsx(response.content)
    header = rows[0]
    assert header[:3] == ["Number", "Status", "Name"] and "Diet" in header and "Visa?" in header
    by_number = {int(row[0]): row for row in rows[1:]}
    assert by_number[li.id][2] == "李娜" and by_number[de_wit.id][2] == "Joëlle de Wit-Brouwer"
    assert by_number[li.id][header.index("Diet")] == "Vegetarian" and by_number[li.id][header.index("Visa?")] == "Yes"
    assert by_number[attacker.id][2] == "'@SUM(1+1)"
    assert by_number[de_wit.id][header.index("Company")] == '\'=HYPERLINK("http://x")'
    registered = by_number[li.id][header.index("Registered at (Europe/Amsterdam)")]
    assert isinstance(registered, float) and abs(registered - 46083.41666) < 0.0001  # 2026-03-02 10:00, a date
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere


async def test_the_api_gives_json_or_the_same_csv(client, session):
    event, li, _, _ = await event_with_answers(session)
    user = await make_user(session, "api@weert.example")
    _, token = await create_api_token(session, user, name="export", days=30, now=NOW, actor=SYSTEM)
    url = f"/api/v1/events/{event.slug}/registrations"
    answer = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert_matches_schema(body, "OrganiserRegistrationList")
    first = next(item for item in body["items"] if item["id"] == li.id)
    assert first["name"] == "李娜" and first["members"] == ["王芳", "张伟"] and first["home_city"] == "yuhang"
    assert body["counts"]["confirmed"] == {"registrations": 3, "seats": 5}
    as_csv = await client.get(url + "?lang=en", headers={"Authorization": f"Bearer {token}", "Accept": "text/csv"})
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    rows = read_csv(as_csv)
    assert rows[0][:3] == ["Number", "Status", "Name"] and len(rows) == 4
    filtered = await client.get(url + "?status=pending", headers={"Authorization": f"Bearer {token}"})
    assert filtered.json()["items"] == []
    wrong = await client.get(url + "?status=everyone", headers={"Authorization": f"Bearer {token}"})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "status"
