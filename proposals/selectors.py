"""Reads of the proposals app, already filtered by who is asking.

Visibility is one ``WHERE`` built by ``visibility_filter``:

* published, under evaluation, accepted, and rejected after publication: everyone;
* submitted: also staff of the Ambito;
* draft, withdrawn, changes requested, rejected before publication: only members of the
  lead organization and of accepted partners, plus the representatives of invited
  partners (they must read it to decide);
* hidden by moderation: only members of those organizations and moderators.

Administrators see everything. Lists cost a fixed number of queries whatever their
length: the visibility check is ``Exists`` subqueries, related rows come by
``select_related`` and ``prefetch_related``, counts by subqueries.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from carta.errors import NotAllowed, NotFound
from carta.permissions import is_administrator, is_staff_member
from carta.search import full_text
from proposals import permissions as perms
from proposals.models import (
    Endorsement,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalComment,
    ProposalTransition,
    ProposalVersion,
)
from proposals.states import PUBLIC_STATES, ProposalState
from stakeholders.models import Membership, Role

S = ProposalState


def public_filter() -> Q:
    return Q(state__in=PUBLIC_STATES) | Q(state=S.REJECTED, published_at__isnull=False)


def _insider_filter(user) -> Q:
    """The user belongs to the lead organization or an accepted partner, or represents an
    invited partner."""
    memberships = Membership.objects.filter(user=user)
    lead = Exists(memberships.filter(organization=OuterRef("organization")))
    partner = Exists(
        Partnership.objects.filter(
            proposal=OuterRef("pk"),
            status=PartnershipStatus.ACCEPTED,
            organization__in=memberships.values("organization"),
        )
    )
    invited = Exists(
        Partnership.objects.filter(
            proposal=OuterRef("pk"),
            status=PartnershipStatus.INVITED,
            organization__in=memberships.filter(role=Role.REPRESENTATIVE).values("organization"),
        )
    )
    return Q(lead) | Q(partner) | Q(invited)


def visibility_filter(user) -> Q | None:
    """The ``WHERE`` of what ``user`` may see; None for everything (administrators).
    Costs the staff checks only (one query each at most, cached on the user)."""
    if is_administrator(user):
        return None
    not_hidden = Q(hidden_at__isnull=True)
    if not getattr(user, "is_authenticated", False):
        return public_filter() & not_hidden
    seen_by_staff = public_filter() | Q(state=S.SUBMITTED)
    if perms.is_moderator(user):
        visible = seen_by_staff
    elif is_staff_member(user):
        visible = seen_by_staff & not_hidden
    else:
        visible = public_filter() & not_hidden
    return visible | _insider_filter(user)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Every proposal ``user`` may see, hidden ones included for moderators and insiders."""
    condition = visibility_filter(user)
    queryset = Proposal.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def _search(queryset: QuerySet, q: str) -> QuerySet:
    return full_text(queryset, q, ("title", "summary", "body"))


def _count(model, **filters):
    rows = (
        model.objects.filter(proposal=OuterRef("pk"), **filters)
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def proposal_list(
    user,
    *,
    state: str = "",
    area: str = "",
    organization: int | str | None = None,
    q: str = "",
) -> QuerySet[Proposal]:
    """The list: visible proposals narrowed by the filters, with the lead organization,
    accepted partners and counts of endorsements and visible comments.

    Costs: the staff checks (at most two queries, cached on the user), the rows, one
    prefetch of partnerships (plus a paginator's COUNT).
    """
    queryset = _search(proposals_visible_to(user), q)
    if state:
        queryset = queryset.filter(state=state)
    if area:
        queryset = queryset.filter(area=area)
    if organization:
        queryset = queryset.filter(
            Q(organization_id=organization)
            | Q(
                partnerships__organization_id=organization,
                partnerships__status=PartnershipStatus.ACCEPTED,
            )
        ).distinct()
    return (
        queryset.select_related("organization")
        .annotate(
            endorsement_count=_count(Endorsement),
            comment_count=_count(ProposalComment, hidden_at__isnull=True),
        )
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("organization"),
            )
        )
        .order_by("-created_at", "-id")
    )


def get_proposal_for(user, pk, *, perm=None, lock: bool = False) -> Proposal:
    """The proposal ``pk`` if ``user`` may see it, else ``NotFound`` (404); with ``perm``,
    a predicate ``(user, proposal) -> bool`` that must hold, else ``NotAllowed`` (403).
    With ``lock`` the row is locked for the caller's transaction."""
    queryset = proposals_visible_to(user).select_related("organization")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        proposal = queryset.get(pk=pk)
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Proposta non trovata.")) from None
    if perm is not None and not perm(user, proposal):
        raise NotAllowed()
    return proposal


def can_view(user, proposal: Proposal) -> bool:
    """One query."""
    return proposals_visible_to(user).filter(pk=proposal.pk).exists()


def partnerships_of(proposal: Proposal) -> QuerySet[Partnership]:
    return proposal.partnerships.select_related("organization").order_by("created_at", "id")


def transitions_of(proposal: Proposal) -> QuerySet[ProposalTransition]:
    return proposal.transitions.select_related("actor")


def versions_of(proposal: Proposal) -> QuerySet[ProposalVersion]:
    return proposal.versions.select_related("created_by").order_by("number")


def get_version(proposal: Proposal, number) -> ProposalVersion:
    try:
        return proposal.versions.get(number=int(number))
    except (ProposalVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Versione non trovata.")) from None


def can_see_hidden_comment(user, comment: ProposalComment) -> bool:
    return perms.is_moderator(user) or (
        getattr(user, "is_authenticated", False) and comment.author_id == user.pk
    )


def comments_of(proposal: Proposal) -> QuerySet[ProposalComment]:
    """Every comment of a proposal the caller already may see, hidden ones included:
    pages and the API show a hidden comment's reason in its place, never its text
    (``redact``). One query."""
    return proposal.comments.select_related("author", "organization").order_by("created_at", "id")


def comments_visible_to(user) -> QuerySet[ProposalComment]:
    """Comments whose proposal ``user`` may see; hidden ones only for moderators and
    their author (the flagging service looks objects up here)."""
    queryset = ProposalComment.objects.filter(proposal__in=proposals_visible_to(user))
    if perms.is_moderator(user):
        return queryset
    shown = Q(hidden_at__isnull=True)
    if getattr(user, "is_authenticated", False):
        shown |= Q(author=user)
    return queryset.filter(shown)


def thread(comments) -> list[tuple[ProposalComment, int]]:
    """Comments in reading order with their depth (replies under their parent)."""
    children: dict[int | None, list] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    ordered: list[tuple[ProposalComment, int]] = []

    def walk(parent_id, depth):
        for comment in children.get(parent_id, []):
            ordered.append((comment, depth))
            walk(comment.pk, min(depth + 1, 4))

    walk(None, 0)
    return ordered


def endorsements_of(proposal: Proposal) -> QuerySet[Endorsement]:
    return proposal.endorsements.select_related("user", "organization")


def submitted_proposals(user) -> QuerySet[Proposal]:
    """The moderation queue: submitted proposals, oldest first (moderators only)."""
    if not perms.is_moderator(user):
        raise NotAllowed()
    return (
        Proposal.objects.filter(state=S.SUBMITTED)
        .select_related("organization")
        .order_by("submitted_at", "id")
    )


def proposals_to_evaluate(user) -> QuerySet[Proposal]:
    """The evaluation page: published and under evaluation (evaluators only)."""
    if not perms.is_evaluator(user):
        raise NotAllowed()
    return (
        Proposal.objects.filter(state__in=[S.PUBLISHED, S.UNDER_EVALUATION])
        .select_related("organization")
        .annotate(endorsement_count=_count(Endorsement))
        .order_by("state", "published_at", "id")
    )


def endorsement_summary(user, proposal: Proposal) -> dict:
    """Count of endorsements and whether the user endorsed personally (two queries)."""
    endorsements = proposal.endorsements
    mine = (
        endorsements.filter(user=user, organization__isnull=True).exists()
        if getattr(user, "is_authenticated", False)
        else False
    )
    return {"count": endorsements.count(), "mine": mine}
