from openapi_spec_validator import validate
from starlette.routing import Mount

from tests.openapi_check import DOCUMENT


async def test_openapi_document_is_valid_and_served(client):
    validate(DOCUMENT)
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"
    validate(response.json())


def test_every_api_route_is_documented(app):
    api = next(route for route in app.routes if isinstance(route, Mount) and route.path == "/api/v1")
    documented = set(DOCUMENT["paths"])
    for route in api.routes:
        assert route.path in documented, f"{route.path} is missing from the OpenAPI document"
