"""Demo data of the platform core, and the framework the apps' demo loaders share.

``carta demo`` calls ``load(ctx)`` of this module, then of each app's ``demo`` module in
the order of ``carta.urls.APPS``. Every loader is deterministic (one seeded ``Random``)
and idempotent: it finds what a previous run made by natural keys and makes only what is
missing, so running the command twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from carta.models import Identity, IdentityProvider, Municipality, User

DEMO_PASSWORD = "carta-demo-2026"  # noqa: S105 - printed to the operator; demo only

# The demo Ambito: an invented district of nine municipalities (ISTAT-style codes are
# invented too, in a range no real municipality uses).
MUNICIPALITIES = [
    ("Valtirino", "PE"),
    ("Castel del Monte Alto", "PE"),
    ("San Benedetto in Colle", "PE"),
    ("Roccafiorita", "PE"),
    ("Pietrapennata", "PE"),
    ("Santa Maria del Guado", "PE"),
    ("Collefrancone", "PE"),
    ("Torre de' Mulini", "PE"),
    ("Vallemaggio", "PE"),
]

STAFF = [
    ("admin", "Amministratrice", "Piattaforma", [], True, "amministratrice della piattaforma"),
    ("moderatore", "Marco", "Di Lorenzo", ["moderators"], False, "moderatore"),
    ("redattrice", "Giulia", "Ferrante", ["carta_editors"], False, "redattrice della Carta"),
    ("reclami", "Paola", "Santoro", ["complaint_officers"], False, "ufficio reclami"),
]

# The codice fiscale of the test provider's Mario Rossi (devtools/testidp), not a real one.
DEMO_FISCAL_CODE = "RSSMRA80A01H501U"

CITIZENS = [
    ("anna.rossi", "Anna", "Rossi"),
    ("luca.bianchi", "Luca", "Bianchi"),
    ("maria.esposito", "Maria", "Esposito"),
    ("giuseppe.romano", "Giuseppe", "Romano"),
    ("francesca.colombo", "Francesca", "Colombo"),
    ("antonio.ricci", "Antonio", "Ricci"),
    ("chiara.marino", "Chiara", "Marino"),
    ("davide.greco", "Davide", "Greco"),
]


@dataclass
class DemoContext:
    stdout: TextIO
    scale: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def user(
        self,
        username: str,
        *,
        first_name: str = "",
        last_name: str = "",
        groups: list[str] | tuple[str, ...] = (),
        superuser: bool = False,
        describe: str | None = None,
        verified: bool = True,
    ) -> User:
        """The demo person ``username``, made on the first run with the demo password;
        their address confirmed unless ``verified=False``."""
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                email=f"{username}@demo.carta.invalid",
                first_name=first_name,
                last_name=last_name,
                is_superuser=superuser,
                is_staff=superuser or bool(groups),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            for name in groups:
                user.groups.add(Group.objects.get(name=name))
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": verified}
        )
        if describe:
            self.accounts.append((username, describe))
        return user

    def municipalities(self) -> list[Municipality]:
        return list(Municipality.objects.order_by("istat_code"))


@transaction.atomic
def load(ctx: DemoContext) -> None:
    for index, (name, province) in enumerate(MUNICIPALITIES, start=1):
        Municipality.objects.get_or_create(
            name=name, defaults={"istat_code": f"0689{index:02d}", "province": province}
        )
    for username, first, last, groups, superuser, describe in STAFF:
        ctx.user(
            username,
            first_name=first,
            last_name=last,
            groups=groups,
            superuser=superuser,
            describe=describe,
        )
    for index, (username, first, last) in enumerate(CITIZENS):
        ctx.user(
            username,
            first_name=first,
            last_name=last,
            describe="cittadina o cittadino" if index == 0 else None,
        )
    # A citizen whose SPID identity is linked: the test provider's "mario.rossi" (same
    # fiscal code) signs in to this account (docs/identity.md).
    mario = ctx.user(
        "mario.rossi",
        first_name="Mario",
        last_name="Rossi",
        describe=f"cittadino con SPID collegato (codice fiscale {DEMO_FISCAL_CODE})",
    )
    Identity.objects.get_or_create(
        user=mario,
        defaults={
            "fiscal_code": DEMO_FISCAL_CODE,
            "provider": IdentityProvider.SPID,
            "level": 2,
            "acr": "https://www.spid.gov.it/SpidL2",
            "verified_at": timezone.now(),
        },
    )
    ctx.user(
        "paolo.conti",
        first_name="Paolo",
        last_name="Conti",
        verified=False,
        describe="account con l'indirizzo email non ancora confermato",
    )
