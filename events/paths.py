"""Where the platform's own files are, found through the package and never through the current folder."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED_DIR = PACKAGE_DIR / "_bundled"


def _top_level(name: str) -> Path:
    # A wheel carries the repository's top-level folders inside the package (see pyproject.toml);
    # a checkout or an editable install has them beside the package.
    bundled = _BUNDLED_DIR / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name


TEMPLATES_DIR = _top_level("templates")
MIGRATIONS_DIR = _top_level("migrations")
LOCALE_DIR = PACKAGE_DIR / "locale"
STATIC_DIR = PACKAGE_DIR / "static"
CONTENT_DIR = PACKAGE_DIR / "content"
