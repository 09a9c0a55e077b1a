"""Every model that holds a person's data is declared in the data download's registry
(``carta.privacy``) with what erasure does with it; and erasing a person who did
everything does it: contributions stay with "utente cancellato", personal data goes."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from carta import privacy, services
from carta.tests.privacy_person import HIDDEN_TEXT, person_who_did_everything
from consultations.charter.models import Comment
from consultations.voting.models import VoterRecord
from feedback.models import Complaint, Evaluation
from proposals.models import Proposal
from tests.factories.core import PASSWORD

# Fields that hold a person's contact or identity data by their name, wherever they are.
PERSONAL_TEXT_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "pec",
    "phone",
    "contact",
    "contact_name",
    "contact_email",
    "contact_phone",
    "fiscal_code",
    "ip",
    "ip_address",
    "user_agent",
}


def fields_holding_a_person() -> set[str]:
    """``app_label.Model.field`` of every relation to the user model (foreign key,
    one-to-one, many-to-many, auto-created tables included) and of every field named as
    contact or identity data, in every model of the project and of its libraries."""
    User = get_user_model()
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not field.concrete:
                continue
            points_to_user = field.is_relation and field.related_model is User
            if points_to_user or field.name in PERSONAL_TEXT_FIELDS:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_field_holding_a_person_is_declared_by_a_section():
    undeclared = fields_holding_a_person() - set(privacy.declared_fields())
    assert not undeclared, (
        "declare in a section of carta.privacy.register_section(fields=...) what erasure "
        f"does with: {sorted(undeclared)}"
    )


def test_every_declaration_names_a_field_that_exists():
    stale = []
    for name in privacy.declared_fields():
        app_label, model_name, field_name = name.split(".")
        try:
            apps.get_model(app_label, model_name)._meta.get_field(field_name)
        except LookupError:
            stale.append(name)
        except Exception:  # FieldDoesNotExist
            stale.append(name)
    assert not stale


def test_a_kept_field_says_why():
    with pytest.raises(Exception, match="reason"):
        privacy.kept("  ")
    with pytest.raises(Exception, match="bad declaration"):
        privacy.register_section("x", title="x", collect=list, fields={"a.B.c": "forgotten"})


def _text_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
    ]


def _rows_mentioning(needle: str) -> list[str]:
    """Every row of every model with ``needle`` in a text or JSON field."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for name in _text_fields(model):
            lookup = f"{name}__icontains"
            if model.objects.filter(**{lookup: needle}).exists():
                found.append(f"{model._meta.label}.{name}")
    return found


@pytest.mark.django_db
def test_erasing_a_person_who_did_everything():
    everything = person_who_did_everything()
    person = everything.person
    before = privacy.personal_data_of(person)
    assert all(before[key] for key in ("carta_comments", "votes", "complaints", "security"))

    services.erase_account(actor=person, password=PASSWORD)
    person.refresh_from_db()

    # What points to the person and was declared erased or anonymized is gone...
    for name, (_section, treatment) in privacy.declared_fields().items():
        app_label, model_name, field_name = name.split(".")
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
        if treatment == privacy.ERASED and field.is_relation:
            assert not model.objects.filter(**{field_name: person}).exists(), name
        if treatment == privacy.ANONYMIZED and field.is_relation:
            assert not model.objects.filter(**{field_name: person}).exists(), name
    # ...and so are her name, addresses, fiscal code and devices, from every table.
    for needle in ("Tuttofare", "anna@x.org", "RSSMRA80A01H501U", "203.0.113.7", "anna.tutto"):
        assert _rows_mentioning(needle) == [], needle
    assert (person.first_name, person.last_name, person.email) == ("", "", "")

    # Her complaint is anonymized as the retention rule does; its text stays.
    complaint = Complaint.objects.get(pk=everything.complaint.pk)
    assert complaint.anonymized_at is not None and complaint.submitted_by_id is None
    assert (complaint.contact_name, complaint.contact_email) == ("", "")
    assert complaint.description == "Il mio reclamo sul servizio"

    # Contributions stay, attributed to "utente cancellato".
    comments = Comment.objects.filter(author=person)
    assert {c.body for c in comments} == {"Il mio commento alla Carta", HIDDEN_TEXT}
    assert {c.signed_as for c in comments} == {"utente cancellato"}
    assert Proposal.objects.filter(created_by=person).count() == 1
    assert Evaluation.objects.filter(user=person).count() == 1
    # The register still says she voted, once in each consultation; the public vote stays.
    records = VoterRecord.objects.filter(voter=person)
    assert records.count() == 2
    assert any(r.answers for r in records)

    # Her download is now what remains: contributions, no personal data.
    after = privacy.personal_data_of(person)
    assert after["account"]["email"] == "" and after["identity"] is None
    assert after["security"] == [] and after["notifications"] == []
    assert after["memberships"] == [] and after["complaints"] == []
    assert after["follows"] == [] and after["notification_preferences"] == []
    assert len(after["carta_comments"]) == 2


@pytest.mark.django_db
def test_erasure_removes_the_evidence_of_the_persons_complaints(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carta.attachments import Attachment
    from tests.factories import UserFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    person = UserFactory(last_name="Conservata")
    client.force_login(person)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    client.post(
        "/valuta-e-segnala/segnala/",
        {
            "category": "complaint",
            "description": "Lo sportello era chiuso.",
            "privacy_consent": "on",
            "contact_name": "Rita Conservata",
            "contact_email": person.email,
            "evidence": [SimpleUploadedFile("foto di Rita.png", png, "image/png")],
        },
    )
    attachment = Attachment.objects.get()
    stored = attachment.stored_name
    assert storages["attachments"].exists(stored)
    assert Complaint.objects.get().submitted_by == person
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_account(actor=person, password=PASSWORD)
    attachment.refresh_from_db()
    assert not storages["attachments"].exists(stored)
    assert attachment.original_name == "allegato.png"
    assert Complaint.objects.get().contact_name == ""
