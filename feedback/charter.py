"""The Carta in force as the feedback app reads it: its services with their quality
commitments, and the check that a submitted ``service`` or ``commitment`` belongs to it.

Plain queries over ``consultations``' models: the revision in force is the one ADOPTED.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext

from carta.errors import InvalidInput
from consultations.charter.governed_rules import complaint_deadline_days, governing_commitments
from consultations.charter.models import (
    GovernedRule,
    QualityCommitment,
    Revision,
    RevisionStatus,
    Service,
)
from consultations.charter.selectors import revisions_in_force


def services_in_force() -> QuerySet[Service]:
    return Service.objects.filter(revision__status=RevisionStatus.ADOPTED)


def catalogue() -> list[Service]:
    """Services in force, in the Carta's order, with their commitments: two queries."""
    return list(services_in_force().prefetch_related("commitments"))


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def service_in_force(value, *, field: str = "service", required: bool = True) -> Service | None:
    """The ``Service`` of id ``value`` if it belongs to the Carta in force.

    An unknown id, or one of a draft or superseded revision, raises ``InvalidInput`` on
    ``field``; an empty value is None unless ``required``.
    """
    if value in (None, ""):
        if required:
            raise InvalidInput(gettext("Scegli il servizio."), field=field)
        return None
    service = services_in_force().filter(pk=_pk(value)).first() if _pk(value) else None
    if service is None:
        raise InvalidInput(
            gettext("Il servizio indicato non è tra quelli della Carta in vigore."), field=field
        )
    return service


def commitment_in_force(
    value, *, field: str = "commitment", required: bool = True
) -> QualityCommitment | None:
    """The ``QualityCommitment`` of id ``value`` (with its service) if it belongs to the
    Carta in force; otherwise ``InvalidInput`` on ``field``. An empty value is None
    unless ``required``."""
    if value in (None, "") and not required:
        return None
    pk = _pk(value) if value not in (None, "") else None
    commitment = (
        QualityCommitment.objects.select_related("service")
        .filter(pk=pk, service__revision__status=RevisionStatus.ADOPTED)
        .first()
        if pk
        else None
    )
    if commitment is None:
        raise InvalidInput(
            gettext("L'impegno indicato non è tra quelli della Carta in vigore."), field=field
        )
    return commitment


@dataclass(frozen=True)
class DeadlineRule:
    """The answer deadline a complaint filed now gets: the revision in force, the days,
    and the commitment of the Carta that set them (None: ``CARTA_COMPLAINT_DAYS``)."""

    revision: Revision | None
    days: int
    commitment: QualityCommitment | None


def complaint_deadline_rule() -> DeadlineRule:
    """Two queries: the revision in force, its commitment governing the complaint
    deadline. A commitment whose target is not a whole positive number of days (adoption
    refuses it) gives way to the platform's setting."""
    revision = revisions_in_force().first()
    commitment = governing_commitments(revision).get(GovernedRule.COMPLAINT_DEADLINE)
    days = complaint_deadline_days(commitment)
    if days is None:
        return DeadlineRule(revision, settings.CARTA_COMPLAINT_DAYS, None)
    return DeadlineRule(revision, days, commitment)
