"""Check-in codes: the registration's number signed with the platform's secret key.

Nothing is stored: the signature makes the code unforgeable, and it works offline on paper or a phone. The QR code
holds the organisers' scan page with the code, so an organiser's ordinary camera app opens the check-in page
directly (after signing in), while a participant who scans their own code sees nothing private.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from itsdangerous import BadSignature, Signer

SALT = "check-in"
SCAN_PATH = "/organiser/check-in/scan"
MAX_CODE = 200  # far longer than any real code; longer input is refused before any work


def _signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt=SALT)


def check_in_code(secret_key: str, registration_id: int) -> str:
    """The code of one registration, such as ``42.Xb3…``."""
    return _signer(secret_key).sign(str(registration_id)).decode()


def registration_id_of(secret_key: str, code: str) -> int | None:
    """The registration a code belongs to; None for anything not signed by us."""
    code = code.strip()
    if not code or len(code) > MAX_CODE:
        return None
    try:
        value = _signer(secret_key).unsign(code).decode()
    except (BadSignature, UnicodeError):
        return None
    return int(value) if value.isdigit() else None


def scan_url(base_url: str, code: str) -> str:
    """What the QR code holds: the organisers' scan page for this code."""
    return f"{base_url}{SCAN_PATH}?code={quote(code, safe='')}"


def code_in(value: str) -> str:
    """The code inside a scanned value: the ``code`` of a scan URL, or the value itself when typed by hand."""
    value = value.strip()
    if "://" in value or value.startswith("/"):
        found = parse_qs(urlsplit(value).query).get("code")
        return found[0] if found else value
    return value
