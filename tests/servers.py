"""Real platform processes for tests that need them: several workers, two cities, other processes' caches."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def platform_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a platform process: this one's, the database, and EVENTS_* settings by short name
    (``secret_key="x"`` is EVENTS_SECRET_KEY)."""
    return {
        **os.environ,
        "EVENTS_DATABASE_URL": database_url,
        **{f"EVENTS_{name.upper()}": value for name, value in settings.items()},
    }


def start_server(
    port: int, env: Mapping[str, str], cwd: Path, *arguments: str, output: int | None = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """`stedenband serve` on ``port``, once it answers /readyz (a minute at most)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "events", "serve", "--port", str(port), *arguments],
        cwd=cwd,
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT if output == subprocess.PIPE else output,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"the server on port {port} did not start")
        time.sleep(0.2)


def stop_server(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=30)


@contextmanager
def running_server(env: Mapping[str, str], cwd: Path, *arguments: str) -> Iterator[str]:
    """A platform process for the block; yields its address."""
    port = free_port()
    process = start_server(port, env, cwd, *arguments)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(process)
