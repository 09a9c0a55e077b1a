"""Flags and moderation, shared by every app whose content people can report.

An app makes a model flaggable by inheriting ``carta.models.Moderatable`` and calling
``register`` in its ``AppConfig.ready()``: it says which objects a person may see (so
that nobody can flag, or learn about, what they cannot see: 404), who wrote an object
(they are told when it is hidden, and may ask once for a review) and where it is shown.

Moderators (the ``moderators`` group and administrators, permission
``carta.moderate_content``) hide content with a public reason, restore it, or dismiss
flags. Every decision is audited and written to the public moderation log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.errors import Conflict, InvalidInput, NotAllowed, NotFound
from carta.models import AuditEntry, Flag, Moderatable, ModerationEntry
from carta.permissions import is_signed_in
from carta.services import notify, record_audit

MODERATE = "carta.moderate_content"


@dataclass(frozen=True)
class Registration:
    model: type[Moderatable]
    visible_to: Callable[[object], QuerySet]
    authors_of: Callable[[Moderatable], list]
    url_of: Callable[[Moderatable], str]
    label_of: Callable[[Moderatable], str]
    excerpt_of: Callable[[Moderatable], str]
    related: tuple[str, ...]


_registry: dict[str, Registration] = {}


def register(
    model: type[Moderatable],
    *,
    visible_to: Callable[[object], QuerySet],
    authors_of: Callable[[Moderatable], list],
    url_of: Callable[[Moderatable], str],
    label_of: Callable[[Moderatable], str] | None = None,
    excerpt_of: Callable[[Moderatable], str] | None = None,
    related: tuple[str, ...] | None = None,
) -> None:
    """Make ``model`` flaggable. ``visible_to(user)`` must return the objects the user may
    see, hidden ones included when the user is a moderator or their author.

    ``excerpt_of`` gives the few words of the content shown to moderators in their queue
    (default: the start of its ``body``, ``text``, ``description`` or ``title``);
    ``related`` the foreign keys the queue joins so that ``url_of`` and ``label_of`` cost
    no query of their own (default: every foreign key but people's)."""
    _registry[model._meta.label_lower] = Registration(
        model,
        visible_to,
        authors_of,
        url_of,
        label_of or neutral_label,
        excerpt_of or default_excerpt,
        _default_related(model) if related is None else tuple(related),
    )


EXCERPT_CHARS = 200


def default_excerpt(obj: Moderatable) -> str:
    """The start of the content's own text, for the moderators' queue only (never a log)."""
    for name in ("body", "text", "description", "title"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value.strip():
            return Truncator(" ".join(value.split())).chars(EXCERPT_CHARS)
    return ""


def _default_related(model) -> tuple[str, ...]:
    from django.contrib.auth import get_user_model

    people = get_user_model()
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model not in (model, people, ContentType)
    )


def neutral_label(obj: Moderatable) -> str:
    """The public log's default name of a content: its kind and number, never its text or
    author (the label is stored when the content is hidden and stays public)."""
    return obj.neutral_label()


def can_moderate(user) -> bool:
    return is_signed_in(user) and user.has_perm(MODERATE)


def _registration(target: models.Model) -> Registration:
    try:
        return _registry[target._meta.label_lower]
    except KeyError:
        raise InvalidInput(
            _("Questo contenuto non può essere segnalato."), field="target_type"
        ) from None


def get_target_for(user, target_type: str, target_id) -> Moderatable:
    """The flaggable object ``target_type`` #``target_id`` if ``user`` may see it, else 404."""
    registration = _registry.get(str(target_type).lower())
    if registration is None:
        raise InvalidInput(_("Tipo di contenuto sconosciuto."), field="target_type")
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("Identificativo non valido."), field="target_id") from None
    target = registration.visible_to(user).filter(pk=pk).first()
    if target is None:
        raise NotFound()
    return target


def _content_type(target) -> ContentType:
    return ContentType.objects.get_for_model(target)


@transaction.atomic
def flag_content(*, actor, target: Moderatable, reason: str) -> Flag:
    """Report ``target``; one open flag per person and object (409 for a second)."""
    _registration(target)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Indica il motivo della segnalazione."), field="reason")
    if len(reason) > 2000:
        raise InvalidInput(_("Il motivo non può superare i 2000 caratteri."), field="reason")
    if target.is_hidden:
        raise Conflict(_("Questo contenuto è già stato nascosto dalla moderazione."))
    reporter = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                reporter=reporter,
                content_type=_content_type(target),
                object_id=target.pk,
                reason=reason,
            )
    except IntegrityError:
        raise Conflict(_("Hai già segnalato questo contenuto.")) from None
    record_audit(actor=actor, verb="content.flagged", target=target, reason=reason)
    # The moderators are told once per flag, in the app: the content's public label, never
    # its text nor the reporter's reason (both are read in the queue).
    registration = _registration(target)
    notify(
        recipients=moderators(),
        kind="moderation.flagged",
        title=_("Nuova segnalazione da esaminare: %(label)s"),
        body=_("Un contenuto è stato segnalato. Lo trovi nella coda di moderazione."),
        params={"label": str(registration.label_of(target))},
        url=queue_url(),
        email=False,
        exclude=reporter,
    )
    return flag


def moderators():
    """The people who moderate: the ``moderators`` group and administrators, active."""
    from carta.models import User

    return User.objects.filter(
        models.Q(is_superuser=True) | models.Q(groups__name="moderators"), is_active=True
    ).distinct()


def queue_url() -> str:
    """The moderators' queue, every content shown (the page lives in the proposals app: the
    core names it only by its URL name)."""
    try:
        return reverse("proposal_moderation") + "?contenuti=tutti"
    except NoReverseMatch:
        return ""


def _close_flags(target, *, actor, status: str, resolution: str) -> int:
    return Flag.objects.filter(
        content_type=_content_type(target), object_id=target.pk, status=Flag.Status.OPEN
    ).update(status=status, resolved_by=actor, resolved_at=timezone.now(), resolution=resolution)


def _require_moderator(actor) -> None:
    if not can_moderate(actor):
        raise NotAllowed()


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("La motivazione è obbligatoria."), field="reason")
    return reason


def _log(action, target, registration, actor, reason) -> ModerationEntry:
    return ModerationEntry.objects.create(
        action=action,
        content_type=_content_type(target),
        object_id=target.pk,
        object_label=str(registration.label_of(target))[:255],
        url=registration.url_of(target),
        reason=reason,
        moderator=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def hide_content(*, actor, target: Moderatable, reason: str) -> ModerationEntry:
    """Hide ``target`` with a public reason; open flags on it are upheld; authors told."""
    _require_moderator(actor)
    registration = _registration(target)
    reason = _require_reason(reason)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    if target.is_hidden:
        raise Conflict(_("Il contenuto è già nascosto."))
    target.hidden_at = timezone.now()
    target.hidden_reason = reason
    target.hidden_by = actor
    target.review_requested_at = None
    target.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "review_requested_at"])
    _close_flags(target, actor=actor, status=Flag.Status.UPHELD, resolution=reason)
    entry = _log(ModerationEntry.Action.HIDDEN, target, registration, actor, reason)
    # The audit log named it by its name of then, which may be the hidden text (a title).
    AuditEntry.objects.filter(content_type=_content_type(target), object_id=str(target.pk)).update(
        object_repr=neutral_label(target)
    )
    record_audit(actor=actor, verb="content.hidden", target=target, reason=reason)
    notify(
        recipients=registration.authors_of(target),
        kind="moderation.hidden",
        title=_("Un tuo contenuto è stato nascosto dalla moderazione"),
        body=_("Motivo: %(reason)s. Puoi chiedere una revisione una volta."),
        params={"reason": reason.rstrip(". ")},
        url=registration.url_of(target),
        exclude=actor,
    )
    return entry


@transaction.atomic
def restore_content(*, actor, target: Moderatable, reason: str) -> ModerationEntry:
    _require_moderator(actor)
    registration = _registration(target)
    reason = _require_reason(reason)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    if not target.is_hidden:
        raise Conflict(_("Il contenuto non è nascosto."))
    target.hidden_at = None
    target.hidden_reason = ""
    target.hidden_by = None
    target.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    entry = _log(ModerationEntry.Action.RESTORED, target, registration, actor, reason)
    record_audit(actor=actor, verb="content.restored", target=target, reason=reason)
    notify(
        recipients=registration.authors_of(target),
        kind="moderation.restored",
        title=_("Un tuo contenuto è stato ripristinato"),
        body=_("Motivo: %(reason)s."),
        params={"reason": reason},
        url=registration.url_of(target),
        exclude=actor,
    )
    return entry


@transaction.atomic
def request_review(*, actor, target: Moderatable, reason: str) -> ModerationEntry:
    """The author asks, once, that moderators look again at a hidden content."""
    registration = _registration(target)
    if actor not in registration.authors_of(target):
        raise NotAllowed(_("Solo chi ha scritto il contenuto può chiederne la revisione."))
    reason = _require_reason(reason)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    if not target.is_hidden:
        raise Conflict(_("Il contenuto non è nascosto."))
    already = ModerationEntry.objects.filter(
        content_type=_content_type(target),
        object_id=target.pk,
        action=ModerationEntry.Action.REVIEW_REQUESTED,
    ).exists()
    if already:
        raise Conflict(_("La revisione è già stata chiesta una volta."))
    target.review_requested_at = timezone.now()
    target.save(update_fields=["review_requested_at"])
    entry = _log(ModerationEntry.Action.REVIEW_REQUESTED, target, registration, actor, reason)
    record_audit(actor=actor, verb="content.review_requested", target=target, reason=reason)
    notify(
        recipients=moderators(),
        kind="moderation.review_requested",
        title=_("Richiesta di revisione di un contenuto nascosto"),
        body=gettext("Motivo: %(reason)s."),
        params={"reason": reason},
        url=registration.url_of(target),
    )
    return entry


@transaction.atomic
def dismiss_flag(*, actor, flag: Flag, reason: str) -> Flag:
    _require_moderator(actor)
    reason = _require_reason(reason)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != Flag.Status.OPEN:
        raise Conflict(_("La segnalazione è già stata esaminata."))
    flag.status = Flag.Status.DISMISSED
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.resolution = reason
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
    record_audit(actor=actor, verb="flag.dismissed", target=flag, reason=reason)
    return flag


# --- Reads ----------------------------------------------------------------------------


def flags_visible_to(user) -> QuerySet[Flag]:
    """Moderators see every flag; others their own; anonymous visitors none (one query)."""
    queryset = Flag.objects.select_related("content_type", "reporter")
    if can_moderate(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return Flag.objects.none()
    return queryset.filter(reporter=user)


def get_flag_for(user, flag_id) -> Flag:
    """The open or decided flag ``flag_id`` for a moderator to decide on; anyone else, or
    an unknown id, gets ``NotFound`` (404): deciding is the moderators' alone."""
    if not can_moderate(user):
        raise NotFound()
    try:
        return Flag.objects.select_related("content_type").get(pk=int(flag_id))
    except (Flag.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


def open_flags(*models_: type[models.Model]) -> QuerySet[Flag]:
    """Open flags, oldest first, for the moderation queue (callers check the role): on
    content of the given models, or on every content when none is given."""
    queryset = Flag.objects.filter(status=Flag.Status.OPEN).select_related(
        "content_type", "reporter"
    )
    if models_:
        types = ContentType.objects.get_for_models(*models_).values()
        queryset = queryset.filter(content_type__in=list(types))
    return queryset


def moderation_log() -> QuerySet[ModerationEntry]:
    """The public log (one query); moderators' names are not part of it."""
    return ModerationEntry.objects.select_related("content_type")


def targets_for(flags) -> dict[tuple[int, int], Moderatable]:
    """The flagged objects of ``flags``, one query per content type."""
    by_type: dict[int, set[int]] = {}
    for flag in flags:
        by_type.setdefault(flag.content_type_id, set()).add(flag.object_id)
    found = {}
    for content_type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        registration = _registry.get(model._meta.label_lower)
        queryset = model._default_manager.filter(pk__in=ids)
        if registration is not None and registration.related:
            queryset = queryset.select_related(*registration.related)
        for obj in queryset:
            found[(content_type_id, obj.pk)] = obj
    return found


@dataclass(frozen=True)
class QueueItem:
    """One row of the moderators' queue: the flag, the content (None once deleted), its
    public label (the name the public log would give it), where it is shown and, for the
    moderators only, an excerpt of its text."""

    flag: Flag
    target: Moderatable | None
    label: str
    url: str
    excerpt: str
    target_type: str


def queue_items(flags) -> list[QueueItem]:
    """The rows of the queue for ``flags`` (already cut to the page): ``targets_for``'s
    queries, one per content type, and whatever the registrations' labels need."""
    flags = list(flags)
    targets = targets_for(flags)
    items = []
    for flag in flags:
        target = targets.get((flag.content_type_id, flag.object_id))
        content_type = flag.content_type
        registration = _registry.get(f"{content_type.app_label}.{content_type.model}")
        if target is None or registration is None:
            label = gettext("Contenuto n. %(id)s non più presente (%(kind)s)") % {
                "id": flag.object_id,
                "kind": content_type.name,
            }
            items.append(QueueItem(flag, None, label, "", "", ""))
            continue
        items.append(
            QueueItem(
                flag,
                target,
                str(registration.label_of(target)),
                registration.url_of(target),
                registration.excerpt_of(target),
                f"{content_type.app_label}.{content_type.model}",
            )
        )
    return items
