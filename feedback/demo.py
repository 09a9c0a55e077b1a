"""Demo data of the feedback app: about 150 complaints in every state (overdue ones
included), and, when a Carta is in force, about 2,000 evaluations and four quarters of
measurements of its commitments, with one missed target and its improvement action and one
corrected measurement with its history; a commitment of the Carta in force that sets the
complaint deadline, one that promises a refund, and complaints judged founded (one owing
the refund), partly founded and unfounded. Deterministic (``ctx.rng``) and idempotent: each part is
made only when none of it exists yet."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from carta.demo import CITIZENS
from carta.models import User
from consultations.charter.models import QualityCommitment
from feedback import charter, codes, periods, services
from feedback import permissions as perms
from feedback.models import (
    CommitmentMeasurement,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Direction,
    Evaluation,
    ImprovementAction,
    ImprovementStatus,
)

DEMO_DOMAIN = "demo.carta.invalid"
DEMO_CODE = "RCL-DEMO-2026-TRAK"  # printed for whoever tries the tracking page

DESCRIPTIONS = {
    ComplaintCategory.COMPLAINT: [
        "Ho atteso più di un'ora allo sportello senza essere ricevuto, pur avendo l'appuntamento.",
        "La domanda di contributo è stata respinta senza una motivazione comprensibile.",
        "L'assistente domiciliare non si è presentata per due settimane senza preavviso.",
    ],
    ComplaintCategory.MALFUNCTION: [
        "Il numero di telefono del Segretariato Sociale indicato nella Carta non risponde.",
        "Il pulmino per il centro diurno arriva con molto ritardo quasi ogni mattina.",
        "Il modulo online per la domanda non si apre dal telefono.",
    ],
    ComplaintCategory.UNMET_NEED: [
        "Nel nostro comune manca un servizio di trasporto per le visite mediche.",
        "Non esiste un centro estivo accessibile a ragazzi con disabilità.",
    ],
    ComplaintCategory.SUGGESTION: [
        "Sarebbe utile aprire lo sportello anche un pomeriggio a settimana.",
        "Proporrei di pubblicare gli orari dei servizi anche in bacheca comunale.",
    ],
    ComplaintCategory.ACCESSIBILITY: [
        "La sede di Valtirino non ha una rampa: con la carrozzina non si entra.",
        "I documenti in PDF non si leggono con il lettore di schermo.",
    ],
}
ANSWERS = [
    "Gentile signora, gentile signore, ci scusiamo per il disagio. Abbiamo verificato "
    "quanto segnalato e disposto le misure necessarie.",
    "Grazie della segnalazione: il servizio è stato riorganizzato a partire dal mese prossimo.",
    "Abbiamo inoltrato la proposta all'Ufficio di Piano, che la valuterà nella revisione "
    "della Carta.",
]


def load(ctx) -> None:
    officers = list(
        User.objects.filter(groups__name="complaint_officers", is_active=True).order_by("pk")
    )
    if not officers:
        Group.objects.get_or_create(name="complaint_officers")
    citizens = list(User.objects.filter(username__in=[c[0] for c in CITIZENS]).order_by("pk"))
    catalogue = charter.catalogue()
    _complaints(ctx, officers, citizens, catalogue)
    if not catalogue:
        ctx.stdout.write("  valutazioni e misurazioni: nessuna Carta in vigore, non caricate\n")
        return
    _evaluations(ctx, citizens, catalogue)
    _evaluation_codes(ctx, catalogue)
    _measurements(ctx, officers, catalogue)
    _carta_rules(ctx, officers, catalogue)


@transaction.atomic
def _complaints(ctx, officers, citizens, catalogue) -> None:
    if Complaint.objects.filter(contact_email__endswith=f"@{DEMO_DOMAIN}").exists():
        return
    rng = ctx.rng
    now = timezone.now()
    rows = []
    categories = list(DESCRIPTIONS)
    for index in range(150 * ctx.scale):
        received = now - datetime.timedelta(days=rng.uniform(0.5, 360), minutes=rng.randint(0, 600))
        category = categories[index % len(categories)]
        service = rng.choice(catalogue) if catalogue and rng.random() < 0.8 else None
        deadline = periods.response_deadline(received)
        age = (now - received).days
        # Older complaints are mostly closed; recent ones still open; some are late.
        roll = rng.random()
        if age > 60:
            status = ComplaintStatus.CLOSED if roll < 0.8 else ComplaintStatus.ANSWERED
            if roll > 0.95:
                status = ComplaintStatus.ASSIGNED  # long overdue
        elif age > 30:
            status = [ComplaintStatus.ANSWERED, ComplaintStatus.ASSIGNED, ComplaintStatus.RECEIVED][
                index % 3
            ]
        else:
            status = [ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.ANSWERED][
                index % 3
            ]
        signed = citizens and rng.random() < 0.3
        person = rng.choice(citizens) if signed else None
        code = DEMO_CODE if index == 0 else codes.new_code()
        complaint = Complaint(
            tracking_hash=codes.hash_code(code),
            category=category,
            service=service,
            service_key=service.key if service else "",
            description=rng.choice(DESCRIPTIONS[category]),
            contact_name=person.get_full_name() if person else f"Cittadina {index}",
            contact_email=f"segnalazione{index}@{DEMO_DOMAIN}"
            if rng.random() < 0.85 or index == 0
            else "",
            privacy_consent_at=received,
            submitted_by=person,
            status=status,
            received_at=received,
            period=periods.quarter_of(received),
            deadline_at=deadline,
        )
        if status != ComplaintStatus.RECEIVED and officers:
            complaint.assigned_to = officers[index % len(officers)]
            complaint.assigned_at = received + datetime.timedelta(days=rng.uniform(0.1, 3))
        if status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED):
            answered = received + datetime.timedelta(days=min(rng.gammavariate(2, 8), age - 0.1))
            complaint.answer = rng.choice(ANSWERS)
            complaint.answered_at = complaint.first_answered_at = answered
            complaint.answered_by = complaint.assigned_to
            complaint.answered_in_time = answered <= deadline
            if status == ComplaintStatus.CLOSED:
                complaint.closed_at = answered + datetime.timedelta(days=rng.uniform(1, 10))
        rows.append(complaint)
    Complaint.objects.bulk_create(rows)
    ctx.stdout.write(
        f"  reclami: {len(rows)}; per seguirne uno: codice {DEMO_CODE}, "
        f"email segnalazione0@{DEMO_DOMAIN}\n"
    )


@transaction.atomic
def _evaluations(ctx, citizens, catalogue) -> None:
    if Evaluation.objects.exists():
        return
    rng = ctx.rng
    now = timezone.now()
    rows = []
    # Each service has its own tendency, so the dashboard shows differences.
    bias = {s.key: rng.uniform(-1.0, 0.8) for s in catalogue}
    for _ in range(2000 * ctx.scale):
        service = rng.choice(catalogue)
        created = now - datetime.timedelta(days=rng.uniform(0, 360))

        def rate(shift=0.0, key=service.key):
            return max(1, min(5, round(rng.gauss(3.7 + bias[key] + shift, 0.9))))

        rows.append(
            Evaluation(
                service=service,
                service_key=service.key,
                access=rate(-0.2),
                timeliness=rate(-0.4),
                courtesy=rate(0.4),
                clarity=rate(),
                overall=rate(),
                comment="" if rng.random() < 0.85 else "Personale disponibile e gentile.",
                # About one in eight sent with a code the service's office handed out.
                verified=rng.random() < 0.12,
                user=None,
                created_at=created,
                period=periods.quarter_of(created),
            )
        )
    Evaluation.objects.bulk_create(rows, batch_size=500)
    ctx.stdout.write(f"  valutazioni: {len(rows)}\n")


def _evaluation_codes(ctx, catalogue) -> None:
    """Three codes of the first service, issued once by the complaint office, one of them
    printed to try the evaluation form with a code (codes are never stored in clear, so a
    later run cannot print it again)."""
    from feedback.models import EvaluationCode

    if EvaluationCode.objects.exists():
        return
    office = ctx.user("reclami")
    if not perms.can_issue_evaluation_codes(office):
        return  # the core's demo, which puts the office in its group, did not run
    service = catalogue[0]
    issued = services.issue_evaluation_codes(actor=office, service=service, count=3)
    ctx.stdout.write(
        f"  codici di valutazione per «{service.title}»: 3 emessi, prova con {issued.codes[0]}\n"
    )


def _missing(target: Decimal, direction: str) -> Decimal:
    """A value that misses ``target`` (a floor, or a ceiling for ``at_most``)."""
    gap = max(abs(target) * Decimal("0.2"), Decimal("1"))
    value = target + gap if direction == Direction.AT_MOST else target - gap
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def _measurements(ctx, officers, catalogue) -> None:
    """Four quarters of each commitment (version 1); every missed target has its
    improvement action, opened as ``record_measurement`` opens it. The first commitment
    misses its target in the latest quarter, and that action is filled in; the second
    (or the first) has a corrected measurement in the quarter before, with its history."""
    rng = ctx.rng
    made = 0
    recorder = officers[0] if officers else None
    quarters = periods.recent_quarters(4)
    # The complaint deadline the demo adds is measured by the complaints' own answer times
    # (the dashboard's complaint figures), not by recorded values.
    commitments = [c for s in catalogue for c in s.commitments.all() if c.key != DEMO_DEADLINE_KEY]
    existing = set(
        CommitmentMeasurement.objects.filter(
            commitment_key__in=[c.key for c in commitments]
        ).values_list("commitment_key", "period")
    )
    for index, commitment in enumerate(commitments):
        target = commitment.target_value
        for period in quarters:
            spread = float(target) * 0.25 or 1.0
            value = Decimal(str(round(float(target) + rng.uniform(-spread, spread), 2)))
            if index == 0 and period == quarters[-1]:
                value = _missing(target, commitment.direction)
            if (commitment.key, period) in existing:
                continue
            measurement = CommitmentMeasurement.objects.create(
                commitment=commitment,
                commitment_key=commitment.key,
                service_key=commitment.service.key,
                period=period,
                version=1,
                value=value,
                direction=commitment.direction,
                recorded_by=recorder,
                note="Dato dell'Ufficio di Piano",
            )
            services._follow_improvement_action(recorder, commitment, measurement)
            made += 1
    if commitments:
        _showcase(commitments, quarters, recorder)
    ctx.stdout.write(f"  misurazioni: {made}\n")


def _showcase(commitments, quarters, recorder) -> None:
    """The filled-in improvement action and the corrected measurement, once each."""
    action = ImprovementAction.objects.filter(
        commitment_key=commitments[0].key, period=quarters[-1]
    ).first()
    if action is not None and not action.description:
        action.description = (
            "Un'operatrice in più allo sportello il martedì e il giovedì, e un promemoria "
            "telefonico a chi attende l'attivazione da più di venti giorni."
        )
        action.responsible = "Ufficio di Piano dell'Ambito"
        action.due_date = timezone.localdate() + datetime.timedelta(days=90)
        action.status = ImprovementStatus.IN_PROGRESS
        action.updated_by = recorder
        action.updated_at = timezone.now()
        action.save()
    corrected = commitments[1] if len(commitments) > 1 else commitments[0]
    period = quarters[-2] if len(quarters) > 1 else quarters[-1]
    latest = (
        CommitmentMeasurement.objects.filter(commitment_key=corrected.key, period=period)
        .order_by("-version")
        .first()
    )
    if latest is None or latest.version > 1:
        return
    measurement = CommitmentMeasurement.objects.create(
        commitment=corrected,
        commitment_key=corrected.key,
        service_key=corrected.service.key,
        period=period,
        version=2,
        value=(latest.value + Decimal("2.5")).quantize(Decimal("0.01")),
        direction=latest.direction,
        recorded_by=recorder,
        note=latest.note,
        reason=("Aggiunti i questionari consegnati allo sportello dopo la chiusura del trimestre."),
    )
    services._follow_improvement_action(recorder, corrected, measurement)


DEMO_REFUND = "Rimborso della quota di compartecipazione del mese"
DEMO_DEADLINE_KEY = "risposta-reclami"
JUDGED = [
    # (natural key: the sender's name, judgement, reason)
    ("Demo: reclamo fondato", "founded", "L'attivazione ha superato il termine della Carta."),
    (
        "Demo: reclamo parzialmente fondato",
        "partly_founded",
        "Il ritardo è dipeso in parte dalla documentazione incompleta.",
    ),
    ("Demo: reclamo infondato", "unfounded", "Il servizio è stato attivato nei termini."),
]


def _carta_rules(ctx, officers, catalogue) -> None:
    """The Carta in force sets the complaint deadline (a commitment at most N whole days,
    marked ``governs`` unless one already is) and promises a refund on the commitment
    that misses its target; three complaints on it are judged, the founded one owing
    the refund. The Carta's rows belong to the charter's demo: only ``governs`` and the
    refund are set here, once."""
    commitments = [c for s in catalogue for c in s.commitments.all()]
    if not commitments:
        return
    if not any(c.governs for c in commitments):
        # The Carta's own promise on complaints, when it has one; otherwise the one its
        # text makes ("risponde per iscritto entro 30 giorni"), added to the first service.
        deadline = next(
            (
                c
                for c in commitments
                if "reclam" in f"{c.key} {c.indicator}".lower()
                and c.direction == Direction.AT_MOST
                and c.target_value == c.target_value.to_integral_value()
                and 0 < c.target_value <= 365
            ),
            None,
        )
        if deadline is not None:
            QualityCommitment.objects.filter(pk=deadline.pk).update(governs="complaint_deadline")
        else:
            first = catalogue[0]
            QualityCommitment.objects.get_or_create(
                service=first,
                key=DEMO_DEADLINE_KEY,
                defaults={
                    "position": len(first.commitments.all()),
                    "indicator": "Giorni per la risposta scritta ai reclami",
                    "direction": Direction.AT_MOST,
                    "target_value": Decimal("30"),
                    "unit": "giorni",
                    "how_measured": "Registro dei reclami: date di ricezione e di risposta.",
                    "governs": "complaint_deadline",
                },
            )
    refunding = commitments[0]
    if not refunding.refund:
        QualityCommitment.objects.filter(pk=refunding.pk).update(
            refund=DEMO_REFUND, refund_amount=Decimal("50.00")
        )
        refunding.refresh_from_db()
    officer = officers[0] if officers else None
    if officer is None or Complaint.objects.filter(contact_name=JUDGED[0][0]).exists():
        return
    for name, judgement, reason in JUDGED:
        complaint = services.submit_complaint(
            actor=None,
            category=ComplaintCategory.COMPLAINT,
            description="Il servizio è stato attivato dopo più di un mese dalla domanda.",
            privacy_consent=True,
            commitment=refunding,
            contact_name=name,
        ).complaint
        services.answer_complaint(
            actor=officer,
            complaint=complaint,
            answer=ANSWERS[0],
            judgement=judgement,
            judgement_reason=reason,
        )
    ctx.stdout.write("  reclami: termine fissato dalla Carta, tre reclami con esito\n")
