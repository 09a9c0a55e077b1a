"""Markdown to safe HTML, for every rich-text field of the platform.

markdown-it-py renders CommonMark with raw HTML disabled, then nh3 (ammonia) keeps only an
allow-list of tags and attributes: no script, no event handler, no ``javascript:`` or
``data:`` URL survives, whatever the input. Links get ``rel="nofollow noopener"``.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
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
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" disables raw HTML and linkify-unsafe schemes; tables and strikethrough on.
    return MarkdownIt("js-default").enable(["table", "strikethrough"])


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )


def render_markdown(text: str | None) -> SafeString:
    """Safe HTML for ``text``; headings are shifted below the page's own h1."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    return mark_safe(_rendered(text))  # noqa: S308 - sanitized by nh3 in _rendered


# The same text gives the same HTML, so each process keeps the last texts it rendered: the
# Carta's sections and services are rendered on every page that shows them (29 times for
# one view of /carta/, 15% of its time).
RENDERED_KEPT = 2048


@lru_cache(maxsize=RENDERED_KEPT)
def _rendered(text: str) -> str:
    html = _parser().render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitize_html(html)
