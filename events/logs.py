"""Structured logs: each line says what happened in a sentence and carries its facts as fields.

Nothing here may log personal data or tokens; request logs carry the route template, never the real path.
Lines are written through a buffer flushed twice a second (and at once for warnings and errors).
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
import threading
import time
from typing import Any

# Record attributes that are not fields of the event (uvicorn adds a coloured copy of its message).
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "color_message"}


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {key: value for key, value in record.__dict__.items() if key not in _STANDARD}


class _Clock:
    """Formatting a time is slow; a log line needs it to the second, so it is formatted once per second."""

    second = -1
    text = ""

    @classmethod
    def format(cls, created: float) -> str:
        second = int(created)
        if second != cls.second:
            cls.second, cls.text = second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
        return cls.text


class LineFormatter(logging.Formatter):
    """Writes a line from its parts: ``format`` takes them from a record, ``log_request`` gives them directly."""

    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, object], error: str = ""
    ) -> str:
        raise NotImplementedError

    def format(self, record: logging.LogRecord) -> str:
        error = self.formatException(record.exc_info) if record.exc_info else ""
        return self.line(record.created, record.levelname, record.name, record.getMessage(), _fields(record), error)

    def request_line(self, created: float, logger: str, method: str, path: str, status: int, duration_ms: float) -> str:
        """The request log's INFO line (``log_request``): the text ``line`` writes, which a formatter may write
        faster itself."""
        message = f"{method} {path} answered {status} in {duration_ms} ms"
        fields: dict[str, object] = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
        return self.line(created, "INFO", logger, message, fields)


class JSONFormatter(LineFormatter):
    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, object], error: str = ""
    ) -> str:
        entry = {"time": _Clock.format(created), "level": level.lower(), "logger": logger, "message": message, **fields}
        if error:
            entry["exception"] = error
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(LineFormatter):
    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, object], error: str = ""
    ) -> str:
        line = f"{_Clock.format(created)} {level:<7} {message}"
        if fields:
            line += "  " + " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{line}\n{error}" if error else line

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The text around the time and the duration, by method, route template and status: a few dozen.
        self._request_parts: dict[tuple[str, str, int], tuple[str, str]] = {}

    def request_line(self, created: float, logger: str, method: str, path: str, status: int, duration_ms: float) -> str:
        # The busiest line of all, in one step (tests/test_logs.py holds it to the text ``line`` writes); all of it
        # but the time and the duration is the same for every request to the route with that answer.
        parts = self._request_parts.get((method, path, status))
        if parts is None:
            if len(self._request_parts) >= 1024:  # paths are route templates, so this is only a safeguard
                self._request_parts.clear()
            parts = self._request_parts[method, path, status] = (
                f" INFO    {method} {path} answered {status} in ",
                f" ms  method={method} path={path} status={status} duration_ms=",
            )
        duration = repr(duration_ms)
        return f"{_Clock.format(created)}{parts[0]}{duration}{parts[1]}{duration}"


class _BufferedStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to standard error through a buffer that is flushed at least every half second and at once for
    warnings, so a busy server does not make a system call per request."""

    INTERVAL = 0.5

    def __init__(self) -> None:
        super().__init__(open(sys.stderr.fileno(), "w", buffering=1 << 16, closefd=False, encoding="utf-8"))
        self._last_flush = time.monotonic()
        flusher = threading.Thread(target=self._flush_now_and_then, name="log-flusher", daemon=True)
        flusher.start()
        atexit.register(self.flush)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.stream.write(self.format(record) + "\n")
        except Exception:  # a failing log line must not fail the request; logging reports it on stderr
            self.handleError(record)
            return
        if record.levelno >= logging.WARNING or time.monotonic() - self._last_flush > self.INTERVAL:
            self.flush()

    def write_line(self, line: str) -> None:
        """An INFO line made without a record (``log_request``)."""
        with self.lock:  # type: ignore[union-attr]
            self.stream.write(line + "\n")
        if time.monotonic() - self._last_flush > self.INTERVAL:
            self.flush()

    def flush(self) -> None:
        self._last_flush = time.monotonic()
        with self.lock:  # type: ignore[union-attr]
            self.stream.flush()

    def _flush_now_and_then(self) -> None:
        while True:
            time.sleep(self.INTERVAL)
            if time.monotonic() - self._last_flush >= self.INTERVAL:
                self.flush()


def flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


_writer: _BufferedStderr | None = None  # the one configure_logging installed


def log_request(logger: logging.Logger, method: str, path: str, status: int, duration_ms: float) -> None:
    """The request log's line, the busiest of all. While our writer is the only one listening (as configured),
    an INFO line goes to it straight, the very text logging would have written, without the cost of a record;
    otherwise (a test capturing records, a 5xx at WARNING) it goes through logging like any other line."""
    level = logging.WARNING if status >= 500 else logging.INFO
    if not logger.isEnabledFor(level):
        return
    writer = _writer
    if level == logging.INFO and writer is not None and _only_listener(logger, writer):
        formatter = writer.formatter
        assert isinstance(formatter, LineFormatter)
        writer.write_line(formatter.request_line(time.time(), logger.name, method, path, status, duration_ms))
        return
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    logger.log(level, "%s %s answered %s in %s ms", method, path, status, duration_ms, extra=fields)


def _only_listener(logger: logging.Logger, writer: logging.Handler) -> bool:
    node = logger
    while node.parent is not None:  # every logger on the way up to the root passes the line on untouched
        if node.handlers or node.filters or not node.propagate:
            return False
        node = node.parent
    return node.handlers == [writer] and not node.filters


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    global _writer
    writer = _writer = _BufferedStderr()
    writer.setFormatter(JSONFormatter() if fmt == "json" else TextFormatter())
    # Our lines never show the process, thread or task; not asking for them saves a system call per record.
    logging.logProcesses = logging.logThreads = logging.logMultiprocessing = False
    # Nor where in the code a line was logged: finding the caller's frame is the dearest part of a record.
    logging._srcfile = None
    logging.logAsyncioTasks = False  # type: ignore[attr-defined]
    root = logging.getLogger()
    root.handlers[:] = [writer]
    root.setLevel(level.upper())
    # uvicorn's access log prints full paths and query strings, which may hold tokens: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    # Alembic announces each migration it runs (progress for `db upgrade`), and nothing else worth reading.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
