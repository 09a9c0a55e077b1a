"""Answers of a ballot checked against their questions: pure, no queries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from carta.errors import InvalidInput
from consultations.voting.models import SCALE_VALUES, YES_NO_ANSWERS, Question, QuestionKind


def _invalid(question: Question, message: str) -> InvalidInput:
    return InvalidInput(
        _("Domanda «%(question)s»: %(message)s") % {"question": question.text, "message": message},
        field=f"answers.{question.pk}",
    )


def _as_int(question: Question, value: Any) -> int:
    if isinstance(value, bool):
        raise _invalid(question, _("valore non valido."))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid(question, _("valore non valido.")) from None


def validate_answers(questions: list[Question], answers: Any) -> dict[str, Any]:
    """Check every answer against its question; return them in canonical form.

    Raises ``InvalidInput`` naming the first question at fault (field ``answers.<id>``).
    Options must be prefetched (``selectors.ballot_questions``): no queries.
    """
    if not isinstance(answers, Mapping):
        raise InvalidInput(_("Le risposte devono essere un oggetto."), field="answers")
    known = {str(q.pk) for q in questions}
    unknown = [key for key in answers if str(key) not in known]
    if unknown:
        raise InvalidInput(
            _("Domanda sconosciuta: %(key)s.") % {"key": unknown[0]}, field="answers"
        )
    clean: dict[str, Any] = {}
    for question in questions:
        key = str(question.pk)
        value = answers.get(key, answers.get(question.pk))
        if value is None or value == "" or value == []:
            raise _invalid(question, _("manca la risposta."))
        option_ids = {o.pk for o in question.options.all()}
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            choice = _as_int(question, value)
            if choice not in option_ids:
                raise _invalid(question, _("opzione sconosciuta."))
            clean[key] = choice
        elif kind == QuestionKind.MULTIPLE:
            if not isinstance(value, list):
                value = [value]
            choices = [_as_int(question, v) for v in value]
            if len(set(choices)) != len(choices):
                raise _invalid(question, _("la stessa opzione è indicata più volte."))
            if not set(choices) <= option_ids:
                raise _invalid(question, _("opzione sconosciuta."))
            limit = question.max_choices or len(option_ids)
            if len(choices) > limit:
                raise _invalid(
                    question, _("si possono scegliere al massimo %(n)d opzioni.") % {"n": limit}
                )
            clean[key] = sorted(choices)
        elif kind == QuestionKind.YES_NO:
            if value not in YES_NO_ANSWERS:
                raise _invalid(question, _("la risposta deve essere sì, no o astensione."))
            clean[key] = value
        elif kind == QuestionKind.RANKING:
            if not isinstance(value, list):
                raise _invalid(question, _("l'ordinamento deve essere un elenco di opzioni."))
            order = [_as_int(question, v) for v in value]
            if len(order) != len(option_ids) or set(order) != option_ids:
                raise _invalid(
                    question,
                    _("l'ordinamento deve comprendere ogni opzione una e una sola volta."),
                )
            clean[key] = order
        elif kind == QuestionKind.SCALE:
            score = _as_int(question, value)
            if score not in SCALE_VALUES:
                raise _invalid(question, _("il valore deve essere compreso tra 1 e 5."))
            clean[key] = score
    return clean
