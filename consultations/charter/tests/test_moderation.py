"""Hidden comments and amendments: the public moderation log names them without their
author or text, and every text field of theirs is kept for their author and moderators."""

import importlib
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType

from carta import moderation
from carta.models import AuditEntry, ModerationEntry
from consultations.charter import services
from consultations.charter.models import Amendment, Comment
from tests.factories import UserFactory

LOG_API = "/api/v1/moderation-log/"
LOG_PAGE = "/moderazione/registro/"
API = "/api/v1/carta/revisions/"

# Text that only the author and the moderators may read once the content is hidden.
BODY = "Mio padre Anselmo Quarantotti ha l'Alzheimer"
QUOTE = "Segretariato Sociale"
OUTCOME_REASON = "Come scrive la persona, Quarantotti ha l'Alzheimer: fuori tema."
NEW_TEXT = "Testo proposto con il numero di telefono 333 1234567"
RATIONALE = "Mia figlia Ortensia è in cura al centro di salute mentale"
DECISION_REASON = "Non accolto: riporta i dati sanitari di Ortensia."
SERVICE_TITLE = "Servizio di Ortensia e della sua terapia"
PRIVATE = [BODY, QUOTE, OUTCOME_REASON, NEW_TEXT, RATIONALE, DECISION_REASON, SERVICE_TITLE]


@pytest.fixture
def author(db):
    return UserFactory(username="autrice_riservata", first_name="Ilaria", last_name="Zampognaro")


def _hide(moderator, target, reason="Dati sanitari di terzi"):
    label = target._meta.label_lower
    target = moderation.get_target_for(moderator, label, target.pk)
    return moderation.hide_content(actor=moderator, target=target, reason=reason)


@pytest.fixture
def hidden(in_consultation, author, carta_editor, moderator):
    """A comment with a quote and an outcome, a section amendment decided, a service
    amendment: all three written by ``author`` and hidden by the moderator."""
    comment = services.post_comment(
        actor=author, revision=in_consultation, section_key="sezione-1", body=BODY, quote=QUOTE
    )
    services.record_outcome(
        actor=carta_editor, comment=comment, outcome="not_accepted", reason=OUTCOME_REASON
    )
    section_amendment = services.propose_amendment(
        actor=author,
        revision=in_consultation,
        kind="section",
        target_key="sezione-1",
        new_text=NEW_TEXT,
        rationale=RATIONALE,
    )
    services.reject_amendment(
        actor=carta_editor, amendment=section_amendment, reason=DECISION_REASON
    )
    service_amendment = services.propose_amendment(
        actor=author,
        revision=in_consultation,
        kind="service",
        target_key="servizio-1",
        service_changes={"title": SERVICE_TITLE},
        rationale=RATIONALE,
    )
    for target in (comment, section_amendment, service_amendment):
        _hide(moderator, target)
    return comment, section_amendment, service_amendment


def _assert_nothing_private(text: str, *, author) -> None:
    for private in [*PRIVATE, author.username, author.last_name]:
        assert private not in text


# --- The public moderation log ----------------------------------------------------------


def test_the_public_log_names_hidden_content_without_author_or_text(api, client, hidden, author):
    comment, section_amendment, service_amendment = hidden
    service = service_amendment.revision.services.get(key="servizio-1")
    labels = {row["object_label"] for row in api.get(LOG_API).json()["results"]}
    assert labels == {
        f"Commento n. {comment.pk} alla sezione «Sezione 1»",
        f"Proposta di modifica n. {section_amendment.pk} alla sezione «Sezione 1»",
        f"Proposta di modifica n. {service_amendment.pk} al servizio «{service.title}»",
    }
    _assert_nothing_private(api.get(LOG_API).content.decode(), author=author)
    page = unescape(client.get(LOG_PAGE).content.decode())
    assert f"Commento n. {comment.pk} alla sezione «Sezione 1»" in page
    _assert_nothing_private(page, author=author)


def test_restoring_and_asking_for_review_keep_the_label_neutral(
    api, in_consultation, author, moderator
):
    comment = services.post_comment(
        actor=author, revision=in_consultation, section_key="sezione-2", body=BODY
    )
    _hide(moderator, comment)
    moderation.request_review(
        actor=author, target=Comment.objects.get(pk=comment.pk), reason="Ho tolto il nome"
    )
    moderation.restore_content(
        actor=moderator, target=Comment.objects.get(pk=comment.pk), reason="Rivisto"
    )
    rows = api.get(LOG_API).json()["results"]
    assert [row["action"] for row in rows] == ["restored", "review_requested", "hidden"]
    assert {row["object_label"] for row in rows} == {
        f"Commento n. {comment.pk} alla sezione «Sezione 2»"
    }


def test_the_audit_log_names_comments_and_amendments_without_their_text(hidden, author):
    rows = AuditEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(Comment, Amendment).values()
    )
    assert rows.filter(verb="content.hidden").count() == 3
    for repr_ in rows.values_list("object_repr", flat=True):
        _assert_nothing_private(repr_, author=author)


def test_the_migration_rewrites_labels_already_in_the_logs(hidden, author):
    comment, section_amendment, _service_amendment = hidden
    leaky = f"{author} · sezione-1: {BODY[:40]}"
    ModerationEntry.objects.update(object_label=leaky)
    AuditEntry.objects.filter(object_id=str(comment.pk)).update(object_repr=leaky)
    migration = importlib.import_module(
        "consultations.charter.migrations.0003_neutral_moderation_labels"
    )

    migration.neutral_labels(django_apps, None)

    labels = set(ModerationEntry.objects.values_list("object_label", flat=True))
    assert f"Commento n. {comment.pk} alla sezione «Sezione 1»" in labels
    assert f"Proposta di modifica n. {section_amendment.pk} alla sezione «Sezione 1»" in labels
    comment_type = ContentType.objects.get_for_model(Comment)
    reprs = AuditEntry.objects.filter(content_type=comment_type).values_list(
        "object_repr", flat=True
    )
    assert set(reprs) == {f"Commento n. {comment.pk} alla sezione «sezione-1»"}


# --- Every text field of hidden content, in the API and on the pages ---------------------

COMMENT_TEXTS = {"body": BODY, "quote": QUOTE, "outcome_reason": OUTCOME_REASON}
SECTION_AMENDMENT_TEXTS = {
    "new_text": NEW_TEXT,
    "rationale": RATIONALE,
    "decision_reason": DECISION_REASON,
}


def _comment(client, revision, comment):
    listed = client.get(f"{API}{revision.pk}/comments/").json()["results"]
    one = client.get(f"{API}{revision.pk}/comments/{comment.pk}/").json()
    return [next(c for c in listed if c["id"] == comment.pk), one]


def _amendments(client, revision, *amendments):
    listed = client.get(f"{API}{revision.pk}/amendments/").json()["results"]
    by_id = {a["id"]: a for a in listed}
    return [
        [by_id[a.pk], client.get(f"{API}{revision.pk}/amendments/{a.pk}/").json()]
        for a in amendments
    ]


@pytest.mark.parametrize("reader", ["anonymous", "citizen", "carta_editor"])
def test_the_api_withholds_every_text_of_hidden_content(
    request, api_as, in_consultation, hidden, reader
):
    client = api_as(None if reader == "anonymous" else request.getfixturevalue(reader))
    comment, section_amendment, service_amendment = hidden
    for shown in _comment(client, in_consultation, comment):
        assert shown["is_hidden"] is True
        assert shown["hidden_reason"] == "Dati sanitari di terzi"
        assert {name: shown[name] for name in COMMENT_TEXTS} == dict.fromkeys(COMMENT_TEXTS, "")
    section_views, service_views = _amendments(
        client, in_consultation, section_amendment, service_amendment
    )
    for shown in section_views:
        assert {name: shown[name] for name in SECTION_AMENDMENT_TEXTS} == dict.fromkeys(
            SECTION_AMENDMENT_TEXTS, ""
        )
        assert shown["service_changes"] == {}
    for shown in service_views:
        assert (shown["service_changes"], shown["rationale"]) == ({}, "")
    report = client.get(f"{API}{in_consultation.pk}/report/").json()
    assert [c["body"] for c in report["comments"]] == [""]
    assert [c["outcome_reason"] for c in report["comments"]] == [""]
    assert [a["rationale"] for a in report["amendments"]] == ["", ""]
    assert [a["decision_reason"] for a in report["amendments"]] == ["", ""]


@pytest.mark.parametrize("reader", ["author", "moderator"])
def test_the_author_and_moderators_still_read_hidden_content(
    request, api_as, in_consultation, hidden, reader
):
    client = api_as(request.getfixturevalue(reader))
    comment, section_amendment, service_amendment = hidden
    for shown in _comment(client, in_consultation, comment):
        assert {name: shown[name] for name in COMMENT_TEXTS} == COMMENT_TEXTS
    section_views, service_views = _amendments(
        client, in_consultation, section_amendment, service_amendment
    )
    for shown in section_views:
        assert {name: shown[name] for name in SECTION_AMENDMENT_TEXTS} == SECTION_AMENDMENT_TEXTS
    for shown in service_views:
        assert shown["service_changes"] == {"title": SERVICE_TITLE}
        assert shown["rationale"] == RATIONALE


def test_the_pages_and_the_report_withhold_hidden_content(client, in_consultation, hidden, author):
    for path in ("/", "/resoconto/", "/resoconto.csv"):
        text = unescape(client.get(f"/carta/revisioni/{in_consultation.pk}{path}").content.decode())
        for private in PRIVATE:
            if private != QUOTE:  # the quoted passage is also the section's own text
                assert private not in text, (path, private)


def test_the_author_reads_their_hidden_content_on_the_revision_page(
    client_as, in_consultation, hidden, author
):
    page = unescape(
        client_as(author).get(f"/carta/revisioni/{in_consultation.pk}/").content.decode()
    )
    for private in (BODY, OUTCOME_REASON, RATIONALE, DECISION_REASON, SERVICE_TITLE):
        assert private in page, private
