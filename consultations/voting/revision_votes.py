"""The votes on a revision of the Carta, for the Carta's pages and its consultation report.

The charter app may not import this one (``tests/test_layers.py``), so ``VotingConfig.ready``
registers these functions with ``consultations.charter.selectors.register_revision_votes``:
``votes(revision)`` lists the consultations on the revision with their results once the
voting app publishes them (``results.tally_visible``), and ``create_url(user, revision)``
is the page where ``user`` may prepare one.
"""

from __future__ import annotations

from django.urls import reverse

from consultations.charter import selectors as charter_selectors
from consultations.charter.models import RevisionStatus
from consultations.voting import permissions as perms
from consultations.voting import results, selectors
from consultations.voting.models import Consultation


def _rows(consultation: Consultation) -> list[dict] | None:
    """One row per question and electorate, or None while the results are not shown."""
    if not results.tally_visible(consultation):
        return None
    published = results.consultation_results(consultation)
    rows = []
    for entry in published["electorates"]:
        for item in entry["questions"] or []:
            rows.append(
                {
                    "question": item["text"],
                    "electorate": entry["label"],
                    "ballots": entry["ballots"],
                    "options": [
                        {"label": str(o["label"]), "count": o["count"], "percent": o["percent"]}
                        for o in item.get("options", [])
                    ],
                    "approved": item.get("approved"),
                }
            )
    return rows


def votes(revision) -> list[charter_selectors.RevisionVote]:
    """The consultations on ``revision``, oldest first: one query for them with their
    questions and options, plus the results' aggregate for each whose tally is visible."""
    consultations = selectors.prefetch_questions(
        Consultation.objects.filter(revision=revision).order_by("opens_at", "pk")
    )
    return [
        charter_selectors.RevisionVote(
            id=c.pk,
            title=c.title,
            url=c.get_absolute_url(),
            status=c.status.value,
            status_label=str(c.status.label),
            opens_at=c.opens_at,
            closes_at=c.effective_closes_at,
            results_url=reverse("consultation_results", args=[c.pk]),
            results=_rows(c),
        )
        for c in consultations
    ]


def create_url(user, revision) -> str:
    """The page that prepares a vote on ``revision``, for who may (no query)."""
    if revision.status != RevisionStatus.IN_CONSULTATION or not perms.can_put_revision_to_vote(
        user
    ):
        return ""
    return reverse("consultation_on_revision", args=[revision.pk])


def register() -> None:
    charter_selectors.register_revision_votes(votes, create_url)
