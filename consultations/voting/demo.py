"""Demo consultations: one closed with results, one open to organizations on the revision
of the Carta in consultation, the revision's own approval vote (upcoming, its questions
prepared from the revision), one open to citizens with a secret ballot, one open to
citizens who sign in with SPID or CIE. Deterministic and
idempotent (found again by title)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from carta.demo import CITIZENS, DemoContext
from carta.errors import Conflict
from consultations.charter.models import Revision, RevisionStatus
from consultations.voting import ballots, services
from consultations.voting.models import Consultation, QuestionKind, Status
from consultations.voting.permissions import organization_voters, organizations_voting_for

CLOSED_TITLE = "Priorità del Piano Sociale di Zona 2026-2028"
ORGS_TITLE = "Carta dei servizi: parere della rete sulla revisione"
ANONYMOUS_TITLE = "Soddisfazione per il Segretariato Sociale"
SPID_TITLE = "Nuovi orari degli sportelli sociali"
# The vote on the revision in consultation, its questions prepared from the revision.
REVISION_VOTE_TITLE = "Approvazione della Carta dei servizi 2026-2028"


def _questions_closed():
    return [
        {
            "kind": QuestionKind.SINGLE,
            "text": "Quale area deve avere la priorità nel nuovo Piano?",
            "options": ["Anziani", "Disabilità", "Povertà e disagio adulti", "Minori e famiglie"],
        },
        {
            "kind": QuestionKind.RANKING,
            "text": "Ordina i servizi da potenziare",
            "options": ["Assistenza domiciliare", "Trasporto sociale", "Centri diurni"],
        },
        {"kind": QuestionKind.YES_NO, "text": "Approvi l'apertura del sabato degli sportelli?"},
    ]


def _questions_orgs():
    return [
        {
            "kind": QuestionKind.YES_NO,
            "text": "Approvi la sezione «Accesso ai servizi»?",
            "section_key": "accesso",
        },
        {
            "kind": QuestionKind.YES_NO,
            "text": "Approvi la sezione «Reclami e tutela»?",
            "section_key": "reclami",
        },
        {
            "kind": QuestionKind.MULTIPLE,
            "text": "Su quali servizi la vostra organizzazione può collaborare?",
            "options": ["SAD", "Centri estivi", "Banco alimentare", "Trasporto"],
            "max_choices": 2,
        },
    ]


def _questions_secret():
    return [
        {
            "kind": QuestionKind.SCALE,
            "text": "Quanto sei soddisfatta o soddisfatto dell'accoglienza?",
        },
        {"kind": QuestionKind.SCALE, "text": "Quanto sono state chiare le informazioni ricevute?"},
        {
            "kind": QuestionKind.SINGLE,
            "text": "Come preferisci essere contattato?",
            "options": ["Telefono", "Email", "Di persona"],
        },
    ]


def _answers(consultation, rng) -> dict:
    answers = {}
    for question in consultation.questions.prefetch_related("options"):
        ids = [o.pk for o in question.options.all()]
        if question.kind == QuestionKind.SINGLE:
            answers[str(question.pk)] = rng.choice(ids)
        elif question.kind == QuestionKind.MULTIPLE:
            answers[str(question.pk)] = rng.sample(ids, rng.randint(1, question.max_choices or 1))
        elif question.kind == QuestionKind.YES_NO:
            answers[str(question.pk)] = rng.choice(["yes", "yes", "no", "abstain"])
        elif question.kind == QuestionKind.RANKING:
            answers[str(question.pk)] = rng.sample(ids, len(ids))
        else:
            answers[str(question.pk)] = rng.randint(2, 5)
    return answers


@transaction.atomic
def load(ctx: DemoContext) -> None:
    editor = ctx.user("redattrice")
    citizens = [ctx.user(username) for username, _first, _last in CITIZENS]
    now = timezone.now()
    existing = set(Consultation.objects.values_list("title", flat=True))

    if CLOSED_TITLE not in existing:
        # Created open, voted, then closed early by the editor: the path a real one takes.
        closed = services.create_consultation(
            actor=editor,
            title=CLOSED_TITLE,
            description="Consultazione dei cittadini sulle priorità del nuovo Piano di Zona.",
            opens_at=now - datetime.timedelta(days=20),
            closes_at=now + datetime.timedelta(days=1),
            electorate="citizens",
            # The demo's citizens sign in with a password and a confirmed address; a
            # consultation requiring SPID/CIE would refuse them all.
            identity_required="email",
            secrecy="public",
            results_visibility="after_close",
            quorum_percent=25,
            threshold_percent=50,
            questions=_questions_closed(),
        )
        for person in citizens:
            ballots.cast_ballot(
                actor=person,
                consultation=closed,
                answers=_answers(closed, ctx.rng),
                now=now - datetime.timedelta(days=5),
            )
        services.close_consultation_early(
            actor=editor,
            consultation=closed,
            reason="Raggiunta la partecipazione attesa; i risultati servono alla conferenza "
            "dei sindaci.",
        )

    in_consultation = Revision.objects.filter(status=RevisionStatus.IN_CONSULTATION).first()
    if REVISION_VOTE_TITLE not in existing and in_consultation is not None:
        # Prepared from the revision (its approval, two revised sections, every open
        # amendment); it opens the day after the consultation closes for everybody.
        opens_at = None
        if in_consultation.consultation_closes_at:
            opens_at = in_consultation.consultation_closes_at + datetime.timedelta(microseconds=1)
        try:
            services.create_vote_on_revision(
                actor=editor,
                revision=in_consultation,
                title=REVISION_VOTE_TITLE,
                amendments=True,
                section_keys=["sportelli", "tempi-risposta"],
                opens_at=opens_at,
            )
        except Conflict:
            # A database loaded by an earlier demo already has an open vote on it.
            ctx.stdout.write("  votazione sulla revisione: già presente un'altra votazione\n")

    if ORGS_TITLE not in existing:
        orgs = services.create_consultation(
            actor=editor,
            title=ORGS_TITLE,
            description="Le organizzazioni verificate della rete esprimono il loro parere sulle "
            "sezioni riviste della Carta dei servizi.",
            revision=Revision.objects.filter(status=RevisionStatus.IN_CONSULTATION).first(),
            opens_at=now - datetime.timedelta(days=2),
            closes_at=now + datetime.timedelta(days=12),
            electorate="organizations",
            secrecy="public",
            results_visibility="live",
            quorum_percent=50,
            threshold_percent=60,
            changeable=True,
            questions=_questions_orgs(),
        )
        _organization_ballots(orgs, ctx)

    if ANONYMOUS_TITLE not in existing:
        secret = services.create_consultation(
            actor=editor,
            title=ANONYMOUS_TITLE,
            description="Un breve questionario anonimo sul servizio di Segretariato Sociale.",
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=9),
            electorate="citizens",
            identity_required="email",
            secrecy="secret",
            results_visibility="after_close",
            questions=_questions_secret(),
        )
        for person in citizens[:5]:
            ballots.cast_ballot(
                actor=person, consultation=secret, answers=_answers(secret, ctx.rng)
            )

    if SPID_TITLE not in existing:
        # Citizens vote with SPID or CIE: the demo's mario.rossi (SPID linked, through the
        # test provider of docs/identity.md) may; password accounts are told how.
        services.create_consultation(
            actor=editor,
            title=SPID_TITLE,
            description="Gli sportelli sociali dei comuni dell'Ambito potrebbero aprire "
            "anche il sabato mattina. Per votare serve l'accesso con SPID o CIE.",
            opens_at=now - datetime.timedelta(hours=6),
            closes_at=now + datetime.timedelta(days=14),
            electorate="citizens",
            identity_required="spid_cie",
            secrecy="secret",
            results_visibility="after_close",
            questions=[
                {"kind": QuestionKind.YES_NO, "text": "Approvi l'apertura del sabato mattina?"}
            ],
        )

    open_count = sum(1 for c in Consultation.objects.all() if c.status == Status.OPEN)
    ctx.stdout.write(f"  consultazioni: {Consultation.objects.count()} (aperte: {open_count})\n")


def _organization_ballots(consultation, ctx: DemoContext) -> None:
    """One ballot from the first verified organization with a representative, if any."""
    for person in organization_voters()[:1]:
        organization = organizations_voting_for(person).first()
        if organization is not None:
            ballots.cast_ballot(
                actor=person,
                consultation=consultation,
                answers=_answers(consultation, ctx.rng),
                organization=organization,
            )
