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


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _Clock.format(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{key}={value}" for key, value in _fields(record).items())
        line = f"{_Clock.format(record.created)} {record.levelname:<7} {record.getMessage()}"
        if pairs:
            line += "  " + pairs
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


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


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    writer = _BufferedStderr()
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
