"""Markdown is rendered and sanitized: the stored-XSS corpus comes out inert."""

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carta.markdown import render_markdown

# Classic stored-XSS payloads, as a person would paste them into a rich-text field.
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '![x](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[a](&#106;avascript:alert(1))",
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "`<script>`  \n<script>alert('x')</script>",
]

SAFE_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}


class _Inspector(HTMLParser):
    """Collects what would be live in a browser: tags, attributes, link schemes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name}")
            if name in {"href", "src", "action", "data"}:
                scheme = (value or "").strip().lower().split(":", 1)[0]
                if ":" in (value or "") and scheme not in {"http", "https", "mailto", "tel"}:
                    self.problems.append(f"url {value}")


def live_problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_payload_is_inert(payload):
    assert live_problems(str(render_markdown(payload))) == []


def test_markdown_renders_structure():
    html = str(render_markdown("# Titolo\n\nTesto **forte** e [link](https://example.org)."))
    assert "<h2>Titolo</h2>" in html
    assert "<strong>forte</strong>" in html
    assert 'href="https://example.org"' in html and "nofollow" in html


@given(st.text(max_size=300))
def test_any_text_renders_without_dangerous_markup(text):
    assert live_problems(str(render_markdown(text + "<script>x</script>"))) == []
