"""Bulk demo data for benchmarks, on the database of DATABASE_URL:

    .venv/bin/python bench/bulkdemo.py --scale N

After the ordinary demo (``carta demo``: a small, hand-written Ambito made through the
services), this adds, per unit of scale, 100 organizations (each with two resources and a
proposal), 100 citizens, and their 100 ballots in one open, secret consultation with live
results, so that ``--scale 100`` gives about 10,000 organizations, 20,000 resources, 10,000
proposals, 10,000 citizens and 10,000 ballots; and, per unit, one citizen's comment on the
revision of the Carta in consultation (100 at ``--scale 100``), so that the revision's page
is measured with the comments a lively consultation collects.

Everything goes through ``bulk_create`` in batches, with no per-row service, audit or
notification: the rows are shaped like the services' rows (valid tax codes, published
proposals with their dates, ballots with their counters) but carry no history. Rows are
named by their index (``Bulk 000123``), so a second run adds only the indexes that are
missing and a run at the same scale changes nothing.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PER_SCALE = 100
BATCH = 2000
PREFIX = "Bulk"
COMMENT = "Commento generato per le prove di carico:"
CONSULTATION_TITLE = "Consultazione di prova su larga scala (dati generati)"

WORDS = [
    "comunità",
    "inclusione",
    "anziani",
    "giovani",
    "famiglie",
    "disabilità",
    "lavoro",
    "casa",
    "scuola",
    "salute",
    "trasporto",
    "cultura",
    "sport",
    "volontariato",
    "mediazione",
    "accoglienza",
    "domiciliare",
    "centro diurno",
    "sportello",
    "laboratorio",
]


def tax_code(index: int) -> str:
    """A valid 11-digit code in a range the hand-written demo does not use."""
    from stakeholders.validators import tax_code_check_digit

    first_ten = f"9{index:09d}"
    return first_ten + str(tax_code_check_digit(first_ten))


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def load(scale: int) -> dict[str, int]:
    """Add the bulk rows up to ``scale``; returns how many of each were made."""
    from django.db import transaction
    from django.utils import timezone

    from carta.models import Area, Municipality, User
    from consultations.voting.models import (
        Ballot,
        Consultation,
        Electorate,
        Option,
        Question,
        QuestionKind,
        ResultsVisibility,
        Secrecy,
        TallyCounter,
        VoterRecord,
    )
    from consultations.voting.tally import ballot_keys
    from proposals.models import Proposal
    from proposals.states import ProposalState
    from stakeholders.models import (
        Organization,
        OrganizationKind,
        OrganizationStatus,
        Resource,
        ResourceKind,
        Visibility,
    )

    started = time.monotonic()
    total = scale * PER_SCALE
    rng = random.Random(2026 + scale)  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    areas = list(Area.values)
    kinds = list(OrganizationKind.values)
    resource_kinds = list(ResourceKind.values)
    made: dict[str, int] = {}

    # --- Organizations, resources, proposals ------------------------------------------
    existing = set(
        Organization.objects.filter(legal_name__startswith=f"{PREFIX} ").values_list(
            "tax_code", flat=True
        )
    )
    missing = [i for i in range(total) if tax_code(i) not in existing]
    places = list(Municipality.objects.order_by("pk"))
    with transaction.atomic():
        organizations = []
        for i in missing:
            status = OrganizationStatus.PENDING if i % 20 == 19 else OrganizationStatus.VERIFIED
            organizations.append(
                Organization(
                    legal_name=f"{PREFIX} {i:06d} {_phrase(rng, 2)}",
                    kind=kinds[i % len(kinds)],
                    tax_code=tax_code(i),
                    address=f"Via {rng.choice(WORDS)} {i % 200 + 1}",
                    areas=sorted({areas[i % len(areas)], rng.choice(areas)}),
                    email=f"bulk{i}@demo.carta.invalid",
                    description=f"Ente generato per le prove di carico: {_phrase(rng, 12)}.",
                    status=status,
                    decided_at=now if status == OrganizationStatus.VERIFIED else None,
                    pact_accepted_at=now,
                    pact_revision_number=1,
                )
            )
        organizations = Organization.objects.bulk_create(organizations, batch_size=BATCH)
        made["organizations"] = len(organizations)
        if places:
            through = Organization.municipalities.through
            through.objects.bulk_create(
                [
                    through(organization_id=o.pk, municipality_id=places[n % len(places)].pk)
                    for n, o in enumerate(organizations)
                ],
                batch_size=BATCH,
            )
        resources = []
        for n, organization in enumerate(organizations):
            for offset in range(2):
                resources.append(
                    Resource(
                        organization=organization,
                        kind=resource_kinds[(n + offset) % len(resource_kinds)],
                        title=f"{PREFIX} risorsa {organization.tax_code}-{offset} "
                        f"{_phrase(rng, 2)}",
                        description=_phrase(rng, 15),
                        areas=[areas[(n + offset) % len(areas)]],
                        capacity=f"{rng.randint(5, 80)} persone",
                        visibility=Visibility.PUBLIC if offset == 0 else Visibility.NETWORK,
                    )
                )
        made["resources"] = len(Resource.objects.bulk_create(resources, batch_size=BATCH))
        states = [ProposalState.PUBLISHED] * 6 + [
            ProposalState.UNDER_EVALUATION,
            ProposalState.ACCEPTED,
            ProposalState.SUBMITTED,
            ProposalState.DRAFT,
        ]
        proposals = []
        for n, organization in enumerate(organizations):
            state = states[n % len(states)]
            public = state not in (ProposalState.SUBMITTED, ProposalState.DRAFT)
            title = f"{PREFIX} progetto {organization.tax_code} {_phrase(rng, 3)}"
            proposals.append(
                Proposal(
                    organization=organization,
                    title=title[:200],
                    summary=f"{_phrase(rng, 20)}.",
                    body=f"{_phrase(rng, 80)}.",
                    area=areas[n % len(areas)],
                    beneficiaries=_phrase(rng, 3),
                    budget_estimate=Decimal(rng.randrange(5, 120) * 1000),
                    state=state,
                    submitted_at=now if state != ProposalState.DRAFT else None,
                    published_at=now - datetime.timedelta(minutes=n) if public else None,
                )
            )
        made["proposals"] = len(Proposal.objects.bulk_create(proposals, batch_size=BATCH))

    # --- Citizens and their ballots -----------------------------------------------------
    usernames = [f"bulk.cittadino{i:06d}" for i in range(total)]
    have = set(
        User.objects.filter(username__startswith="bulk.cittadino").values_list(
            "username", flat=True
        )
    )
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=name,
                    email=f"{name}@demo.carta.invalid",
                    first_name="Cittadino",
                    last_name=name[-6:],
                    password="!",  # noqa: S106 - unusable password: these accounts cannot sign in
                )
                for name in usernames
                if name not in have
            ],
            batch_size=BATCH,
        )
        made["citizens"] = len(users)

        consultation = Consultation.objects.filter(title=CONSULTATION_TITLE).first()
        if consultation is None:
            consultation = Consultation.objects.create(
                title=CONSULTATION_TITLE,
                description="Generata da `carta demo --scale`: molte schede segrete.",
                opens_at=now - datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=30),
                electorate=Electorate.CITIZENS,
                identity_required="email",
                secrecy=Secrecy.SECRET,
                results_visibility=ResultsVisibility.AFTER_CLOSE,
            )
            single = Question.objects.create(
                consultation=consultation,
                position=0,
                kind=QuestionKind.SINGLE,
                text="Quale servizio rafforzare per primo?",
            )
            Option.objects.bulk_create(
                [
                    Option(question=single, position=p, label=label)
                    for p, label in enumerate(
                        ["Assistenza domiciliare", "Centri diurni", "Trasporto sociale"]
                    )
                ]
            )
            Question.objects.create(
                consultation=consultation,
                position=1,
                kind=QuestionKind.YES_NO,
                text="Approvi il nuovo regolamento?",
            )
            Question.objects.create(
                consultation=consultation,
                position=2,
                kind=QuestionKind.SCALE,
                text="Quanto sei soddisfatto dei servizi?",
            )
        questions = list(consultation.questions.prefetch_related("options").order_by("position"))
        voted = set(
            VoterRecord.objects.filter(consultation=consultation).values_list("voter_id", flat=True)
        )
        voters = list(
            User.objects.filter(username__startswith="bulk.cittadino")
            .exclude(pk__in=voted)
            .values_list("pk", flat=True)
        )
        records, ballots, counts = [], [], Counter()
        for voter in voters:
            answers = {}
            for question in questions:
                if question.kind == QuestionKind.SINGLE:
                    answers[str(question.pk)] = rng.choice(list(question.options.all())).pk
                elif question.kind == QuestionKind.YES_NO:
                    answers[str(question.pk)] = rng.choice(["yes", "yes", "no", "abstain"])
                else:
                    answers[str(question.pk)] = rng.randint(1, 5)
            records.append(
                VoterRecord(
                    consultation=consultation,
                    electorate=Electorate.CITIZENS,
                    voter_id=voter,
                    voted_at=now,
                    answers={},
                )
            )
            receipt = f"bulk-{consultation.pk}-{voter}-{rng.random()}"
            ballots.append(
                Ballot(
                    consultation=consultation,
                    electorate=Electorate.CITIZENS,
                    answers=answers,
                    receipt_hash=hashlib.sha256(receipt.encode()).hexdigest(),
                )
            )
            counts.update(ballot_keys(questions, answers))
        # Ballots in random order: no insertion order that matches the register.
        rng.shuffle(ballots)
        VoterRecord.objects.bulk_create(records, batch_size=BATCH)
        Ballot.objects.bulk_create(ballots, batch_size=BATCH)
        for key, n in counts.items():
            counter, _created = TallyCounter.objects.get_or_create(
                consultation=consultation, electorate=Electorate.CITIZENS, key=key, shard=0
            )
            TallyCounter.objects.filter(pk=counter.pk).update(count=counter.count + n)
        made["ballots"] = len(ballots)

    # --- Comments on the revision in consultation ------------------------------------------
    from consultations.charter.models import Comment, Revision, Section

    revision = Revision.objects.filter(status="in_consultation").order_by("pk").first()
    texts = dict(
        Section.objects.filter(revision=revision).order_by("position").values_list("key", "body")
    )
    keys = list(texts)
    made["comments"] = 0
    if revision and keys:
        have = Comment.objects.filter(revision=revision, body__startswith=COMMENT).count()
        authors = list(
            User.objects.filter(username__startswith="bulk.cittadino")
            .order_by("pk")
            .values_list("pk", flat=True)[have:scale]
        )
        made["comments"] = len(
            Comment.objects.bulk_create(
                [
                    Comment(
                        revision=revision,
                        section_key=keys[n % len(keys)],
                        author_id=author,
                        body=f"{COMMENT} {_phrase(rng, 25)}.",
                        # As the service writes it: the section's text the comment was on.
                        anchored_text=texts[keys[n % len(keys)]],
                    )
                    for n, author in enumerate(authors, start=have)
                ],
                batch_size=BATCH,
            )
        )
        # Databases built before the line above kept an empty text: set it where it was.
        for key, body in texts.items():
            Comment.objects.filter(
                revision=revision, section_key=key, body__startswith=COMMENT, anchored_text=""
            ).update(anchored_text=body)

    elapsed = time.monotonic() - started
    summary = ", ".join(f"{n} {what}" for what, n in made.items())
    print(f"bulk (scale {scale}): {summary} in {elapsed:.1f} s", flush=True)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description="Bulk demo data for benchmarks.")
    parser.add_argument("--scale", type=int, required=True, help="N x 100 of each kind of row")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carta.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()
    load(max(1, args.scale))


if __name__ == "__main__":
    main()
