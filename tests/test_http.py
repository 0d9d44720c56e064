"""What every answer carries: security headers, request logs without secrets, health checks, statements."""

import logging

import pytest


async def test_security_headers_on_pages_api_errors_and_static_files(client):
    for path in ("/", "/api/v1/events", "/does-not-exist", "/static/site.css", "/?lang=xx"):
        response = await client.get(path)
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_request_log_has_the_route_template_not_the_path(client, caplog):
    caplog.set_level(logging.INFO, logger="events.requests")
    await client.get("/events/some-secret-looking-slug?email=someone@example.org")
    record = next(record for record in caplog.records if record.name == "events.requests")
    assert record.path == "/events/{slug}"
    assert record.status == 404 and record.method == "GET"
    assert isinstance(record.duration_ms, float)
    assert "some-secret" not in record.getMessage() and "someone@" not in record.getMessage()
    api_log = caplog.records
    await client.get("/api/v1/events/x")
    assert any(getattr(record, "path", None) == "/api/v1/events/{slug}" for record in api_log)


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    response = await client.get("/readyz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


@pytest.mark.parametrize("language", ["nl", "en", "zh"])
async def test_statements_exist_in_every_language(client, language):
    for path in ("/privacy", "/accessibility"):
        response = await client.get(f"{path}?lang={language}")
        assert response.status_code == 200
        assert "<h1>" in response.text
        assert "<script" not in response.text.split("<main", 1)[1]


async def test_statements_can_be_replaced_by_the_municipality(tmp_path, sessionmaker):
    import httpx

    from events.app import create_app
    from tests.conftest import settings_with

    (tmp_path / "privacy.en.md").write_text("# Our own statement\n\n<script>alert(1)</script>", encoding="utf-8")
    app = create_app(settings_with(content_dir=str(tmp_path)), sessionmaker=sessionmaker)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        page = (await client.get("/privacy?lang=en")).text
        assert "<h1>Our own statement</h1>" in page
        assert "<script>alert(1)</script>" not in page  # Markdown, not HTML: markup is shown, never run
        assert "Privacyverklaring" in (await client.get("/privacy?lang=nl")).text  # other languages: built in
