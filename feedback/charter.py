"""The feedback app's one door onto the Carta (``consultations``): which services and
quality commitments are in force, and how a submitted ``service`` or ``commitment`` id is
checked.

The Carta's models are built in parallel with this app, so feedback rows refer to them
softly (the row id in the revision in force plus its stable key, see ``models``) and
every read of the Carta goes through ``source``: ``ConsultationsSource`` reads the real
models when they exist and answers "no Carta in force" otherwise; tests may install a
``StaticSource``. A change in the Carta's models touches this module only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.utils.translation import gettext

from carta.errors import InvalidInput


@dataclass(frozen=True)
class CommitmentInfo:
    id: int
    key: str
    service_id: int
    service_key: str
    indicator: str
    target: Decimal | None
    unit: str = ""
    how_measured: str = ""
    direction: str | None = None  # "at_least" / "at_most" when the Carta states it


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    key: str
    title: str
    area: str = ""
    commitments: tuple[CommitmentInfo, ...] = field(default_factory=tuple)


def _first(obj, names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return default


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


class ConsultationsSource:
    """Reads ``consultations.Revision`` / ``Service`` / ``QualityCommitment``."""

    def _model(self, name):
        try:
            return apps.get_model("consultations", name)
        except LookupError:
            return None

    def available(self) -> bool:
        return self._model("Service") is not None

    def _services(self):
        Service = self._model("Service")
        if Service is None:
            return None
        return Service.objects.filter(revision__status="adopted")

    def _service_info(self, service, commitments=()) -> ServiceInfo:
        return ServiceInfo(
            id=service.pk,
            key=service.key,
            title=str(_first(service, ("title", "name"), service.key)),
            area=str(_first(service, ("area",), "")),
            commitments=tuple(commitments),
        )

    def _commitment_info(self, commitment, service_key: str) -> CommitmentInfo:
        return CommitmentInfo(
            id=commitment.pk,
            key=commitment.key,
            service_id=commitment.service_id,
            service_key=service_key,
            indicator=str(_first(commitment, ("indicator", "title", "name"), commitment.key)),
            target=_decimal(_first(commitment, ("target_value", "target"))),
            unit=str(_first(commitment, ("unit", "target_unit"), "")),
            how_measured=str(
                _first(commitment, ("how_measured", "measurement_method", "method"), "")
            ),
            direction=_first(commitment, ("direction", "comparison"), None),
        )

    def catalogue(self) -> list[ServiceInfo]:
        """Services in force with their commitments: two queries."""
        services = self._services()
        if services is None:
            return []
        services = list(services)  # the Carta's own order (position)
        by_service: dict[int, list] = {s.pk: [] for s in services}
        keys = {s.pk: s.key for s in services}
        Commitment = self._model("QualityCommitment")
        if Commitment is not None and services:
            for c in Commitment.objects.filter(service__in=list(by_service)):
                by_service[c.service_id].append(self._commitment_info(c, keys[c.service_id]))
        return [self._service_info(s, by_service[s.pk]) for s in services]

    def service(self, pk: int) -> ServiceInfo | None:
        services = self._services()
        if services is None:
            return None
        service = services.filter(pk=pk).first()
        return self._service_info(service) if service else None

    def commitment(self, pk: int) -> CommitmentInfo | None:
        Commitment = self._model("QualityCommitment")
        if Commitment is None:
            return None
        commitment = (
            Commitment.objects.select_related("service")
            .filter(pk=pk, service__revision__status="adopted")
            .first()
        )
        return self._commitment_info(commitment, commitment.service.key) if commitment else None


class StaticSource:
    """A fixed Carta in force, for tests and for deployments without the Carta's models."""

    def __init__(self, services: list[ServiceInfo]):
        self.services = list(services)

    def available(self) -> bool:
        return True

    def catalogue(self) -> list[ServiceInfo]:
        return list(self.services)

    def service(self, pk: int) -> ServiceInfo | None:
        return next((s for s in self.services if s.id == pk), None)

    def commitment(self, pk: int) -> CommitmentInfo | None:
        for service in self.services:
            for commitment in service.commitments:
                if commitment.id == pk:
                    return commitment
        return None


source: ConsultationsSource | StaticSource = ConsultationsSource()


def catalogue() -> list[ServiceInfo]:
    return source.catalogue()


def has_carta_in_force() -> bool:
    return bool(catalogue())


def _as_int(value) -> int | None:
    try:
        return int(getattr(value, "id", value))
    except (TypeError, ValueError):
        return None


def service_in_force(value, *, field: str = "service", required: bool = True):
    """The ``ServiceInfo`` of id ``value`` if it is a service of the Carta in force.

    An unknown id, or one of a draft or superseded revision, raises ``InvalidInput`` on
    ``field``; an empty value is None unless ``required``.
    """
    if value in (None, ""):
        if required:
            raise InvalidInput(gettext("Scegli il servizio."), field=field)
        return None
    pk = _as_int(value)
    service = source.service(pk) if pk is not None else None
    if service is None:
        raise InvalidInput(
            gettext("Il servizio indicato non è tra quelli della Carta in vigore."), field=field
        )
    return service


def commitment_in_force(value, *, field: str = "commitment") -> CommitmentInfo:
    pk = _as_int(value) if value not in (None, "") else None
    commitment = source.commitment(pk) if pk is not None else None
    if commitment is None:
        raise InvalidInput(
            gettext("L'impegno indicato non è tra quelli della Carta in vigore."), field=field
        )
    return commitment
