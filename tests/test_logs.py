"""Log lines: the request log's short way to the writer writes the very line logging would have written."""

import io
import logging

import pytest

from events import logs


@pytest.fixture
def writer():
    """Our writer as configure_logging installs it (text or JSON), writing to memory, as the root's only handler."""
    root = logging.getLogger()
    kept = root.handlers[:], root.level, logs._writer
    writer = logs._BufferedStderr()
    writer.stream = io.StringIO()
    root.handlers[:] = [writer]
    root.setLevel(logging.INFO)
    logs._writer = writer
    yield writer
    root.handlers[:], logs._writer = kept[0], kept[2]
    root.setLevel(kept[1])


@pytest.mark.parametrize("formatter", [logs.TextFormatter(), logs.JSONFormatter()], ids=["text", "json"])
def test_a_request_line_written_straight_is_the_line_logging_writes(writer, formatter, monkeypatch):
    writer.setFormatter(formatter)
    logging.getLogger().handlers[:] = [writer]  # pytest adds its own for each test: it is not listening here
    records = []
    make_record = logging.Logger.makeRecord
    monkeypatch.setattr(logging.Logger, "makeRecord", lambda *args, **kw: records.append(1) or make_record(*args, **kw))
    monkeypatch.setattr(logs.time, "time", lambda: 1_790_000_000.25)  # one moment for both lines
    logger = logging.getLogger("events.requests")

    logs.log_request(logger, "GET", "/feeds/events.ics", 200, 1.5)
    logs.log_request(logger, "GET", "/feeds/events.ics", 200, 1.5)  # the text formatter keeps the line's parts
    assert records == []  # no record was made: the short way
    fields = {"method": "GET", "path": "/feeds/events.ics", "status": 200, "duration_ms": 1.5}
    logger.info("%s %s answered %s in %s ms", "GET", "/feeds/events.ics", 200, 1.5, extra=fields)
    assert records == [1]
    straight, again, through_logging = writer.stream.getvalue().splitlines()
    assert straight == again == through_logging
    assert "GET /feeds/events.ics answered 200 in 1.5 ms" in straight


def test_request_lines_go_through_logging_when_someone_else_listens_or_it_is_an_error(writer, caplog):
    writer.setFormatter(logs.TextFormatter())
    logger = logging.getLogger("events.requests")
    with caplog.at_level(logging.INFO, logger="events.requests"):
        logs.log_request(logger, "GET", "/events/{slug}", 200, 3.0)
    assert [record.getMessage() for record in caplog.records] == ["GET /events/{slug} answered 200 in 3.0 ms"]
    assert caplog.records[0].status == 200 and caplog.records[0].path == "/events/{slug}"
    logging.getLogger().handlers[:] = [writer]
    logs.log_request(logger, "POST", "/api/v1/events", 500, 9.0)
    line = writer.stream.getvalue().splitlines()[-1]
    assert "WARNING" in line and "POST /api/v1/events answered 500 in 9.0 ms" in line and "status=500" in line
