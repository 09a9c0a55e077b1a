"""The consultation builder's state: the questions and options typed on the page, the
actions of its buttons (add, remove, move), the ballot's preview, and the reads the page
needs (published proposals to link, and what a consultation is about).

The page works without JavaScript: every button of the builder submits the whole form,
``apply_action`` changes the typed questions and the page comes back with them, nothing
saved. With JavaScript, htmx sends the same request and swaps only the questions.
The forms themselves are in ``consultations.voting.forms`` (``ConsultationBuilder``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from consultations.voting.models import Consultation, Option, QuestionKind
from proposals.models import Proposal
from proposals.permissions import proposals_visible_to

# Bounds of one page: a larger form is refused by the formsets, never read further.
MAX_QUESTIONS = 30
MAX_OPTIONS = 30
KINDS_WITH_OPTIONS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)
QUESTION_FIELDS = ("text", "kind", "max_choices", "help_text", "section_key")
OPTION_FIELDS = ("label", "description", "proposal")
SEARCH_LIMIT = 10


def new_option() -> dict[str, str]:
    return dict.fromkeys(OPTION_FIELDS, "")


def new_question() -> dict[str, Any]:
    question: dict[str, Any] = dict.fromkeys(QUESTION_FIELDS, "")
    question["kind"] = QuestionKind.SINGLE
    question["options"] = [new_option(), new_option()]
    return question


def proposal_text(proposal: Proposal | None) -> str:
    """How a linked proposal is written in its field: its number, then its title; a
    proposal hidden since it was linked by its kind and number only (the Carta's editors
    may not read hidden proposals)."""
    if proposal is None:
        return ""
    name = proposal.neutral_label() if proposal.is_hidden else proposal.title
    return f"{proposal.pk} — {name}"


def state_of(consultation: Consultation) -> list[dict[str, Any]]:
    """A saved consultation's questions as the builder types them. Two queries (questions,
    options with their proposals), fewer when already prefetched."""
    state = []
    options_of: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question__consultation=consultation).select_related(
        "proposal"
    ):
        options_of.setdefault(option.question_id, []).append(option)
    for question in consultation.questions.order_by("position", "id"):
        state.append(
            {
                "text": question.text,
                "kind": question.kind,
                "max_choices": "" if question.max_choices is None else str(question.max_choices),
                "help_text": question.help_text,
                "section_key": question.section_key,
                "options": [
                    {
                        "label": o.label,
                        "description": o.description,
                        "proposal": proposal_text(o.proposal),
                    }
                    for o in options_of.get(question.pk, [])
                ],
            }
        )
    return state


def _count(data, name: str, limit: int) -> int:
    try:
        return max(0, min(int(data.get(name, 0)), limit))
    except (TypeError, ValueError):
        return 0


def state_from_data(data) -> list[dict[str, Any]]:
    """The questions as typed in a submitted builder (prefixes ``q-<i>-`` and
    ``q-<i>-o-<j>-``), at most ``MAX_QUESTIONS`` of ``MAX_OPTIONS`` options each."""
    state = []
    for i in range(_count(data, "q-TOTAL_FORMS", MAX_QUESTIONS)):
        question = {name: str(data.get(f"q-{i}-{name}", "")) for name in QUESTION_FIELDS}
        question["options"] = [
            {name: str(data.get(f"q-{i}-o-{j}-{name}", "")) for name in OPTION_FIELDS}
            for j in range(_count(data, f"q-{i}-o-TOTAL_FORMS", MAX_OPTIONS))
        ]
        state.append(question)
    return state


@dataclass
class Outcome:
    """The questions after an action, and the element to give the focus to (its id)."""

    questions: list[dict[str, Any]]
    focus: str = ""
    message: str = ""


ACTION = re.compile(
    r"^(add-question|remove-question|question-up|question-down|add-option|remove-option|"
    r"option-up|option-down)(?::(\d{1,3}))?(?::(\d{1,3}))?$"
)


def is_action(value: str) -> bool:
    return bool(ACTION.match(value or ""))


def _swap(items: list, a: int, b: int) -> bool:
    if 0 <= a < len(items) and 0 <= b < len(items):
        items[a], items[b] = items[b], items[a]
        return True
    return False


def apply_action(questions: list[dict[str, Any]], action: str) -> Outcome:
    """Apply one button of the builder to the typed questions. An action that names no
    existing question or option changes nothing."""
    match = ACTION.match(action or "")
    if match is None:
        return Outcome(questions)
    verb = match[1]
    i = int(match[2]) if match[2] is not None else -1
    j = int(match[3]) if match[3] is not None else -1
    if verb == "add-question":
        if len(questions) < MAX_QUESTIONS:
            questions.append(new_question())
        return Outcome(questions, focus=f"id_q-{len(questions) - 1}-text")
    if not 0 <= i < len(questions):
        return Outcome(questions)
    options = questions[i]["options"]
    if verb == "remove-question":
        del questions[i]
        return Outcome(questions, focus="aggiungi-domanda")
    if verb in ("question-up", "question-down"):
        target = i - 1 if verb == "question-up" else i + 1
        if _swap(questions, i, target):
            return Outcome(questions, focus=f"domanda-{target}")
        return Outcome(questions, focus=f"domanda-{i}")
    if verb == "add-option":
        if len(options) < MAX_OPTIONS:
            options.append(new_option())
        return Outcome(questions, focus=f"id_q-{i}-o-{len(options) - 1}-label")
    if not 0 <= j < len(options):
        return Outcome(questions)
    if verb == "remove-option":
        del options[j]
        return Outcome(questions, focus=f"aggiungi-opzione-{i}")
    target = j - 1 if verb == "option-up" else j + 1
    if _swap(options, j, target):
        return Outcome(questions, focus=f"id_q-{i}-o-{target}-label")
    return Outcome(questions, focus=f"id_q-{i}-o-{j}-label")


# --- The preview: the ballot built from questions not yet saved ---------------------------


class _Options(list):
    """A list that answers ``.all()``, as a question's related manager does."""

    def all(self):
        return self


@dataclass
class PreviewOption:
    pk: int
    label: str
    description: str = ""
    proposal: Proposal | None = None


@dataclass
class PreviewQuestion:
    pk: int
    kind: str
    text: str
    help_text: str = ""
    max_choices: int | None = None
    options: _Options = field(default_factory=_Options)


def preview_questions(questions: list[dict[str, Any]]) -> list[PreviewQuestion]:
    """The cleaned questions (``ConsultationBuilder.questions_data``) as the ballot form
    reads saved ones: numbered from 1, options numbered across the ballot."""
    preview = []
    number = 0
    for position, spec in enumerate(questions, start=1):
        options = _Options()
        for option in spec.get("options", []):
            number += 1
            options.append(
                PreviewOption(
                    pk=number,
                    label=option["label"],
                    description=option.get("description", ""),
                    proposal=option.get("proposal"),
                )
            )
        preview.append(
            PreviewQuestion(
                pk=position,
                kind=spec["kind"],
                text=spec["text"],
                help_text=spec.get("help_text", ""),
                max_choices=spec.get("max_choices"),
                options=options,
            )
        )
    return preview


# --- Reads ---------------------------------------------------------------------------------


def linkable_proposals() -> QuerySet[Proposal]:
    """The proposals an option may stand for: those anyone may read (published, under
    evaluation, decided; not hidden)."""
    return proposals_visible_to(AnonymousUser())


NUMBER = re.compile(r"^\s*(?:n\.\s*|#)?(\d{1,9})(?:\s|$|—|-)")


def search_proposals(text: str) -> list[Proposal]:
    """At most ``SEARCH_LIMIT`` linkable proposals for what was typed: the one with that
    number when it starts with one, else those whose title contains it. One query."""
    text = (text or "").strip()
    if not text:
        return []
    queryset = linkable_proposals().only("pk", "title")
    match = NUMBER.match(text)
    if match:
        return list(queryset.filter(pk=int(match[1])))
    return list(queryset.filter(title__icontains=text).order_by("title", "id")[:SEARCH_LIMIT])


def subject_proposals(user, consultation: Consultation) -> list[Proposal]:
    """The proposals the consultation's options stand for, that ``user`` may read, in the
    order of the ballot. One query."""
    linked = Option.objects.filter(
        question__consultation=consultation, proposal__isnull=False
    ).values("proposal")
    proposals = {p.pk: p for p in proposals_visible_to(user).filter(pk__in=linked)}
    if not proposals:
        return []
    # The ballot's order, read from the options already prefetched with the questions.
    ordered: list[Proposal] = []
    for question in consultation.questions.all():
        for option in question.options.all():
            proposal = proposals.get(option.proposal_id)
            if proposal is not None and proposal not in ordered:
                ordered.append(proposal)
    return ordered + [p for p in proposals.values() if p not in ordered]
