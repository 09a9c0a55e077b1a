"""Factories of the voting app. ``ConsultationFactory(questions=[...])`` builds questions
from the same specs the service takes; ``open_consultation`` is the common case.

The factory's consultations ask citizens for a verified email (``identity_required``
"email"), unlike the model, whose default is SPID/CIE: the people of most tests vote with
a verified address. Tests of the SPID/CIE rule say ``identity_required="spid_cie"`` and give
their voters an identity (``give_identity``)."""

import datetime

import factory
from django.utils import timezone

from carta.models import Identity
from consultations.voting.models import (
    Consultation,
    Electorate,
    IdentityRequirement,
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
    identity_required = IdentityRequirement.EMAIL
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


def give_identity(user, fiscal_code: str = "RSSMRA80A01H501U", provider: str = "spid"):
    """Link a SPID/CIE identity to ``user``, as a sign-in through a gateway would."""
    identity = Identity.objects.create(
        user=user,
        fiscal_code=fiscal_code,
        provider=provider,
        level=2,
        acr="https://www.spid.gov.it/SpidL2",
        verified_at=timezone.now(),
    )
    user.identity = identity  # what ``carta.identity.identity_of`` reads, kept in step
    return identity


__all__ = ["ALL_KINDS", "ConsultationFactory", "give_identity"]
