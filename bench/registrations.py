"""Registrations per second through the JSON API with many concurrent clients, against a bare endpoint, and a
check that nothing was overbooked.

    python bench/registrations.py [--databases sqlite,postgresql] [--connections 200] [--seconds 5] [--rounds 5]
                                  [--postgresql-server postgresql://postgres@127.0.0.1:5432]

For each database (a fresh SQLite file in a temporary folder; a freshly created PostgreSQL database, dropped at
the end) it starts one uvicorn process serving the platform beside a bare endpoint (bench/registration_server.py:
the same lock, the capacity check, one insert and the counter update, in one transaction), then lets wrk's
clients register for one event at a time, each request with its own e-mail address: interleaved rounds of the
bare endpoint and of POST /api/v1/events/{slug}/registrations, each round on fresh events. Capacity is half of
what the API registers in a round (measured in a warm-up), so every round fills the event and then the waiting
list. Only 201 answers count; any other answer (seen by wrk, or in the server's log for requests still in flight
when wrk stopped, which the server finishes before the next measurement starts) fails the run. Afterwards it
checks every event in the database: confirmed seats match the counter and stay within capacity, the waiting list
matches its counter and began only once the event was full, nobody came in twice, every API registration queued
its mail. On Linux each round also reports the server's CPU time per registration written (from /proc). Target:
the API at >= 0.5x the bare endpoint on PostgreSQL. Needs wrk (Debian: apt-get install wrk).
By default both databases are measured when the PostgreSQL server answers, else SQLite only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy import case, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import free_port  # noqa: E402
from events import migrate  # noqa: E402
from events.catalog.models import Category, City, Event, EventStatus  # noqa: E402
from events.catalog.service import EventText, create_event  # noqa: E402
from events.database import create_engine, make_sessionmaker, transaction  # noqa: E402
from events.demo.loader import ensure_categories, ensure_cities  # noqa: E402
from events.mail.models import OutboxMessage  # noqa: E402
from events.registrations.models import Registration, RegistrationStatus  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
API = "api"
BARE = "bare"
LABELS = {
    BARE: "bare  POST /__bare_register/{event_id}",
    API: "API   POST /api/v1/events/{slug}/registrations",
}
BARE_EXPLAINED = (
    "bare: one transaction that takes the platform's lock (PostgreSQL: SELECT ... FOR UPDATE on the event row; "
    "SQLite: BEGIN IMMEDIATE),\n"
    "      reads capacity and counters, inserts one registration (confirmed or waitlisted), updates the counter "
    "and commits;\n"
    "      no middleware, validation, manage link, outbox mail or logging; it shares the platform's connection pool."
)

# One wrk script per measurement: a JSON body with an e-mail address of its own for every request, and a count
# of the answers by status (wrk itself only says how many were not 2xx or 3xx).
LUA = """
local path = "{path}"
local prefix = "{prefix}"
local thread_count = {threads}
local threads = {{}}
local counter = 0
statuses = {{}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function request()
  counter = counter + 1
  local n = (counter - 1) * thread_count + thread_id
  local body = string.format(
    '{{"name": "Bench %d", "email": "bench-%s-%d@example.org", "home_city": "weert", "language": "en", '
    .. '"consent": true}}', n, prefix, n)
  return wrk.format("POST", path, {{["Content-Type"] = "application/json"}}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\\n", status, count))
    end
  end
  io.write(string.format("DURATION_US %d\\n", summary.duration))
  local e = summary.errors
  io.write(string.format("SOCKET_ERRORS %d %d %d %d\\n", e.connect, e.read, e.write, e.timeout))
end
"""


@dataclass
class Measurement:
    registered: int  # 201 answers
    seconds: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]
    latency: str

    @property
    def rate(self) -> float:
        return self.registered / self.seconds


@dataclass
class BenchEvent:
    label: str
    kind: str
    event_id: uuid.UUID
    slug: str
    capacity: int
    answered: int = 0  # 201 answers counted by wrk


@dataclass
class DatabaseResult:
    name: str
    rates: dict[str, list[float]] = field(default_factory=lambda: {BARE: [], API: []})
    # The server process's CPU time per registration written, in milliseconds (Linux only: None elsewhere).
    cpu: dict[str, list[float]] = field(default_factory=lambda: {BARE: [], API: []})
    capacity: int = 0
    failures: list[str] = field(default_factory=list)
    check_lines: list[str] = field(default_factory=list)
    log_path: Path | None = None


class BenchError(Exception):
    """Something that makes the measurement meaningless; the message says what."""


# --- databases ---------------------------------------------------------------------------------------------------


def admin_dsn(server: str) -> str:
    """The asyncpg address of the server's maintenance database."""
    url = make_url(server)
    return url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)


async def postgresql_answers(server: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        connection = await asyncpg.connect(admin_dsn(server), timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


async def create_postgresql_database(server: str) -> tuple[str, str]:
    name = f"stedenband_bench_{int(time.time())}_{secrets.token_hex(3)}"
    connection = await asyncpg.connect(admin_dsn(server))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    url = make_url(server).set(drivername="postgresql+asyncpg", database=name)
    return name, url.render_as_string(hide_password=False)


async def drop_postgresql_database(server: str, name: str) -> None:
    connection = await asyncpg.connect(admin_dsn(server))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def prepare(engine: AsyncEngine) -> tuple[City, Category]:
    async with engine.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    async with transaction(make_sessionmaker(engine)) as session:
        cities = await ensure_cities(session)
        categories = await ensure_categories(session)
    return cities["weert"], sorted(categories.values(), key=lambda category: category.position)[0]


async def new_event(
    engine: AsyncEngine, city: City, category: Category, *, label: str, kind: str, capacity: int
) -> BenchEvent:
    """A published event a month ahead, open for registration now, with a waiting list."""
    now = dt.datetime.now(dt.UTC)
    slug = f"bench-{label.replace(' ', '-')}-{secrets.token_hex(3)}"
    async with transaction(make_sessionmaker(engine)) as session:
        event = await create_event(
            session,
            texts={"en": EventText(title=f"Registration bench: {label}"), "nl": EventText(title=f"Bench: {label}")},
            category=category,
            city=city,
            office=city,
            starts_at=now + dt.timedelta(days=30),
            ends_at=now + dt.timedelta(days=30, hours=2),
            capacity=capacity,
            waitlist_enabled=True,
            registration_opens_at=now - dt.timedelta(seconds=1),
            status=EventStatus.PUBLISHED,
            now=now,
            slug=slug,
        )
    return BenchEvent(label, kind, event.id, slug, capacity)


# --- the server and wrk ------------------------------------------------------------------------------------------


def start_server(database_url: str, port: int, folder: Path, log_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_SECRET_KEY": "bench",
        "EVENTS_LOG_LEVEL": "INFO",  # one line per request and per registration, as in production
        "EVENTS_BASE_URL": f"http://127.0.0.1:{port}",
        "EVENTS_REGISTRATION_RATE_LIMIT": "",  # off: every client comes from 127.0.0.1
        "EVENTS_MAIL_WORKER": "off",  # outbox rows are still written in each registration's transaction
        "EVENTS_MAIL_DIR": str(folder / "outbox"),
        "PYTHONPATH": str(ROOT),
    }
    for name in ("EVENTS_PAGE_CACHE_MB", "EVENTS_REDIS_URL", "EVENTS_SMTP_URL", "EVENTS_LOG_FORMAT"):
        env.pop(name, None)
    command = [sys.executable, "-m", "uvicorn", "bench.registration_server:app", "--factory"]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=log_path.open("ab"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"the server stopped at start-up; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    server.kill()
    raise BenchError(f"the server did not become ready; see {log_path}")


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user and system) a process has used so far, from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def wrk(url: str, path: str, *, seconds: float, connections: int, threads: int, folder: Path) -> Measurement:
    prefix = secrets.token_hex(4)
    script = folder / f"register-{prefix}.lua"
    script.write_text(LUA.format(path=path, prefix=prefix, threads=threads))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script)]
    process = await asyncio.create_subprocess_exec(
        *command, url + path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    output = out.decode()
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}):\n{output}{err.decode()}")
    statuses = {int(status): int(count) for status, count in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M)}
    duration = re.search(r"^DURATION_US (\d+)$", output, re.M)
    errors = re.search(r"^SOCKET_ERRORS (\d+) (\d+) (\d+) (\d+)$", output, re.M)
    latency = re.search(r"^\s+Latency\s+(\S+)", output, re.M)
    if not duration or not errors:
        raise BenchError(f"unexpected wrk output:\n{output}")
    socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
    return Measurement(
        registered=statuses.get(201, 0),
        seconds=int(duration.group(1)) / 1e6,
        statuses=statuses,
        socket_errors=socket_errors,
        latency=latency.group(1) if latency else "?",
    )


def problems_of(measurement: Measurement) -> list[str]:
    """Anything but 201 answers: other statuses, and socket errors."""
    found = [f"{count} answers {status}" for status, count in sorted(measurement.statuses.items()) if status != 201]
    found += [f"{count} socket {kind} errors" for kind, count in measurement.socket_errors.items() if count]
    if not measurement.registered:
        found.append("no registration at all")
    return found


def problems_in_log(log_path: Path) -> list[str]:
    """Registrations the server answered with anything but 201 (wrk does not see those still in flight when it
    stops), and anything it logged as a warning or an error."""
    problems: dict[str, int] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        answered = re.search(r"POST (\S+) answered (\d+) ", line)
        if answered and answered.group(2) != "201":
            key = f"POST {answered.group(1)} answered {answered.group(2)}"
        elif re.match(r"\S+ (WARNING|ERROR|CRITICAL) ", line) or line.startswith("Traceback"):
            key = line[:160]
        else:
            continue
        problems[key] = problems.get(key, 0) + 1
    return [f"server log: {count} x {key}" for key, count in problems.items()]


# --- one database ------------------------------------------------------------------------------------------------


async def measure_database(name: str, database_url: str, arguments: argparse.Namespace, folder: Path) -> DatabaseResult:
    result = DatabaseResult(name)
    engine = create_engine(database_url)
    try:
        city, category = await prepare(engine)
        port = free_port()
        result.log_path = folder / f"server-{name.lower()}.log"
        server = start_server(database_url, port, folder, result.log_path)
        base = f"http://127.0.0.1:{port}"
        used: list[BenchEvent] = []

        async def run(event: BenchEvent, seconds: float, step: str) -> tuple[Measurement, float | None]:
            cpu_before = cpu_seconds(server.pid)
            path = (
                f"/__bare_register/{event.event_id}"
                if event.kind == BARE
                else f"/api/v1/events/{event.slug}/registrations"
            )
            measurement = await wrk(
                base,
                path,
                seconds=seconds,
                connections=arguments.connections,
                threads=arguments.threads,
                folder=folder,
            )
            event.answered += measurement.registered
            # The server finishes the requests that were in flight when wrk stopped (a closed connection does not
            # cancel them); the next measurement starts only once they are done.
            written = await wait_until_idle(engine, event)
            cpu_after = cpu_seconds(server.pid)
            # Every registration written, in flight or not, against all the CPU the server spent meanwhile.
            cpu = None
            if cpu_before is not None and cpu_after is not None and written:
                cpu = (cpu_after - cpu_before) * 1000 / written
            problems = problems_of(measurement)
            print(
                f"  {name:<10} {step:<12} {event.kind:<4} {measurement.rate:8.0f} registrations/s  "
                f"({measurement.registered} x 201 in {measurement.seconds:.1f} s, latency avg {measurement.latency}"
                + (f", server CPU {cpu:.1f} ms per registration)" if cpu is not None else ")")
                + (f"  PROBLEMS: {', '.join(problems)}" if problems else ""),
                flush=True,
            )
            if problems:
                raise BenchError(f"{name}, {step}, {LABELS[event.kind]}: {', '.join(problems)}; see {result.log_path}")
            return measurement, cpu

        try:
            # Warm-up, twice: connection pools, prepared statements, templates and translations are ready after the
            # first; the API's pace in the second sets each round's capacity.
            api_rate = 0.0
            for number in (1, 2):
                for kind in (BARE, API):
                    label = f"warm-up {number} {kind}"
                    event = await new_event(engine, city, category, label=label, kind=kind, capacity=50)
                    used.append(event)
                    rate = (await run(event, arguments.warmup, f"warm-up {number}"))[0].rate
                    api_rate = rate if kind == API else api_rate
            result.capacity = max(10, round(api_rate * arguments.seconds / 2))
            for number in range(1, arguments.rounds + 1):
                step = f"round {number}/{arguments.rounds}"
                for kind in (BARE, API):
                    event = await new_event(
                        engine, city, category, label=f"{kind} round {number}", kind=kind, capacity=result.capacity
                    )
                    used.append(event)
                    measurement, cpu = await run(event, arguments.seconds, step)
                    result.rates[kind].append(measurement.rate)
                    if cpu is not None:
                        result.cpu[kind].append(cpu)
        finally:
            stop_server(server)
        result.failures += [f"{name}: {problem}" for problem in problems_in_log(result.log_path)]
        await check_overbooking(engine, used, result)
    finally:
        await engine.dispose()
    return result


async def wait_until_idle(engine: AsyncEngine, event: BenchEvent, *, quiet: float = 1.0, limit: float = 120) -> int:
    """Wait until the event's registrations stop growing for ``quiet`` seconds; how many there are then."""
    statement = select(func.count()).select_from(Registration).where(Registration.event_id == event.event_id)
    started = last_change = time.monotonic()
    seen = -1
    while time.monotonic() - last_change < quiet:
        async with engine.connect() as connection:
            count = await connection.scalar(statement) or 0
        if count != seen:
            seen, last_change = count, time.monotonic()
        if time.monotonic() - started > limit:
            raise BenchError(f"the server was still registering for {event.label} after {limit:g} s")
        await asyncio.sleep(0.1)
    return seen


async def check_overbooking(engine: AsyncEngine, used: list[BenchEvent], result: DatabaseResult) -> None:
    """Every event's counters against its registrations, read back from the database."""
    ids = [event.event_id for event in used]
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    waitlisted = Registration.status == RegistrationStatus.WAITLISTED
    async with engine.connect() as connection:
        events = {
            row.id: row
            for row in await connection.execute(
                select(Event.id, Event.capacity, Event.confirmed_seats, Event.waitlist_length).where(Event.id.in_(ids))
            )
        }
        stats = {
            row.event_id: row
            for row in await connection.execute(
                select(
                    Registration.event_id,
                    func.count().label("rows"),
                    func.coalesce(func.sum(case((confirmed, Registration.seats), else_=0)), 0).label("seats"),
                    func.coalesce(func.sum(case((waitlisted, 1), else_=0)), 0).label("waiting"),
                    func.count(func.distinct(Registration.email_key)).label("addresses"),
                    func.max(case((confirmed, Registration.id))).label("last_confirmed"),
                    func.min(case((waitlisted, Registration.id))).label("first_waiting"),
                )
                .where(Registration.event_id.in_(ids))
                .group_by(Registration.event_id)
            )
        }
        mails = dict(
            (
                await connection.execute(
                    select(Registration.event_id, func.count(OutboxMessage.id))
                    .join(OutboxMessage, OutboxMessage.registration_id == Registration.id)
                    .where(Registration.event_id.in_(ids))
                    .group_by(Registration.event_id)
                )
            ).all()
        )
        everyone, addresses = (
            await connection.execute(select(func.count(), func.count(func.distinct(Registration.email_key))))
        ).one()
    header = (
        f"  {'event':<16} {'capacity':>8} {'confirmed':>9} {'sum seats':>9} {'waitlisted':>13} "
        f"{'201s':>6} {'rows':>6} {'dup':>4} {'mails':>6}  result"
    )
    result.check_lines.append(header)
    for event in used:
        row = events[event.event_id]
        stat = stats.get(event.event_id)
        rows = stat.rows if stat else 0
        seats = int(stat.seats) if stat else 0
        waiting = int(stat.waiting) if stat else 0
        duplicates = rows - (stat.addresses if stat else 0)
        problems = []
        if row.confirmed_seats != seats:
            problems.append(f"counter {row.confirmed_seats} != {seats} confirmed seats")
        if row.capacity is not None and seats > row.capacity:
            problems.append(f"OVERBOOKED: {seats} seats for {row.capacity}")
        if row.waitlist_length != waiting:
            problems.append(f"waitlist counter {row.waitlist_length} != {waiting} waiting")
        if duplicates:
            problems.append(f"{duplicates} e-mail addresses registered twice")
        if rows < event.answered:
            problems.append(f"{event.answered - rows} answered registrations missing")
        if rows != seats + waiting:
            problems.append(f"{rows - seats - waiting} registrations neither confirmed nor waitlisted")
        if stat and stat.first_waiting is not None and (stat.last_confirmed or 0) > stat.first_waiting:
            problems.append("confirmed after the waiting list began (strict order broken)")
        if event.answered and seats < event.capacity and waiting:
            problems.append("waitlisted while seats were left")
        mail_count = mails.get(event.event_id, 0)
        if event.kind == API and mail_count != rows:
            problems.append(f"{mail_count} mails queued for {rows} registrations")
        result.failures += [f"{result.name} {event.label}: {problem}" for problem in problems]
        result.check_lines.append(
            f"  {event.label:<16} {row.capacity:>8} {row.confirmed_seats:>9} {seats:>9} "
            f"{f'{row.waitlist_length}/{waiting}':>13} {event.answered:>6} {rows:>6} {duplicates:>4} "
            f"{mail_count if event.kind == API else '-':>6}  {'ok' if not problems else 'FAILED'}"
        )
    if everyone != addresses:
        result.failures.append(f"{result.name}: {everyone - addresses} e-mail addresses registered twice overall")


# --- the report --------------------------------------------------------------------------------------------------


def report(result: DatabaseResult, arguments: argparse.Namespace) -> None:
    bare = statistics.median(result.rates[BARE])
    api = statistics.median(result.rates[API])
    print(f"\n{result.name}: registrations for one event, {arguments.connections} concurrent clients")
    print(f"  {'endpoint':<48} {'registrations/s (median)':>24} {'ratio to bare':>14}")
    print(f"  {LABELS[BARE]:<48} {bare:>24.0f} {1:>13.2f}x")
    print(f"  {LABELS[API]:<48} {api:>24.0f} {api / bare:>13.2f}x")
    pairs = list(zip(result.rates[API], result.rates[BARE], strict=True))
    rounds = ", ".join(f"{a:.0f}/{b:.0f} = {a / b:.2f}x" for a, b in pairs)
    print(f"  per round (API/bare, each API round beside the bare round before it): {rounds}")
    # The machine's speed drifts from round to round; each pair ran side by side, so their ratio is the measure.
    paired = statistics.median(a / b for a, b in pairs)
    print(f"  median of the rounds' ratios: {paired:.2f}x")
    if result.name == "PostgreSQL":
        verdict = "met" if paired >= 0.5 else "NOT met"
        print(f"  target >= 0.50x on PostgreSQL (median of the rounds' ratios): {verdict}")
    if result.cpu[BARE] and result.cpu[API]:
        # Steadier than the rates on a machine whose speed drifts, and it says where a gap comes from: the server's
        # CPU, or time it spends waiting (for the event's lock, between its round trips to the database).
        bare_cpu, api_cpu = statistics.median(result.cpu[BARE]), statistics.median(result.cpu[API])
        print(
            f"  server CPU per registration (median of the rounds): bare {bare_cpu:.1f} ms, API {api_cpu:.1f} ms; "
            f"bare/API {bare_cpu / api_cpu:.2f}x, the rate the API would reach were it bound by CPU alone"
        )
    print(f"\n  Overbooking check ({result.name}), every event of the run, read back from the database:")
    for line in result.check_lines:
        print(line)
    print(f"  {'no overbooking, counters match' if not result.failures else 'CHECK FAILED'}")
    print(f"  Server log: {result.log_path}")


async def main_async(arguments: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/registrations.py needs wrk: apt-get install wrk")
    if arguments.databases is None:
        reason = await postgresql_answers(arguments.postgresql_server)
        databases = ["sqlite", "postgresql"] if reason is None else ["sqlite"]
        if reason is not None:
            print(f"PostgreSQL at {arguments.postgresql_server} does not answer ({reason}); measuring SQLite only.")
    else:
        databases = [name.strip().lower() for name in arguments.databases.split(",") if name.strip()]
        unknown = set(databases) - {"sqlite", "postgresql"}
        if unknown or not databases:
            raise SystemExit(f"--databases takes sqlite and/or postgresql, not {', '.join(sorted(unknown))}")
    folder = Path(tempfile.mkdtemp(prefix="stedenband-registrations-"))
    print(
        f"Registration benchmark: {', '.join(databases)}; wrk -t{arguments.threads} -c{arguments.connections}, "
        f"{arguments.rounds} interleaved rounds of {arguments.seconds:g} s after two warm-up rounds of "
        f"{arguments.warmup:g} s,\nfresh events per round, one uvicorn process serving the platform and the bare "
        "endpoint.\n"
        f"{BARE_EXPLAINED}\n"
    )
    results: list[DatabaseResult] = []
    for database in databases:
        if database == "sqlite":
            results.append(
                await measure_database("SQLite", f"sqlite+aiosqlite:///{folder / 'bench.db'}", arguments, folder)
            )
            continue
        name, url = await create_postgresql_database(arguments.postgresql_server)
        try:
            results.append(await measure_database("PostgreSQL", url, arguments, folder))
        finally:
            await drop_postgresql_database(arguments.postgresql_server, name)
    for result in results:
        report(result, arguments)
    failures = [failure for result in results for failure in result.failures]
    print()
    if failures:
        print("FAILED:\n" + "\n".join(f"  {failure}" for failure in failures))
        return 1
    print(
        "Capacity per event: half of what the API registers in a round at the second warm-up's pace "
        f"({', '.join(f'{result.name} {result.capacity}' for result in results)}),\nso each round fills its event "
        "and then its waiting list. Only 201 answers count as registrations;\nrows beyond them are requests still "
        "in flight when wrk stopped, which the server completed (none answered otherwise)."
    )
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", help="sqlite, postgresql or both (default: both if PostgreSQL answers)")
    parser.add_argument("--postgresql-server", default=DEFAULT_SERVER, help=f"default: {DEFAULT_SERVER}")
    parser.add_argument("--connections", type=int, default=200, help="concurrent clients (default: 200)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default: 1)")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per measurement (default: 5)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default: 5)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per warm-up run (default: 2)")
    arguments = parser.parse_args()
    try:
        sys.exit(asyncio.run(main_async(arguments)))
    except BenchError as error:
        raise SystemExit(f"\nFAILED: {error}") from None


if __name__ == "__main__":
    main()
