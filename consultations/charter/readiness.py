"""Whether a revision may be adopted: its consultation phase is over (when it has a
closing date), every comment has its outcome, every amendment its decision, and nothing
registered by a higher app is still open (a vote on the revision).

The voting app sits above the Carta, so the Carta cannot ask it; like the pact's hook
(``stakeholders.pact``), the higher app registers a provider when it starts
(``register_open_items`` in its ``AppConfig.ready``). A provider receives the revision and
returns its open items; ``describe`` names how many there are, for the refusal's message.

Labels never carry an author or a text: a comment or an amendment is named by its number
and where it is (``public_label``), hidden or not, as in the public moderation log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carta.dates import on_date
from consultations.charter import permissions as perms
from consultations.charter.models import AmendmentKind, AmendmentStatus, Comment, Revision

COMMENT_WITHOUT_OUTCOME = "comment_without_outcome"
AMENDMENT_UNDECIDED = "amendment_undecided"
# The consultation phase has a closing date (for everybody, or the organizations' later
# one) still to come. A revision opened without a closing date has none to wait for.
CONSULTATION_STILL_OPEN = "consultation_still_open"


@dataclass(frozen=True)
class OpenItem:
    """Something that must be settled before adoption; ``url`` is where to settle it."""

    kind: str
    id: int
    label: str
    url: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


Provider = Callable[[Revision], Iterable[OpenItem]]
Describe = Callable[[int], str]

# kind -> (provider, describe); keyed by kind so that a second ``ready()`` replaces.
_providers: dict[str, tuple[Provider, Describe]] = {}


def register_open_items(kind: str, provider: Provider | None, describe: Describe) -> None:
    """Make ``provider`` a source of open items of ``kind``; ``describe(n)`` is the
    translated phrase for ``n`` of them ("2 votazioni ancora aperte"). ``provider=None``
    unregisters the kind."""
    if provider is None:
        _providers.pop(kind, None)
    else:
        _providers[kind] = (provider, describe)


def _describe_comments(n: int) -> str:
    return ngettext("%(n)s commento senza esito", "%(n)s commenti senza esito", n) % {"n": n}


def _describe_amendments(n: int) -> str:
    return ngettext(
        "%(n)s proposta di modifica da decidere", "%(n)s proposte di modifica da decidere", n
    ) % {"n": n}


def _describe_phase(n: int) -> str:
    return _("la chiusura della consultazione")


def _phase_item(revision: Revision) -> list[OpenItem]:
    """The consultation phase while it is still open for someone (no query)."""
    if perms.consultation_phase(revision) not in (perms.PHASE_OPEN, perms.PHASE_ORGANIZATIONS):
        return []
    last = perms.contributions_close_at(revision, organization=True)
    if last is None:
        return []
    return [
        OpenItem(
            CONSULTATION_STILL_OPEN,
            revision.pk,
            _("Consultazione aperta fino %(date)s")
            % {"date": on_date(timezone.localtime(last), "al")},
            f"{revision.get_absolute_url()}#fase-di-consultazione",
        )
    ]


def _own_items(revision: Revision) -> list[OpenItem]:
    """The consultation phase while still open, top-level comments without an outcome and
    open amendments (four queries: section headings, service titles, comments,
    amendments)."""
    headings = dict(revision.sections.values_list("key", "heading"))
    titles = dict(revision.services.values_list("key", "title"))
    # Only the columns the labels and links need, and the revision already in hand: a
    # thousand comments without an outcome cost 140 ms read in full with their revision.
    url = revision.get_absolute_url()
    rows = (
        revision.comments.filter(parent__isnull=True, outcome="")
        .order_by("created_at", "id")
        .values_list("pk", "section_key")
    )
    items = _phase_item(revision) + [
        OpenItem(
            COMMENT_WITHOUT_OUTCOME,
            pk,
            Comment.label_of(pk, headings.get(key, "") or key),
            Comment.url_in(url, pk),
        )
        for pk, key in rows
    ]
    for amendment in (
        revision.amendments.filter(status=AmendmentStatus.OPEN)
        .select_related("revision")
        .order_by("created_at", "id")
    ):
        names = titles if amendment.kind == AmendmentKind.SERVICE else headings
        items.append(
            OpenItem(
                AMENDMENT_UNDECIDED,
                amendment.pk,
                amendment.public_label(names.get(amendment.target_key, "")),
                amendment.get_absolute_url(),
            )
        )
    return items


def open_items(revision: Revision) -> list[OpenItem]:
    """Everything that still stands in the way of adopting ``revision``: its own items
    (four queries) and those of the registered providers (what they cost)."""
    items = _own_items(revision)
    for provider, _describe in _providers.values():
        items.extend(provider(revision))
    return items


def summary(items: list[OpenItem]) -> str:
    """The refusal's message: how many items of each kind are open, in words."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    describe = {
        CONSULTATION_STILL_OPEN: _describe_phase,
        COMMENT_WITHOUT_OUTCOME: _describe_comments,
        AMENDMENT_UNDECIDED: _describe_amendments,
        **{kind: entry[1] for kind, entry in _providers.items()},
    }
    parts = [
        describe[kind](n) if kind in describe else f"{n} × {kind}" for kind, n in counts.items()
    ]
    listed = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s e %(last)s")
        % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    )
    return _(
        "La revisione non può ancora essere adottata. Da completare: %(open)s. Trovi "
        "l'elenco nella pagina della revisione."
    ) % {"open": listed}
