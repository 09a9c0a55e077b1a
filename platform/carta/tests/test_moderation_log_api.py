"""The public moderation log's API: the declared filters really filter."""

import pytest
from django.contrib.contenttypes.models import ContentType

from carta.models import ModerationEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(citizen):
    content_type = ContentType.objects.get_for_model(citizen)

    def entry(label, reason, action=ModerationEntry.Action.HIDDEN):
        return ModerationEntry.objects.create(
            action=action,
            content_type=content_type,
            object_id=citizen.pk,
            object_label=label,
            reason=reason,
        )

    return [
        entry("Commento n. 1 alla sezione Accesso", "Linguaggio offensivo"),
        entry("Proposta n. 2", "Dati sanitari di terzi"),
        entry("Proposta n. 2", "Dati rimossi", ModerationEntry.Action.RESTORED),
    ]


def test_search_finds_words_of_the_label_and_of_the_reason(api, entries):
    def found(term):
        response = api.get("/api/v1/moderation-log/", {"search": term})
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    assert found("offensivo") == [entries[0].pk]
    assert found("sezione accesso") == [entries[0].pk]
    assert found("proposta") == sorted([entries[1].pk, entries[2].pk])
    assert found("sanitari") == [entries[1].pk]
    assert found("nulla-del-genere") == []


def test_search_and_action_combine(api, entries):
    response = api.get("/api/v1/moderation-log/", {"search": "proposta", "action": "restored"})
    assert [row["id"] for row in response.json()["results"]] == [entries[2].pk]
