"""Factories of the Carta (``consultations``). ``RevisionFactory`` makes an empty draft;
``carta_revision(...)`` builds a revision with sections and services for tests."""

from decimal import Decimal

import factory

from consultations.charter.models import (
    Amendment,
    AmendmentKind,
    Comment,
    QualityCommitment,
    Revision,
    RevisionStatus,
    Section,
    Service,
)
from tests.factories.core import UserFactory


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revision
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Carta dei servizi, revisione {o.number}")
    summary_of_changes = "Aggiornamento annuale."
    status = RevisionStatus.DRAFT


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    revision = factory.SubFactory(RevisionFactory)
    key = factory.Sequence(lambda n: f"sezione-{n}")
    position = factory.Sequence(lambda n: n)
    heading = factory.Sequence(lambda n: f"Sezione {n}")
    body = "Il Segretariato Sociale accoglie le persone e le orienta verso i servizi."


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    revision = factory.SubFactory(RevisionFactory)
    key = factory.Sequence(lambda n: f"servizio-{n}")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Servizio {n}")
    area = "elderly"
    purposes = "Sostenere la permanenza a domicilio."
    access_requirements = "Residenza in uno dei comuni dell'Ambito."


class QualityCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityCommitment

    service = factory.SubFactory(ServiceFactory)
    key = factory.Sequence(lambda n: f"impegno-{n}")
    indicator = "Giorni tra la domanda e la prima visita"
    direction = "at_most"
    target_value = Decimal("15")
    unit = "giorni"
    how_measured = "Registro delle domande, media trimestrale."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    revision = factory.SubFactory(RevisionFactory)
    section_key = "accesso"
    author = factory.SubFactory(UserFactory)
    body = "Proporrei di indicare anche gli orari del sabato."
    anchored_text = ""


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    revision = factory.SubFactory(RevisionFactory)
    kind = AmendmentKind.SECTION
    target_key = "accesso"
    new_text = "Testo proposto."
    author = factory.SubFactory(UserFactory)


def carta_revision(
    number=None, status=RevisionStatus.DRAFT, *, sections=3, services=2, commitments=1, **kwargs
):
    """A revision with ``sections`` sections (keys ``sezione-1``...), ``services``
    services (keys ``servizio-1``...) each with ``commitments`` commitments."""
    params = {"status": status, **kwargs}
    if number is not None:
        params["number"] = number
    revision = RevisionFactory(**params)
    for i in range(1, sections + 1):
        SectionFactory(
            revision=revision,
            key=f"sezione-{i}",
            position=i,
            heading=f"Sezione {i}",
            body=f"Testo della sezione {i}: il Segretariato Sociale risponde entro {i} giorni.",
        )
    for i in range(1, services + 1):
        service = ServiceFactory(revision=revision, key=f"servizio-{i}", position=i)
        for j in range(1, commitments + 1):
            QualityCommitmentFactory(service=service, key=f"impegno-{j}")
    return revision


__all__ = [
    "AmendmentFactory",
    "CommentFactory",
    "QualityCommitmentFactory",
    "RevisionFactory",
    "SectionFactory",
    "ServiceFactory",
    "carta_revision",
]
