"""What a moderator hid never reappears in a label: the object's name, the audit log's
record of it, the admin's title."""

import pytest
from django.contrib.contenttypes.models import ContentType

from carta import moderation
from carta.models import AuditEntry
from carta.services import record_audit
from tests.factories import CommentFactory, ProposalCommentFactory, ProposalFactory

pytestmark = pytest.mark.django_db

TEXT = "Parole offensive da non ripetere"


@pytest.mark.parametrize(
    "make",
    [
        lambda: ProposalCommentFactory(body=TEXT),
        lambda: CommentFactory(body=TEXT),
        lambda: ProposalFactory(title=TEXT),
    ],
    ids=["proposal comment", "Carta comment", "proposal"],
)
def test_hiding_takes_the_text_out_of_every_label(make, moderator):
    target = make()
    record_audit(actor=target_author(target), verb="content.created", target=target)
    moderation.hide_content(actor=moderator, target=target, reason="Offensivo.")
    target.refresh_from_db()

    assert TEXT not in str(target)
    rows = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    )
    assert rows.count() >= 2
    assert all(TEXT[:20] not in row.object_repr for row in rows)


def test_a_comments_name_never_carries_its_text():
    comment = ProposalCommentFactory(body=TEXT)
    assert TEXT[:10] not in str(comment)


def test_the_authors_are_told_the_reason_once_punctuated(moderator):
    comment = ProposalCommentFactory(body=TEXT)
    moderation.hide_content(actor=moderator, target=comment, reason="Offensivo.")
    from carta.models import Notification

    body = Notification.objects.get(recipient=comment.author, kind="moderation.hidden").body
    assert "Offensivo.." not in body
    assert "Offensivo." in body


def target_author(target):
    return getattr(target, "author", None) or getattr(target, "created_by", None)
