"""A new draft of the Carta flags to its editors the services whose commitments, in the
revision it was copied from, were missed or drew founded complaints (the charter's
``draft_flags`` registry, filled by feedback)."""

import pytest

from consultations.charter import services as carta_services
from consultations.charter.draft_flags import flags_for
from feedback import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(carta, carta_editor, complaint_officer):
    services.record_measurement(
        actor=complaint_officer, commitment=carta.attivazione, period="2026-Q3", value="45"
    )
    services.record_measurement(
        actor=complaint_officer, commitment=carta.soddisfatti, period="2026-Q3", value="90"
    )
    for judgement in ("founded", "partly_founded", "unfounded"):
        complaint = services.submit_complaint(
            actor=None,
            category="complaint",
            description="Attivazione in ritardo.",
            privacy_consent=True,
            commitment=carta.attivazione,
        ).complaint
        services.answer_complaint(
            actor=complaint_officer,
            complaint=complaint,
            answer="Risposta.",
            judgement=judgement,
            judgement_reason="Verificato.",
        )
    return carta_services.create_draft(actor=carta_editor, title="Carta 2027")


def test_a_new_draft_flags_missed_commitments_and_founded_complaints(draft):
    flags = flags_for(draft)
    assert list(flags) == ["assistenza-domiciliare"]
    labels = [f.label for f in flags["assistenza-domiciliare"]]
    assert labels == [
        "Impegno «Giorni per l'attivazione» non rispettato nell'ultima misurazione "
        "(2026-Q3: 45 giorni; obiettivo al massimo 30 giorni).",
        "Impegno «Giorni per l'attivazione»: 2 reclami giudicati fondati.",
    ]


def test_the_flags_are_shown_to_editors_on_the_drafts_service_page(
    draft, client_as, carta_editor, citizen
):
    url = f"/carta/revisioni/{draft.pk}/servizi/assistenza-domiciliare/modifica/"
    page = client_as(carta_editor).get(url).content.decode()
    assert "Da rivedere" in page
    assert "2 reclami giudicati fondati" in page
    assert client_as(citizen).get(url).status_code in (403, 404)
    other = client_as(carta_editor).get(
        f"/carta/revisioni/{draft.pk}/servizi/segretariato-sociale/modifica/"
    )
    assert "Da rivedere" not in other.content.decode()


def test_a_revision_in_force_has_no_flags(carta):
    assert flags_for(carta.assistenza.revision) == {}


def test_the_draft_page_shows_the_flags_to_editors_only(draft, client_as, carta_editor, citizen):
    """The revision's page of a draft shared with nobody: editors see what to look at
    again under the service; a draft in consultation is public, and the public sees no
    flag."""
    url = f"/carta/revisioni/{draft.pk}/"
    page = client_as(carta_editor).get(url).content.decode()
    assert "Da rivedere in questa bozza" in page and "2 reclami giudicati fondati" in page
    carta_services.save_section(
        actor=carta_editor, revision=draft, key="principi", heading="Principi", body="Equità."
    )
    carta_services.open_consultation(actor=carta_editor, revision=draft)
    public = client_as(citizen).get(url).content.decode()
    assert "Da rivedere in questa bozza" not in public
    assert "reclami giudicati fondati" not in public
