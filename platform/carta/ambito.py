"""The Ambito as a public body: who runs the site, and its accessibility statement.

Everything here comes from settings (``CARTA_AMBITO_*``, ``CARTA_DPO_*``,
``CARTA_ACCESSIBILITY_*``, docs/going-live.md), and everything that shows it (the context
processor, hence every page's header and footer; the privacy notice; the accessibility
page; the emails; ``GET /api/v1/ambito/``; the ``includes/ambito_identity.html`` block of
printed documents) reads it through :func:`identity` and :func:`accessibility_statement`,
so that a value is configured once and shown the same everywhere. Both read settings when
called (no query, nothing cached), so that a test's override is seen at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class AmbitoIdentity:
    name: str
    ipa_code: str
    address: str
    pec: str
    website: str
    logo_url: str
    dpo_name: str
    dpo_email: str
    dpo_pec: str
    privacy_email: str
    accessibility_email: str
    site_url: str

    @property
    def logo_alt(self) -> str:
        """The logo's alternative text where it stands alone (printed documents)."""
        return _("Logo di %(ambito)s") % {"ambito": self.name}

    @property
    def dpo_contact(self) -> str:
        """The first way to reach the data protection officer, or ``""``."""
        return self.dpo_email or self.dpo_pec

    def email_signature(self) -> str:
        """The closing lines of every email the platform sends: the Ambito's name, then
        its address, PEC and the site, each on its own line when configured."""
        lines = [self.name]
        if self.address:
            lines.append(self.address)
        if self.pec:
            lines.append(_("PEC: %(pec)s") % {"pec": self.pec})
        lines.append(self.site_url)
        return "\n".join(lines)


@dataclass(frozen=True)
class AccessibilityStatement:
    """The statement published on AgID's form and the local page that summarizes it."""

    url: str
    date: datetime.date | None
    review_date: datetime.date | None
    local_url: str
    feedback_url: str

    @property
    def response_days(self) -> int:
        """The days the Ambito has to answer a report: those of the complaint deadline
        (see :func:`register_response_days`). Read only where shown: the provider may
        query."""
        return (
            _response_days_provider() if _response_days_provider else settings.CARTA_COMPLAINT_DAYS
        )

    @property
    def link(self) -> str:
        """Where the footer's "Dichiarazione di accessibilità" leads: AgID's published
        statement once the Ambito has set its address, the local page until then."""
        return self.url or self.local_url


def identity() -> AmbitoIdentity:
    """The Ambito's identity as configured; no query."""
    return AmbitoIdentity(
        name=settings.CARTA_AMBITO_NAME,
        ipa_code=settings.CARTA_AMBITO_IPA_CODE,
        address=settings.CARTA_AMBITO_ADDRESS,
        pec=settings.CARTA_AMBITO_PEC,
        website=settings.CARTA_AMBITO_WEBSITE,
        logo_url=settings.CARTA_AMBITO_LOGO,
        dpo_name=settings.CARTA_DPO_NAME,
        dpo_email=settings.CARTA_DPO_EMAIL,
        dpo_pec=settings.CARTA_DPO_PEC,
        privacy_email=settings.CARTA_PRIVACY_EMAIL,
        accessibility_email=settings.CARTA_ACCESSIBILITY_EMAIL,
        site_url=settings.CARTA_SITE_URL,
    )


# The feedback mechanism of the statement is the complaint form of the feedback app, which
# the platform core may not import: it is found by the name of its route.
FEEDBACK_ROUTE = "feedback_complaint"


# The days a complaint gets to be answered are decided above the platform core (the
# feedback app reads them from the Carta in force, CARTA_COMPLAINT_DAYS otherwise): the app
# that decides registers its answer here when it starts, as the pact's provider does.
_response_days_provider: Callable[[], int] | None = None


def register_response_days(provider: Callable[[], int] | None) -> None:
    """Let ``provider()`` say how many days a report filed now has to be answered;
    ``None`` restores ``CARTA_COMPLAINT_DAYS``."""
    global _response_days_provider
    _response_days_provider = provider


def accessibility_statement() -> AccessibilityStatement:
    """The accessibility statement's settings, with the local page, the feedback form
    (the accessibility email when no form is installed) and, read when shown, the days
    the Ambito has to answer (``response_days``); no query until then."""
    try:
        # The complaint form with the accessibility category chosen (AgID's "meccanismo di
        # feedback" for the accessibility statement).
        feedback_url = f"{reverse(FEEDBACK_ROUTE)}?categoria=accessibility"
    except NoReverseMatch:
        feedback_url = f"mailto:{settings.CARTA_ACCESSIBILITY_EMAIL}"
    return AccessibilityStatement(
        url=settings.CARTA_ACCESSIBILITY_STATEMENT_URL,
        date=settings.CARTA_ACCESSIBILITY_STATEMENT_DATE,
        review_date=settings.CARTA_ACCESSIBILITY_REVIEW_DATE,
        local_url=reverse("accessibility"),
        feedback_url=feedback_url,
    )


# What a public body must publish and the production profile checks (carta.checks): the
# settings (any one of them is enough), what they are, and the check's id.
REQUIRED_IN_PRODUCTION = (
    (("CARTA_AMBITO_IPA_CODE",), "the Ambito's code in the IPA index", "carta.W001"),
    (("CARTA_AMBITO_PEC",), "the Ambito's certified email address (PEC)", "carta.W002"),
    (
        ("CARTA_DPO_EMAIL", "CARTA_DPO_PEC"),
        "the data protection officer's contact (RPD), or CARTA_DPO_PEC",
        "carta.W003",
    ),
    (
        ("CARTA_ACCESSIBILITY_STATEMENT_URL",),
        "the address of the accessibility statement published on form.agid.gov.it",
        "carta.W004",
    ),
)


def missing_in_production() -> list[tuple[str, str, str]]:
    """``(setting, what it is, check id)`` for each required value left empty."""
    return [
        (names[0], description, check_id)
        for names, description, check_id in REQUIRED_IN_PRODUCTION
        if not any(getattr(settings, name) for name in names)
    ]
