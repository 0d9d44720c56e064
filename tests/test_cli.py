"""The stedenband command, run as a new user would: from another folder, on a fresh database."""

import os
import re
import subprocess
import sys
import threading

import httpx
import pytest

from tests.databases import drop_database, fresh_database, is_postgresql
from tests.servers import free_port, platform_env, start_server


@pytest.fixture
async def database_url():
    url = await fresh_database("cli")
    yield url
    await drop_database(url)


class Output:
    """Everything a process prints, read by a thread as it comes; ``wait_for`` a line holding some words."""

    def __init__(self, process):
        self.lines, self.changed = [], threading.Condition()
        self.reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream):
        with stream:  # closed when the process ends
            for line in stream:
                with self.changed:
                    self.lines.append(line)
                    self.changed.notify_all()

    def wait_for(self, *parts, timeout):
        def seen():
            return any(all(part in line for part in parts) for line in self.lines)

        with self.changed:
            if not self.changed.wait_for(seen, timeout=timeout):
                pytest.fail(f"no line with {parts} within {timeout} s:\n{self.text()}")

    def text(self):
        self.reader.join(timeout=20)
        return "".join(self.lines)


def run(arguments, database_url, cwd, stdin=""):
    env = {**os.environ, "EVENTS_DATABASE_URL": database_url, "EVENTS_SECRET_KEY": "cli-test-key"}
    return subprocess.run(
        [sys.executable, "-m", "events", *arguments],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_load_demo_twice_add_and_list_users_then_downgrade(database_url, tmp_path):
    upgraded = run(["db", "upgrade"], database_url, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "newest schema" in upgraded.stdout

    first = run(["demo"], database_url, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "events added" in first.stdout
    assert "admin@weert.demo" in first.stdout and "with the password " in first.stdout  # accounts to try
    second = run(["demo"], database_url, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already there" in second.stdout  # running it twice adds nothing
    assert "password" not in second.stdout  # the accounts exist: no new password to show

    added = run(
        ["users", "add", "Admin@Weert.example", "--role", "admin", "--city", "weert"],
        database_url,
        tmp_path,
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Added admin admin@weert.example" in added.stdout
    again = run(
        ["users", "add", "admin@weert.example", "--role", "admin", "--city", "weert"],
        database_url,
        tmp_path,
        stdin="a long enough password\n",
    )
    assert again.returncode == 1 and "already has an account" in again.stderr
    unknown_city = run(
        ["users", "add", "x@y.example", "--role", "organiser", "--city", "atlantis"],
        database_url,
        tmp_path,
        stdin="a long enough password\n",
    )
    assert unknown_city.returncode == 1 and "no city 'atlantis'" in unknown_city.stderr
    short = run(
        ["users", "add", "x@y.example", "--role", "organiser", "--city", "yuhang"],
        database_url,
        tmp_path,
        stdin="short\n",
    )
    assert short.returncode == 1 and "at least 12 characters" in short.stderr

    listed = run(["users", "list"], database_url, tmp_path)
    assert "admin@weert.example" in listed.stdout and "a long enough password" not in listed.stdout + listed.stderr

    token = run(["tokens", "create", "admin@weert.example", "--days", "30"], database_url, tmp_path)
    assert token.returncode == 0, token.stderr
    assert re.fullmatch(r"stb_[A-Za-z0-9_-]{40,}\n", token.stdout)  # only the token, on one line, for scripts
    nobody = run(["tokens", "create", "nobody@weert.example"], database_url, tmp_path)
    assert nobody.returncode == 1 and "no active account" in nobody.stderr

    down = run(["db", "downgrade", "base"], database_url, tmp_path)
    assert down.returncode == 0, down.stderr
    current = run(["db", "current"], database_url, tmp_path)
    assert "empty" in current.stdout


def test_serve_refuses_an_unmigrated_database(database_url, tmp_path):
    result = run(["serve", "--port", "1"], database_url, tmp_path)
    assert result.returncode == 1
    assert "stedenband db upgrade" in result.stderr


def test_serve_demo_migrates_loads_and_serves(database_url, tmp_path):
    port = free_port()
    env = platform_env(database_url, secret_key="cli-test-key", base_url=f"http://127.0.0.1:{port}")
    server = start_server(port, env, tmp_path, "--demo", output=subprocess.PIPE)
    try:
        home = httpx.get(f"http://127.0.0.1:{port}/?lang=en", timeout=5)
        assert home.status_code == 200
        assert home.text.count('class="event-card') >= 10
        api = httpx.get(f"http://127.0.0.1:{port}/api/v1/events?limit=100", timeout=5).json()
        assert len(api["items"]) >= 10
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "Loaded the demo programme" in output
    assert "answered 200" in output  # one structured log line per request
    if not is_postgresql(database_url):
        assert not (tmp_path / "stedenband.db").exists()  # it used the configured database, not a stray file


def test_privacy_purge_and_worker_commands(database_url, tmp_path):
    assert run(["db", "upgrade"], database_url, tmp_path).returncode == 0
    purged = run(["privacy", "purge", "--after-days", "30"], database_url, tmp_path)
    assert purged.returncode == 0, purged.stderr
    assert "No registrations of events that ended more than 30 days ago" in purged.stdout
    assert run(["privacy", "purge", "--after-days", "-1"], database_url, tmp_path).returncode == 2

    env = {**os.environ, "EVENTS_DATABASE_URL": database_url, "EVENTS_SECRET_KEY": "cli-test-key"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "events", "worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(worker)
    # Stopped once it runs (its signal handlers are in place by then), however long a busy machine takes to start it.
    output.wait_for("The mail worker ", " started", timeout=60)
    worker.terminate()
    code = worker.wait(timeout=20)
    assert code == 0, output.text()
    assert "The mail worker runs" in output.text()
