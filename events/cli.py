"""The ``stedenband`` command (also ``python -m events``)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError

from events.settings import Settings, SettingsError

log = logging.getLogger("events.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stedenband",
        description="Stedenband: the Weert–Yuhang exchange platform. Settings come from EVENTS_* variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the platform over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="number of worker processes (default 1)")
    serve.add_argument("--reload", action="store_true", help="restart when the code changes (development)")
    serve.add_argument(
        "--demo", action="store_true", help="migrate and load the demo programme if the database is empty"
    )

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="migrate the database to the newest schema")
    downgrade = db_commands.add_parser("downgrade", help="migrate the database back to a revision")
    downgrade.add_argument("revision", help="Alembic revision, e.g. base or 0001")
    db_commands.add_parser("current", help="show the database's schema revision")

    commands.add_parser("demo", help="load the demo programme (running it again adds nothing)")
    commands.add_parser("worker", help="deliver the outbox, send reminders and sync feeds, until stopped")

    feeds = commands.add_parser("feeds", help="calendars to import")
    feed_commands = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    feed_add = feed_commands.add_parser("add", help="import an iCalendar feed")
    feed_add.add_argument("url")
    feed_add.add_argument("--category", required=True, help="category slug for its events")
    feed_add.add_argument("--city", required=True, help="city slug: where its events take place")
    feed_add.add_argument("--name", help="shown with its events (default: the address's host)")
    feed_add.add_argument("--allow-registration", action="store_true", help="let people register for its events")
    feed_commands.add_parser("list", help="list the sources with their last sync and error")
    feed_remove = feed_commands.add_parser("remove", help="stop importing a source (its events stay)")
    feed_remove.add_argument("id", type=int)
    feed_sync = feed_commands.add_parser("sync", help="import now")
    feed_sync.add_argument("--source", type=int, help="only this source")

    privacy = commands.add_parser("privacy", help="personal data")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    purge = privacy_commands.add_parser("purge", help="anonymise registrations of events that ended long ago")
    purge.add_argument("--after-days", type=int, default=365, help="days after the event's end (default 365)")

    users = commands.add_parser("users", help="organisers and admins")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="add a user; the password is read from a prompt or standard input")
    add.add_argument("email")
    add.add_argument("--role", choices=["admin", "organiser"], required=True)
    add.add_argument("--city", required=True, help="slug of the user's city office, e.g. weert or yuhang")
    add.add_argument("--name", help="display name (default: the part of the e-mail address before the @)")
    user_commands.add_parser("list", help="list users")

    tokens = commands.add_parser("tokens", help="API tokens for integrations")
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True, metavar="ACTION")
    token_create = token_commands.add_parser("create", help="create an API token for a user; prints only the token")
    token_create.add_argument("email")
    token_create.add_argument("--name", default="command line", help="what uses it (default: command line)")
    token_create.add_argument("--days", type=int, default=90, choices=[30, 90, 365], help="how long it works")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"stedenband: {error}", file=sys.stderr)
        return 2
    from events.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    handlers = {
        "serve": _serve,
        "db": _db,
        "demo": _demo,
        "users": _users,
        "tokens": _tokens,
        "worker": _worker,
        "feeds": _feeds,
        "privacy": _privacy,
    }
    return handlers[arguments.command](settings, arguments)


def _db(settings: Settings, arguments: argparse.Namespace) -> int:
    from events import migrate

    if arguments.db_command == "upgrade":
        migrate.upgrade(settings.database_url)
        print(f"The database is at the newest schema ({migrate.head_revision()}).")
    elif arguments.db_command == "downgrade":
        migrate.downgrade(settings.database_url, arguments.revision)
        print(f"The database was migrated back to {arguments.revision}.")
    else:
        current = asyncio.run(_current_revision(settings))
        print(f"Database schema: {current or 'empty'}; newest: {migrate.head_revision()}.")
    return 0


async def _current_revision(settings: Settings) -> str | None:
    from events import migrate
    from events.database import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(migrate.current_revision)
    finally:
        await engine.dispose()


def _demo(settings: Settings, arguments: argparse.Namespace) -> int:
    from events.demo.loader import load_demo_from_settings

    added = asyncio.run(load_demo_from_settings(settings, progress=_print_progress))
    print(f"The demo programme is loaded: {added} events added." if added else "The demo programme was already there.")
    _print_demo_accounts(settings)
    return 0


def _print_demo_accounts(settings: Settings) -> None:
    from events.demo.loader import demo_accounts_from_settings

    accounts = asyncio.run(demo_accounts_from_settings(settings))
    if accounts is None:
        return
    emails, password = accounts
    print(f"Try the organisers' workspace at {settings.base_url}/login as {', '.join(emails)}")
    print(f"with the password {password} (shown only now; these accounts are for trying things out).")


def _print_progress(done: int, total: int, what: str) -> None:
    """A progress bar on a terminal; in a log (no terminal) only the end result."""
    if not sys.stdout.isatty():
        if done == total:
            print(f"{what}: {done}/{total}", flush=True)
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done == total else ""
    print(f"\r{what:<18} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, flush=True)


def _worker(settings: Settings, arguments: argparse.Namespace) -> int:
    from events.database import create_engine
    from events.jobs import build_worker

    async def run() -> None:
        engine = create_engine(settings.database_url)
        task = asyncio.create_task(build_worker(settings, engine).run())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        await stop.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.dispose()

    print("The mail worker runs (press Ctrl+C to stop).", flush=True)
    asyncio.run(run())
    from events.logs import flush_logs

    flush_logs()
    return 0


def _feeds(settings: Settings, arguments: argparse.Namespace) -> int:
    from events.database import create_engine, make_sessionmaker, write_engine
    from events.feeds.sources import SourceProblem

    async def run() -> int:
        engine = create_engine(settings.database_url)
        sessions = make_sessionmaker(write_engine(engine))
        try:
            if arguments.feeds_command == "sync":
                return await _sync_feeds(settings, sessions, arguments.source)
            return await _manage_feeds(sessions, arguments)
        except SourceProblem as error:
            print(f"stedenband: {error}.", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()

    return asyncio.run(run())


async def _sync_feeds(settings: Settings, sessions: Any, only: int | None) -> int:
    from events.database import transaction, utcnow
    from events.feeds.sources import SourceProblem, list_sources
    from events.feeds.sync import sync_all
    from events.jobs import fetch_policy

    async with transaction(sessions) as session:
        ids = [source.id for source in await list_sources(session)]
    if only is not None:
        if only not in ids:
            raise SourceProblem(f"there is no source {only}")
        ids = [only]
    results = await sync_all(
        lambda: transaction(sessions),
        ids,
        policy=fetch_policy(settings),
        own_domain=settings.uid_domain,
        now=utcnow,
        progress=lambda done, total: _print_progress(done, total, "Feed sources"),
    )
    for result in results:
        detail = result.error or f"{result.created} new, {result.updated} changed, {result.cancelled} cancelled"
        print(f"Source {result.source_id}: {result.outcome} ({detail})")
    return 1 if any(result.outcome == "failed" for result in results) else 0


async def _manage_feeds(sessions: Any, arguments: argparse.Namespace) -> int:
    from events.database import transaction
    from events.feeds import sources

    async with transaction(sessions) as session:
        if arguments.feeds_command == "add":
            source = await sources.add_source(
                session,
                url=arguments.url,
                category_slug=arguments.category,
                city_slug=arguments.city,
                name=arguments.name,
                registration_enabled=arguments.allow_registration,
            )
            print(f"Added source {source.id}, {source.name}: {source.url}")
        elif arguments.feeds_command == "remove":
            await sources.remove_source(session, arguments.id)
            print(f"Removed source {arguments.id}; its events stay.")
        else:
            rows = await sources.list_sources(session)
            if not rows:
                print("No feed sources yet. Add one with: stedenband feeds add URL --category SLUG --city SLUG")
            for source in rows:
                synced = source.last_synced_at.isoformat(timespec="minutes") if source.last_synced_at else "never"
                error = ""
                if source.last_error and source.last_error_at:
                    error = f"  last error ({source.last_error_at:%Y-%m-%d %H:%M}): {source.last_error}"
                print(f"{source.id}  {source.name}  {source.url}  synced: {synced}{error}")
    return 0


def _privacy(settings: Settings, arguments: argparse.Namespace) -> int:
    from events.database import create_engine, make_sessionmaker, transaction, utcnow, write_engine
    from events.registrations.privacy import purge_in_batches

    if arguments.after_days < 0:
        print("stedenband: --after-days cannot be negative.", file=sys.stderr)
        return 2

    async def run() -> int:
        engine = create_engine(settings.database_url)
        sessions = make_sessionmaker(write_engine(engine))
        now = utcnow()
        try:
            # One short transaction per batch: on SQLite the write lock is free between batches, and an
            # interrupted purge keeps what it did; running it again goes on with the rest.
            return await purge_in_batches(
                lambda: transaction(sessions),
                ended_before=now - dt.timedelta(days=arguments.after_days),
                now=now,
                progress=lambda done, total: _print_progress(done, total, "Anonymising"),
            )
        finally:
            await engine.dispose()

    count = asyncio.run(run())
    print(
        f"Anonymised {count} registrations of events that ended more than {arguments.after_days} days ago."
        if count
        else f"No registrations of events that ended more than {arguments.after_days} days ago were left to anonymise."
    )
    return 0


def _serve(settings: Settings, arguments: argparse.Namespace) -> int:
    import uvicorn

    from events import migrate
    from events.paths import PACKAGE_DIR, TEMPLATES_DIR

    current = asyncio.run(_current_revision(settings))
    head = migrate.head_revision()
    if current != head:
        if not arguments.demo:
            print(
                f"stedenband: the database schema is {current or 'empty'}, the code needs {head}. "
                "Run `stedenband db upgrade` first (or `stedenband serve --demo` for a demo).",
                file=sys.stderr,
            )
            return 1
        migrate.upgrade(settings.database_url)
    if arguments.demo:
        from events.demo.loader import load_demo_from_settings

        added = asyncio.run(load_demo_from_settings(settings, progress=_print_progress, only_if_empty=True))
        print(f"Loaded the demo programme: {added} events." if added else "The database has events; no demo added.")
        _print_demo_accounts(settings)
    print(f"Stedenband serves on http://{arguments.host}:{arguments.port} (press Ctrl+C to stop).", flush=True)
    uvicorn.run(
        "events.app:app_from_environment",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers if not arguments.reload else None,
        reload=arguments.reload,
        # Watch the code and templates wherever they are installed, not the folder the command runs in.
        reload_dirs=[str(PACKAGE_DIR), str(TEMPLATES_DIR)] if arguments.reload else None,
        access_log=False,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def _users(settings: Settings, arguments: argparse.Namespace) -> int:
    if arguments.users_command == "list":
        return asyncio.run(_list_users(settings))
    password = _read_password()
    if password is None:
        return 1
    return asyncio.run(_add_user(settings, arguments, password))


def _read_password() -> str | None:
    """From a prompt (asked twice) on a terminal, else the first line of standard input; never an argument."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("stedenband: the passwords differ.", file=sys.stderr)
            return None
        return password
    return sys.stdin.readline().rstrip("\r\n")


async def _add_user(settings: Settings, arguments: argparse.Namespace, password: str) -> int:
    from events.accounts.models import Role
    from events.accounts.service import AccountError, add_user
    from events.database import create_engine, make_sessionmaker, transaction

    engine = create_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            user = await add_user(
                session,
                email=arguments.email,
                role=Role(arguments.role),
                city_slug=arguments.city,
                password=password,
                display_name=arguments.name,
            )
    except AccountError as error:
        print(f"stedenband: {error}.", file=sys.stderr)
        return 1
    except IntegrityError:
        print(f"stedenband: {arguments.email} already has an account.", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"Added {user.role.value} {user.email} for the {arguments.city} office.")
    return 0


def _tokens(settings: Settings, arguments: argparse.Namespace) -> int:
    return asyncio.run(_create_token(settings, arguments))


async def _create_token(settings: Settings, arguments: argparse.Namespace) -> int:
    from sqlalchemy import select

    from events.accounts.models import User
    from events.accounts.service import create_api_token
    from events.audit.service import Actor
    from events.database import create_engine, make_sessionmaker, transaction, utcnow, write_engine

    engine = create_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(write_engine(engine))) as session:
            user = await session.scalar(select(User).where(User.email == arguments.email.strip().lower()))
            if user is None or not user.is_active:
                print(f"stedenband: {arguments.email} has no active account.", file=sys.stderr)
                return 1
            _, token = await create_api_token(
                session, user, name=arguments.name, days=arguments.days, now=utcnow(), actor=Actor(user.id, "cli")
            )
    finally:
        await engine.dispose()
    print(token)  # only the token, on one line, for scripts
    return 0


async def _list_users(settings: Settings) -> int:
    from events.accounts.service import list_users
    from events.database import create_engine, make_sessionmaker, transaction
    from events.i18n import pick_text

    engine = create_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            users = await list_users(session)
    finally:
        await engine.dispose()
    if not users:
        print("No users yet. Add the first admin with: stedenband users add EMAIL --role admin --city weert")
        return 0
    rows = [("E-MAIL", "NAME", "ROLE", "OFFICE", "ACTIVE")]
    rows += [
        (u.email, u.display_name, u.role.value, pick_text(u.city.name, "en"), "yes" if u.is_active else "no")
        for u in users
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
    return 0
