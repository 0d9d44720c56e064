"""Rendered answers kept in memory, and the data version that says when they are no longer true.

Public pages and the read API are the same for everyone who asks in the same language, and change only when
data changes or when time passes a boundary (an event starts, registration opens). A cache hit costs no
database round trip, which is what lets a page answer at a good fraction of the speed of a static file.

The data version must change in every process as soon as any process commits a change:

- every session marks a flush that changed something, and the commit of that session bumps this process's
  version at once (so a process never serves its own stale answers);
- on PostgreSQL, triggers on the tables the public sees send ``NOTIFY stedenband_changes`` in the changing
  transaction, delivered to all processes at commit and only then; each process LISTENs on a connection of its
  own and bumps its version when told. While that connection is down, the cache is not used at all;
- on SQLite, every process on the machine shares the database file: a connection of the cache's own asks
  ``PRAGMA data_version``, which changes whenever any other connection commits (about as dear as a ``stat``).
  File times would not do: a file system may stamp two commits within one clock tick alike, and after a
  checkpoint the write-ahead log is written again from its start, keeping its size.

Changes made outside the platform count too: on PostgreSQL the triggers fire for them, and on SQLite every
connection's commit moves ``data_version``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

log = logging.getLogger("events.cache")

CHANNEL = "stedenband_changes"
# Even without a known boundary, an answer is recomputed this often (e.g. the archive gains ended events).
MAX_AGE = dt.timedelta(seconds=60)


# Tables that change rarely but are read by busy paths have versions of their own, so that a registration (which
# changes events) does not make every process read them again: cities and categories (every page needs them)
# and the events' own questions (every registration checks its answers against them).
CATALOGUE = "catalogue"
QUESTIONS = "questions"
RARELY_CHANGED = {CATALOGUE: frozenset({"cities", "categories"}), QUESTIONS: frozenset({"questions"})}


class _LocalChanges:
    """Commits of changes made by this process, counted by every session's commit (see the listeners below)."""

    count = 0
    of_group = dict.fromkeys(RARELY_CHANGED, 0)


def note_change(session: Session, tables: set[str]) -> None:
    """Note that the session's transaction changes ``tables``, so its commit moves the data version on.

    The listeners below call it for everything the session writes; a service that writes with a Core statement
    on the session's connection (which no listener sees) calls it itself."""
    # Other processes learn of it from PostgreSQL itself: triggers on the tables the public sees send
    # NOTIFY with the table's name, delivered at commit (migration 0003).
    session.info["changed"] = True
    for group, group_tables in RARELY_CHANGED.items():
        if tables & group_tables:
            session.info.setdefault("changed_groups", set()).add(group)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush: UOWTransaction) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    note_change(session, {getattr(item, "__tablename__", "") for item in changed})


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state: ORMExecuteState) -> None:
    # INSERT, UPDATE and DELETE statements run through the session change data without a flush.
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        note_change(state.session, {getattr(table, "name", "")})


@event.listens_for(Session, "after_commit")
def _count_commit(session: Session) -> None:
    if session.info.pop("changed", False):
        _LocalChanges.count += 1
    for group in session.info.pop("changed_groups", ()):
        _LocalChanges.of_group[group] += 1


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop("changed", None)
    session.info.pop("changed_groups", None)


class SQLiteCommits:
    """Commits to a SQLite database by any connection, counted by ``PRAGMA data_version`` on a connection of our
    own. Now and then the file's identity is checked too, so a database file made anew (a new inode) is noticed
    within a second and read through a new connection."""

    RECHECK = 1.0  # seconds

    def __init__(self, path: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._identity = (0, 0)
        self._checked = -float("inf")  # check at the first call
        # The version read in this turn of the event loop, and the task that read it.
        self._this_turn: tuple[tuple[int, ...] | None, asyncio.Task[Any] | None] | None = None

    def version(self) -> tuple[int, ...] | None:
        """The file's identity and its commit counter; None while it cannot be read (busy, or gone).

        Inside the event loop, the answer is kept until the loop runs a callback scheduled when it was read: the
        next turn of the loop. Whatever runs before that callback was scheduled before it, and the server
        schedules a request's task only once the request has arrived; so a request answered from the kept
        version arrived before it was read, and a commit it does not show ended after the request arrived, as
        if the request had been answered first. Under load one turn answers many requests with one question.
        A server gives each request a task of its own; the task that read the version asks again, as it may be
        answering a request made after it read (a caller in the same process, as in the tests).
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # outside a loop: each call asks
            return self._read_version()
        task = asyncio.current_task(loop)
        kept = self._this_turn
        if kept is not None and kept[1] is not task:
            return kept[0]
        version = self._read_version()
        if kept is None:
            loop.call_soon(self._forget_turn)
        self._this_turn = (version, task)
        return version

    def _forget_turn(self) -> None:
        self._this_turn = None

    def _read_version(self) -> tuple[int, ...] | None:
        now = time.monotonic()
        if now - self._checked > self.RECHECK:
            self._checked = now
            self._check_identity()
        if self._connection is None:
            return (*self._identity, 0)  # no database file yet
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return (*self._identity, row[0])

    def _check_identity(self) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self.close()
            self._identity = (0, 0)
            return
        identity = (stat.st_dev, stat.st_ino)
        if identity == self._identity and self._connection is not None:
            return
        self.close()
        self._identity = identity
        try:  # mode=rw: never create a database file that is not there
            self._connection = sqlite3.connect(
                Path(self.path).as_uri() + "?mode=rw", uri=True, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA busy_timeout = 0")  # busy: the cache is skipped, never waited for
        except sqlite3.Error:
            self._connection = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


Key = TypeVar("Key")
Kept = TypeVar("Kept")


class KeptWhileCurrent(Generic[Key, Kept]):
    """Values kept per process while a data version holds (``token``: ``DataVersion.group_token`` for a group of
    RARELY_CHANGED tables), all thrown away when it moves. Kept values are shared by sessions, which only read
    them (load them, then ``database.keep_out_of_session``). A token of None means the version cannot be trusted
    (PostgreSQL not listening, or the cache turned off): nothing is served or kept."""

    MAX_ENTRIES = 4096  # a safeguard: the busy paths read a few dozen (events open for registration)

    def __init__(self, token: Callable[[], tuple[int, ...] | None]) -> None:
        self.token = token
        self._kept_token: tuple[int, ...] | None = None
        self._kept: dict[Key, Kept] = {}

    def get(self, key: Key) -> tuple[tuple[int, ...] | None, Kept | None]:
        """The current token, and the value kept for ``key`` under it (None if none); pass the token to ``keep``."""
        token = self.token()
        if token is None or token != self._kept_token:
            return token, None
        return token, self._kept.get(key)

    def keep(self, token: tuple[int, ...] | None, key: Key, value: Kept) -> None:
        """Keep a value read after ``get`` gave ``token``: under a token that has moved on since, it is never served."""
        if token is None:
            return
        if token != self._kept_token or len(self._kept) >= self.MAX_ENTRIES:
            self._kept_token, self._kept = token, {}
        self._kept[key] = value


class DataVersion:
    """This process's view of the data version; ``token()`` is None while it cannot be trusted."""

    def __init__(self, database_url: str) -> None:
        self.heard = 0  # changes other processes announced (PostgreSQL)
        self.heard_of_group = dict.fromkeys(RARELY_CHANGED, 0)
        self.listening = False
        self._commits: SQLiteCommits | None = None
        self._task: asyncio.Task[None] | None = None
        url = make_url(database_url)
        self.is_sqlite = url.get_backend_name() == "sqlite"
        if self.is_sqlite and url.database and url.database != ":memory:":
            self._commits = SQLiteCommits(os.path.abspath(url.database))
        self._asyncpg_dsn = (
            None if self.is_sqlite else url.set(drivername="postgresql").render_as_string(hide_password=False)
        )

    def token(self) -> tuple[int, ...] | None:
        if self.is_sqlite:
            if self._commits is None:  # an in-memory database: only this process can change it
                return (_LocalChanges.count,)
            commits = self._commits.version()
            return None if commits is None else (_LocalChanges.count, *commits)
        return (_LocalChanges.count, self.heard) if self.listening else None

    def group_token(self, group: str) -> tuple[int, ...] | None:
        """The version of one group of RARELY_CHANGED tables alone (on SQLite any write counts: the file cannot
        tell)."""
        if self.is_sqlite:
            return self.token()
        return (_LocalChanges.of_group[group], self.heard_of_group[group]) if self.listening else None

    def catalogue_token(self) -> tuple[int, ...] | None:
        return self.group_token(CATALOGUE)

    def questions_token(self) -> tuple[int, ...] | None:
        return self.group_token(QUESTIONS)

    def _heard_change(
        self, _connection: object = None, _pid: object = None, _channel: object = None, payload: object = ""
    ) -> None:
        self.heard += 1
        for group, tables in RARELY_CHANGED.items():
            if payload in tables or not payload:
                self.heard_of_group[group] += 1

    async def start(self) -> None:
        """Begin listening for other processes' changes (PostgreSQL only)."""
        if self._asyncpg_dsn is not None:
            self._task = asyncio.create_task(self._listen_forever(), name="data-version-listener")

    async def stop(self) -> None:
        if self._commits is not None:
            self._commits.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _listen_forever(self) -> None:
        delay = 0.5
        while True:
            try:
                connection = await asyncpg.connect(self._asyncpg_dsn)
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("Cannot listen for data changes yet (%s); the page cache is off", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            delay = 0.5
            await self._listen_until_lost(connection)
            log.warning("Lost the connection that listens for data changes; the page cache is off until it returns")

    async def _listen_until_lost(self, connection: Any) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANNEL, self._heard_change)
        self._heard_change()  # anything may have changed while nobody was listening
        self.listening = True
        log.info("Listening for data changes; the page cache is on")
        try:
            while not lost.is_set():
                # A connection cut without a goodbye (a network fault) is noticed by asking now and then.
                try:
                    await asyncio.wait_for(lost.wait(), timeout=15)
                except TimeoutError:
                    await asyncio.wait_for(connection.execute("SELECT 1"), timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning("The connection that listens for data changes failed (%s)", type(error).__name__)
        finally:
            self.listening = False
            if not connection.is_closed():
                await connection.close()


@dataclass
class CachedAnswer:
    body: bytes
    status: int
    raw_headers: list[tuple[bytes, bytes]]
    etag: str
    last_modified: str | None
    token: tuple[int, ...]
    expires: dt.datetime
    # Makes the same answer gzip-compressed, for the clients that accept it; run once, at the first such client.
    make_gzip: Callable[[], bytes] | None = None
    gzip_headers: list[tuple[bytes, bytes]] | None = None
    # The template of the route that made it ("/api/v1/events/{slug}"), for the request log of hits, which are
    # answered before routing.
    route_template: str = "-"
    _gzip: bytes | None = field(default=None, repr=False)
    # Each variant of a hit (not modified?, gzip?) as served: status, headers with the security headers, body.
    hits: dict[tuple[bool, bool], tuple[int, list[tuple[bytes, bytes]], bytes]] = field(
        default_factory=dict, repr=False
    )

    @property
    def gzip_etag(self) -> str:
        # A different representation needs a different strong ETag (RFC 9110 8.8.3).
        return self.etag[:-1] + '-gzip"'

    def gzip_body(self) -> bytes | None:
        if self._gzip is None and self.make_gzip is not None:
            self._gzip = self.make_gzip()
        return self._gzip


class AnswerCache:
    """A least-recently-used store of rendered answers, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Any, CachedAnswer] = OrderedDict()
        self._bytes = 0
        # Answers being made right now, by key: requests that miss at the same moment wait for one build.
        self.building: dict[Any, tuple[tuple[int, ...], asyncio.Future[CachedAnswer | None]]] = {}

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: Any, token: tuple[int, ...], now: dt.datetime) -> CachedAnswer | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.token != token or entry.expires <= now:
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Any, entry: CachedAnswer) -> None:
        if len(entry.body) > self.max_bytes // 4:
            return
        self._remove(key)
        self._entries[key] = entry
        self._bytes += _size(entry)
        while self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._remove(oldest)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def _remove(self, key: Any) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= _size(entry)


def _size(entry: CachedAnswer) -> int:
    # The gzip copy is made later, at the first client that wants it; count a typical share for it now.
    return len(entry.body) + (len(entry.body) // 4 if entry.make_gzip is not None else 0)


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
