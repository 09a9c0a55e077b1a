"""Who may do what with the Carta: the one place that answers it.

Editing is the global permission ``consultations.edit_carta``, which a data migration
gives the ``carta_editors`` group (administrators hold every permission). Everything else
is computed from the revision's state: revisions in consultation, in force and superseded
are public; a draft is seen by the editors and, once shared for review, by the members of
the verified organizations of the network. Acting in an organization's name is the
organization's own permission (``stakeholders.permissions.can_comment_for``).

The table is ``docs/permissions-carta.md``; ``tests/test_permission_matrix.py`` of this
app checks these predicates against it.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils import timezone

from carta.moderation import can_moderate
from carta.permissions import is_signed_in
from consultations.charter.models import (
    PUBLIC_STATUSES,
    Amendment,
    Comment,
    Revision,
    RevisionStatus,
)
from stakeholders import permissions as org_perms

EDIT_CARTA = "consultations.edit_carta"

__all__ = [
    "EDIT_CARTA",
    "amendments_visible_to",
    "can_act_for",
    "can_decide",
    "can_edit_carta",
    "can_moderate",
    "can_participate",
    "can_view_revision",
    "carta_editors",
    "comments_visible_to",
    "consultation_phase",
    "contributions_close_at",
    "end_of_day",
    "organizations_user_can_act_for",
    "revisions_visible_to",
    "with_texts_readable_by",
]


def can_edit_carta(user) -> bool:
    """Create and edit drafts, share them, open consultations, adopt, import."""
    return is_signed_in(user) and user.has_perm(EDIT_CARTA)


# Recording outcomes of comments and deciding amendments belong to the same editors.
can_decide = can_edit_carta


def _network_member(user) -> bool:
    cached = getattr(user, "_carta_network_member", None)
    if cached is None:
        cached = org_perms.is_network_member(user)
        if is_signed_in(user):
            user._carta_network_member = cached
    return cached


def revisions_visible_to(user) -> QuerySet[Revision]:
    """The revisions the user may read (no query until evaluated, then one, plus at most
    one to learn whether the user belongs to the network)."""
    queryset = Revision.objects.all()
    if can_edit_carta(user):
        return queryset
    visible = Q(status__in=PUBLIC_STATUSES)
    if _network_member(user):
        visible |= Q(status=RevisionStatus.DRAFT, shared_with_network_at__isnull=False)
    return queryset.filter(visible)


def comments_visible_to(user) -> QuerySet[Comment]:
    """The comments of the revisions the user may read (a hidden comment is listed, its
    texts are not shown: see ``with_texts_readable_by``)."""
    return Comment.objects.filter(revision__in=revisions_visible_to(user))


def amendments_visible_to(user) -> QuerySet[Amendment]:
    """The amendments of the revisions the user may read."""
    return Amendment.objects.filter(revision__in=revisions_visible_to(user))


def can_view_revision(user, revision: Revision) -> bool:
    """``revisions_visible_to`` for one revision (one query)."""
    return revisions_visible_to(user).filter(pk=revision.pk).exists()


def with_texts_readable_by(user, queryset: QuerySet) -> QuerySet:
    """Comments or amendments annotated with ``can_read_texts``: whether ``user`` may read
    what their author wrote and what the editors answered (body, quote, proposed text and
    values, rationale, outcome or decision reason). A hidden one's texts are kept for its
    author and the moderators; ``user=None`` is the public (the consultation report).
    Computed in the query: no query of its own."""
    if can_moderate(user):
        return queryset.annotate(can_read_texts=Value(True))
    readable = Q(hidden_at__isnull=True)
    if is_signed_in(user):
        readable |= Q(author=user)
    return queryset.annotate(
        can_read_texts=ExpressionWrapper(readable, output_field=BooleanField())
    )


def can_participate(user, revision: Revision) -> bool:
    """Comment on, amend and support amendments of a revision the user can see.

    A revision in consultation is open to every registered person; a draft only to the
    editors and, once shared, to the network. Adopted and superseded revisions are closed
    (services answer 409 for them, not 403).
    """
    if not is_signed_in(user):
        return False
    if revision.status == RevisionStatus.IN_CONSULTATION:
        return True
    if revision.status == RevisionStatus.DRAFT:
        return can_view_revision(user, revision)
    return False


# The consultation phase of a revision in consultation, computed from the clock and its
# dates (never stored): ``OPEN`` for everybody (also when no closing date was set, as for
# revisions opened before the dates existed: they stay open until adopted),
# ``ORGANIZATIONS`` once the general date has passed but the organizations' later date
# has not, ``CLOSED`` after both; ``NOT_IN_CONSULTATION`` for every other state.
PHASE_NOT_IN_CONSULTATION = ""
PHASE_OPEN = "open"
PHASE_ORGANIZATIONS = "organizations"
PHASE_CLOSED = "closed"


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in the Ambito's time zone: a closing date "8 ottobre"
    means contributions are accepted all through that day."""
    return timezone.make_aware(datetime.combine(day, time.max))


def contributions_close_at(revision: Revision, *, organization: bool) -> datetime | None:
    """When the consultation closes for a person (``organization=False``) or for a
    contribution in an organization's name; None when no closing date is set."""
    closes = revision.consultation_closes_at
    if organization and revision.organizations_close_at and closes:
        return max(closes, revision.organizations_close_at)
    return closes


def consultation_phase(revision: Revision, now: datetime | None = None) -> str:
    """The phase of ``revision`` (one of the ``PHASE_*`` values); no query."""
    if revision.status != RevisionStatus.IN_CONSULTATION:
        return PHASE_NOT_IN_CONSULTATION
    now = now or timezone.now()
    closes = revision.consultation_closes_at
    if closes is None or now <= closes:
        return PHASE_OPEN
    organizations = contributions_close_at(revision, organization=True)
    if organizations is not None and now <= organizations:
        return PHASE_ORGANIZATIONS
    return PHASE_CLOSED


def carta_editors() -> QuerySet:
    """The active accounts that hold ``EDIT_CARTA`` (administrators and the editors' group),
    for the notices the editors receive."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True) | Q(groups__permissions__codename="edit_carta"), is_active=True
        )
        .distinct()
    )


def can_act_for(user, organization) -> bool:
    """Comment, amend or support in the organization's name."""
    return is_signed_in(user) and org_perms.can_comment_for(user, organization)


def organizations_user_can_act_for(user) -> QuerySet:
    from stakeholders.models import OrganizationStatus

    return org_perms.organizations_user_can(user, org_perms.COMMENT).filter(
        status=OrganizationStatus.VERIFIED
    )
