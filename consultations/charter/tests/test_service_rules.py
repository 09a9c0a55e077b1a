"""A commitment that sets a platform rule (the complaint answer deadline), the refund a
commitment promises, and what a citizen needs to know to use a service (how to apply,
where and when, documents, costs)."""

from decimal import Decimal

import pytest

from consultations.charter import governed_rules, readiness, services
from consultations.charter.models import GovernedRule, QualityCommitment, RevisionStatus
from tests.factories import carta_revision

SERVICES = "/api/v1/services/"
REVISIONS = "/api/v1/carta/revisions/"


def _deadline_commitment(**extra):
    return {
        "key": "risposta-reclami",
        "indicator": "Giorni per rispondere ai reclami",
        "direction": "at_most",
        "target_value": "20",
        "unit": "giorni",
        "governs": "complaint_deadline",
        **extra,
    }


@pytest.fixture
def draft(db, carta_editor):
    carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=2)
    return services.create_draft(actor=carta_editor, title="Bozza 2027")


def test_a_commitment_governs_the_complaint_deadline_through_the_api(api_as, carta_editor, draft):
    client = api_as(carta_editor)
    response = client.post(
        SERVICES,
        {
            "revision": draft.pk,
            "key": "segretariato",
            "title": "Segretariato sociale",
            "area": "poverty",
            "commitments": [
                _deadline_commitment(refund="Rimborso del ticket", refund_amount="25.50")
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    commitment = response.json()["commitments"][0]
    assert commitment["governs"] == "complaint_deadline"
    assert commitment["refund"] == "Rimborso del ticket"
    assert commitment["refund_amount"] == "25.50"
    stored = QualityCommitment.objects.get(service__revision=draft, key="risposta-reclami")
    assert governed_rules.complaint_deadline_days(stored) == 20
    assert governed_rules.governing_commitments(draft)[GovernedRule.COMPLAINT_DEADLINE] == stored


def test_a_second_commitment_governing_the_deadline_in_one_revision_is_a_400_on_governs(
    api_as, carta_editor, draft
):
    client = api_as(carta_editor)
    first = draft.services.get(key="servizio-1")
    ok = client.patch(
        f"{SERVICES}{first.pk}/", {"commitments": [_deadline_commitment()]}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    second = draft.services.get(key="servizio-2")
    refused = client.patch(
        f"{SERVICES}{second.pk}/",
        {"commitments": [_deadline_commitment(key="altro")]},
        format="json",
    )
    assert refused.status_code == 400
    body = refused.json()
    assert "governs" in body["errors"]
    assert "fissa già" in body["errors"]["governs"][0]
    assert not second.commitments.filter(governs="complaint_deadline").exists()
    # Two in the same service are refused as well.
    twice = client.patch(
        f"{SERVICES}{first.pk}/",
        {"commitments": [_deadline_commitment(), _deadline_commitment(key="bis")]},
        format="json",
    )
    assert twice.status_code == 400
    assert "governs" in twice.json()["errors"]


@pytest.mark.parametrize(
    "values",
    [{"direction": "at_least"}, {"target_value": "12.5"}, {"target_value": "0"}],
    ids=["minimum", "fraction", "zero"],
)
def test_the_deadline_must_be_a_whole_positive_maximum_of_days(api_as, carta_editor, draft, values):
    service = draft.services.get(key="servizio-1")
    response = api_as(carta_editor).patch(
        f"{SERVICES}{service.pk}/", {"commitments": [_deadline_commitment(**values)]}, format="json"
    )
    assert response.status_code == 400
    assert "numero intero di giorni" in response.json()["errors"]["governs"][0]


def test_a_refund_amount_needs_the_refund_it_pays(api_as, carta_editor, draft):
    service = draft.services.get(key="servizio-1")
    response = api_as(carta_editor).patch(
        f"{SERVICES}{service.pk}/",
        {"commitments": [_deadline_commitment(governs="", refund_amount="10")]},
        format="json",
    )
    assert response.status_code == 400
    assert "refund" in response.json()["errors"]


def test_adoption_waits_while_two_commitments_govern_the_deadline(api_as, carta_editor, draft):
    # Written around the service's check, as a revision copied from an older one may be.
    QualityCommitment.objects.filter(service__revision=draft).update(
        governs="complaint_deadline", direction="at_most", target_value=Decimal("20")
    )
    opened = services.open_consultation(actor=carta_editor, revision=draft)
    items = [i for i in readiness.open_items(opened) if i.kind == "governed_rule_conflict"]
    assert len(items) == 1
    assert "fissata da 2 impegni" in items[0].label
    act = {"act_body": "Assemblea dei Sindaci", "act_number": "7", "act_date": "2024-03-01"}
    response = api_as(carta_editor).post(f"{REVISIONS}{opened.pk}/adopt/", act, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    assert "regole fissate dalla Carta" in response.json()["detail"]
    opened.refresh_from_db()
    assert opened.status == RevisionStatus.IN_CONSULTATION


def test_adoption_waits_for_a_deadline_that_is_not_whole_days(carta_editor, draft):
    QualityCommitment.objects.filter(service__revision=draft, service__key="servizio-1").update(
        governs="complaint_deadline", direction="at_most", target_value=Decimal("7.5")
    )
    items = [i for i in readiness.open_items(draft) if i.kind == "governed_rule_conflict"]
    assert len(items) == 1
    assert "numero intero di giorni" in items[0].label


def test_the_service_form_marks_the_deadline_and_keeps_the_text_on_error(
    client_as, carta_editor, draft
):
    client = client_as(carta_editor)
    url = f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/"
    form = {
        "title": "Segretariato sociale",
        "area": "poverty",
        "how_to_apply": "Presenta la domanda allo sportello.",
        "commitments": "risposta | Giorni per rispondere | al massimo | 20 | giorni | Registro"
        " | Rimborso del ticket | 25,50",
        "governs": "risposta",
    }
    saved = client.post(url, form)
    assert saved.status_code == 302
    commitment = draft.services.get(key="servizio-1").commitments.get()
    assert (commitment.governs, commitment.refund, commitment.refund_amount) == (
        "complaint_deadline",
        "Rimborso del ticket",
        Decimal("25.50"),
    )
    page = client.get(url).content.decode()
    assert 'value="risposta"' in page
    assert "Rimborso del ticket | 25,50" in page
    second = client.post(
        f"/carta/revisioni/{draft.pk}/servizi/servizio-2/modifica/",
        {**form, "title": "Altro servizio", "how_to_apply": "Testo digitato"},
    )
    assert second.status_code == 200
    body = second.content.decode()
    assert "fissa già la regola" in body
    assert "Testo digitato" in body
    missing = client.post(url, {**form, "governs": "inesistente"})
    assert "Nessuno degli impegni qui sopra ha la chiave" in missing.content.decode()


def test_the_practical_fields_are_written_read_and_shown_in_a_citizen_first_order(
    api_as, client_as, carta_editor, draft
):
    service = draft.services.get(key="servizio-1")
    values = {
        "how_to_apply": "Domanda online o allo sportello.",
        "where_and_when": "Via Roma 1, lunedì 9-12.",
        "documents_required": "Documento d'identità e ISEE.",
        "costs": "Gratuito sotto 8.000 € di ISEE.",
    }
    response = api_as(carta_editor).patch(
        f"{SERVICES}{service.pk}/",
        {**values, "specific_objectives": "Ridurre l'attesa."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert {k: response.json()[k] for k in values} == values
    service.refresh_from_db()
    assert service.costs == values["costs"]
    page = client_as(carta_editor).get(f"/carta/revisioni/{draft.pk}/").content.decode()
    positions = [page.index(text) for text in values.values()]
    assert positions == sorted(positions)
    assert page.index(values["costs"]) < page.index("Ridurre")


def test_the_service_page_shows_the_governing_mark_and_the_refund(client, db):
    revision = carta_revision(3, RevisionStatus.ADOPTED, sections=1, services=1)
    QualityCommitment.objects.filter(service__revision=revision).update(
        governs="complaint_deadline",
        direction="at_most",
        target_value=Decimal("20"),
        unit="giorni",
        refund="Rimborso della quota mensile",
        refund_amount=Decimal("48000"),
    )
    page = client.get("/carta/servizi/servizio-1/").content.decode()
    assert "Fissa il termine di risposta ai reclami" in page
    assert "Rimborso della quota mensile: 48.000,00 €" in page


def test_the_exports_carry_the_practical_fields_the_rule_and_the_refund(client, db):
    revision = carta_revision(3, RevisionStatus.ADOPTED, sections=1, services=1)
    revision.services.update(how_to_apply="Domanda online.", costs="Gratuito.")
    QualityCommitment.objects.filter(service__revision=revision).update(
        governs="complaint_deadline",
        direction="at_most",
        target_value=Decimal("20"),
        refund="Rimborso del ticket",
        refund_amount=Decimal("25.5"),
    )
    data = client.get("/carta/dati-aperti.json").json()
    assert data["schema_version"] == "1.2"
    service = data["services"][0]
    assert (service["how_to_apply"], service["costs"], service["documents_required"]) == (
        "Domanda online.",
        "Gratuito.",
        "",
    )
    commitment = service["quality_commitments"][0]
    assert (commitment["governs"], commitment["refund"], commitment["refund_amount"]) == (
        "complaint_deadline",
        "Rimborso del ticket",
        25.5,
    )
    printed = client.get("/carta/stampa/").content.decode()
    assert "Domanda online." in printed
    assert "fissa il termine di risposta ai reclami" in printed
    assert "Rimborso del ticket: 25,50 €" in printed


def test_a_registered_provider_adds_its_fragment_to_the_service_page(client, db):
    from consultations.charter import service_extras

    carta_revision(3, RevisionStatus.ADOPTED, sections=1, services=1)
    service_extras.register_service_extras(
        "test", lambda request, service: f"<p id='extra'>Extra per {service.key}</p>"
    )
    try:
        page = client.get("/carta/servizi/servizio-1/").content.decode()
    finally:
        service_extras.register_service_extras("test", None)
    assert "<p id='extra'>Extra per servizio-1</p>" in page
    assert "Extra per" not in client.get("/carta/servizi/servizio-1/").content.decode()
