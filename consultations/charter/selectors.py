"""Reads of the Carta, already filtered by who asks; each states its query cost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Prefetch, QuerySet, TextField, Value, When
from django.utils.translation import gettext as _

from carta.errors import InvalidInput, NotAllowed, NotFound
from carta.permissions import is_signed_in
from carta.search import full_text
from consultations.charter import diff as carta_diff
from consultations.charter import permissions as perms
from consultations.charter import readiness as carta_readiness
from consultations.charter.models import (
    Amendment,
    AmendmentStatus,
    AmendmentSupport,
    Comment,
    QualityCommitment,
    Revision,
    RevisionStatus,
    Section,
    Service,
)

# --- Revisions ------------------------------------------------------------------------


def revisions_in_force() -> QuerySet[Revision]:
    """The revision in force as a queryset (``Revision.objects.in_force()``, the one
    definition): adopted and effective. A revision adopted with a later effective date
    is not in it before ``carta_take_effect`` switches it on."""
    return Revision.objects.in_force()


def revision_in_force() -> Revision | None:
    """The revision in force, or None before the first adoption (one query)."""
    return revisions_in_force().first()


def revision_scheduled() -> Revision | None:
    """The revision adopted with an effective date still to come, if any (one query)."""
    return Revision.objects.filter(status=RevisionStatus.SCHEDULED).first()


def revision_in_consultation() -> Revision | None:
    """The newest revision open to public consultation, if any (one query)."""
    return (
        Revision.objects.filter(status=RevisionStatus.IN_CONSULTATION).order_by("-number").first()
    )


def revision_history(revision: Revision) -> list:
    """The audit rows of the revision's lifecycle, oldest first (two queries the first
    time: the content type, then the rows)."""
    from django.contrib.contenttypes.models import ContentType

    from carta.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Revision),
            object_id=str(revision.pk),
            verb__in=[
                "carta.draft_created",
                "carta.imported",
                "carta.draft_shared",
                "carta.consultation_opened",
                "carta.consultation_extended",
                "carta.adopted",
                "carta.took_effect",
            ],
        ).order_by("created_at", "id")
    )


def pact_revision_number() -> int | None:
    """The number of the revision in force, which an applying organization accepts."""
    revision = revision_in_force()
    return revision.number if revision else None


def revision_list(user, *, status: str = "") -> QuerySet[Revision]:
    """Revisions the user may read, newest first (one query, plus one for the network)."""
    queryset = perms.revisions_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("based_on").order_by("-number")


def get_revision_for(user, pk) -> Revision:
    """The revision ``pk`` if the user may read it; ``NotFound`` otherwise (hidden
    drafts are not revealed). One query (plus one for the network)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    revision = perms.revisions_visible_to(user).select_related("based_on").filter(pk=pk).first()
    if revision is None:
        raise NotFound(_("Revisione non trovata."))
    return revision


def lineage_ids(revision: Revision) -> list[int]:
    """The revision and the ones it was copied from, newest first (one query)."""
    parents = dict(Revision.objects.values_list("pk", "based_on_id"))
    chain, current = [], revision.pk
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


# --- Sections and services ------------------------------------------------------------


# What the catalogue's search reads, the name first.
SERVICE_SEARCH_FIELDS = ("title", "purposes", "main_functions", "access_requirements")


@dataclass
class SectionNode:
    section: Section
    depth: int
    number: str
    children: list[SectionNode] = field(default_factory=list)


def section_outline(revision: Revision) -> list[SectionNode]:
    """The sections in document order with their depth and number ("2.1"); one query."""
    sections = list(revision.sections.order_by("position", "id"))
    by_key = {s.key: s for s in sections}
    counters: dict[str, int] = {}
    numbers: dict[str, str] = {}
    depths: dict[str, int] = {}
    out = []
    for section in sections:
        parent = section.parent_key if section.parent_key in by_key else ""
        counters[parent] = counters.get(parent, 0) + 1
        prefix = f"{numbers[parent]}." if parent and parent in numbers else ""
        numbers[section.key] = f"{prefix}{counters[parent]}"
        depths[section.key] = depths.get(parent, -1) + 1 if parent else 0
        out.append(SectionNode(section, depths[section.key], numbers[section.key]))
    return out


def services_of(revision: Revision, *, area: str = "", q: str = "") -> QuerySet[Service]:
    """The catalogue of a revision with commitments and providers: three queries."""
    queryset = (
        revision.services.all()
        .prefetch_related(
            Prefetch("commitments", queryset=QualityCommitment.objects.order_by("position", "id")),
            "provider_organizations",
        )
        .order_by("position", "id")
    )
    if area:
        queryset = queryset.filter(area=area)
    return full_text(queryset, q, SERVICE_SEARCH_FIELDS)


def services_in_force(*, area: str = "", q: str = "") -> QuerySet[Service]:
    """The catalogue of the revision in force (three queries when evaluated)."""
    queryset = Service.objects.filter(revision__in=revisions_in_force()).prefetch_related(
        Prefetch("commitments", queryset=QualityCommitment.objects.order_by("position", "id")),
        "provider_organizations",
    )
    if area:
        queryset = queryset.filter(area=area)
    return full_text(queryset, q, SERVICE_SEARCH_FIELDS).order_by("position", "id")


def get_service_for(user, key: str, *, revision: Revision | None = None) -> Service:
    """A service of ``revision`` (the one in force by default) by key; NotFound if none."""
    if revision is None:
        queryset = Service.objects.filter(revision__in=revisions_in_force())
    else:
        queryset = Service.objects.filter(revision=revision)
    service = (
        queryset.select_related("revision")
        .prefetch_related("commitments", "provider_organizations")
        .filter(key=key)
        .first()
    )
    if service is None:
        raise NotFound(_("Servizio non trovato."))
    return service


def get_catalogue_service_for(user, pk) -> Service:
    """A service, by id, of a revision the user may read; ``NotFound`` otherwise (one
    query, plus two for commitments and providers)."""
    service = (
        Service.objects.filter(revision__in=perms.revisions_visible_to(user), pk=pk)
        .select_related("revision")
        .prefetch_related("commitments", "provider_organizations")
        .first()
    )
    if service is None:
        raise NotFound(_("Servizio non trovato."))
    return service


# --- Snapshots and diffs --------------------------------------------------------------


def _section_item(section: Section) -> dict:
    return {
        "key": section.key,
        "label": section.heading,
        "parent_key": section.parent_key,
        "heading": section.heading,
        "body": section.body,
    }


def _service_item(service: Service) -> dict:
    return {
        "key": service.key,
        "label": service.title,
        "title": service.title,
        "area": service.area,
        **{name: getattr(service, name) for name in Service.TEXT_FIELDS[1:]},
        "providers": sorted(o.legal_name for o in service.provider_organizations.all()),
        "commitments": [
            {
                "key": c.key,
                "label": c.indicator,
                "indicator": c.indicator,
                "direction": c.direction,
                "target_value": f"{c.target_value.normalize():f}",
                "unit": c.unit,
                "how_measured": c.how_measured,
                "governs": c.governs,
                "refund": c.refund,
                "refund_amount": (
                    f"{c.refund_amount.normalize():f}" if c.refund_amount is not None else ""
                ),
            }
            for c in service.commitments.all()
        ],
    }


def snapshot(revision: Revision) -> dict:
    """The revision's content as plain data for ``diff.compare``: four queries."""
    return {
        "sections": [_section_item(s) for s in revision.sections.order_by("position", "id")],
        "services": [_service_item(s) for s in services_of(revision)],
    }


def revision_diff(user, revision: Revision, against) -> tuple[Revision, dict]:
    """``(other, changes)`` from revision ``against`` to ``revision`` (eight queries).

    ``against`` must be a revision the user may read: otherwise 404 like any hidden one;
    a missing or malformed value is an ``InvalidInput`` on ``against``.
    """
    if against in (None, ""):
        raise InvalidInput(_("Indica la revisione da confrontare."), field="against")
    try:
        int(against)
    except (TypeError, ValueError):
        raise InvalidInput(_("Revisione da confrontare non valida."), field="against") from None
    other = get_revision_for(user, against)
    return other, carta_diff.compare(snapshot(other), snapshot(revision))


# --- Votes on a revision (the voting app's, through a registered provider) ------------


@dataclass(frozen=True)
class RevisionVote:
    """A vote (a consultation of the voting app) on a revision, as the Carta's pages and
    report show it. ``results`` is None until the voting app publishes them; otherwise
    one row per question and electorate: ``{"question", "electorate", "options": [{"label",
    "count", "percent"}], "approved"}``."""

    id: int
    title: str
    url: str
    status: str
    status_label: str
    opens_at: object
    closes_at: object
    results_url: str = ""
    results: list | None = None


# The voting app sits above the Carta: it registers, in ``VotingConfig.ready``, what the
# revision page and the report ask (``consultations/voting/revision_votes.py``).
_vote_providers: dict[str, Callable] = {}


def register_revision_votes(
    votes: Callable[[Revision], list[RevisionVote]] | None,
    create_url: Callable[[object, Revision], str] | None = None,
) -> None:
    """Make ``votes(revision)`` the source of the votes on a revision and
    ``create_url(user, revision)`` the page where ``user`` may put it to a vote ("" when
    they may not); ``None`` unregisters."""
    _vote_providers.clear()
    if votes is not None:
        _vote_providers["votes"] = votes
        if create_url is not None:
            _vote_providers["create_url"] = create_url


def votes_on(revision: Revision) -> list[RevisionVote]:
    """The votes on ``revision``, oldest first, with their results once published (what
    the provider costs; none registered: no vote)."""
    provider = _vote_providers.get("votes")
    return list(provider(revision)) if provider else []


def vote_create_url(user, revision: Revision) -> str:
    """Where ``user`` may put ``revision`` to a vote, or "" (no query of its own)."""
    provider = _vote_providers.get("create_url")
    return provider(user, revision) if provider else ""


# --- Readiness for adoption ----------------------------------------------------------


def readiness_for(user, revision: Revision) -> dict:
    """``{"ready": bool, "items": [OpenItem, ...]}``: what still stands in the way of
    adopting the revision, for the Carta editors only (``NotAllowed`` for anyone else; the
    caller has already fetched the revision, so a hidden one was a 404). Four queries,
    plus what the registered providers cost."""
    if not perms.can_edit_carta(user):
        raise NotAllowed(_("Solo la redazione della Carta vede cosa manca all'adozione."))
    items = carta_readiness.open_items(revision)
    return {"ready": not items, "items": items}


# --- Comments and amendments ----------------------------------------------------------


@dataclass
class CommentStub:
    """What the revision page needs of every comment it does not show in full: where it
    is (section, thread, revision), whether it has its outcome, and what the passages
    need (``passages.passages_of``). No author, no body."""

    pk: int
    parent_id: int | None
    section_key: str
    revision_id: int
    outcome: str
    quote: str
    quote_start: int | None
    anchored_text: str
    hidden_at: object
    can_read_texts: bool
    passage_anchor: str = ""

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


def comment_stubs(user, revision: Revision) -> list[CommentStub]:
    """Every comment ``comments_for`` would give, light (``CommentStub``), oldest first:
    two queries (lineage, the comments' columns), and the section's text of the time
    (``anchored_text``) only for comments that quote a passage. At 1,007 comments this
    is about 10 ms where reading them in full was about 150 ms."""
    quoted_text = Case(
        When(quote="", then=Value("")), default=F("anchored_text"), output_field=TextField()
    )
    rows = (
        perms.with_texts_readable_by(user, perms.comments_visible_to(user))
        .filter(revision_id__in=lineage_ids(revision))
        .annotate(quoted_text=quoted_text)
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "parent_id",
            "section_key",
            "revision_id",
            "outcome",
            "quote",
            "quote_start",
            "quoted_text",
            "hidden_at",
            "can_read_texts",
        )
    )
    return [CommentStub(*row) for row in rows]


def comments_for(
    user, revision: Revision, *, section_key: str = "", ids: Iterable[int] | None = None
) -> list[Comment]:
    """Comments of the revision and of the revisions it was copied from, in threads;
    with ``ids`` (chosen among ``comment_stubs``, which read the lineage), only those.

    Each comment gets ``is_outdated`` (its section reads differently here) and ``since``
    (the word diff from the text it was written on). Three queries: lineage (not with
    ``ids``), the section texts, the comments with their authors and organizations.
    """
    texts = dict(revision.sections.values_list("key", "body"))
    queryset = (
        perms.with_texts_readable_by(user, perms.comments_visible_to(user))
        .select_related("author", "organization", "revision")
        .order_by("created_at", "id")
    )
    if ids is not None:  # chosen among ``comment_stubs``: of the lineage already
        queryset = queryset.filter(pk__in=list(ids))
    else:
        queryset = queryset.filter(revision_id__in=lineage_ids(revision))
    if section_key:
        queryset = queryset.filter(section_key=section_key)
    comments = list(queryset)
    for comment in comments:
        _mark_against(comment, texts.get(comment.section_key))
    return comments


def _mark_against(comment: Comment, current: str | None) -> None:
    """``is_outdated``, ``section_removed`` and ``since`` of a comment read against
    ``current``, its section's text in the revision shown (None: no such section). The
    list and the detail both go through here, so they cannot disagree."""
    comment.is_outdated = current is not None and current != comment.anchored_text
    comment.section_removed = current is None
    comment.since = (
        carta_diff.word_diff(comment.anchored_text, current) if comment.is_outdated else []
    )


def threads(comments: list[Comment]) -> list[Comment]:
    """Top-level comments with ``thread`` (their replies, oldest first); no query."""
    by_parent: dict[int | None, list[Comment]] = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in comments:
        comment.thread = by_parent.get(comment.pk, [])
    return by_parent.get(None, [])


def get_comment_for(user, revision: Revision, pk) -> Comment:
    """A comment of the revision or of those it was copied from, read against the
    revision's text as ``comments_for`` reads it (three queries: lineage, the comment,
    its section's text); ``NotFound`` for one the user may not see."""
    comment = (
        perms.with_texts_readable_by(user, perms.comments_visible_to(user))
        .select_related("author", "organization", "revision")
        .filter(pk=pk, revision_id__in=lineage_ids(revision))
        .first()
    )
    if comment is None:
        raise NotFound(_("Commento non trovato."))
    current = revision.sections.filter(key=comment.section_key).values_list("body", flat=True)
    _mark_against(comment, current.first())
    return comment


def _with_supports(amendments: QuerySet[Amendment]) -> QuerySet[Amendment]:
    return (
        amendments.select_related("author", "organization", "applied_to")
        .annotate(support_count=Count("supports"))
        .order_by("created_at", "id")
    )


def amendments_for(user, revision: Revision) -> QuerySet[Amendment]:
    """Amendments to the revision with their support count and ``can_read_texts`` (one
    query)."""
    amendments = perms.amendments_visible_to(user).filter(revision=revision)
    return _with_supports(perms.with_texts_readable_by(user, amendments))


def get_amendment_for(user, revision: Revision, pk) -> Amendment:
    amendment = amendments_for(user, revision).filter(pk=pk).first()
    if amendment is None:
        raise NotFound(_("Emendamento non trovato."))
    return amendment


def supported_by(user, amendments) -> set[tuple[int, int | None]]:
    """``(amendment_id, organization_id or None)`` the user has given (one query)."""
    if not is_signed_in(user):
        return set()
    return set(
        AmendmentSupport.objects.filter(
            user=user, amendment__in=[a.pk for a in amendments]
        ).values_list("amendment_id", "organization_id")
    )


# --- The consultation report ----------------------------------------------------------


def report(revision: Revision) -> dict:
    """Comments (top level) and amendments of the revision with their outcomes, counts
    by section or service (each item gets ``label``, the heading or title), and the votes
    on the revision with their published results (``votes_on``): five queries plus what
    the votes' provider costs.
    The report is public: the texts of hidden items are withheld from every reader."""
    sections = {s.key: s.heading for s in revision.sections.order_by("position", "id")}
    labels = {**dict(revision.services.values_list("key", "title")), **sections}
    comments = list(
        perms.with_texts_readable_by(None, revision.comments.filter(parent__isnull=True))
        .select_related("author", "organization")
        .annotate(reply_count=Count("replies"))
        .order_by("section_key", "created_at", "id")
    )
    amendments = list(_with_supports(perms.with_texts_readable_by(None, revision.amendments)))
    for item in [*comments, *amendments]:
        key = getattr(item, "section_key", None) or getattr(item, "target_key", "")
        item.label = labels.get(key, key)
    counts: dict[str, Counter] = {}
    for comment in comments:
        bucket = counts.setdefault(comment.section_key, Counter())
        bucket["comments"] += 1
        bucket[f"comment_{comment.outcome or 'pending'}"] += 1
    for amendment in amendments:
        bucket = counts.setdefault(amendment.target_key, Counter())
        bucket["amendments"] += 1
        bucket[f"amendment_{amendment.status}"] += 1
    by_section = [
        {"key": key, "heading": labels.get(key, key), **dict(counts[key])}
        for key in [*sections, *sorted(set(counts) - set(sections))]
        if key in counts
    ]
    return {
        "revision": revision,
        "comments": comments,
        "amendments": amendments,
        "votes": votes_on(revision),
        "by_section": by_section,
        "headings": sections,
        "totals": {
            "comments": len(comments),
            "amendments": len(amendments),
            "amendments_accepted": sum(
                1 for a in amendments if a.status == AmendmentStatus.ACCEPTED
            ),
            "with_outcome": sum(1 for c in comments if c.outcome),
        },
    }
