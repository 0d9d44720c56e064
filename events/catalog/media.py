"""Event images organisers upload: checked by their first bytes (JPEG, PNG or WebP, never SVG, which can carry
script), stored under EVENTS_MEDIA_DIR with a random name, and served at /media/<name> for a year (a new image
gets a new name, so nothing stale is ever served). Images no event shows any more (replaced, or uploaded with a
form that was never saved) are removed after a day by the worker."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from pathlib import Path

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from events.catalog.models import Event
from events.errors import FieldError, NotFound
from events.i18n import N_
from events.settings import Settings

NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# The forms that carry an image, and the write API's image, may be this much larger than EVENTS_MAX_BODY_SIZE
# allows other requests.
UPLOAD_PATHS = re.compile(r"^(/organiser/events(/[^/]+/edit)?|/api/v1/events/[^/]+/image)$")
LONG_CACHE = "public, max-age=31536000, immutable"
# An image uploaded with a form that is shown again (an error elsewhere) is kept in the form until it is saved:
# unused images are removed only when older than this.
UNUSED_KEPT = dt.timedelta(hours=24)

log = logging.getLogger("events.media")


def image_kind(data: bytes) -> str | None:
    """The file type by its magic bytes, whatever its name or the browser says."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def image_problem(data: bytes, max_size: int) -> FieldError | None:
    """Why an uploaded image cannot be used, if it cannot."""
    if len(data) > max_size:
        megabytes = round(max_size / 1_048_576, 1)
        return FieldError("image", N_("The image is larger than %(size)s MB; make it smaller."), {"size": megabytes})
    if image_kind(data) is None:
        return FieldError("image", N_("Upload a JPEG, PNG or WebP image."))
    return None


async def store_image(data: bytes, media_dir: Path) -> str:
    """Write a checked image under a random name; its path as pages use it ("/media/<name>")."""
    kind = image_kind(data)
    assert kind is not None
    name = f"{secrets.token_hex(16)}.{kind}"
    folder = anyio.Path(media_dir)
    await folder.mkdir(parents=True, exist_ok=True)
    await (folder / name).write_bytes(data)
    return f"/media/{name}"


async def remove_unused_images(
    session: AsyncSession, media_dir: Path, *, now: dt.datetime, kept: dt.timedelta = UNUSED_KEPT
) -> int:
    """Delete the uploaded images that no event (deleted ones included) shows and that are older than ``kept``;
    returns how many. Files the platform did not name are left alone."""
    cutoff = (now - kept).timestamp()

    def old_images() -> list[Path]:
        folder = Path(media_dir)
        if not folder.is_dir():
            return []
        return [file for file in folder.iterdir() if NAME.match(file.name) and file.stat().st_mtime < cutoff]

    # The folder is read before the first statement: the worker's job runs in a write transaction, which on
    # SQLite holds the database's one write lock from that statement on.
    candidates = await anyio.to_thread.run_sync(old_images)
    if not candidates:
        return 0
    statement = select(Event.image_path).where(Event.image_path.is_not(None)).distinct()
    used = {str(path).removeprefix("/media/") for path in (await session.scalars(statement)).all()}
    unused = [file for file in candidates if file.name not in used]
    for file in unused:
        await anyio.Path(file).unlink(missing_ok=True)
    if unused:
        log.info("Removed %s uploaded images that no event shows", len(unused), extra={"images_removed": len(unused)})
    return len(unused)


def upload_limits(settings: Settings) -> list[tuple[re.Pattern[str], int]]:
    """Body limits for the BodySizeLimit middleware: an image and the rest of the form."""
    return [(UPLOAD_PATHS, settings.max_body_size + settings.max_image_size)]


async def media_file(request: Request) -> Response:
    name = request.path_params["name"]
    match = NAME.match(name)
    path = Path(request.app.state.settings.media_dir) / name
    if match is None or not await anyio.Path(path).is_file():
        raise NotFound()
    return FileResponse(path, media_type=MEDIA_TYPES[match.group(1)], headers={"Cache-Control": LONG_CACHE})


routes = [Route("/media/{name}", media_file, methods=["GET", "HEAD"], name="media")]
