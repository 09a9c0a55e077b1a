"""Demo proposals: about forty, in every state, with partners, versions, history,
comments, endorsements and a few items hidden by moderation.

Deterministic (``ctx.rng``) and idempotent: a proposal is found again by its title and
lead organization, and only what is missing is made. Rows are written directly, as the
history they represent already happened; the hidden items go through the moderation
service so that the public moderation log tells the same story.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carta import moderation
from carta.demo import DemoContext
from carta.models import Area
from proposals.models import (
    TEXT_FIELDS,
    Endorsement,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalComment,
    ProposalTransition,
    ProposalVersion,
)
from proposals.states import ProposalState
from stakeholders.demo import demo_organizations
from stakeholders.models import Membership, Organization, Resource, Role

S = ProposalState

IDEAS = [
    ("Centro diurno del sabato", Area.ELDERLY, "anziani soli e le loro famiglie"),
    ("Doposcuola di comunità", Area.FAMILIES_MINORS, "ragazze e ragazzi delle scuole medie"),
    ("Trasporto solidale verso i servizi sanitari", Area.ELDERLY, "persone anziane senza auto"),
    ("Orti sociali condivisi", Area.POVERTY, "persone in difficoltà economica"),
    ("Sportello di orientamento per cittadini stranieri", Area.IMMIGRANTS, "nuovi residenti"),
    ("Laboratori di autonomia abitativa", Area.DISABILITY, "giovani adulti con disabilità"),
    ("Emporio solidale", Area.POVERTY, "famiglie seguite dai servizi sociali"),
    ("Gruppi di auto mutuo aiuto", Area.DEPENDENCIES, "persone con dipendenze e familiari"),
    ("Spazio neutro per incontri protetti", Area.FAMILIES_MINORS, "minori e genitori"),
    ("Caffè Alzheimer", Area.ELDERLY, "persone con demenza e caregiver"),
    ("Inserimento lavorativo in agricoltura sociale", Area.POVERTY, "adulti disoccupati"),
    ("Corsi di lingua italiana serali", Area.IMMIGRANTS, "adulti stranieri che lavorano"),
    ("Sollievo estivo per famiglie con disabilità", Area.DISABILITY, "famiglie caregiver"),
    ("Portierato sociale di quartiere", Area.MULTI_USER, "residenti dei quartieri popolari"),
    ("Educativa di strada", Area.DEPENDENCIES, "adolescenti a rischio"),
    ("Rete dei pasti a domicilio", Area.ELDERLY, "anziani non autosufficienti"),
    ("Banca del tempo intergenerazionale", Area.MULTI_USER, "tutta la cittadinanza"),
    ("Accoglienza diffusa per nuclei fragili", Area.POVERTY, "nuclei senza dimora"),
    ("Sport inclusivo nei comuni montani", Area.DISABILITY, "ragazzi con disabilità"),
    ("Sportello unico per le famiglie", Area.FAMILIES_MINORS, "genitori con figli piccoli"),
]

# The path each proposal has walked, as (action, from, to); the last state is its own.
PATHS = [
    [],
    [("submit", S.DRAFT, S.SUBMITTED)],
    [("submit", S.DRAFT, S.SUBMITTED), ("publish", S.SUBMITTED, S.PUBLISHED)],
    [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("publish", S.SUBMITTED, S.PUBLISHED),
        ("start_evaluation", S.PUBLISHED, S.UNDER_EVALUATION),
    ],
    [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("request_changes", S.SUBMITTED, S.CHANGES_REQUESTED),
    ],
    [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("request_changes", S.SUBMITTED, S.CHANGES_REQUESTED),
        ("resubmit", S.CHANGES_REQUESTED, S.SUBMITTED),
        ("publish", S.SUBMITTED, S.PUBLISHED),
        ("start_evaluation", S.PUBLISHED, S.UNDER_EVALUATION),
        ("accept", S.UNDER_EVALUATION, S.ACCEPTED),
    ],
    [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("publish", S.SUBMITTED, S.PUBLISHED),
        ("start_evaluation", S.PUBLISHED, S.UNDER_EVALUATION),
        ("reject", S.UNDER_EVALUATION, S.REJECTED),
    ],
    [("submit", S.DRAFT, S.SUBMITTED), ("reject", S.SUBMITTED, S.REJECTED)],
    [
        ("submit", S.DRAFT, S.SUBMITTED),
        ("publish", S.SUBMITTED, S.PUBLISHED),
        ("withdraw", S.PUBLISHED, S.WITHDRAWN),
    ],
    [("submit", S.DRAFT, S.SUBMITTED), ("publish", S.SUBMITTED, S.PUBLISHED)],
]
REASONS = {
    "request_changes": "Servono un cronoprogramma e il dettaglio dei costi del personale.",
    "reject": "La proposta non rientra nelle priorità del Piano Sociale di Zona in corso.",
    "accept": "La proposta risponde a un bisogno rilevato e ha partner solidi.",
}
COMMENTS = [
    "Un'idea utile: nel nostro comune manca proprio un servizio così.",
    "Sarebbe importante prevedere anche il trasporto per chi vive nelle frazioni.",
    "Come associazione possiamo mettere a disposizione alcuni volontari.",
    "Quali sono gli orari previsti? Molte famiglie lavorano fino a tardi.",
    "Ottimo che si pensi anche ai caregiver, spesso lasciati soli.",
]


def _body(title: str, beneficiaries: str, revision: int) -> str:
    extra = "\n\n## Cronoprogramma\n\nAvvio a settembre, verifica a metà anno." if revision else ""
    return (
        f"## Obiettivi\n\n{title}: un servizio pensato per {beneficiaries}.\n\n"
        "## Attività\n\n- accoglienza e ascolto\n- laboratori settimanali\n"
        f"- raccordo con il Segretariato Sociale{extra}"
    )


def _people(organization: Organization, roles) -> list:
    return [
        m.user
        for m in Membership.objects.filter(organization=organization, role__in=roles)
        .select_related("user")
        .order_by("user__username")
    ]


@transaction.atomic
def load(ctx: DemoContext) -> None:
    organizations = list(demo_organizations())
    if len(organizations) < 3:
        return
    moderator = ctx.user("moderatore")
    evaluator = ctx.user("redattrice")
    citizens = [
        ctx.user(name)
        for name in ("anna.rossi", "luca.bianchi", "maria.esposito", "giuseppe.romano")
    ]
    base = timezone.now() - datetime.timedelta(days=120)
    made = []
    for index in range(40 * ctx.scale):
        title, area, beneficiaries = IDEAS[index % len(IDEAS)]
        if index >= len(IDEAS):
            title = f"{title} (seconda edizione)"
        lead = organizations[index % len(organizations)]
        if Proposal.objects.filter(title=title, organization=lead).exists():
            continue
        writers = _people(lead, [Role.REPRESENTATIVE, Role.EDITOR])
        if not writers:
            continue
        author = writers[index % len(writers)]
        path = PATHS[index % len(PATHS)]
        created = base + datetime.timedelta(days=index * 2)
        proposal = Proposal.objects.create(
            organization=lead,
            title=title,
            summary=f"{title} per {beneficiaries}, in rete con i servizi dell'Ambito.",
            body=_body(title, beneficiaries, 0),
            area=area,
            beneficiaries=beneficiaries.capitalize(),
            budget_estimate=Decimal(ctx.rng.randrange(5, 120) * 1000),
            created_by=author,
        )
        # Partners: one accepted, sometimes one invited.
        partner = organizations[(index + 3) % len(organizations)]
        if partner != lead and index % 2 == 0:
            Partnership.objects.create(
                proposal=proposal,
                organization=partner,
                status=PartnershipStatus.ACCEPTED,
                created_by=author,
                decided_at=created,
            )
        invited = organizations[(index + 5) % len(organizations)]
        if invited not in (lead, partner) and index % 5 == 0:
            Partnership.objects.create(
                proposal=proposal,
                organization=invited,
                status=PartnershipStatus.INVITED,
                created_by=author,
            )
        resources = list(Resource.objects.filter(organization=lead).order_by("pk")[:2])
        proposal.resources.set(resources)

        when = created
        version = 0
        for action, source, target in path:
            when += datetime.timedelta(days=3)
            staff = moderator if action in ("publish",) else evaluator
            if action in ("submit", "resubmit", "withdraw"):
                actor = author
            elif action in ("request_changes", "reject") and source == S.SUBMITTED:
                actor = moderator
            else:
                actor = staff
            if action == "resubmit":
                proposal.body = _body(title, beneficiaries, 1)
                proposal.budget_estimate += Decimal(1500)
                version += 1
                ProposalVersion.objects.create(
                    proposal=proposal,
                    number=version,
                    created_by=author,
                    **{f: getattr(proposal, f) for f in TEXT_FIELDS},
                )
            if action == "submit" and version == 0:
                version = 1
                ProposalVersion.objects.create(
                    proposal=proposal,
                    number=1,
                    created_by=author,
                    **{f: getattr(proposal, f) for f in TEXT_FIELDS},
                )
            ProposalTransition.objects.create(
                proposal=proposal,
                action=action,
                from_state=source,
                to_state=target,
                actor=actor,
                reason=REASONS.get(action, ""),
            )
            proposal.state = target
            if target == S.SUBMITTED:
                proposal.submitted_at = when
            if target == S.PUBLISHED and proposal.published_at is None:
                proposal.published_at = when
        proposal.save()
        made.append(proposal)

        if proposal.state in (S.PUBLISHED, S.UNDER_EVALUATION, S.ACCEPTED):
            first = None
            for offset in range(ctx.rng.randrange(1, 4)):
                comment = ProposalComment.objects.create(
                    proposal=proposal,
                    author=citizens[(index + offset) % len(citizens)],
                    body=COMMENTS[(index + offset) % len(COMMENTS)],
                    parent=first if offset == 2 else None,
                )
                first = first or comment
            for person in ctx.rng.sample(citizens, k=ctx.rng.randrange(0, len(citizens) + 1)):
                Endorsement.objects.get_or_create(proposal=proposal, user=person, organization=None)
            endorser = organizations[(index + 7) % len(organizations)]
            if endorser not in (lead, partner):
                representatives = _people(endorser, [Role.REPRESENTATIVE])
                if representatives:
                    Endorsement.objects.get_or_create(
                        proposal=proposal,
                        organization=endorser,
                        defaults={"user": representatives[0]},
                    )

    # A few items hidden by moderation, with their reason in the public log.
    if made:
        published = [p for p in made if p.state == S.PUBLISHED]
        if published:
            spam = ProposalComment.objects.create(
                proposal=published[0],
                author=citizens[-1],
                body="Visitate il mio sito per guadagnare subito!!!",
            )
            moderation.hide_content(
                actor=moderator, target=spam, reason="Pubblicità non pertinente alla proposta."
            )
        if len(published) > 1:
            rude = ProposalComment.objects.create(
                proposal=published[1],
                author=citizens[-2],
                body="Solo chiacchiere, come sempre.",
            )
            moderation.hide_content(
                actor=moderator,
                target=rude,
                reason="Toni offensivi verso chi ha scritto la proposta.",
            )
        if len(published) > 2:
            moderation.hide_content(
                actor=moderator,
                target=published[2],
                reason="Contiene dati personali di persone assistite: in attesa di correzione.",
            )
        # Two reports waiting for the moderators, so that their queue has work to try:
        # made through the flag service, as a citizen's "Segnala" makes them.
        for proposal, reason in zip(
            published[3:5],
            [
                "Il commento riporta il nome e la via di una persona assistita.",
                "Il tono del commento mi sembra offensivo verso i volontari.",
            ],
            strict=False,
        ):
            comment = proposal.comments.filter(parent=None).order_by("pk").first()
            if comment is None:
                continue
            reporter = next(c for c in citizens if c.pk != comment.author_id)
            moderation.flag_content(actor=reporter, target=comment, reason=reason)
