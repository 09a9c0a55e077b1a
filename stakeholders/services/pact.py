"""Writes on the pact: its acceptance (at application time and at each renewal) and the
renewal asked of every verified organization when a new revision of the Carta takes
effect.

The organization keeps its latest pact (``pact_revision_number``, ``pact_accepted_at``)
and the renewal pending, if any (``pact_renewal_revision_number``,
``pact_renewal_requested_at``, ``pact_renew_by``); every acceptance is also a
``PactAcceptance`` row, the history. The deadline is fixed when the renewal is asked
(``settings.CARTA_PACT_GRACE_DAYS`` from that moment), so the date a representative was
told never moves; past it the organization casts no organization ballot
(``permissions.pact_allows_voting``) until it renews.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.dates import on_date
from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.services import notify, record_audit
from stakeholders import pact
from stakeholders import permissions as perms
from stakeholders.models import (
    Organization,
    OrganizationStatus,
    PactAcceptance,
    Role,
)

# ``accept_pact`` without a revision number accepts whatever is in force.
ANY_REVISION = object()

PACT_FIELDS = (
    "pact_revision_number",
    "pact_accepted_at",
    "pact_renewal_revision_number",
    "pact_renewal_requested_at",
    "pact_renew_by",
)

# Formatted when the notification is written, in each recipient's language.
_on_date = lazy(lambda moment: on_date(timezone.localtime(moment).date(), "il"), str)


def grace_days() -> int:
    """Days between the renewal asked and the deadline (``CARTA_PACT_GRACE_DAYS``)."""
    return settings.CARTA_PACT_GRACE_DAYS


def record_pact_acceptance(
    organization: Organization, *, actor, revision_number: int | None, now: datetime.datetime
) -> PactAcceptance:
    """Make ``revision_number`` the organization's pact (clearing a pending renewal), save
    it, add the history row and the audit row. For the services of this app, inside their
    transaction and with the organization's row locked or new (three writes)."""
    before = organization.pact_revision_number if organization.pact_accepted_at else None
    organization.pact_revision_number = revision_number
    organization.pact_accepted_at = now
    organization.pact_renewal_revision_number = None
    organization.pact_renewal_requested_at = None
    organization.pact_renew_by = None
    organization.save(update_fields=[*PACT_FIELDS, "updated_at"])
    try:
        with transaction.atomic():
            acceptance = PactAcceptance.objects.create(
                organization=organization,
                revision_number=revision_number,
                accepted_by=actor,
                accepted_at=now,
            )
    except IntegrityError:
        raise Conflict(gettext("Il patto su questa revisione è già stato accettato.")) from None
    record_audit(
        actor=actor,
        verb="organization.pact_accepted",
        target=organization,
        changes={"pact_revision_number": [before, revision_number]},
    )
    return acceptance


@transaction.atomic
def accept_pact(*, actor, organization: Organization, revision_number=ANY_REVISION) -> Organization:
    """The representative accepts the pact on the revision in force: the first time for an
    application that had not, or to renew it. ``revision_number``, when given, is the
    revision the representative read: if another has taken effect since, ``Conflict``
    (nothing unread is signed). ``Conflict`` too when the pact is already on the revision
    in force. Only a representative of the organization (``NotAllowed``).
    Queries: the lock, the membership, the revision in force, three writes, the audit."""
    if not perms.can_accept_pact(actor, organization):
        raise NotAllowed(_("Solo chi rappresenta l'organizzazione può accettare il patto."))
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    in_force = pact.revision_in_force_number()
    if revision_number is not ANY_REVISION and revision_number != in_force:
        raise Conflict(
            gettext(
                "Nel frattempo è entrata in vigore un'altra revisione della Carta: rileggi "
                "cosa è cambiato e accetta quella."
            ),
            code="revision_changed",
        )
    if perms.pact_is_current(organization, in_force):
        raise Conflict(
            gettext("Il patto è già sulla Carta in vigore: non c'è niente da rinnovare."),
            code="pact_current",
        )
    now = timezone.now()
    record_pact_acceptance(organization, actor=actor, revision_number=in_force, now=now)
    others = organization.memberships.filter(role=Role.REPRESENTATIVE).select_related("user")
    notify(
        recipients=[m.user for m in others],
        kind="organization.pact_accepted",
        title=_("Il patto di %(name)s è sulla Carta in vigore"),
        body=_("%(person)s ha accettato il patto per l'organizzazione."),
        url=organization.get_absolute_url(),
        params={"name": organization.legal_name, "person": actor.display_name},
        exclude=actor,
    )
    return organization


def _ask_renewal(
    organization: Organization,
    *,
    actor,
    revision_number: int,
    now: datetime.datetime,
    days: int | None = None,
) -> None:
    """Ask one organization to renew (row locked by the caller): a deadline only if none
    is pending (the first unanswered request sets it), an audit row, a notification to
    its representatives."""
    if organization.pact_renew_by is None:
        organization.pact_renewal_requested_at = now
        organization.pact_renew_by = now + datetime.timedelta(days=days or grace_days())
    organization.pact_renewal_revision_number = revision_number
    organization.save(
        update_fields=[
            "pact_renewal_revision_number",
            "pact_renewal_requested_at",
            "pact_renew_by",
            "updated_at",
        ]
    )
    record_audit(
        actor=actor,
        verb="organization.pact_renewal_requested",
        target=organization,
        changes={
            "pact_revision_number": [organization.pact_revision_number, revision_number],
            "pact_renew_by": [None, organization.pact_renew_by],
        },
    )
    representatives = organization.memberships.filter(role=Role.REPRESENTATIVE)
    notify(
        recipients=[m.user for m in representatives.select_related("user")],
        kind="organization.pact_renewal_requested",
        title=_("È in vigore una nuova Carta: rinnova il patto entro %(date)s"),
        body=_(
            "È in vigore la revisione n. %(number)s della Carta dei servizi. Sulla pagina di "
            "%(name)s trovi cosa è cambiato rispetto al patto che hai accettato e puoi "
            "rinnovarlo. Dopo %(date)s, finché non lo rinnovi, l'organizzazione non può "
            "votare nelle consultazioni."
        ),
        url=organization.get_absolute_url(),
        params={
            "name": organization.legal_name,
            "number": revision_number,
            "date": _on_date(organization.pact_renew_by),
        },
    )


def _needs_renewal(revision_number: int) -> Q:
    """Organizations whose pact is older than ``revision_number`` (or was never accepted)
    and that were not yet asked for it."""
    older = (
        Q(pact_accepted_at__isnull=True)
        | Q(pact_revision_number__isnull=True)
        | Q(pact_revision_number__lt=revision_number)
    )
    asked = Q(pact_renewal_revision_number__gte=revision_number)
    return older & ~asked


@transaction.atomic
def request_pact_renewal(*, revision_number: int, grace_days: int | None = None, actor=None) -> int:
    """Revision ``revision_number`` has taken effect: ask every verified organization whose
    pact is on an older revision to renew, with a deadline ``grace_days`` from now (the
    days the act of adoption gave, ``CARTA_PACT_GRACE_DAYS`` when it gave none), and
    notify its representatives once. Idempotent: an organization already asked for this
    revision (or a later one) is left alone; one still asked for an earlier revision keeps
    its deadline and is told of the new revision. Returns how many were asked.
    Queries: the locked rows, then per organization one update, the audit, the
    representatives and the notifications."""
    if isinstance(revision_number, bool) or not isinstance(revision_number, int):
        raise InvalidInput(gettext("Indica il numero della revisione."), field="revision_number")
    if revision_number < 1:
        raise InvalidInput(gettext("Indica il numero della revisione."), field="revision_number")
    now = timezone.now()
    organizations = list(
        Organization.objects.select_for_update()
        .filter(status=OrganizationStatus.VERIFIED)
        .filter(_needs_renewal(revision_number))
        .order_by("pk")
    )
    for organization in organizations:
        _ask_renewal(
            organization, actor=actor, revision_number=revision_number, now=now, days=grace_days
        )
    return len(organizations)


def ask_renewal_if_behind(organization: Organization, *, actor) -> bool:
    """For an organization coming back into the network (reinstated, row locked by the
    caller): if its pact is behind the revision in force and no renewal is pending, ask
    it now. Whether it was asked."""
    in_force = pact.revision_in_force_number()
    if in_force is None or perms.pact_is_current(organization, in_force):
        return False
    if organization.pact_renewal_revision_number == in_force:
        return False
    _ask_renewal(organization, actor=actor, revision_number=in_force, now=timezone.now())
    return True
