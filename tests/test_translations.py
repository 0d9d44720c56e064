"""Every interface string is translated into every language, with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from events.i18n import LANGUAGE_CODES
from events.paths import LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "gettext_for": (2,), "ngettext_for": (2, 3)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def strings_in_the_code() -> set[object]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


CODE_STRINGS = strings_in_the_code()


def test_the_code_has_strings_to_translate():
    assert "Upcoming exchange events" in CODE_STRINGS
    assert "Unknown city “%(value)s”. Choose one of: %(choices)s." in CODE_STRINGS  # from Python, not templates


def test_the_template_catalogue_is_up_to_date():
    with (LOCALE_DIR / "messages.pot").open("rb") as template:
        in_template = {message.id for message in read_po(template) if message.id}
    assert CODE_STRINGS == in_template, "run the pybabel extract command in babel.cfg, then pybabel update"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_string_is_translated(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    problems = []
    for message_id in sorted(CODE_STRINGS, key=str):
        message = catalog.get(message_id)
        if message is None or message.fuzzy:
            problems.append(f"missing or fuzzy: {message_id!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message_id!r}")
            continue
        source = message_id if isinstance(message_id, tuple) else (message_id,)
        expected = set(PLACEHOLDER.findall(" ".join(source))) - {"num"}
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - {"num"} != expected:
                problems.append(f"placeholders differ: {message_id!r} -> {string!r}")
    assert problems == []
