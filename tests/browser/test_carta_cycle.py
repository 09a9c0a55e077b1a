"""One turn of the Carta's cycle in a real browser, time moved across the days it spans
(docs/cycle.md): an editor opens the consultation phase of a draft and puts it to a vote;
an organization comments and proposes an amendment; a citizen votes on the draft; after
the closing the editor records the outcome, decides the amendment and, with the checklist
green, adopts the revision by an act effective the next day; the next day the scheduled
command puts it in force, the organization sees what changed and renews its pact, a new
complaint gets the deadline the new Carta promises, and a missed target opens an
improvement action shown on the service page."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from consultations.charter.models import (
    AmendmentStatus,
    Comment,
    GovernedRule,
    Revision,
    RevisionStatus,
)
from consultations.voting.models import Consultation, VoterRecord
from feedback import services as feedback_services
from feedback.models import Complaint, ImprovementAction
from stakeholders.models import PactAcceptance
from tests.browser.conftest import login, tick
from tests.factories import carta_revision, give_identity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROME = datetime.timezone(datetime.timedelta(hours=1))  # March, before summer time
# Dates after the real clock of the machine, so that the cookies the server sets (with
# expiry dates computed from the moved clock) stay valid for the browser.
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=ROME)
COMMENT = "Indicate anche gli orari del sabato mattina."
AMENDED = "Il Segretariato Sociale riceve senza appuntamento dal lunedì al sabato."


def _setup(rep_a):
    in_force = carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    in_force.adopted_at = START - datetime.timedelta(days=365)
    in_force.save(update_fields=["adopted_at"])
    organization = rep_a.memberships.get().organization
    organization.pact_revision_number = 1
    organization.save(update_fields=["pact_revision_number"])
    return in_force, organization


def test_one_turn_of_the_cycle(new_page, carta_editor, rep_a, citizen, admin, password):
    with time_machine.travel(START, tick=True) as clock:
        in_force, organization = _setup(rep_a)
        from consultations.charter import services as carta_services

        draft = carta_services.create_draft(actor=carta_editor, title="Carta 2027")
        # The new Carta promises an answer to complaints within 20 days.
        commitment = draft.services.get().commitments.get()
        commitment.indicator = "Risposta ai reclami entro 20 giorni"
        commitment.governs = GovernedRule.COMPLAINT_DEADLINE
        commitment.direction = "at_most"
        commitment.target_value = 20
        commitment.unit = "giorni"
        commitment.save()

        # 1. The editor opens the consultation phase, closing on 8 March.
        editor = new_page()
        login(editor, carta_editor.username, password)
        editor.goto(f"/carta/revisioni/{draft.pk}/")
        editor.locator("#apri-consultazione-closes_at").fill("2027-03-08")
        editor.get_by_role("button", name="Apri la consultazione pubblica").click()
        expect(editor.get_by_text("8 marzo 2027").first).to_be_visible()
        draft.refresh_from_db()
        assert draft.status == RevisionStatus.IN_CONSULTATION
        assert draft.consultation_closes_at.astimezone(ROME).date() == datetime.date(2027, 3, 8)

        # ... and puts the draft to a vote, open from 10:00 today to 7 March.
        editor.goto(f"/consultazioni/su-revisione/{draft.pk}/")
        editor.get_by_label("Apertura").fill("2027-03-01T10:00")
        editor.get_by_label("Chiusura").fill("2027-03-07T18:00")
        editor.get_by_role("button", name="Prepara la votazione").click()
        expect(editor.get_by_text("La votazione è pronta")).to_be_visible()
        vote = Consultation.objects.get(revision=draft)
        question = vote.questions.get()
        assert question.text == "Approvi questa revisione della Carta?"

        # 2. The organization comments on section 1 and proposes an amendment to it.
        org = new_page()
        login(org, rep_a.username, password)
        org.goto(f"/carta/revisioni/{draft.pk}/")
        section = org.locator("#sezione-sezione-1")
        section.get_by_text("Commenta questa sezione").click()
        expect(section.get_by_label("Il tuo commento")).to_be_focused()  # the form is in
        section.get_by_label("Il tuo commento").fill(COMMENT)
        section.get_by_label("Scrivi a nome di").select_option(label=organization.legal_name)
        section.get_by_role("button", name="Pubblica il commento").click()
        expect(org.get_by_text("il commento è stato pubblicato")).to_be_visible()
        section = org.locator("#sezione-sezione-1")
        section.get_by_text("Proponi un emendamento a questa sezione").click()
        expect(section.get_by_label("Testo proposto per l'intera sezione")).to_be_focused()
        section.get_by_label("Testo proposto per l'intera sezione").fill(AMENDED)
        section.get_by_label("Motivazione").fill("Il sabato molte famiglie lavorano meno.")
        section.get_by_label("Proponi a nome di").select_option(label=organization.legal_name)
        section.get_by_role("button", name="Presenta l'emendamento").click()
        comment = Comment.objects.get(revision=draft)
        assert (comment.organization, comment.body) == (organization, COMMENT)
        amendment = draft.amendments.get()
        assert (amendment.organization, amendment.status) == (organization, AmendmentStatus.OPEN)

        # 3. Once the vote opens, a citizen with SPID votes on the draft (the identity
        # sign-in itself: test_identity_flow.py).
        clock.move_to(datetime.datetime(2027, 3, 1, 11, 0, tzinfo=ROME))
        give_identity(citizen)
        voter = new_page()
        login(voter, citizen.username, password)
        voter.goto(f"/consultazioni/{vote.pk}/vota/")
        tick(voter.get_by_label("Sì", exact=True))
        voter.get_by_role("button", name="Invia il voto").click()
        expect(
            voter.get_by_role("heading", name="Grazie, il voto è stato registrato")
        ).to_be_visible()
        assert VoterRecord.objects.filter(consultation=vote, voter=citizen).count() == 1

        # 4. After the closing: an outcome for the comment, a decision on the amendment,
        # the checklist turns green, and the adoption by an act effective tomorrow.
        clock.move_to(datetime.datetime(2027, 3, 9, 9, 0, tzinfo=ROME))
        editor.goto(f"/carta/revisioni/{draft.pk}/")
        checklist = editor.locator("#adozione")
        expect(checklist).to_contain_text("restano da completare")
        thread = editor.locator(f"#commento-{comment.pk}")
        thread.get_by_text("Registra l'esito").click()
        expect(thread.get_by_label("Esito")).to_be_focused()
        thread.get_by_label("Esito").select_option("accepted")
        thread.get_by_label("Motivazione").fill("Accolto: gli orari del sabato sono indicati.")
        thread.get_by_role("button", name="Salva l'esito").click()
        block = editor.locator(f"#emendamento-{amendment.pk}")
        block.get_by_text("Decidi").click()
        block.get_by_label("Decisione").select_option("accept")
        block.get_by_role("button", name="Registra la decisione").click()
        expect(editor.locator("#adozione")).to_contain_text("Tutto in ordine")
        adopt = editor.locator("#adotta")
        adopt.get_by_label("Organo che ha deliberato").fill("Assemblea dei Sindaci dell'Ambito")
        adopt.get_by_label("Numero dell'atto").fill("3")
        adopt.get_by_label("Data dell'atto").fill("2027-03-09")
        adopt.get_by_label("In vigore dal").fill("2027-03-10")
        adopt.get_by_role("button", name="Adotta: metti in vigore").click()
        expect(editor.get_by_text("entrerà in vigore il 10 marzo 2027")).to_be_visible()
        draft.refresh_from_db()
        assert draft.status == RevisionStatus.SCHEDULED
        assert (draft.act_number, draft.effective_from) == ("3", datetime.date(2027, 3, 10))
        assert Revision.objects.in_force().get() == in_force

        # 5. The next day the scheduler's command puts it in force, once.
        clock.move_to(datetime.datetime(2027, 3, 10, 0, 5, tzinfo=ROME))
        call_command("carta_take_effect")
        draft.refresh_from_db()
        in_force.refresh_from_db()
        assert (draft.status, in_force.status) == (
            RevisionStatus.ADOPTED,
            RevisionStatus.SUPERSEDED,
        )
        clock.move_to(datetime.datetime(2027, 3, 10, 9, 0, tzinfo=ROME))
        reader = new_page()
        reader.goto("/carta/")
        expect(reader.get_by_role("heading", name="Carta 2027")).to_be_visible()
        expect(reader.get_by_text("in vigore dal 10 marzo 2027")).to_be_visible()

        # 6. The organization sees what changed and renews its pact.
        org.goto(f"/organizzazioni/{organization.pk}/")
        pact = org.locator("#pact")
        expect(pact).to_contain_text("Patto da rinnovare entro ")
        changes = pact.get_by_role("link", name="Guarda cosa è cambiato")
        expect(changes).to_have_attribute("href", re.compile(r"/carta/revisioni/\d+/confronto/"))
        tick(pact.locator("input[type=checkbox]"))
        pact.get_by_role("button", name="Rinnova il patto").click()
        expect(org.get_by_text("Patto da rinnovare")).to_have_count(0)
        accepted = PactAcceptance.objects.filter(organization=organization).latest("accepted_at")
        assert (accepted.revision_number, accepted.accepted_by) == (draft.number, rep_a)

        # 7. A new complaint gets the deadline the new Carta promises: 20 days.
        service = draft.services.get()
        page = new_page()
        page.goto("/valuta-e-segnala/segnala/")
        page.get_by_label("Tipo di segnalazione").select_option("malfunction")
        page.get_by_label("Servizio interessato").select_option(label=service.title)
        page.get_by_label("Descrizione").fill("Lo sportello era chiuso il 9 marzo in orario.")
        page.get_by_label("Nome e cognome").fill("Rosa Marchetti")
        page.get_by_label("Indirizzo email").fill("rosa.marchetti@example.org")
        tick(page.locator("#id_privacy_consent"))
        page.get_by_role("button", name="Invia la segnalazione").click()
        expect(page.get_by_role("heading", name="Segnalazione ricevuta")).to_be_visible()
        complaint = Complaint.objects.get()
        assert complaint.deadline_days == 20
        assert complaint.deadline_at.astimezone(ROME).date() == datetime.date(2027, 3, 30)

        # 8. A measured value that misses the target opens an improvement action, which
        # the service page shows.
        feedback_services.record_measurement(
            actor=admin, commitment=service.commitments.get(), period="2027-Q1", value=26
        )
        action = ImprovementAction.objects.get()
        assert action.period == "2027-Q1"
        page.goto(f"/carta/servizi/{service.key}/")
        expect(page.get_by_text("Azioni di miglioramento in corso")).to_be_visible()
        expect(page.get_by_text("Risposta ai reclami entro 20 giorni").first).to_be_visible()
