"""Every response carries one Content-Security-Policy: scripts and stylesheets from the
site only (the API documentation's inline script by nonce), no plug-ins, no framing,
forms and the document base on the site itself."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import carta_revision

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def _pages(resolver=None, prefix=""):
    """Every URL of the site that takes no argument."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route or "^" in route:
            continue
        if isinstance(entry, URLResolver):
            yield from _pages(entry, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


def test_the_policy_allows_only_the_site_itself(client):
    directives = _directives(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no nonce on a page without inline code
    assert directives["style-src"] == ["'self'"]
    # App templates size bars and indent replies with style attributes (no script runs
    # from a style attribute).
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["font-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]  # CSP3: also ws: and wss: of the site
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_every_page_carries_the_policy(client, citizen):
    carta_revision(1, "in_force")
    client.force_login(citizen)
    paths = sorted(set(_pages()))
    assert {"/", "/accedi/", "/api/docs/", "/healthz"} <= set(paths)
    missing = []
    for path in paths:
        response = client.get(path)
        if "Content-Security-Policy" not in response.headers:
            missing.append((path, response.status_code))
    not_found = client.get("/non-esiste/")
    assert not_found.status_code == 404 and "Content-Security-Policy" in not_found.headers
    assert missing == []


def test_the_pages_hold_no_inline_script_and_htmx_adds_no_style(client):
    page = client.get("/").content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert re.findall(r"<style", page) == []
    assert re.findall(r"\sstyle=", page) == []
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


def test_the_api_documentation_runs_its_inline_code_by_nonce(client):
    response = client.get("/api/docs/")
    nonce = re.search(r"'nonce-([^']+)'", " ".join(_directives(response)["script-src"]))
    assert nonce is not None
    page = response.content.decode()
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline and all(f'nonce="{nonce.group(1)}"' in attributes for _tag, attributes in inline)
    assert f"'nonce-{nonce.group(1)}'" in _directives(response)["style-src"]
