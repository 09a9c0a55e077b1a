import pytest

pytestmark = [pytest.mark.browser]


def test_asgi_server_answers_health(page):
    page.goto("/healthz")
    assert '"database": "ok"' in page.content()
