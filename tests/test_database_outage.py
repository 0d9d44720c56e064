"""When the database goes away, pages and API answer 503 with a clear message, and recover by themselves."""

import asyncio
from contextlib import suppress

import httpx
from sqlalchemy.engine import make_url

from events import migrate
from events.app import create_app
from events.database import create_engine
from tests.conftest import settings_with
from tests.databases import database_url_for_tests, is_postgresql


class TCPProxy:
    """A TCP relay to the database server that the test can cut and restore, like a network outage."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.Task] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for pipe in list(self.pipes):
            pipe.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)
        await self.server.wait_closed()

    async def _relay(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)

        async def pump(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            finally:
                writer.close()

        pipes = {
            asyncio.create_task(pump(client_reader, server_writer)),
            asyncio.create_task(pump(server_reader, client_writer)),
        }
        self.pipes |= pipes
        with suppress(asyncio.CancelledError, ConnectionError):
            await asyncio.gather(*pipes)
        self.pipes -= pipes


async def _migrate(url):
    migrated = create_engine(url)
    async with migrated.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    await migrated.dispose()


async def _get(app, path, **headers):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as client:
        return await client.get(path, headers=headers)


async def _assert_unavailable(app):
    page = await _get(app, "/?lang=en")
    assert page.status_code == 503
    assert "cannot reach its database" in page.text and page.headers["retry-after"] == "5"
    api = await _get(app, "/api/v1/events")
    assert api.status_code == 503 and api.headers["content-type"] == "application/problem+json"
    assert (await _get(app, "/readyz")).status_code == 503
    assert (await _get(app, "/healthz")).status_code == 200  # the process itself is fine


async def _assert_available(app):
    assert (await _get(app, "/readyz")).status_code == 200
    assert (await _get(app, "/api/v1/events")).status_code == 200


async def test_outage_and_recovery(engine, tmp_path):
    url = make_url(database_url_for_tests())
    if is_postgresql(str(url)):
        proxy = TCPProxy(url.host or "127.0.0.1", url.port or 5432)
        await proxy.start()
        app = create_app(
            settings_with(database_url=url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        )
        await _assert_available(app)
        await proxy.cut()
        await _assert_unavailable(app)
        await proxy.start()  # the same port again
        await _assert_available(app)
        await app.state.engine.dispose()
        await proxy.cut()
    else:
        # SQLite: the folder holding the database disappears (an unmounted volume), then comes back.
        folder = tmp_path / "volume"
        folder.mkdir()
        database_url = f"sqlite+aiosqlite:///{folder / 'events.db'}"
        await _migrate(database_url)
        app = create_app(settings_with(database_url=database_url))
        await _assert_available(app)
        await app.state.engine.dispose()
        folder.rename(tmp_path / "away")
        await _assert_unavailable(app)
        (tmp_path / "away").rename(folder)
        await _assert_available(app)
    await app.state.engine.dispose()
