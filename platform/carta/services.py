"""Writes of the platform core: accounts, the audit log and notifications.

Every service of every app records its state changes with ``record_audit`` inside its
transaction and tells people with ``notify``, whose emails and websocket messages leave
only after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from carta import ambito, identity
from carta.emails import greeting
from carta.errors import InvalidInput
from carta.events import NotificationEvent, broadcast, close_sockets_of, notifications_group
from carta.models import (
    AuditEntry,
    DigestItem,
    EmailDelivery,
    Identity,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from carta.signals import account_erasing

logger = logging.getLogger(__name__)
User = get_user_model()

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


# --- Audit ----------------------------------------------------------------------------


def record_audit(
    *,
    actor,
    verb: str,
    target: models.Model | None = None,
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one row to the audit log (one INSERT; one SELECT for the content type the
    first time a model is seen in the process).

    ``actor_label`` names the actor by a role instead of the person (a complaint's
    sender, whose identity the log must not hold): the row then keeps no link to them.
    """
    is_person = not actor_label and actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        actor=actor if is_person else None,
        actor_label=(actor_label or (actor.get_username() if is_person else "sistema"))[:150],
        verb=verb,
        reason=reason or "",
        changes=_jsonable(changes or {}),
    )
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_id = str(target.pk)
        # A hidden content's own name may be what was hidden (a resource's title): the
        # log names it by kind and number until it is restored (``Moderatable``).
        hidden = getattr(target, "is_hidden", False) and hasattr(target, "neutral_label")
        entry.object_repr = (target.neutral_label() if hidden else str(target))[:255]
    entry.save()
    for listener in _audit_listeners:
        listener(entry, target)
    return entry


# Called with each new audit row and its target, inside the writer's transaction; a
# listener that reads or writes defers it with ``transaction.on_commit`` (``carta.follows``
# tells the followers of the target after the commit).
_audit_listeners: list = []


def on_audit_recorded(listener) -> None:
    """Register ``listener(entry, target)``, called after each ``record_audit``."""
    if listener not in _audit_listeners:
        _audit_listeners.append(listener)


def erase_audit_personal_data(
    entries: QuerySet[AuditEntry], *, actor_label: str, of_actor: Q | None = None
) -> int:
    """Blank the free text of ``entries`` and, among them, replace the person of those
    matching ``of_actor`` with ``actor_label`` (two UPDATEs; returns the rows changed).

    The one exception to the append-only log, for the erasure that retention rules
    require (``anonymize_complaints``): what a row meant stays, whom it named goes.
    """
    changed = entries.exclude(reason="").update(reason="")
    if of_actor is not None:
        changed += (
            entries.filter(of_actor)
            .exclude(actor__isnull=True, actor_label=actor_label)
            .update(actor=None, actor_label=actor_label)
        )
    return changed


def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def diff_fields(instance: models.Model, new_values: Mapping[str, Any]) -> dict:
    """``{field: [old, new]}`` for the fields whose value would change."""
    return {
        name: [getattr(instance, name), value]
        for name, value in new_values.items()
        if getattr(instance, name) != value
    }


# --- Notifications --------------------------------------------------------------------


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    params: Mapping[str, Any] | None = None,
    email: bool = True,
    exclude=None,
) -> list[Notification]:
    """Create one notification per distinct recipient, in each recipient's language, as
    each recipient chose for this ``kind`` (``NotificationPreference``; no row: in the app
    and by email) and for their emails (``NotificationSettings``: at once, in the daily
    digest, or none).

    ``title`` and ``body`` are lazy translatable strings with ``%(name)s`` placeholders
    filled from ``params``. Rows (notifications and digest items) are written with one
    INSERT each in the caller's transaction, after two reads of the recipients' choices;
    emails and websocket pushes go out after the commit. ``email=False`` (the caller's
    choice) sends no email and queues nothing for the digest.
    """
    params = dict(params or {})
    seen: set[int] = set()
    people = []
    for person in recipients:
        if person is None or person.pk in seen or not person.is_active:
            continue
        if exclude is not None and person.pk == exclude.pk:
            continue
        seen.add(person.pk)
        people.append(person)
    if not people:
        return []

    choices = _choices_of([person.pk for person in people], kind)
    rows, mails, digest = [], [], []
    for person in people:
        in_app, by_email = choices.get(person.pk, (True, EmailDelivery.IMMEDIATE))
        if not email or not person.email:
            by_email = EmailDelivery.NONE
        if not in_app and by_email == EmailDelivery.NONE:
            continue
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            text = {
                "kind": kind,
                "title": (str(title) % params)[:255],
                "body": str(body) % params if body else "",
                "url": url,
            }
        if in_app:
            rows.append(Notification(recipient=person, **text))
        if by_email == EmailDelivery.IMMEDIATE:
            mails.append((person.pk, text))
        elif by_email == EmailDelivery.DAILY:
            digest.append(DigestItem(recipient=person, **text))
    # Both supported backends (PostgreSQL, SQLite >= 3.35) return the new keys.
    created = Notification.objects.bulk_create(rows) if rows else []
    if digest:
        DigestItem.objects.bulk_create(digest)
    ids = [n.pk for n in created]
    if ids or mails:
        transaction.on_commit(lambda: deliver_notifications(ids, email=False, mails=mails))
    return created


def _choices_of(user_ids: list[int], kind: str) -> dict[int, tuple[bool, str]]:
    """``{user id: (in the app, email delivery)}`` for those who chose otherwise than
    the default (two queries per 500 recipients)."""
    choices: dict[int, tuple[bool, str]] = {}
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        delivery = dict(
            NotificationSettings.objects.filter(user_id__in=chunk)
            .exclude(email_delivery=EmailDelivery.IMMEDIATE)
            .values_list("user_id", "email_delivery")
        )
        kind_choices = {
            user_id: (in_app, by_email)
            for user_id, in_app, by_email in NotificationPreference.objects.filter(
                user_id__in=chunk, kind=kind
            ).values_list("user_id", "in_app", "email")
        }
        for user_id in set(delivery) | set(kind_choices):
            in_app, by_email = kind_choices.get(user_id, (True, True))
            way = delivery.get(user_id, EmailDelivery.IMMEDIATE) if by_email else EmailDelivery.NONE
            choices[user_id] = (in_app, way)
    return choices


def deliver_notifications(
    ids: list[int], *, email: bool = True, mails: list[tuple[int, dict]] = ()
) -> None:
    """Push stored notifications to their recipients' sockets (and, with ``email``, to
    their mailboxes); send ``mails``, ``(recipient id, {title, body, url})``, by email."""
    notifications = list(Notification.objects.filter(pk__in=ids).select_related("recipient"))
    unread = dict(
        Notification.objects.filter(
            recipient__in={n.recipient_id for n in notifications}, read_at__isnull=True
        )
        .values_list("recipient")
        .annotate(n=models.Count("id"))
    )
    the_ambito = ambito.identity()
    for item in notifications:
        event: NotificationEvent = {
            "type": "notification",
            "id": item.pk,
            "kind": item.kind,
            "title": item.title,
            "body": item.body,
            "url": item.url,
            "created_at": item.created_at.isoformat(),
            "unread": unread.get(item.recipient_id, 0),
        }
        broadcast(notifications_group(item.recipient_id), dict(event))
        if email and item.recipient.email:
            _email(item.recipient, item.title, item.body, item.url, the_ambito, item.pk)
    if mails:
        people = User.objects.in_bulk({user_id for user_id, _text in mails})
        for user_id, text in mails:
            person = people.get(user_id)
            if person is not None and person.is_active and person.email:
                _email(person, text["title"], text["body"], text["url"], the_ambito, text["kind"])


def _email(person, title: str, body: str, url: str, the_ambito, ref) -> None:
    link = f"{settings.CARTA_SITE_URL}{url}" if url else settings.CARTA_SITE_URL
    # Greeted by name when it is known, and signed like every email of the platform: who
    # writes, and how to reach them.
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        opening = greeting(person)
        signature = the_ambito.email_signature()
    text = "\n\n".join(part for part in (opening, body or title, link) if part)
    # A title may quote text someone typed with a line break; a header cannot hold one
    # (Django raises, after the commit, and every email after it would be lost).
    subject = " ".join(f"[{the_ambito.name}] {title}".split())
    try:
        send_mail(
            subject=subject,
            message=f"{text}\n\n-- \n{signature}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[person.email],
        )
    except OSError:
        logger.warning("could not email notification %s", ref, exc_info=True)


def mark_notifications_read(*, actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when ``ids`` is None); one UPDATE."""
    queryset = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


# --- Accounts -------------------------------------------------------------------------


def _check_language(language: str) -> str:
    if language not in LANGUAGE_CODES:
        raise InvalidInput(
            translation.gettext("Lingua non disponibile: %(code)s.") % {"code": language},
            field="preferred_language",
        )
    return language


@transaction.atomic
def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None


def register_user(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "it",
):
    """Create a citizen account; raises ``InvalidInput`` naming the field at fault."""
    username = username.strip()
    email = User.objects.normalize_email(email.strip())
    _check_language(preferred_language)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            translation.gettext("Questo nome utente è già in uso."), field="username"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(
            translation.gettext("Esiste già un account con questo indirizzo email."),
            field="email",
        )
    user = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=preferred_language,
    )
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations raced past the checks above; the constraint decided.
        raise InvalidInput(
            translation.gettext("Questo nome utente o indirizzo email è già in uso."),
            field="username",
        ) from None
    record_audit(actor=user, verb="account.registered", target=user)
    return user


@transaction.atomic
def update_profile(
    *,
    actor,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    preferred_language: str | None = None,
):
    """Change the actor's own profile; only the given fields change."""
    new: dict[str, Any] = {}
    if first_name is not None:
        new["first_name"] = first_name.strip()
    if last_name is not None:
        new["last_name"] = last_name.strip()
    if preferred_language is not None:
        new["preferred_language"] = _check_language(preferred_language)
    if email is not None:
        request_email_change(actor=actor, email=email)
    changes = diff_fields(actor, new)
    if not changes:
        return actor
    for name, value in new.items():
        setattr(actor, name, value)
    actor.save(update_fields=list(changes))
    record_audit(actor=actor, verb="account.profile_changed", target=actor, changes=changes)
    return actor


def request_registration(request, *, email: str, **fields):
    """A registration from the page or the API: a new account and the link that confirms
    its address, or, when an account already has the address, an email to that address
    and nothing else. The caller answers the same in both cases, so that the form does not
    tell whether an address is registered. A username already taken is refused (a
    username is shown with what one writes; an address is not)."""
    email = User.objects.normalize_email((email or "").strip())
    username = (fields.get("username") or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            translation.gettext("Questo nome utente è già in uso."), field="username"
        )
    # Every other check before the address's: a refusal must not depend on it.
    _check_language(fields.get("preferred_language", "it"))
    _check_password(
        fields.get("password", ""),
        User(
            username=username,
            email=email,
            first_name=fields.get("first_name", ""),
            last_name=fields.get("last_name", ""),
        ),
    )
    if User.objects.filter(email__iexact=email).exists():
        identity.send_account_exists(request, email)
        return None
    user = register_user(email=email, **fields)
    identity.send_confirmation(request, user, signup=True)
    return user


def request_email_change(*, actor, email: str) -> bool:
    """Ask to change one's address: the new one receives a confirmation link and replaces
    the old when it is confirmed (``identity.adopt_confirmed_address``). If another account
    has it, that address is told instead, and the caller answers the same: the form does
    not tell whether an address is registered. ``True`` when something was sent."""
    email = User.objects.normalize_email((email or "").strip())
    if not email or email.lower() == (actor.email or "").lower():
        return False
    if User.objects.filter(Q(email__iexact=email) & ~Q(pk=actor.pk)).exists():
        identity.send_account_exists(None, email)
        return True
    EmailAddress.objects.filter(user=actor, verified=False).exclude(
        email__iexact=actor.email
    ).delete()
    address, _created = EmailAddress.objects.get_or_create(
        user=actor, email=email.lower(), defaults={"primary": False}
    )
    address.send_confirmation(None)
    record_audit(actor=actor, verb="account.email_change_requested", target=actor)
    return True


# --- Erasure of an account ------------------------------------------------------------

ERASED_USERNAME = "cancellato-{pk}"


@transaction.atomic
def erase_account(*, actor, password: str | None = None):
    """Erase the actor's own account: what they wrote stays, attributed to "utente
    cancellato"; their name, email, password, notifications and memberships go; the audit
    log keeps the pseudonymous id with the neutral label.

    Each app erases what it holds through ``carta.signals.account_erasing``; a receiver
    may refuse with a ``CartaError`` (the last representative of an organization), and
    then nothing changes. A password account confirms with its password.
    """
    if actor.has_usable_password() and not actor.check_password(password or ""):
        raise InvalidInput(translation.gettext("La password non è corretta."), field="password")
    account_erasing.send(sender=User, user=actor)
    Notification.objects.filter(recipient=actor).delete()
    # The identity, the gateways' claims and the addresses are personal data; the voter
    # register keeps only its keyed person keys, so one person still votes once.
    Identity.objects.filter(user=actor).delete()
    SocialAccount.objects.filter(user=actor).delete()
    EmailAddress.objects.filter(user=actor).delete()
    label = str(translation.gettext_lazy("utente cancellato"))
    user_type = ContentType.objects.get_for_model(User)
    AuditEntry.objects.filter(content_type=user_type, object_id=str(actor.pk)).update(
        object_repr=label, reason="", changes={}
    )
    actor.username = ERASED_USERNAME.format(pk=actor.pk)
    actor.first_name = actor.last_name = actor.email = ""
    actor.is_active = False
    actor.set_unusable_password()
    actor.save()
    record_audit(actor=actor, verb="account.erased", target=actor)
    # The one exception to the append-only log, as for the erasure of complaints.
    AuditEntry.objects.filter(actor=actor).update(actor_label=label)
    close_sockets_of([actor.pk])
    return actor
