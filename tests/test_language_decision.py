"""The language a request is answered in: ``?lang=``, then the cookie, then Accept-Language, then the default;
decided once per set of inputs, and the same decision every time."""

import pytest

from events.web import middleware
from events.web.middleware import request_language


def scope(query: bytes = b"", cookie: bytes | None = None, accept: bytes | None = None) -> dict:
    headers = [(b"host", b"t")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    if accept is not None:
        headers.append((b"accept-language", accept))
    return {"type": "http", "query_string": query, "headers": headers}


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        (b"", None, None, (None, None, "nl")),
        (b"lang=zh", None, b"en", ("zh", None, "zh")),
        (b"city=weert&lang=en&lang=zh", None, None, ("zh", None, "zh")),  # the last one counts, as parse_qs reads
        (b"lang=fr", None, b"en", ("fr", None, "en")),  # not ours: the 400 is the Language middleware's
        (b"lang=%7A%68", None, None, ("zh", None, "zh")),
        (b"", b"lang=en; csrf=abc", b"zh-CN,zh;q=0.9", (None, "en", "en")),
        (b"", b'lang="en', b"zh", (None, None, "zh")),  # a malformed cookie is ignored
        (b"", None, b"fr-FR, zh;q=0.4, en;q=0.8", (None, None, "en")),
        (b"", None, b"de, *;q=0.1", (None, None, "nl")),
    ],
)
def test_decisions(query, cookie, accept, expected):
    middleware._decided.clear()
    first = request_language(scope(query, cookie, accept), "nl")
    again = request_language(scope(query, cookie, accept), "nl")  # now from the decisions kept
    assert first == again == expected


def test_each_default_has_its_own_decision():
    assert request_language(scope(), "nl")[2] == "nl"
    assert request_language(scope(), "en")[2] == "en"


def test_long_inputs_are_decided_afresh_and_not_kept():
    middleware._decided.clear()
    long_cookie = b"lang=zh; csrf=" + b"x" * 2000
    assert request_language(scope(cookie=long_cookie), "nl") == (None, "zh", "zh")
    assert middleware._decided == {}
    for number in range(middleware._DECISIONS_KEPT + 10):
        request_language(scope(query=f"page={number}".encode()), "nl")
    assert len(middleware._decided) <= middleware._DECISIONS_KEPT
