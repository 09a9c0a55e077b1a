"""The pagination links cost the same whatever the number of pages: the first, the last
and two each side of the current page, with an ellipsis between."""

import pytest
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

from carta.templatetags.carta_tags import page_window


@pytest.mark.parametrize(
    ("pages", "current", "expected"),
    [
        (1, 1, [1]),
        (5, 3, [1, 2, 3, 4, 5]),
        (5000, 1, [1, 2, 3, None, 5000]),
        (5000, 2500, [1, None, 2498, 2499, 2500, 2501, 2502, None, 5000]),
        (5000, 5000, [1, None, 4998, 4999, 5000]),
        (7, 4, [1, 2, 3, 4, 5, 6, 7]),
        (8, 5, [1, None, 3, 4, 5, 6, 7, 8]),
    ],
)
def test_the_window_of_page_numbers(pages, current, expected):
    page = Paginator(range(pages), 1).page(current)
    assert page_window(page) == expected


def test_the_links_of_five_thousand_pages_stay_small():
    request = RequestFactory().get("/proposte/", {"q": "anziani", "page": "2500"})
    page = Paginator(range(100_000), 20).page(2500)
    html = Template('{% include "includes/pagination.html" %}').render(
        RequestContext(request, {"page_obj": page})
    )
    assert len(html) < 6000
    # Previous, 1, …, 2498-2502, …, 5000, next.
    assert html.count('class="page-item') == 11
    assert 'href="?q=anziani&amp;page=2501"' in html
    assert 'aria-current="page"' in html and ">2500</a>" in html
    assert ">5000</a>" in html and "…" in html
