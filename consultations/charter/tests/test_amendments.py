"""Amendments: proposing on open revisions only, one support per person and per
organization, acceptance into a draft (which changes it), rejection with a reason."""

import pytest
from django.db import IntegrityError, transaction

from carta.errors import Conflict, InvalidInput, NotAllowed
from consultations.charter import services
from consultations.charter.models import AmendmentStatus, AmendmentSupport


def _propose(actor, revision, **kwargs):
    values = {
        "kind": "section",
        "target_key": "sezione-1",
        "new_text": "Il Segretariato Sociale risponde entro 3 giorni.",
        "rationale": "Più chiaro.",
    } | kwargs
    return services.propose_amendment(actor=actor, revision=revision, **values)


def test_amending_a_revision_that_is_not_a_draft_is_refused(in_force, citizen):
    with pytest.raises(Conflict):
        _propose(citizen, in_force)


def test_an_amendment_keeps_the_text_it_replaces(in_consultation, citizen):
    amendment = _propose(citizen, in_consultation)
    assert amendment.base_text == in_consultation.sections.get(key="sezione-1").body
    assert amendment.status == AmendmentStatus.OPEN


def test_an_amendment_to_a_missing_section_or_service_is_refused(in_consultation, citizen):
    with pytest.raises(InvalidInput):
        _propose(citizen, in_consultation, target_key="non-esiste")
    with pytest.raises(InvalidInput):
        _propose(
            citizen,
            in_consultation,
            kind="service",
            target_key="non-esiste",
            service_changes={"title": "X"},
        )


def test_service_amendments_only_touch_text_fields(in_consultation, citizen):
    with pytest.raises(InvalidInput):
        _propose(
            citizen,
            in_consultation,
            kind="service",
            target_key="servizio-1",
            service_changes={"area": "poverty"},
        )
    amendment = _propose(
        citizen,
        in_consultation,
        kind="service",
        target_key="servizio-1",
        service_changes={"access_requirements": "Nessun requisito."},
    )
    assert amendment.service_changes == {"access_requirements": "Nessun requisito."}


def test_one_support_per_person(in_consultation, citizen, moderator):
    amendment = _propose(citizen, in_consultation)
    services.support_amendment(actor=moderator, amendment=amendment)
    with pytest.raises(Conflict) as error:
        services.support_amendment(actor=moderator, amendment=amendment)
    assert error.value.code == "already_supported"


def test_one_support_per_organization_whoever_gives_it(
    in_consultation, citizen, rep_a, member_a, org_a
):
    amendment = _propose(citizen, in_consultation)
    services.support_amendment(actor=rep_a, amendment=amendment, organization=org_a)
    with pytest.raises(Conflict):
        services.support_amendment(actor=member_a, amendment=amendment, organization=org_a)
    # a person may still support in their own name as well
    services.support_amendment(actor=member_a, amendment=amendment)
    assert amendment.supports.count() == 2


def test_the_database_enforces_one_support_per_organization(
    in_consultation, citizen, rep_a, member_a, org_a
):
    amendment = _propose(citizen, in_consultation)
    AmendmentSupport.objects.create(amendment=amendment, user=rep_a, organization=org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        AmendmentSupport.objects.create(amendment=amendment, user=member_a, organization=org_a)


def test_supporting_in_an_organizations_name_needs_its_permission(
    in_consultation, citizen, member_b, org_a
):
    amendment = _propose(citizen, in_consultation)
    with pytest.raises(NotAllowed):
        services.support_amendment(actor=member_b, amendment=amendment, organization=org_a)


def test_accepting_an_amendment_changes_the_draft(in_consultation, citizen, carta_editor):
    amendment = _propose(citizen, in_consultation)
    services.accept_amendment(actor=carta_editor, amendment=amendment, reason="Giusto.")
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert amendment.applied_to == in_consultation
    assert in_consultation.sections.get(key="sezione-1").body == amendment.new_text
    assert citizen.notifications.filter(kind="carta.amendment_decided").exists()


def test_accepting_a_service_amendment_into_the_next_draft(in_consultation, citizen, carta_editor):
    amendment = _propose(
        citizen,
        in_consultation,
        kind="service",
        target_key="servizio-2",
        service_changes={"title": "Nuovo nome"},
    )
    # An undecided amendment holds the adoption back: it is decided first, here into a
    # new draft copied from the revision in force, leaving the consulted text as it is.
    with pytest.raises(Conflict) as refused:
        services.adopt_revision(actor=carta_editor, revision=in_consultation)
    assert refused.value.code == "not_ready"
    draft = services.create_draft(actor=carta_editor, title="Successiva")
    services.accept_amendment(actor=carta_editor, amendment=amendment, into=draft)
    assert draft.services.get(key="servizio-2").title == "Nuovo nome"
    assert in_consultation.services.get(key="servizio-2").title != "Nuovo nome"
    services.adopt_revision(actor=carta_editor, revision=in_consultation)
    with pytest.raises(Conflict):
        services.accept_amendment(actor=carta_editor, amendment=amendment)


def test_rejecting_needs_a_reason_and_decisions_are_final(in_consultation, citizen, carta_editor):
    amendment = _propose(citizen, in_consultation)
    with pytest.raises(InvalidInput):
        services.reject_amendment(actor=carta_editor, amendment=amendment, reason=" ")
    services.reject_amendment(actor=carta_editor, amendment=amendment, reason="Non pertinente.")
    with pytest.raises(Conflict):
        services.accept_amendment(actor=carta_editor, amendment=amendment)
    with pytest.raises(Conflict):
        services.support_amendment(actor=citizen, amendment=amendment)


def test_only_editors_decide(in_consultation, citizen, moderator):
    amendment = _propose(citizen, in_consultation)
    with pytest.raises(NotAllowed):
        services.accept_amendment(actor=moderator, amendment=amendment)
    with pytest.raises(NotAllowed):
        services.reject_amendment(actor=citizen, amendment=amendment, reason="No")
