"""Platform rules that the Carta sets: a quality commitment marked with ``governs`` gives
the rule its value (first, the complaint answer deadline: "risposta ai reclami entro N
giorni" sets N).

At most one commitment per revision governs a rule, and its target must suit the rule.
Saving a service refuses both (``services.content``); a revision may still hold them
(copied from an older revision, or written before the check), so adoption waits for them
through the readiness registry (``register`` is called by ``CharterConfig.ready``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.charter.models import Direction, GovernedRule, QualityCommitment, Revision
from consultations.charter.readiness import OpenItem, register_open_items

GOVERNED_RULE_CONFLICT = "governed_rule_conflict"


def governing_commitments(revision: Revision | None) -> dict[str, QualityCommitment]:
    """Rule -> the commitment of ``revision`` that governs it, with its service (one
    query). When a revision holds two for one rule (adoption refuses it) the first in
    the Carta's order wins."""
    if revision is None:
        return {}
    found: dict[str, QualityCommitment] = {}
    for commitment in (
        QualityCommitment.objects.filter(service__revision=revision)
        .exclude(governs="")
        .select_related("service", "service__revision")
        .order_by("service__position", "service_id", "position", "id")
    ):
        found.setdefault(commitment.governs, commitment)
    return found


def governed_rule_problem(commitment: QualityCommitment) -> str:
    """Why ``commitment`` cannot set the rule it is marked as governing ("" when it can).
    The complaint answer deadline is the target, a whole positive number of days, as a
    maximum."""
    if commitment.governs != GovernedRule.COMPLAINT_DEADLINE:
        return ""
    value = commitment.target_value
    if (
        commitment.direction != Direction.AT_MOST
        or value is None
        or value != value.to_integral_value()
        or not 0 < value <= 365
    ):
        return _(
            "L'impegno «%(indicator)s» fissa il termine di risposta ai reclami: il suo valore "
            "obiettivo deve essere «al massimo» un numero intero di giorni, da 1 a 365."
        ) % {"indicator": commitment.indicator}
    return ""


def complaint_deadline_days(commitment: QualityCommitment | None) -> int | None:
    """The days the commitment gives complaints to be answered, or None when it gives
    none usable (not a whole positive number of days as a maximum)."""
    if commitment is None or commitment.governs != GovernedRule.COMPLAINT_DEADLINE:
        return None
    if governed_rule_problem(commitment):
        return None
    return int(commitment.target_value)


def open_items(revision: Revision) -> list[OpenItem]:
    """One item per rule governed by more than one commitment, and per commitment whose
    target does not suit its rule (one query)."""
    by_rule: dict[str, list[QualityCommitment]] = {}
    for commitment in (
        QualityCommitment.objects.filter(service__revision=revision)
        .exclude(governs="")
        .select_related("service")
        .order_by("service__position", "service_id", "position", "id")
    ):
        by_rule.setdefault(commitment.governs, []).append(commitment)
    items = []
    for rule, commitments in by_rule.items():
        label = GovernedRule(rule).label if rule in GovernedRule.values else rule
        url = f"{revision.get_absolute_url()}#servizio-{commitments[0].service.key}"
        if len(commitments) > 1:
            items.append(
                OpenItem(
                    GOVERNED_RULE_CONFLICT,
                    commitments[1].pk,
                    _("La regola «%(rule)s» è fissata da %(n)s impegni: %(names)s")
                    % {
                        "rule": label,
                        "n": len(commitments),
                        "names": ", ".join(
                            f"{c.service.title} – {c.indicator}" for c in commitments
                        ),
                    },
                    url,
                )
            )
        for commitment in commitments:
            problem = governed_rule_problem(commitment)
            if problem:
                items.append(OpenItem(GOVERNED_RULE_CONFLICT, commitment.pk, problem, url))
    return items


def _describe(n: int) -> str:
    return ngettext(
        "%(n)s impegno da correggere nelle regole fissate dalla Carta",
        "%(n)s impegni da correggere nelle regole fissate dalla Carta",
        n,
    ) % {"n": n}


def register() -> None:
    register_open_items(GOVERNED_RULE_CONFLICT, open_items, _describe)
