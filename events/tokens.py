"""Private links: random tokens handed out once, of which only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 random bits; at least 128 are required


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    # The token is random and long, so a plain SHA-256 is enough: there is nothing to guess in it.
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    """Cheap check before any database work; a wrong token answers a plain 404 either way."""
    return 20 <= len(value) <= 100 and all(character.isalnum() or character in "-_" for character in value)
