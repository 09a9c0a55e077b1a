"""Fixtures of the voting tests: consultations with one question of every kind, and a
valid ballot for them."""

import pytest

from consultations.voting.models import QuestionKind
from tests.factories import ConsultationFactory


def valid_answers(consultation) -> dict:
    """A valid ballot: first option, first two, yes, options in order, 4."""
    answers = {}
    for question in consultation.questions.prefetch_related("options"):
        ids = [o.pk for o in question.options.all()]
        answers[str(question.pk)] = {
            QuestionKind.SINGLE: ids[:1] and ids[0],
            QuestionKind.MULTIPLE: ids[:2],
            QuestionKind.YES_NO: "yes",
            QuestionKind.RANKING: ids,
            QuestionKind.SCALE: 4,
        }[question.kind]
    return answers


@pytest.fixture
def answers_for():
    return valid_answers


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def org_consultation(db):
    return ConsultationFactory(electorate="organizations")


@pytest.fixture
def secret_consultation(db):
    return ConsultationFactory(secrecy="secret")
