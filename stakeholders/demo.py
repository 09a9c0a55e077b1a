"""Demo organizations, members in every role, and resources; two verified organizations
still on revision 1 of the Carta, one past its grace period for renewing the pact and one
within it.

Deterministic and idempotent: an organization's natural key is its tax code, derived from
its name (so it does not depend on how far the shared random generator has run); a
resource's is (organization, title). Rows are written directly rather than through the
services so that loading does not send a hundred notifications; the object permissions
are granted through ``stakeholders.permissions`` exactly as the services grant them.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from carta.demo import DemoContext
from carta.models import Area
from stakeholders import permissions
from stakeholders.models import (
    KINDS_WITHOUT_RUNTS,
    Membership,
    Organization,
    PactAcceptance,
    Resource,
    Role,
    Visibility,
)
from stakeholders.validators import tax_code_check_digit

V, P, R, S = "verified", "pending", "rejected", "suspended"

# (legal name, kind, status, areas, short name for accounts)
ORGANIZATIONS = [
    (
        "Cooperativa Sociale Il Melograno",
        "coop_a",
        V,
        ["families_minors", "disability"],
        "melograno",
    ),
    ("ODV Amici di Valtirino", "odv", V, ["elderly"], "amicivaltirino"),
    ("APS Il Ponte", "aps", V, ["immigrants", "multi_user"], "ponte"),
    ("Cooperativa Sociale Terra Nuova", "coop_b", V, ["poverty", "dependencies"], "terranuova"),
    ("Fondazione Casa Aperta", "foundation", V, ["poverty", "elderly"], "casaaperta"),
    ("Comune di Valtirino - Servizi Sociali", "public_body", V, ["multi_user"], "comunevaltirino"),
    ("Associazione Genitori Insieme", "aps", V, ["families_minors"], "genitori"),
    ("Croce Verde della Valle", "odv", V, ["elderly", "disability"], "croceverde"),
    ("Impresa Sociale Lavoro e Dignità", "social_enterprise", V, ["poverty"], "lavorodignita"),
    ("Caritas Interparrocchiale del Tirino", "other_ets", V, ["poverty", "immigrants"], "caritas"),
    (
        "Cooperativa Sociale Arcobaleno",
        "coop_a",
        V,
        ["disability", "families_minors"],
        "arcobaleno",
    ),
    ("ODV Filo d'Argento", "odv", V, ["elderly"], "filoargento"),
    (
        "APS Spazio Giovani Roccafiorita",
        "aps",
        V,
        ["families_minors", "dependencies"],
        "spaziogiovani",
    ),
    ("Cooperativa Sociale La Rete", "coop_b", V, ["dependencies", "poverty"], "larete"),
    ("Associazione Donne in Cammino", "aps", V, ["families_minors", "immigrants"], "donne"),
    (
        "Gruppo Volontari del Guado",
        "informal_group",
        V,
        ["elderly", "multi_user"],
        "volontariguado",
    ),
    ("ODV Banco Alimentare Vallemaggio", "odv", V, ["poverty"], "bancoalimentare"),
    ("Fondazione Don Tonino", "foundation", V, ["disability"], "dontonino"),
    ("APS Mediatori Culturali Abruzzo", "aps", V, ["immigrants"], "mediatori"),
    ("Cooperativa Sociale Il Girasole", "coop_a", V, ["elderly", "disability"], "girasole"),
    ("Associazione Sportiva Inclusiva Collefrancone", "aps", P, ["disability"], "sportinclusivo"),
    ("Comitato di Quartiere Torre de' Mulini", "informal_group", P, ["multi_user"], "comitato"),
    ("ODV Sorrisi in Corsia", "odv", P, ["families_minors"], "sorrisi"),
    ("Cooperativa Sociale Nuovi Orizzonti", "coop_b", P, ["dependencies"], "orizzonti"),
    ("Impresa Sociale Abitare Solidale", "social_enterprise", P, ["poverty", "elderly"], "abitare"),
    ("Associazione Tempo Libero Pietrapennata", "aps", R, ["multi_user"], "tempolibero"),
    ("Gruppo Amici del Mercatino", "informal_group", R, ["poverty"], "mercatino"),
    ("Cooperativa Sociale Aurora", "coop_a", S, ["families_minors"], "aurora"),
    ("ODV Mani Tese del Tirino", "odv", S, ["immigrants"], "manitese"),
    ("Ente Morale San Benedetto", "other_ets", V, ["elderly", "poverty"], "sanbenedetto"),
]

# Two verified organizations still on revision 1 of the Carta. Filo d'Argento was asked to
# renew when revision 2 took effect (22 April 2024) and let the 60 days pass: it casts no
# organization ballot. Il Girasole, reinstated twenty days ago, was asked then and is within
# its grace period.
PACT_LAPSED = "ODV Filo d'Argento"
PACT_WITHIN_GRACE = "Cooperativa Sociale Il Girasole"
PACT_TO_RENEW = {PACT_LAPSED, PACT_WITHIN_GRACE}

REASONS = {
    R: "Lo statuto allegato non prevede finalità sociali compatibili con la rete.",
    S: "Sospesa in attesa del rinnovo dell'iscrizione al RUNTS.",
}

RESOURCE_TEMPLATES = {
    "service_programme": ["Doposcuola per ragazzi", "Sportello di ascolto", "Centro diurno"],
    "space": ["Sala polivalente", "Aula laboratorio", "Cortile attrezzato"],
    "staff_hours": ["Ore di educatore professionale", "Ore di assistente sociale"],
    "volunteer_hours": ["Accompagnamento alle visite mediche", "Consegna della spesa a domicilio"],
    "equipment_vehicle": ["Pulmino attrezzato per disabili", "Furgone per la logistica"],
    "funding_in_kind": ["Pacchi alimentari mensili", "Contributo per borse lavoro"],
    "expertise_training": ["Formazione per caregiver", "Corso di lingua italiana"],
}

DESCRIPTIONS = [
    "Da anni al fianco delle famiglie del territorio, con attività educative e di sostegno.",
    "Volontari e operatori che offrono ascolto, accompagnamento e aiuto concreto.",
    "Promuove l'inclusione sociale e lavorativa delle persone in condizione di fragilità.",
    "Gestisce servizi in convenzione con i Comuni dell'Ambito e progetti di comunità.",
]


def demo_tax_code(name: str) -> str:
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    first_ten = f"{digest % 10**10:010d}"
    if first_ten == "0" * 10:
        first_ten = "0000000001"
    return first_ten + str(tax_code_check_digit(first_ten))


def demo_organizations(status: str = V):
    """The demo's organizations declared with ``status`` (verified by default), found by
    their tax codes, whatever their state now: a loader that picked "every verified
    organization" would pick up the ones staff verified since, and make again what it made."""
    codes = [
        demo_tax_code(name) for name, _kind, declared, _a, _s in ORGANIZATIONS if declared == status
    ]
    return Organization.objects.filter(tax_code__in=codes).order_by("tax_code")


def _member(organization: Organization, user, role: str) -> None:
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=organization,
        defaults={"role": role, "can_vote": role == Role.REPRESENTATIVE},
    )
    if created:
        permissions.grant_role(membership)


def _pact_to_renew(organization: Organization, *, lapsed: bool, now) -> None:
    """Put the organization's pact on revision 1 with a renewal asked (once: a second run
    finds the renewal already there and leaves the dates alone)."""
    if organization.pact_renewal_revision_number is not None or (
        organization.pact_revision_number == 1
    ):
        return
    tz = timezone.get_current_timezone()
    if lapsed:
        asked = datetime.datetime(2024, 4, 22, 10, 0, tzinfo=tz)
    else:
        asked = now - datetime.timedelta(days=20)
        organization.decided_at = asked
    organization.pact_revision_number = 1
    organization.pact_accepted_at = datetime.datetime(2023, 3, 10, 10, 0, tzinfo=tz)
    organization.pact_renewal_revision_number = 2
    organization.pact_renewal_requested_at = asked
    organization.pact_renew_by = asked + datetime.timedelta(days=60)
    organization.save()


def _pact_history(organization: Organization, representative) -> None:
    """The acceptance of the organization's current pact, by its representative."""
    if organization.pact_accepted_at is None:
        return
    PactAcceptance.objects.get_or_create(
        organization=organization,
        revision_number=organization.pact_revision_number,
        defaults={"accepted_by": representative, "accepted_at": organization.pact_accepted_at},
    )


@transaction.atomic
def load(ctx: DemoContext) -> None:
    places = ctx.municipalities()
    admin = ctx.user("admin")
    now = timezone.now()
    organizations = []
    for index, (name, kind, status, areas, short) in enumerate(ORGANIZATIONS):
        organization = Organization.objects.filter(tax_code=demo_tax_code(name)).first()
        if organization is None:
            organization = Organization.objects.create(
                legal_name=name,
                kind=kind,
                tax_code=demo_tax_code(name),
                runts_number="" if kind in KINDS_WITHOUT_RUNTS else f"{100000 + index * 37}",
                address=f"Via Roma {index + 1}, {places[index % len(places)].name}"
                if places
                else "",
                areas=areas,
                email=f"info@{short}.demo.carta.invalid",
                pec=f"{short}@pec.demo.carta.invalid" if index % 3 else "",
                website=f"https://{short}.demo.carta.invalid" if index % 2 else "",
                description=ctx.rng.choice(DESCRIPTIONS),
                status=status,
                status_reason=REASONS.get(status, ""),
                decided_by=admin if status != P else None,
                decided_at=now if status != P else None,
                pact_accepted_at=now - datetime.timedelta(days=30 + index),
                # The Carta demo (loaded after this one) puts revision 2 in force.
                pact_revision_number=2,
            )
            if places:
                organization.municipalities.set(ctx.rng.sample(places, k=min(3, len(places))))
        organizations.append(organization)
        representative = ctx.user(
            "rappresentante" if index == 0 else f"rapp.{short}",
            first_name="Rappresentante",
            last_name=name.split()[-1],
            describe=f"rappresentante di {name}" if index == 0 else None,
        )
        _member(organization, representative, Role.REPRESENTATIVE)
        if name in PACT_TO_RENEW:
            _pact_to_renew(organization, lapsed=name == PACT_LAPSED, now=now)
        _pact_history(organization, representative)

    melograno, amici, ponte = organizations[0], organizations[1], organizations[2]
    _member(
        melograno,
        ctx.user(
            "redattore",
            first_name="Sara",
            last_name="Di Nardo",
            describe=f"redattore di {melograno}",
        ),
        Role.EDITOR,
    )
    _member(
        melograno,
        ctx.user(
            "socio", first_name="Paolo", last_name="Ciccone", describe=f"socio di {melograno}"
        ),
        Role.MEMBER,
    )
    _member(
        amici,
        ctx.user(
            "socia.amici", first_name="Lucia", last_name="Marchetti", describe=f"socia di {amici}"
        ),
        Role.MEMBER,
    )
    # Two citizens also belong to organizations, one of them to two with different roles.
    _member(ponte, ctx.user("luca.bianchi"), Role.EDITOR)
    _member(amici, ctx.user("luca.bianchi"), Role.MEMBER)
    _member(organizations[3], ctx.user("chiara.marino"), Role.MEMBER)

    kinds = list(RESOURCE_TEMPLATES)
    for index, organization in enumerate(organizations):
        # The status the demo declared, not the one staff may have given it since.
        declared = ORGANIZATIONS[index][2]
        if declared == P:
            continue
        count = 1 if declared == R else (3 if index % 2 == 0 else 2) * ctx.scale
        for offset in range(count):
            kind = kinds[(index + offset) % len(kinds)]
            title = RESOURCE_TEMPLATES[kind][(index + offset) % len(RESOURCE_TEMPLATES[kind])]
            resource, created = Resource.objects.get_or_create(
                organization=organization,
                title=title if offset < len(kinds) else f"{title} ({offset})",
                defaults={
                    "kind": kind,
                    "description": f"{title} messo a disposizione da {organization.legal_name}.",
                    "areas": organization.areas[:2] or [Area.MULTI_USER],
                    "capacity": ctx.rng.choice(
                        ["20 posti", "10 ore a settimana", "2 mezzi", "30 famiglie al mese", ""]
                    ),
                    "available_from": datetime.date(2026, 1, 1),
                    "available_until": datetime.date(2026, 12, 31) if offset % 2 else None,
                    "contact": organization.email,
                    "visibility": Visibility.NETWORK if offset % 2 else Visibility.PUBLIC,
                },
            )
            if created and places:
                resource.municipalities.set(ctx.rng.sample(places, k=min(2, len(places))))
