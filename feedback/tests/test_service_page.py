"""The Carta's page of a service tells a citizen what to do: the practical fields first,
then the buttons to evaluate it or complain about it (the service chosen), the latest
result of each commitment and the improvement actions still open (feedback's fragment,
registered with the charter's ``service_extras``)."""

import pytest

from feedback import services
from feedback.models import ImprovementAction, ImprovementStatus

pytestmark = pytest.mark.django_db

URL = "/carta/servizi/assistenza-domiciliare/"


def test_the_service_page_offers_to_evaluate_and_to_complain_about_the_service(client, carta):
    page = client.get(URL).content.decode()
    assert f'href="/valuta-e-segnala/valuta/?servizio={carta.assistenza.pk}"' in page
    assert f'href="/valuta-e-segnala/segnala/?servizio={carta.assistenza.pk}"' in page
    assert "Non ci sono ancora misurazioni" in page
    form = client.get(f"/valuta-e-segnala/segnala/?servizio={carta.assistenza.pk}")
    assert form.context["form"]["service"].value() == str(carta.assistenza.pk)
    assert f'<option value="{carta.assistenza.pk}" selected>' in form.content.decode()


def test_the_service_page_shows_the_latest_results_and_open_improvement_actions(
    client, carta, complaint_officer
):
    # 45 days against "at most 30": missed, which opens an improvement action.
    services.record_measurement(
        actor=complaint_officer, commitment=carta.attivazione, period="2026-Q2", value="45"
    )
    services.record_measurement(
        actor=complaint_officer, commitment=carta.attivazione, period="2026-Q3", value="41"
    )
    services.record_measurement(
        actor=complaint_officer, commitment=carta.soddisfatti, period="2026-Q3", value="91"
    )
    q3 = ImprovementAction.objects.get(commitment_key="sad-attivazione", period="2026-Q3")
    services.update_improvement_action(
        actor=complaint_officer,
        action=q3,
        description="Una seconda squadra per le attivazioni.",
        responsible="Ufficio di Piano",
        status=ImprovementStatus.IN_PROGRESS,
    )
    q2 = ImprovementAction.objects.get(commitment_key="sad-attivazione", period="2026-Q2")
    services.update_improvement_action(
        actor=complaint_officer,
        action=q2,
        status=ImprovementStatus.CANCELLED,
        outcome="Sostituita dall'azione del trimestre successivo.",
    )
    response = client.get(URL)
    page = response.content.decode()
    rows = page.split('<tr class="result">')[1:]
    assert "41" in rows[0] and "2026-Q3" in rows[0] and "non rispettato" in rows[0]
    assert "91" in rows[1] and "rispettato" in rows[1] and "non rispettato" not in rows[1]
    assert "Una seconda squadra per le attivazioni." in page
    assert "se ne occupa Ufficio di Piano" in page
    assert "Sostituita" not in page and "(2026-Q2" not in page


def test_the_service_page_puts_what_a_citizen_needs_first(client, carta):
    service = carta.assistenza
    service.how_to_apply = "Domanda allo sportello sociale."
    service.where_and_when = "Via Roma 1, lunedì e giovedì 9-12."
    service.documents_required = "Documento d'identità e ISEE."
    service.costs = "Gratuito fino a 8.000 € di ISEE."
    service.specific_objectives = "Restare a casa propria."
    service.save()
    page = client.get(URL).content.decode()
    order = [
        "Domanda allo sportello",
        "Via Roma 1",
        "Documento d",
        "Gratuito fino",
        "Restare a casa propria",
        "Valuta il servizio",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
