"""Factories of the voting app. ``ConsultationFactory(questions=[...])`` builds questions
from the same specs the service takes; ``open_consultation`` is the common case."""

import datetime

import factory
from django.utils import timezone

from consultations.voting.models import (
    Consultation,
    Electorate,
    Option,
    Question,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
)

ALL_KINDS = [
    {
        "kind": QuestionKind.SINGLE,
        "text": "Quale servizio rafforzare?",
        "options": ["SAD", "ADI", "Centro diurno"],
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "text": "Quali aree sono prioritarie?",
        "options": ["Anziani", "Disabilità", "Povertà", "Minori"],
        "max_choices": 2,
    },
    {
        "kind": QuestionKind.YES_NO,
        "text": "Approvi la sezione sull'accesso?",
        "section_key": "accesso",
    },
    {
        "kind": QuestionKind.RANKING,
        "text": "Ordina i progetti",
        "options": ["Orti", "Doposcuola", "Trasporto"],
    },
    {"kind": QuestionKind.SCALE, "text": "Quanto è chiara la Carta?"},
]


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Consultazione {n}")
    description = "Una consultazione di prova."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=6))
    electorate = Electorate.CITIZENS
    secrecy = Secrecy.PUBLIC
    results_visibility = ResultsVisibility.LIVE
    quorum_percent = 0
    threshold_percent = 50

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if not create:
            return
        for position, spec in enumerate(ALL_KINDS if extracted is None else extracted):
            question = Question.objects.create(
                consultation=self,
                position=position,
                kind=spec["kind"],
                text=spec["text"],
                max_choices=spec.get("max_choices"),
                section_key=spec.get("section_key", ""),
            )
            Option.objects.bulk_create(
                Option(question=question, position=i, label=label)
                for i, label in enumerate(spec.get("options", []))
            )


__all__ = ["ALL_KINDS", "ConsultationFactory"]
