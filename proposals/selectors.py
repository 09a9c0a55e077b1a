"""Reads of the proposals app, already filtered by who is asking: every read starts
from ``proposals.permissions.proposals_visible_to`` (the one ``WHERE`` of visibility).

Lists cost a fixed number of queries whatever their length: the visibility check is
``Exists`` subqueries, related rows come by ``select_related`` and ``prefetch_related``,
counts by subqueries.
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

from carta import search
from carta.errors import NotAllowed, NotFound
from carta.permissions import is_signed_in
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
from proposals.states import OPEN_STATES, ProposalState
from stakeholders import permissions as org_perms
from stakeholders.models import Organization, OrganizationStatus, Resource

S = ProposalState


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
    prefetch of partnerships (plus a paginator's COUNT); with ``q`` on PostgreSQL, one
    limited COUNT that decides whether to rank (``carta.search.ranked``).
    """
    queryset = full_text(
        perms.proposals_visible_to(user),
        q,
        ("title", "summary", "body"),
        vector="search_vector",
        rank=True,
    )
    if state:
        queryset = queryset.filter(state=state)
    if area:
        queryset = queryset.filter(area=area)
    if organization:
        queryset = queryset.filter(_led_or_partnered_by(organization))
    ranked = search.ranked(queryset, q)
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
        # The best matches first when searching a few of them (``search_rank`` is 0
        # otherwise); the newest first past ``search.RANK_LIMIT`` matches.
        .order_by(*(("-search_rank",) if ranked else ()), "-created_at", "-id")
    )


# A name filter that matches more organizations than this is checked row by row.
NAMED_LIMIT = 1000


def _led_or_partnered_by(value: int | str) -> Q:
    """Proposals led by, or with an accepted partnership of, the organizations the filter
    names (an id, or a part of the name). The lead organizations' ids and the partnered
    proposals' ids are read first, at most ``NAMED_LIMIT`` + 1 of each (two queries; one
    for an id), whatever the data: a few are then looked up in the proposals' indexes; a
    name most organizations share ("bulk", "associazione") is checked on each row instead,
    in the list's order, which stops at the page, rather than collecting every matching
    organization for every request."""
    by_id = isinstance(value, int) or str(value).isdigit()
    name = str(value).strip()
    if by_id:
        lead = Q(organization_id=int(value))
    else:
        ids = list(_organizations_named(value).values_list("pk", flat=True)[: NAMED_LIMIT + 1])
        lead = (
            Q(organization_id__in=ids)
            if len(ids) <= NAMED_LIMIT
            else Q(organization__status=OrganizationStatus.VERIFIED)
            & Q(organization__legal_name__icontains=name)
        )
    partnerships = Partnership.objects.filter(status=PartnershipStatus.ACCEPTED)
    partnerships = (
        partnerships.filter(organization_id=int(value))
        if by_id
        else partnerships.filter(
            organization__status=OrganizationStatus.VERIFIED,
            organization__legal_name__icontains=name,
        )
    )
    partnered = list(partnerships.values_list("proposal_id", flat=True)[: NAMED_LIMIT + 1])
    if len(partnered) <= NAMED_LIMIT:
        return lead | Q(pk__in=partnered)
    return lead | Q(Exists(partnerships.filter(proposal=OuterRef("pk"))))


def _organizations_named(value: int | str) -> QuerySet:
    """The organizations a filter names: by id (links from an organization's page, the
    API) or by a part of the name, as typed in the list's search form."""
    if isinstance(value, int) or str(value).isdigit():
        return Organization.objects.filter(pk=int(value)).values("pk")
    return Organization.objects.filter(
        status=OrganizationStatus.VERIFIED, legal_name__icontains=str(value).strip()
    ).values("pk")


def get_proposal_for(user, pk, *, perm=None, lock: bool = False) -> Proposal:
    """The proposal ``pk`` if ``user`` may see it, else ``NotFound`` (404); with ``perm``,
    a predicate ``(user, proposal) -> bool`` that must hold, else ``NotAllowed`` (403).
    With ``lock`` the row is locked for the caller's transaction."""
    queryset = perms.proposals_visible_to(user).select_related("organization")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        proposal = queryset.get(pk=pk)
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Proposta non trovata.")) from None
    if perm is not None and not perm(user, proposal):
        raise NotAllowed()
    return proposal


def partnerships_of(proposal: Proposal) -> QuerySet[Partnership]:
    return proposal.partnerships.select_related("organization").order_by("created_at", "id")


def not_invitable(proposal: Proposal, partnerships) -> list[int]:
    """The organizations a lead author is not offered as partners: the lead itself and the
    partners already in or invited (``partnerships``: the proposal's, already read)."""
    return [proposal.organization_id] + [
        p.organization_id for p in partnerships if p.status in ("accepted", "invited")
    ]


def organizations_that_may_ask(
    proposal: Proposal, partnerships, writable: set[int]
) -> QuerySet[Organization] | None:
    """The verified organizations among ``writable`` (the person's, already read) that may
    ask to join ``proposal`` as partner: not linked to it in any way, the proposal open
    and shown. None when there are none to ask for, without a query."""
    linked = {proposal.organization_id} | {p.organization_id for p in partnerships}
    askable = writable - linked
    if proposal.state not in OPEN_STATES or proposal.is_hidden or not askable:
        return None
    return Organization.objects.filter(pk__in=askable, status=OrganizationStatus.VERIFIED).only(
        "pk", "legal_name"
    )


def resources_shown_to(user) -> QuerySet[Resource]:
    """Resources, with their organization, annotated ``shown``: whether ``user`` may read
    them (``stakeholders.permissions.resources_visible_to``). The proposal's committed
    resources go through it, so that a network-only one read from outside the network is
    shown only as reserved. A subquery per row, no query of its own (as a prefetch, one)."""
    visible = org_perms.resources_visible_to(user).filter(pk=OuterRef("pk"))
    return Resource.objects.select_related("organization").annotate(shown=Exists(visible))


def resources_of(user, proposal: Proposal) -> QuerySet[Resource]:
    """The resources ``proposal`` commits, as ``resources_shown_to`` (one query)."""
    return resources_shown_to(user).filter(proposals=proposal)


def transitions_of(proposal: Proposal) -> QuerySet[ProposalTransition]:
    return proposal.transitions.select_related("actor")


def versions_of(user, proposal: Proposal) -> QuerySet[ProposalVersion]:
    """The versions ``user`` may read, in order: every one for
    ``permissions.can_read_full_history``; for anyone else the version in force when the
    proposal was first published and the later ones (none before a publication). One
    query, plus the history check's."""
    versions = proposal.versions.order_by("number")
    if perms.can_read_full_history(user, proposal):
        return versions
    if proposal.published_at is None:
        return versions.none()
    in_force = (
        proposal.versions.filter(created_at__lte=proposal.published_at)
        .order_by("-number")
        .values("number")[:1]
    )
    return versions.filter(number__gte=Coalesce(Subquery(in_force), Value(0)))


def get_version(user, proposal: Proposal, number) -> ProposalVersion:
    """Version ``number`` among ``versions_of(user, proposal)``, else ``NotFound``."""
    try:
        return versions_of(user, proposal).get(number=int(number))
    except (ProposalVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("Versione non trovata.")) from None


def comments_of(proposal: Proposal) -> QuerySet[ProposalComment]:
    """Every comment of a proposal the caller already may see, hidden ones included:
    pages and the API show a hidden comment's reason in its place, never its text
    (``redact``). One query."""
    return proposal.comments.select_related("author", "organization").order_by("created_at", "id")


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
    """Count of endorsements and whether the user endorsed personally (one query)."""
    if not is_signed_in(user):
        return {"count": proposal.endorsements.count(), "mine": False}
    mine = Q(user=user, organization__isnull=True)
    summary = proposal.endorsements.aggregate(count=Count("pk"), mine=Count("pk", filter=mine))
    return {"count": summary["count"], "mine": summary["mine"] > 0}
