"""Stored XSS: whatever Markdown or raw HTML an editor or an import puts in a section or a
service, no script, event handler or javascript: URL reaches a page, the print page or the
API's rendered HTML."""

import re
from html.parser import HTMLParser

import pytest

from consultations.charter.models import RevisionStatus
from tests.factories import SectionFactory, ServiceFactory, carta_revision

CORPUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clicca](javascript:alert(1))",
    "[clicca](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "`<script>` in codice e <b onclick=alert(1)>grassetto</b>",
]
BAD_TAGS = {"script", "iframe", "svg", "img", "object", "embed", "style"}
BAD_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)


class Checker(HTMLParser):
    """Collects the elements and attributes that would run code if they were rendered."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "formaction"} and BAD_URL.match(value or ""):
                self.found.append(f"{tag}[{name}={value}]")
            if name == "style" and "javascript:" in (value or "").lower():
                self.found.append(f"{tag}[style]")


def dangerous(html: str) -> list[str]:
    checker = Checker()
    checker.feed(html)
    return checker.found


@pytest.fixture
def dirty(db):
    revision = carta_revision(1, RevisionStatus.ADOPTED, sections=0, services=0)
    for index, payload in enumerate(CORPUS):
        SectionFactory(
            revision=revision,
            key=f"x-{index}",
            heading=f"Sezione {index}",
            body=f"Testo {index}\n\n{payload}",
        )
    ServiceFactory(revision=revision, key="s", purposes=" ".join(CORPUS))
    return revision


def _stored_payloads_only_as_text(html: str) -> None:
    # The page's own scripts (in <head> and after <main>) are not stored content.
    main = html.split('id="main-content"', 1)[-1].split("</main>", 1)[0]
    assert dangerous(main) == []


@pytest.mark.parametrize(
    "url", ["/carta/", "/carta/stampa/", "/carta/servizi/", "/carta/revisioni/{pk}/"]
)
def test_no_script_survives_on_pages(client, dirty, url):
    response = client.get(url.format(pk=dirty.pk))
    html = response.content.decode()
    if "/stampa/" in url:
        html = 'id="main-content"' + html.split("<main>", 1)[1]
    _stored_payloads_only_as_text(html)
    assert "Testo 0" in html or "/servizi/" in url


def test_no_script_survives_in_the_api(api, dirty):
    data = api.get(f"/api/v1/carta/revisions/{dirty.pk}/sections/?page_size=100").json()
    for section in data["results"]:
        assert dangerous(section["body_html"]) == [], section["body_html"]


def test_the_checker_catches_live_markup():
    assert dangerous('<img src=x onerror="alert(1)">') == ["<img>", "img[onerror]"]
    assert dangerous('<a href=" javascript:alert(1)">x</a>')
    assert dangerous("&lt;script&gt;alert(1)&lt;/script&gt;") == []
