"""The feedback app's one door onto the Carta (``consultations``): which services and
quality commitments are in force, and how a submitted ``service`` id is checked.

Everything that depends on the Carta's models is read here, so that a change of theirs
touches one module.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext

from carta.errors import InvalidInput


def carta_available() -> bool:
    """Whether the Carta's models exist (they are built in parallel with this app)."""
    try:
        apps.get_model("consultations", "Service")
    except LookupError:
        return False
    return True


def service_model():
    return apps.get_model("consultations", "Service")


def commitment_model():
    return apps.get_model("consultations", "QualityCommitment")


def revision_in_force():
    """The adopted revision, or None when no Carta is in force yet. One query."""
    if not carta_available():
        return None
    Revision = apps.get_model("consultations", "Revision")
    return Revision.objects.filter(status="adopted").order_by("-pk").first()


def services_in_force():
    """Services of the Carta in force, in the Carta's order (no query until evaluated)."""
    if not carta_available():
        return None
    return service_model().objects.filter(revision__status="adopted")


def service_in_force(value, *, field: str = "service", required: bool = True):
    """The ``Service`` with id ``value`` if it belongs to the Carta in force.

    An unknown id, or one of a draft or superseded revision, raises ``InvalidInput`` on
    ``field``; an empty value is None unless ``required``.
    """
    if value in (None, ""):
        if required:
            raise InvalidInput(gettext("Scegli il servizio."), field=field)
        return None
    if hasattr(value, "pk"):
        value = value.pk
    queryset = services_in_force()
    service = None
    if queryset is not None:
        try:
            service = queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            service = None
    if service is None:
        raise InvalidInput(
            gettext("Il servizio indicato non è tra quelli della Carta in vigore."), field=field
        )
    return service


def commitment_in_force(value, *, field: str = "commitment"):
    """The ``QualityCommitment`` with id ``value`` of a service of the Carta in force."""
    service_ids = services_in_force()
    commitment = None
    if service_ids is not None and value not in (None, ""):
        try:
            commitment = (
                commitment_model()
                .objects.select_related("service")
                .filter(pk=int(getattr(value, "pk", value)), service__revision__status="adopted")
                .first()
            )
        except (TypeError, ValueError):
            commitment = None
    if commitment is None:
        raise InvalidInput(
            gettext("L'impegno indicato non è tra quelli della Carta in vigore."), field=field
        )
    return commitment
