"""A lively consultation's revision page does not grow with its comments: each section
shows its three most recent threads and links to all of them (``?sezione=<key>``, twenty a
page, oldest first); a link to any comment (``?commento=<id>``) opens the page that holds
it; a refused reply to an older thread comes back with that thread and its form."""

import re

import pytest

from consultations.charter.views import SECTION_PAGE, SECTION_THREADS
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

KEY = "sezione-1"


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def shown(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="commento-(\d+)"', page)}


@pytest.fixture
def threads(in_consultation):
    """25 threads on one section, the first with a reply."""
    made = [
        CommentFactory(revision=in_consultation, section_key=KEY, body=f"Commento numero {n}")
        for n in range(25)
    ]
    reply = CommentFactory(
        revision=in_consultation, section_key=KEY, parent=made[0], body="Una risposta"
    )
    return made, reply


def test_a_section_shows_its_most_recent_threads_and_links_to_all(client, in_consultation, threads):
    made, reply = threads
    url = in_consultation.get_absolute_url()
    page = text_of(client.get(url))
    recent = {c.pk for c in made[-SECTION_THREADS:]}
    assert recent <= shown(page)
    assert not {c.pk for c in made[:-SECTION_THREADS]} & shown(page) and reply.pk not in shown(page)
    assert f"Qui sotto i {SECTION_THREADS} commenti più recenti su 25." in page
    assert f'href="?sezione={KEY}#commenti-{KEY}">Mostra tutti i 25 commenti alla sezione' in page
    # The outline still counts every thread of the section.
    assert (
        f'#sezione-{KEY}">' in page and '<span class="badge bg-light text-dark">25</span>' in page
    )


def test_all_of_a_sections_threads_twenty_a_page_oldest_first(client, in_consultation, threads):
    made, reply = threads
    url = in_consultation.get_absolute_url()
    first = text_of(client.get(url, {"sezione": KEY}))
    assert {c.pk for c in made[:SECTION_PAGE]} | {reply.pk} <= shown(first)
    assert not {c.pk for c in made[SECTION_PAGE:]} & shown(first)
    assert f"Commenti da 1 a {SECTION_PAGE} di 25, dal più vecchio." in first
    assert "Mostra solo i più recenti" in first
    second = text_of(client.get(url, {"sezione": KEY, "page": 2}))
    assert {c.pk for c in made[SECTION_PAGE:]} <= shown(second)
    assert f"Commenti da {SECTION_PAGE + 1} a 25 di 25, dal più vecchio." in second


def test_a_link_to_any_comment_opens_the_page_that_holds_it(client, in_consultation, threads):
    made, reply = threads
    url = in_consultation.get_absolute_url()
    assert reply.pk in shown(text_of(client.get(url, {"commento": reply.pk})))
    assert made[0].pk in shown(text_of(client.get(url, {"commento": made[0].pk})))
    late = text_of(client.get(url, {"commento": made[22].pk}))
    assert made[22].pk in shown(late) and made[0].pk not in shown(late)
    # An unknown or malformed comment is the ordinary page, never an error.
    assert made[-1].pk in shown(text_of(client.get(url, {"commento": "x"})))
    assert made[-1].pk in shown(text_of(client.get(url, {"commento": 10**9})))


def test_the_page_stays_the_same_size_however_many_comments(client, in_consultation):
    url = in_consultation.get_absolute_url()
    for n in range(SECTION_THREADS):
        CommentFactory(revision=in_consultation, section_key=KEY, body=f"Primo giro {n}")
    few = len(client.get(url).content)
    for n in range(40):
        CommentFactory(revision=in_consultation, section_key=KEY, body=f"Secondo giro {n}")
    many = len(client.get(url).content)
    assert many - few < 1000  # the "most recent" line and the link, not 40 comments


def test_a_refused_reply_to_an_older_thread_comes_back_with_it(
    client_as, citizen, in_consultation, threads
):
    made, _reply = threads
    client = client_as(citizen)
    response = client.post(
        f"/carta/revisioni/{in_consultation.pk}/commenti/",
        {"section_key": KEY, "parent": made[1].pk, "body": ""},
    )
    assert response.status_code == 400
    page = re.sub(r"\s+", " ", response.content.decode())
    assert made[1].pk in shown(page)
