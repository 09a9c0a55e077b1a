"""Moderators hide a comment on a draft of the Carta from the revision's page, with a
public reason, whether or not anyone flagged it."""

import pytest
from django.urls import reverse

from carta.models import Flag, ModerationEntry
from consultations.charter.models import Comment, RevisionStatus
from tests.factories import carta_revision

pytestmark = pytest.mark.django_db


def test_moderator_hides_an_unflagged_carta_comment_from_the_page(client_as, moderator, citizen):
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    section = draft.sections.first()
    comment = Comment.objects.create(
        revision=draft, section_key=section.key, author=citizen, body="Testo con un insulto"
    )
    url = reverse("carta_revision", args=[draft.pk])
    page = client_as(moderator).get(url).content.decode()
    # The page links to the form; the form comes on demand (htmx), or with the whole page.
    assert f'hx-get="?modera={comment.pk}"' in page and f'id="modera-{comment.pk}"' not in page
    form = client_as(moderator).get(url, {"modera": comment.pk}, headers={"HX-Request": "true"})
    assert f'id="modera-{comment.pk}"' in form.content.decode()
    assert "<html" not in form.content.decode()
    assert not Flag.objects.exists()
    client_as(moderator).post(
        reverse("moderation_action", args=["nascondi"]),
        {
            "target_type": "consultations.comment",
            "target_id": comment.pk,
            "reason": "Linguaggio offensivo",
            "next": url,
        },
    )
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Linguaggio offensivo"
    assert ModerationEntry.objects.get().action == "hidden"
    public = client_as(None).get(url).content.decode()
    assert "Testo con un insulto" not in public and "Linguaggio offensivo" in public
