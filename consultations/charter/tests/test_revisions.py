"""Revision lifecycle: drafts copied keeping keys, consultation, adoption (one in force)."""

import pytest
from django.db import IntegrityError, transaction

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import AuditEntry
from consultations.charter import selectors, services
from consultations.charter.models import Revision, RevisionStatus
from tests.factories import carta_revision


def test_new_draft_copies_the_revision_in_force_keeping_keys(in_force, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Nuova bozza")
    assert draft.status == RevisionStatus.DRAFT
    assert draft.number == 2
    assert draft.based_on == in_force
    assert list(draft.sections.values_list("key", "body")) == list(
        in_force.sections.values_list("key", "body")
    )
    copied = {s.key: [c.key for c in s.commitments.all()] for s in draft.services.all()}
    assert copied == {"servizio-1": ["impegno-1"], "servizio-2": ["impegno-1"]}
    assert AuditEntry.objects.filter(verb="carta.draft_created").count() == 1


def test_draft_can_be_copied_from_any_chosen_revision(in_force, carta_editor):
    older = carta_revision(7, RevisionStatus.SUPERSEDED, sections=1, services=0)
    draft = services.create_draft(actor=carta_editor, title="Da una vecchia", source=older)
    assert draft.based_on == older
    assert list(draft.sections.values_list("key", flat=True)) == ["sezione-1"]


def test_only_carta_editors_create_drafts(in_force, citizen, moderator, admin):
    for person in (citizen, moderator):
        with pytest.raises(NotAllowed):
            services.create_draft(actor=person, title="No")
    assert services.create_draft(actor=admin, title="Sì").number == 2


def test_adopting_supersedes_the_revision_in_force(in_consultation, in_force, carta_editor):
    services.adopt_revision(actor=carta_editor, revision=in_consultation)
    in_force.refresh_from_db()
    in_consultation.refresh_from_db()
    assert in_force.status == RevisionStatus.SUPERSEDED
    assert in_force.superseded_at is not None
    assert in_consultation.status == RevisionStatus.ADOPTED
    assert selectors.revision_in_force() == in_consultation


def test_a_draft_must_go_through_consultation_before_adoption(in_force, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    with pytest.raises(Conflict):
        services.adopt_revision(actor=carta_editor, revision=draft)


def test_the_database_allows_only_one_revision_in_force(in_force):
    with pytest.raises(IntegrityError), transaction.atomic():
        carta_revision(2, RevisionStatus.ADOPTED, sections=0, services=0)


def test_second_of_two_drafts_from_the_same_text_cannot_be_adopted(in_force, carta_editor):
    first = services.create_draft(actor=carta_editor, title="Prima")
    second = services.create_draft(actor=carta_editor, title="Seconda")
    for draft in (first, second):
        services.open_consultation(actor=carta_editor, revision=draft)
    services.adopt_revision(actor=carta_editor, revision=first)
    with pytest.raises(Conflict) as error:
        services.adopt_revision(actor=carta_editor, revision=second)
    assert error.value.code == "stale_draft"
    assert list(Revision.objects.filter(status="adopted")) == [first]


def test_adopted_revisions_cannot_be_edited(in_force, carta_editor):
    with pytest.raises(Conflict):
        services.save_section(
            actor=carta_editor, revision=in_force, key="sezione-1", heading="Nuovo"
        )
    with pytest.raises(Conflict):
        services.update_revision(actor=carta_editor, revision=in_force, title="Nuovo")


def test_editing_a_section_of_a_draft_changes_only_the_draft(in_force, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    services.save_section(
        actor=carta_editor, revision=draft, key="sezione-2", heading="Accesso", body="Nuovo testo"
    )
    assert draft.sections.get(key="sezione-2").body == "Nuovo testo"
    assert in_force.sections.get(key="sezione-2").body.startswith("Testo della sezione 2")


def test_a_section_cannot_be_nested_inside_itself(in_force, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    services.save_section(
        actor=carta_editor, revision=draft, key="sezione-2", heading="Due", parent_key="sezione-1"
    )
    with pytest.raises(InvalidInput) as error:
        services.save_section(
            actor=carta_editor,
            revision=draft,
            key="sezione-1",
            heading="Uno",
            parent_key="sezione-2",
        )
    assert error.value.field == "parent_key"


def test_outline_numbers_nested_sections(in_force, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    services.save_section(
        actor=carta_editor, revision=draft, key="sezione-2", heading="Due", parent_key="sezione-1"
    )
    outline = selectors.section_outline(draft)
    assert [(n.section.key, n.number, n.depth) for n in outline] == [
        ("sezione-1", "1", 0),
        ("sezione-2", "1.1", 1),
        ("sezione-3", "2", 0),
    ]


def test_sharing_a_draft_lets_network_members_read_it(in_force, carta_editor, member_b, citizen):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    assert draft not in selectors.revision_list(member_b)
    services.share_with_network(actor=carta_editor, revision=draft)
    assert draft in selectors.revision_list(member_b)
    assert draft not in selectors.revision_list(citizen)
    assert member_b.notifications.filter(kind="carta.draft_shared").exists()


def test_service_commitments_are_replaced_when_saved(in_force, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    service = services.save_service(
        actor=carta_editor,
        revision=draft,
        key="servizio-1",
        title="Assistenza domiciliare",
        area="elderly",
        commitments=[
            {
                "key": "attesa",
                "indicator": "Attesa",
                "target_value": "10,5",
                "unit": "giorni",
                "direction": "at_most",
            },
        ],
    )
    assert [(c.key, str(c.target_value)) for c in service.commitments.all()] == [
        ("attesa", "10.50")
    ]
    with pytest.raises(InvalidInput):
        services.save_service(
            actor=carta_editor, revision=draft, key="x", title="X", area="nowhere"
        )
