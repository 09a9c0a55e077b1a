"""Following an object (a proposal, a revision of the Carta, a consultation) to be told
of its changes.

The core cannot import the apps, so each app registers its followable model when it
starts (``register``, from its ``personal_area.py``): who may see an object (a visibility
queryset, the same the app's pages use), which audit verbs are worth telling, with a
neutral sentence for each, and the label that names an object in a notification.

Nothing in the apps' services calls this module: every service records its changes with
``carta.services.record_audit``, and this module listens to it (``on_audit_recorded``).
After the commit, the followers of the changed object (not the person who changed it)
who may still see it receive a notification of the model's kind (``follow.<model>``),
which their preferences govern like any other.

Following is a personal choice, like the notification preferences: it writes no row in
the audit log (that would tell staff who follows what).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carta.errors import NotAllowed, NotFound
from carta.models import DigestItem, Follow, NotificationPreference, NotificationSettings
from carta.permissions import is_signed_in
from carta.services import notify, on_audit_recorded
from carta.signals import account_erasing

logger = logging.getLogger(__name__)

FOLLOW_TITLE = _("Novità su «%(name)s», che segui")


@dataclass(frozen=True)
class Followable:
    model: type[models.Model]
    kind: str
    visible_to: Callable  # (user) -> QuerySet of the objects the person may see
    verbs: Mapping[str, str | Promise]
    label: Callable = str
    noun: str | Promise = ""
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


_registry: dict[str, Followable] = {}


def register(
    model: type[models.Model],
    *,
    kind: str,
    visible_to: Callable,
    verbs: Mapping[str, str | Promise],
    label: Callable = str,
    noun: str | Promise = "",
) -> None:
    """Make ``model`` followable. ``visible_to(user)`` is the queryset of what the person
    may see; it must give a signed-in person at least what it gives the public (telling
    the followers of a public object checks no one's rights). ``verbs`` maps the audit
    verbs worth telling to the sentence followers read (it must not quote anything a
    follower may not see); ``label(obj)`` names the object in the title (never a hidden
    text)."""
    spec = Followable(model, kind, visible_to, dict(verbs), label, noun or model._meta.verbose_name)
    _registry[spec.key] = spec


def registered() -> list[Followable]:
    return list(_registry.values())


def spec_for(obj_or_model) -> Followable | None:
    # ``__class__``, not ``type()``: request.user is a lazy proxy of the model.
    model = obj_or_model if isinstance(obj_or_model, type) else obj_or_model.__class__
    return _registry.get(model._meta.concrete_model._meta.label_lower)


def may_see(user, spec: Followable, pk) -> bool:
    """One query."""
    return is_signed_in(user) and spec.visible_to(user).filter(pk=pk).exists()


def get_followable_for(user, key: str, pk) -> models.Model:
    """The object ``key`` (``app_label.model``) number ``pk``, if the person may see it and
    it is followable; ``NotFound`` otherwise (one query)."""
    spec = _registry.get(str(key).lower())
    if spec is None or not str(pk).isdigit():
        raise NotFound()
    obj = spec.visible_to(user).filter(pk=int(pk)).first() if is_signed_in(user) else None
    if obj is None:
        raise NotFound()
    return obj


def is_following(user, obj) -> bool:
    """One query (none for someone not signed in)."""
    if not is_signed_in(user):
        return False
    return Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).exists()


def follow(*, actor, target: models.Model) -> Follow:
    """The actor follows ``target`` (idempotent). ``NotFound`` when they may not see it or
    it is not followable, ``NotAllowed`` when they are not signed in."""
    if not is_signed_in(actor):
        raise NotAllowed(_("Accedi per seguire questa pagina."))
    spec = spec_for(target)
    if spec is None or not may_see(actor, spec, target.pk):
        raise NotFound()
    content_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            row, _created = Follow.objects.get_or_create(
                user=actor, content_type=content_type, object_id=target.pk
            )
    except IntegrityError:
        # Two clicks at once: the constraint kept one row.
        row = Follow.objects.get(user=actor, content_type=content_type, object_id=target.pk)
    return row


def unfollow(*, actor, target: models.Model | None = None, follow_id=None) -> int:
    """The actor stops following ``target`` (or their follow ``follow_id``, for an object
    they may no longer see); returns the rows removed (0 if there were none)."""
    if not is_signed_in(actor):
        raise NotAllowed(_("Accedi per seguire questa pagina."))
    rows = Follow.objects.filter(user=actor)
    if target is not None:
        rows = rows.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )
    elif follow_id is not None and str(follow_id).isdigit():
        rows = rows.filter(pk=int(follow_id))
    else:
        return 0
    deleted, _detail = rows.delete()
    return deleted


def follows_of(user) -> QuerySet[Follow]:
    """The person's follows, newest first (the model's order), to be paginated and then
    described by ``describe``."""
    if not is_signed_in(user):
        return Follow.objects.none()
    return Follow.objects.filter(user=user).select_related("content_type")


def followed_by(user, *, limit: int | None = None) -> list[dict]:
    """What the person follows, newest first (at most ``limit``), as ``describe`` says."""
    rows = follows_of(user)
    if limit is not None:
        rows = rows[:limit]
    return describe(user, rows)


def describe(user, rows: Iterable[Follow]) -> list[dict]:
    """Each follow as ``{"follow", "object", "label", "noun"}``; ``object`` is None for
    what the person may no longer see. One query for the follows (unless already read)
    and one per followable model among them."""
    rows = list(rows)
    by_key: dict[str, list[int]] = {}
    for row in rows:
        by_key.setdefault(_key_of(row), []).append(row.object_id)
    objects: dict[tuple[str, int], models.Model] = {}
    for key, pks in by_key.items():
        spec = _registry.get(key)
        if spec is None:
            continue
        for obj in spec.visible_to(user).filter(pk__in=pks):
            objects[key, obj.pk] = obj
    items = []
    for row in rows:
        key = _key_of(row)
        spec = _registry.get(key)
        obj = objects.get((key, row.object_id))
        items.append(
            {
                "follow": row,
                "object": obj,
                "label": spec.label(obj) if spec and obj is not None else "",
                "noun": spec.noun if spec else "",
            }
        )
    return items


def _key_of(row: Follow) -> str:
    return f"{row.content_type.app_label}.{row.content_type.model}"


def count_followed(user) -> int:
    if not is_signed_in(user):
        return 0
    return Follow.objects.filter(user=user).count()


# --- Telling the followers -----------------------------------------------------------


def _on_audit(entry, target) -> None:
    """``record_audit``'s listener: no query here, the work waits for the commit."""
    if target is None or entry.verb is None:
        return
    spec = spec_for(target)
    if spec is None or entry.verb not in spec.verbs:
        return
    key, pk, verb, actor_id = spec.key, target.pk, entry.verb, entry.actor_id
    # Robust: a failure to tell followers is logged and never fails the writer's request.
    transaction.on_commit(lambda: tell_followers(key, pk, verb, actor_id=actor_id), robust=True)


def tell_followers(key: str, pk, verb: str, *, actor_id: int | None = None) -> int:
    """Notify the followers of object ``pk`` of model ``key`` of ``verb``: those who may
    still see it, except the actor. Queries: the object, whether the public may see it,
    the followers, then ``notify``'s; for an object the public may not see, the rights of
    each follower as well (a few queries each). Returns how many were told."""
    spec = _registry.get(key)
    if spec is None or verb not in spec.verbs:
        return 0
    obj = spec.model._default_manager.filter(pk=pk).first()
    if obj is None:
        return 0
    followers = (
        get_user_model()
        .objects.filter(
            follows__content_type=ContentType.objects.get_for_model(obj),
            follows__object_id=obj.pk,
            is_active=True,
        )
        .only("pk", "email", "preferred_language", "is_active")
    )
    if actor_id is not None:
        followers = followers.exclude(pk=actor_id)
    if spec.visible_to(AnonymousUser()).filter(pk=obj.pk).exists():
        # What the public may see, every signed-in person may see (``register``'s
        # contract): no check per follower.
        told = list(followers)
    else:
        told = [person for person in followers if may_see(person, spec, obj.pk)]
    if not told:
        return 0
    with transaction.atomic():
        notify(
            recipients=told,
            kind=spec.kind,
            title=FOLLOW_TITLE,
            body=spec.verbs[verb],
            url=obj.get_absolute_url(),
            params={"name": spec.label(obj)},
        )
    return len(told)


on_audit_recorded(_on_audit)


@receiver(account_erasing)
def _erase_follows_and_choices(sender, user, **kwargs):
    """An erased account keeps no trace of what it followed nor of how it wanted to be
    told (``carta.services.erase_account``, in its transaction)."""
    Follow.objects.filter(user=user).delete()
    DigestItem.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
