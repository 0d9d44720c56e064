"""Statements the municipality must publish (privacy, accessibility), kept as Markdown files it can replace."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from events.i18n import fallback_chain
from events.paths import CONTENT_DIR

STATEMENTS = ("privacy", "accessibility")
# Raw HTML is off: the files are written by people, not developers, and must not be able to inject markup.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def statement_path(name: str, language: str, override_dir: str | None) -> tuple[Path, str]:
    """The file to show and its language: per language, the municipality's own file first, then the built-in one."""
    folders = [Path(override_dir)] if override_dir else []
    folders.append(CONTENT_DIR)
    for code in fallback_chain(language):
        for folder in folders:
            path = folder / f"{name}.{code}.md"
            if path.is_file():
                return path, code
    raise FileNotFoundError(f"no {name} statement in {', '.join(str(folder) for folder in folders)}")


def render_statement(name: str, language: str, override_dir: str | None) -> tuple[str, str]:
    """The statement as HTML, and the language it is written in."""
    path, code = statement_path(name, language, override_dir)
    return _markdown.render(path.read_text(encoding="utf-8")), code
