"""The revision page's forms come on demand (``carta_tags.on_demand``): each comment
carries links (reply, report, outcome, moderation), each section and service card a link
to its comment or amendment form. With htmx a link fetches its form alone; without
JavaScript it opens the whole page with that form open. The fragment is refused as the
page would refuse the link: 404 for what the reader cannot see, 403 where they may not
act. Before, a signed-in reader's page carried 133 forms (244 KB) at 1,007 comments."""

import re

import pytest

from consultations.charter import selectors
from consultations.charter.models import Comment
from consultations.charter.views import READINESS_SHOWN, SECTION_THREADS
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

KEY = "sezione-1"
HTMX = {"HX-Request": "true"}


def html(response, status=200) -> str:
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def forms(page: str) -> int:
    return page.count("<form")


def test_a_signed_in_page_carries_links_not_forms_however_many_comments(
    client_as, citizen, in_consultation
):
    url = in_consultation.get_absolute_url()
    CommentFactory(revision=in_consultation, section_key=KEY)
    few = html(client_as(citizen).get(url))
    for _ in range(12):
        CommentFactory(revision=in_consultation, section_key=KEY)
    many = html(client_as(citizen).get(url))
    assert forms(few) == forms(many)
    newest = Comment.objects.latest("pk")
    assert f'hx-get="?rispondi={newest.pk}"' in many and f'hx-get="?segnala={newest.pk}"' in many
    assert f'href="?rispondi={newest.pk}#rispondi-{newest.pk}"' in many
    assert f'hx-get="?commenta={KEY}"' in many and f'hx-get="?emenda={KEY}"' in many
    # No form of any comment is on the page until it is asked for.
    assert 'name="parent" value="' not in many and 'id="risposta-' not in many


def test_htmx_gets_the_asked_form_alone(client_as, citizen, in_consultation):
    comment = CommentFactory(revision=in_consultation, section_key=KEY)
    url = in_consultation.get_absolute_url()
    response = client_as(citizen).get(url, {"rispondi": comment.pk}, headers=HTMX)
    fragment = html(response)
    assert fragment.lstrip().startswith("<details") and "<html" not in fragment
    assert f'id="rispondi-{comment.pk}"' in fragment
    assert f'name="parent" value="{comment.pk}"' in fragment and "csrfmiddlewaretoken" in fragment
    assert f'id="risposta-{comment.pk}"' in fragment and "autofocus" in fragment
    assert "HX-Request" in response["Vary"]
    section = html(client_as(citizen).get(url, {"commenta": KEY}, headers=HTMX))
    assert f'id="commenta-{KEY}" open' in section and f'id="citazione-{KEY}"' in section
    amend = html(client_as(citizen).get(url, {"emenda": KEY}, headers=HTMX))
    body = in_consultation.sections.get(key=KEY).body
    assert f'id="emenda-{KEY}-modulo" open' in amend and body in amend
    service = in_consultation.services.first()
    card = html(client_as(citizen).get(url, {"emenda-servizio": service.key}, headers=HTMX))
    assert f'id="emenda-servizio-{service.key}" open' in card and service.title in card
    flag = html(client_as(citizen).get(url, {"segnala": comment.pk}, headers=HTMX))
    assert 'name="target_type" value="consultations.comment"' in flag
    assert f'name="target_id" value="{comment.pk}"' in flag


def test_without_javascript_the_link_opens_the_page_with_that_form(
    client_as, citizen, in_consultation
):
    made = [CommentFactory(revision=in_consultation, section_key=KEY) for _ in range(8)]
    oldest = made[0]  # not among the section's most recent threads
    url = in_consultation.get_absolute_url()
    page = html(client_as(citizen).get(url, {"rispondi": oldest.pk}))
    assert "<html" in page
    assert f'<details class="w-100" open id="rispondi-{oldest.pk}">' in page
    assert f'id="commento-{oldest.pk}"' in page  # its section's page that holds it
    # The other comments keep their links.
    assert f'hx-get="?rispondi={made[-1].pk}"' in page
    section = html(client_as(citizen).get(url, {"commenta": KEY}))
    assert f'id="commenta-{KEY}" open' in section and f'id="commento-{KEY}"' in section


def test_staff_forms_come_on_demand_too(client_as, carta_editor, moderator, in_consultation):
    comment = CommentFactory(revision=in_consultation, section_key=KEY)
    url = in_consultation.get_absolute_url()
    page = html(client_as(carta_editor).get(url))
    assert f'hx-get="?esito={comment.pk}"' in page and f'id="esito-{comment.pk}"' not in page
    outcome = html(client_as(carta_editor).get(url, {"esito": comment.pk}, headers=HTMX))
    assert f'id="esito-{comment.pk}"' in outcome and 'name="outcome"' in outcome
    hide = html(client_as(moderator).get(url, {"modera": comment.pk}, headers=HTMX))
    assert f'id="modera-{comment.pk}"' in hide and "/moderazione/nascondi/" in hide


def test_the_fragment_is_refused_as_the_page_refuses_its_link(
    client_as, client, citizen, in_consultation, in_force
):
    comment = CommentFactory(revision=in_consultation, section_key=KEY)
    url = in_consultation.get_absolute_url()
    citizen_client = client_as(citizen)
    # What one may not do: the anonymous reader replies or reports, a citizen decides
    # the outcome or moderates.
    assert client.get(url, {"rispondi": comment.pk}, headers=HTMX).status_code == 403
    assert client.get(url, {"segnala": comment.pk}, headers=HTMX).status_code == 403
    assert client.get(url, {"commenta": KEY}, headers=HTMX).status_code == 404
    assert citizen_client.get(url, {"esito": comment.pk}, headers=HTMX).status_code == 403
    assert citizen_client.get(url, {"modera": comment.pk}, headers=HTMX).status_code == 403
    # What is not there, or not of this revision: 404.
    elsewhere = CommentFactory(revision=in_force, section_key=KEY)
    later = CommentFactory(section_key=KEY)  # on a revision of its own
    for asked in (
        {"rispondi": 10**9},
        {"rispondi": "x"},
        {"rispondi": later.pk},
        {"commenta": "nessuna"},
        {"emenda-servizio": "nessuno"},
    ):
        assert citizen_client.get(url, asked, headers=HTMX).status_code == 404, asked
    # A comment carried from the revision in force is shown, but answered only there.
    assert citizen_client.get(url, {"rispondi": elsewhere.pk}, headers=HTMX).status_code == 403
    # Asking for a form one may not use opens the ordinary page, without the form.
    page = html(client.get(url, {"rispondi": comment.pk}))
    assert f'id="rispondi-{comment.pk}"' not in page and f'id="commento-{comment.pk}"' in page


def test_a_hidden_comment_gets_no_reply_form_and_its_text_stays_out(
    client_as, citizen, moderator, in_consultation
):
    from carta.moderation import hide_content

    comment = CommentFactory(revision=in_consultation, section_key=KEY, body="Testo NASCOSTO7")
    hide_content(actor=moderator, target=comment, reason="Fuori tema")
    url = in_consultation.get_absolute_url()
    response = client_as(citizen).get(url, {"rispondi": comment.pk}, headers=HTMX)
    assert response.status_code == 403 and "NASCOSTO7" not in response.content.decode()
    restore = html(client_as(moderator).get(url, {"modera": comment.pk}, headers=HTMX))
    assert "/moderazione/ripristina/" in restore and "NASCOSTO7" not in restore


def test_the_readiness_list_shows_ten_of_a_kind_and_counts_per_section(
    client_as, carta_editor, in_consultation
):
    made = [CommentFactory(revision=in_consultation, section_key=KEY) for _ in range(12)]
    CommentFactory(revision=in_consultation, section_key="sezione-2")
    response = client_as(carta_editor).get(in_consultation.get_absolute_url())
    page = re.sub(r"\s+", " ", html(response))
    listed = re.findall(r'<li><a href="[^"]*#commento-(\d+)">Commento n\.', page)
    assert [int(n) for n in listed] == [c.pk for c in made[:READINESS_SHOWN]]
    assert "e altri 3 dello stesso tipo." in page
    assert "Commenti ancora senza esito, sezione per sezione:" in page
    assert f'<a href="?sezione={KEY}#commenti-{KEY}">' in page
    heading = in_consultation.sections.get(key=KEY).heading
    assert re.search(rf"{re.escape(heading)}</a>: 12</li>", page)
    assert re.search(r"</a>: 1</li>", page)
    # The API still lists every item.
    readiness = selectors.readiness_for(carta_editor, in_consultation)
    assert sum(1 for i in readiness["items"] if i.kind == "comment_without_outcome") == 13


def test_the_light_read_and_the_full_read_agree(client_as, citizen, in_consultation, in_force):
    """``comment_stubs`` (every comment, light) and ``comments_for`` (in full) give the
    same comments in the same order, hidden and carried ones included."""
    CommentFactory(revision=in_force, section_key=KEY)
    first = CommentFactory(revision=in_consultation, section_key=KEY, quote="")
    CommentFactory(revision=in_consultation, section_key=KEY, parent=first)
    CommentFactory(revision=in_consultation, section_key="sezione-2")
    full = selectors.comments_for(citizen, in_consultation)
    stubs = selectors.comment_stubs(citizen, in_consultation)
    assert [(s.pk, s.parent_id, s.section_key) for s in stubs] == [
        (c.pk, c.parent_id, c.section_key) for c in full
    ]
    chosen = selectors.comments_for(citizen, in_consultation, ids=[first.pk])
    assert [c.pk for c in chosen] == [first.pk]


def test_the_page_reads_only_the_threads_it_shows(client_as, citizen, in_consultation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [
        CommentFactory(revision=in_consultation, section_key=KEY, body="Corpo LUNGO9")
        for _ in range(SECTION_THREADS + 5)
    ]
    reader = client_as(citizen)
    reader.get(in_consultation.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        page = html(reader.get(in_consultation.get_absolute_url()))
    assert page.count("Corpo LUNGO9") == SECTION_THREADS
    bodies = [q["sql"] for q in queries if '"consultations_comment"."body"' in q["sql"]]
    assert len(bodies) == 1
    ids = re.search(r'"consultations_comment"\."id" IN \(([^)]*)\)', bodies[0]).group(1)
    read = {int(n) for n in re.findall(r"\d+", ids)}
    assert read == {c.pk for c in made[-SECTION_THREADS:]}
