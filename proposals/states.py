"""The proposal lifecycle, declared once: states, transitions, and who may make each.

``TRANSITIONS`` maps an action to the states it leaves from and, for each of them, the
roles that may take it there. Services read this table and nothing else to decide
whether a transition is possible (409 naming the current state when it is not) and who
may make it (403). ``docs/permissions-proposals.md`` describes the same table.

Roles, relative to one proposal:

* ``authors``: people who write for the lead organization or for an accepted partner
  (representatives and editors, ``stakeholders.permissions.can_write_for``);
* ``moderators``: staff holding ``proposals.moderate_proposal`` (the moderators group);
  they check a submitted proposal before it is published;
* ``evaluators``: staff holding ``proposals.evaluate_proposal`` (the Carta editors group
  of the Ufficio di Piano); they judge a published proposal on its merits. Moderators do
  not evaluate: the check of form and rules stays apart from the decision on merit.

Administrators hold every role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Presentata")
    PUBLISHED = "published", _("Pubblicata")
    UNDER_EVALUATION = "under_evaluation", _("In valutazione")
    CHANGES_REQUESTED = "changes_requested", _("Modifiche richieste")
    ACCEPTED = "accepted", _("Accolta")
    REJECTED = "rejected", _("Respinta")
    WITHDRAWN = "withdrawn", _("Ritirata")


class Role(models.TextChoices):
    AUTHORS = "authors", _("Autori")
    MODERATORS = "moderators", _("Moderatori")
    EVALUATORS = "evaluators", _("Valutatori")


S = ProposalState
AUTHORS, MODERATORS, EVALUATORS = Role.AUTHORS, Role.MODERATORS, Role.EVALUATORS


@dataclass(frozen=True)
class Transition:
    action: str
    target: ProposalState
    sources: dict[ProposalState, frozenset[Role]]
    reason_required: bool = False
    label: str = ""

    @property
    def roles(self) -> frozenset[Role]:
        """Every role that may take this action from some state."""
        return frozenset().union(*self.sources.values())


def _t(action, target, sources, *, reason=False, label=""):
    return Transition(
        action,
        target,
        {state: frozenset(roles) for state, roles in sources.items()},
        reason,
        label,
    )


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", S.SUBMITTED, {S.DRAFT: {AUTHORS}}, label=_("Presenta")),
        _t("resubmit", S.SUBMITTED, {S.CHANGES_REQUESTED: {AUTHORS}}, label=_("Ripresenta")),
        _t(
            "publish",
            S.PUBLISHED,
            {S.SUBMITTED: {MODERATORS}},
            label=pgettext_lazy("azione sulla proposta", "Pubblica"),
        ),
        _t(
            "start_evaluation",
            S.UNDER_EVALUATION,
            {S.PUBLISHED: {EVALUATORS}},
            label=_("Avvia la valutazione"),
        ),
        _t(
            "request_changes",
            S.CHANGES_REQUESTED,
            {
                S.SUBMITTED: {MODERATORS},
                S.PUBLISHED: {EVALUATORS},
                S.UNDER_EVALUATION: {EVALUATORS},
            },
            reason=True,
            label=_("Chiedi modifiche"),
        ),
        _t("accept", S.ACCEPTED, {S.UNDER_EVALUATION: {EVALUATORS}}, label=_("Accogli")),
        _t(
            "reject",
            S.REJECTED,
            {S.SUBMITTED: {MODERATORS}, S.UNDER_EVALUATION: {EVALUATORS}},
            reason=True,
            label=_("Respingi"),
        ),
        _t(
            "withdraw",
            S.WITHDRAWN,
            {
                state: {AUTHORS}
                for state in (
                    S.DRAFT,
                    S.SUBMITTED,
                    S.PUBLISHED,
                    S.UNDER_EVALUATION,
                    S.CHANGES_REQUESTED,
                )
            },
            label=_("Ritira"),
        ),
    ]
}

# The proposal is with its authors: only then may its text, partners and resources change.
EDITABLE_STATES = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# Seen by everyone (a rejected proposal only if it had been published: see selectors).
PUBLIC_STATES = frozenset({S.PUBLISHED, S.UNDER_EVALUATION, S.ACCEPTED})
# The public phase: comments, endorsements, requests to join as partner.
OPEN_STATES = frozenset({S.PUBLISHED, S.UNDER_EVALUATION})
FINAL_STATES = frozenset({S.ACCEPTED, S.REJECTED, S.WITHDRAWN})
