"""What the platform holds about one registered person: the download the GDPR grants
(arts. 15 and 20), what erasing the account does with each field that holds it, and the
retention periods the privacy notice states.

**Sections.** The download is a list of sections in a fixed order: the platform's own
(account, email addresses, identity, gateways, security, notifications, activity, flags),
registered here, then those each app registers from its ``AppConfig.ready`` through
``register_section`` (the apps above the core, in ``INSTALLED_APPS`` order). A section's
``collect(user)`` returns a list of rows (dicts) or one dict (or ``None``) in a fixed
number of queries whatever the person did, and never another person's personal data.

**Declarations.** Each section also declares, for the fields of its app's models that
point to a person or hold their contact data (``"app_label.Model.field"``), what erasure
does: ``ERASED`` (the rows or the values go), ``ANONYMIZED`` (the link to the person and
their contact data go, the rest stays) or ``kept(reason)``. ``carta/tests/
test_privacy_erasure.py`` walks every model of the project and fails on any such field no
section declares, so that a new model holding a person's data needs a decision.

**Retention.** ``retention_periods()`` is the one source of the periods the notice states;
the code that applies a period reads the same function or the same setting.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from carta.models import (
    AuditEntry,
    DigestItem,
    EmailDelivery,
    Flag,
    Follow,
    Identity,
    IdentityProvider,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from carta.signals import account_erasing

ERASED = "erased"
ANONYMIZED = "anonymized"
_KEPT = "kept: "


def kept(reason: str) -> str:
    """The declaration of a field erasure leaves in place, with the reason why."""
    if not reason.strip():
        raise ImproperlyConfigured("A kept field needs its reason.")
    return _KEPT + reason


def is_valid_treatment(value: str) -> bool:
    return value in (ERASED, ANONYMIZED) or (value.startswith(_KEPT) and len(value) > 7)


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    collect: Callable[[Any], Any]
    # The readable page's columns (or definition terms), in order: key -> label.
    columns: dict[str, Any] = field(default_factory=dict)
    # "app_label.Model.field" -> ERASED | ANONYMIZED | kept(reason)
    fields: dict[str, str] = field(default_factory=dict)
    description: Any = ""
    # The page's words for coded values: column -> TextChoices (the JSON keeps the codes).
    choices: dict[str, Any] = field(default_factory=dict)


_sections: dict[str, Section] = {}


def register_section(
    key: str,
    *,
    title,
    collect: Callable[[Any], Any],
    columns: dict[str, Any] | None = None,
    fields: dict[str, str] | None = None,
    description="",
    choices: dict[str, Any] | None = None,
) -> None:
    """Add a section to the download (called from an app's ``AppConfig.ready``). The key
    is the section's name in the JSON; registering the same key again replaces it in
    place (a test reloading an app), so the order stays the order of first registration."""
    for name, treatment in (fields or {}).items():
        if name.count(".") != 2 or not is_valid_treatment(treatment):
            raise ImproperlyConfigured(f"privacy section {key!r}: bad declaration {name!r}")
    _sections[key] = Section(
        key=key,
        title=title,
        collect=collect,
        columns=dict(columns or {}),
        fields=dict(fields or {}),
        description=description,
        choices=dict(choices or {}),
    )


def sections() -> list[Section]:
    return list(_sections.values())


def declared_fields() -> dict[str, tuple[str, str]]:
    """Every declared field: ``"app_label.Model.field"`` -> (section key, treatment)."""
    declared: dict[str, tuple[str, str]] = {}
    for section in _sections.values():
        for name, treatment in section.fields.items():
            declared[name] = (section.key, treatment)
    return declared


def personal_data_of(user) -> dict[str, Any]:
    """The whole download, as Python values (dates as datetimes). One query or two per
    section, whatever the person did."""
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "controller": settings.CARTA_AMBITO_NAME,
        "privacy_contact": settings.CARTA_PRIVACY_EMAIL,
    }
    for section in _sections.values():
        data[section.key] = section.collect(user)
    return data


def export_json(user) -> str:
    """The download as JSON text: what the page's button and ``GET /api/v1/me/data/``
    both send."""
    return json.dumps(personal_data_of(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def export_filename(user) -> str:
    return f"carta-dati-{user.pk}.json"


# --- The readable page ------------------------------------------------------------------


def _cell(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("sì") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _shown(section: Section, key: str, value) -> str:
    kind = section.choices.get(key)
    if kind is not None and isinstance(value, str) and value in kind.values:
        return str(kind(value).label)
    return _cell(value)


def _columns(section: Section, rows: list[dict]) -> list[tuple[str, Any]]:
    keys = list(section.columns)
    for row in rows:
        keys += [k for k in row if k not in keys]
    return [(k, section.columns.get(k, k)) for k in keys]


def readable_sections(user) -> list[dict[str, Any]]:
    """The download shaped for the page: per section its title, and either ``rows`` (a
    table: ``columns`` labels and each row's formatted cells) or ``record`` (a definition
    list of one record), or neither (nothing held)."""
    shaped = []
    data = personal_data_of(user)
    for section in _sections.values():
        value = data[section.key]
        entry: dict[str, Any] = {
            "key": section.key,
            "title": section.title,
            "description": section.description,
        }
        if isinstance(value, dict):
            columns = _columns(section, [value])
            entry["record"] = [(label, _shown(section, k, value.get(k))) for k, label in columns]
        elif value:
            columns = _columns(section, value)
            entry["columns"] = [label for _k, label in columns]
            entry["rows"] = [
                [_shown(section, k, row.get(k)) for k, _label in columns] for row in value
            ]
        shaped.append(entry)
    return shaped


# --- Retention periods ------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    key: str
    what: str
    period: str
    # The setting the period comes from, named in docs/privacy.md; "" when none applies.
    setting: str = ""
    days: int | None = None


def _days(count: int) -> str:
    return ngettext("%(count)d giorno", "%(count)d giorni", count) % {"count": count}


def complaint_contact_days() -> int:
    """Days after a complaint's closing when its sender's contact data is erased
    (``feedback.services.anonymize_complaints`` and the notice read this)."""
    return int(getattr(settings, "CARTA_ANONYMIZE_AFTER_DAYS", 365))


def _rate_windows() -> list[int]:
    names = (
        "CARTA_LOGIN_RATE",
        "CARTA_LOGIN_ADDRESS_RATE",
        "CARTA_LOGIN_ACCOUNT_RATE",
        "CARTA_REGISTER_RATE",
        "CARTA_RESET_RATE",
    )
    return [int(getattr(settings, name)[1]) for name in names if hasattr(settings, name)]


def retention_periods() -> list[Retention]:
    """Every retention period the code applies, read from the settings at call time: the
    privacy notice's table and the code paths both read it (or the same settings)."""
    session_days = max(1, int(settings.SESSION_COOKIE_AGE) // 86400)
    complaint_days = complaint_contact_days()
    window_minutes = max([60, *_rate_windows()]) // 60
    confirm_days = int(getattr(settings, "ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS", 3))
    return [
        Retention(
            "account",
            gettext("Dati dell'account: nome utente, nome e cognome, email, lingua"),
            gettext("Finché l'account esiste; sono cancellati quando cancelli l'account."),
        ),
        Retention(
            "identity",
            gettext(
                "Identità digitale SPID o CIE: codice fiscale, gestore e dati inviati dal gestore"
            ),
            gettext(
                "Finché l'account esiste. Nel registro dei votanti resta solo un'impronta "
                "cifrata del codice fiscale, da cui il codice non si ricava, perché una "
                "persona voti una volta sola in ogni consultazione."
            ),
        ),
        Retention(
            "notifications",
            gettext("Notifiche"),
            gettext("Finché l'account esiste; sono cancellate con l'account."),
        ),
        Retention(
            "sessions",
            gettext("Sessione di accesso (cookie di sessione) e dispositivi collegati"),
            gettext("%(days)s dall'accesso; le sessioni scadute sono eliminate ogni giorno.")
            % {"days": _days(session_days)},
            "SESSION_COOKIE_AGE",
            session_days,
        ),
        Retention(
            "tokens",
            gettext("Token per l'API"),
            gettext("%(days)s dalla creazione, o fino a quando li revochi.")
            % {"days": _days(settings.CARTA_TOKEN_DAYS)},
            "CARTA_TOKEN_DAYS",
            settings.CARTA_TOKEN_DAYS,
        ),
        Retention(
            "email_confirmation",
            gettext("Link di conferma dell'indirizzo email"),
            gettext("Valido per %(days)s.") % {"days": _days(confirm_days)},
            "CARTA_EMAIL_CONFIRMATION_DAYS",
            confirm_days,
        ),
        Retention(
            "complaint_contacts",
            gettext(
                "Nei reclami e nelle segnalazioni: nome, email, collegamento al tuo account "
                "e motivazioni personali"
            ),
            gettext(
                "%(days)s dalla chiusura della pratica, poi sono cancellati; il testo e la "
                "risposta restano, senza dati personali, per le statistiche sulla qualità "
                "dei servizi. Se cancelli l'account sono cancellati subito."
            )
            % {"days": _days(complaint_days)},
            "CARTA_ANONYMIZE_AFTER_DAYS",
            complaint_days,
        ),
        Retention(
            "addresses",
            gettext("Indirizzi IP usati per limitare i tentativi di accesso e di invio"),
            ngettext(
                "Al massimo %(count)d minuto; il server dell'applicazione non registra le "
                "singole richieste.",
                "Al massimo %(count)d minuti; il server dell'applicazione non registra le "
                "singole richieste.",
                window_minutes,
            )
            % {"count": window_minutes},
            "CARTA_LOGIN_ACCOUNT_RATE",
            None,
        ),
        Retention(
            "audit",
            gettext("Registro delle attività (chi ha cambiato che cosa e quando)"),
            gettext(
                "Senza scadenza: documenta le decisioni prese sulla piattaforma e non si può "
                "modificare. Se cancelli l'account, il tuo nome vi è sostituito da «utente "
                "cancellato»."
            ),
        ),
        Retention(
            "contributions",
            gettext("Commenti, proposte, emendamenti, adesioni e voti palesi"),
            gettext(
                "Senza scadenza: fanno parte della storia pubblica della Carta. Se cancelli "
                "l'account restano, attribuiti a «utente cancellato»."
            ),
        ),
    ]


def retention(key: str) -> Retention:
    return next(r for r in retention_periods() if r.key == key)


# --- The platform's own sections ----------------------------------------------------------


def _account(user) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _email_addresses(user) -> list[dict]:
    from allauth.account.models import EmailAddress

    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    ]


def _identity(user) -> dict[str, Any] | None:
    record = Identity.objects.filter(user=user).first()
    if record is None:
        return None
    return {
        "provider": record.provider,
        "fiscal_code": record.fiscal_code,
        "level": record.level,
        "acr": record.acr,
        "linked_at": record.created_at,
        "verified_at": record.verified_at,
    }


def _identity_providers(user) -> list[dict]:
    from allauth.socialaccount.models import SocialAccount

    # What each SPID/CIE gateway sent at the last sign-in, as it sent it.
    return [
        {
            "provider": account.provider,
            "subject": account.uid,
            "claims": account.extra_data,
            "linked_at": account.date_joined,
            "last_sign_in": account.last_login,
        }
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


def _security(user) -> list[dict]:
    """Sessions, second factors and API tokens: when and from where, never a secret (the
    session key, the TOTP seed, the token's digest). Three queries."""
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from knox.models import AuthToken

    rows = [
        {
            "kind": gettext("sessione"),
            "created_at": s.created_at,
            "last_used_at": s.last_seen_at,
            "ip": s.ip,
            "user_agent": s.user_agent,
        }
        for s in UserSession.objects.filter(user=user).order_by("created_at", "pk")
    ]
    rows += [
        {
            "kind": gettext("secondo fattore (%(type)s)") % {"type": a.type},
            "created_at": a.created_at,
            "last_used_at": a.last_used_at,
        }
        for a in Authenticator.objects.filter(user=user).order_by("created_at", "pk")
    ]
    rows += [
        {
            "kind": gettext("token per l'API"),
            "created_at": t.created,
            "expires_at": t.expiry,
            "token_start": t.token_key,
        }
        for t in AuthToken.objects.filter(user=user).order_by("created")
    ]
    return rows


def _notifications(user) -> list[dict]:
    """The notifications in the site, then those waiting for the daily email summary."""
    rows = [
        {
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
    ]
    rows += [
        {
            "kind": d.kind,
            "title": d.title,
            "body": d.body,
            "url": d.url,
            "created_at": d.created_at,
            "in_summary": True,
            "sent_at": d.sent_at,
        }
        for d in DigestItem.objects.filter(recipient=user).order_by("created_at", "id")
    ]
    return rows


def _notification_choices(user) -> list[dict]:
    """How the person asked to be told: per kind, in the site and by email; and whether
    emails come at once or in a daily summary. Two queries."""
    rows = [
        {"kind": p.kind, "in_app": p.in_app, "email": p.email}
        for p in NotificationPreference.objects.filter(user=user).order_by("kind", "pk")
    ]
    settings_row = NotificationSettings.objects.filter(user=user).first()
    if settings_row is not None:
        rows.append(
            {
                "kind": gettext("invio delle email"),
                "email_delivery": settings_row.email_delivery,
                "digest_sent_on": settings_row.digest_sent_on,
            }
        )
    return rows


def _follows(user) -> list[dict]:
    return [
        {"object": f"{f.content_type.name} {f.object_id}", "since": f.created_at}
        for f in Follow.objects.filter(user=user)
        .select_related("content_type")
        .order_by("created_at", "pk")
    ]


def _activity(user) -> list[dict]:
    return [
        {
            "verb": entry.verb,
            "object": entry.object_repr,
            "reason": entry.reason,
            "created_at": entry.created_at,
        }
        for entry in AuditEntry.objects.filter(actor=user).order_by("created_at", "id")
    ]


def _attachments(user) -> list[dict]:
    """Files the person attached (a complaint's evidence, a proposal's documents): their
    names and when, not their content, which stays with its object."""
    from carta.attachments import Attachment

    return [
        {
            "file": a.original_name,
            "purpose": a.purpose,
            "attached_to": f"{a.content_type.name} {a.object_id}",
            "size": a.size,
            "created_at": a.created_at,
            "removed_at": a.removed_at,
        }
        for a in Attachment.objects.filter(uploaded_by=user)
        .select_related("content_type")
        .order_by("created_at", "pk")
    ]


def _flags(user) -> list[dict]:
    """Reports the person filed: what (the kind of content and its number), why, and what
    was decided; not who decided."""
    return [
        {
            "content": f"{flag.content_type.name} {flag.object_id}",
            "reason": flag.reason,
            "status": flag.status,
            "created_at": flag.created_at,
            "resolved_at": flag.resolved_at,
            "resolution": flag.resolution,
        }
        for flag in Flag.objects.filter(reporter=user)
        .select_related("content_type")
        .order_by("created_at", "id")
    ]


WHEN = _("Data")

register_section(
    "account",
    title=_("Account"),
    collect=_account,
    columns={
        "username": _("Nome utente"),
        "first_name": _("Nome"),
        "last_name": _("Cognome"),
        "email": _("Email"),
        "preferred_language": _("Lingua preferita"),
        "date_joined": _("Registrato il"),
        "last_login": _("Ultimo accesso"),
    },
    fields={
        "carta.User.first_name": ERASED,
        "carta.User.last_name": ERASED,
        "carta.User.email": ERASED,
        "carta.User.username": ERASED,
        "carta.User.password": ERASED,
        "carta.User_groups.user": ERASED,
        "carta.User_user_permissions.user": ERASED,
        "admin.LogEntry.user": kept(
            "actions of staff in the Django admin, pointing to the erased account; "
            "exported as activity, which records the same acts"
        ),
        "guardian.UserObjectPermission.user": ERASED,
    },
)
register_section(
    "email_addresses",
    title=_("Indirizzi email"),
    collect=_email_addresses,
    columns={"email": _("Email"), "verified": _("Confermato"), "primary": _("Principale")},
    fields={"account.EmailAddress.user": ERASED, "account.EmailAddress.email": ERASED},
)
register_section(
    "identity",
    title=_("Identità digitale (SPID o CIE)"),
    collect=_identity,
    columns={
        "provider": _("Gestore"),
        "fiscal_code": _("Codice fiscale"),
        "level": _("Livello di sicurezza"),
        "acr": _("Contesto di autenticazione"),
        "linked_at": _("Collegata il"),
        "verified_at": _("Verificata il"),
    },
    fields={"carta.Identity.user": ERASED, "carta.Identity.fiscal_code": ERASED},
    choices={"provider": IdentityProvider},
)
register_section(
    "identity_providers",
    title=_("Dati inviati dai gestori dell'identità"),
    collect=_identity_providers,
    columns={
        "provider": _("Gestore"),
        "subject": _("Identificativo presso il gestore"),
        "claims": _("Dati inviati"),
        "linked_at": _("Collegato il"),
        "last_sign_in": _("Ultimo accesso"),
    },
    fields={"socialaccount.SocialAccount.user": ERASED},
)
register_section(
    "security",
    title=_("Sessioni, secondo fattore e token"),
    description=_(
        "Quando e da dove hai usato il tuo account. I codici segreti non sono mai mostrati."
    ),
    collect=_security,
    columns={
        "kind": _("Tipo"),
        "created_at": _("Creato il"),
        "last_used_at": _("Ultimo uso"),
        "expires_at": _("Scade il"),
        "ip": _("Indirizzo IP"),
        "user_agent": _("Programma usato"),
        "token_start": _("Inizio del token"),
    },
    fields={
        "usersessions.UserSession.user": ERASED,
        "usersessions.UserSession.ip": ERASED,
        "usersessions.UserSession.user_agent": ERASED,
        "mfa.Authenticator.user": ERASED,
        "knox.AuthToken.user": ERASED,
    },
)
register_section(
    "notifications",
    title=_("Notifiche"),
    collect=_notifications,
    columns={
        "created_at": WHEN,
        "kind": _("Tipo"),
        "title": _("Titolo"),
        "body": _("Testo"),
        "url": _("Collegamento"),
        "read_at": _("Letta il"),
        "in_summary": _("Nel riepilogo via email"),
        "sent_at": _("Inviata il"),
    },
    fields={"carta.Notification.recipient": ERASED, "carta.DigestItem.recipient": ERASED},
)
register_section(
    "notification_preferences",
    title=_("Preferenze sulle notifiche"),
    collect=_notification_choices,
    columns={
        "kind": _("Tipo"),
        "in_app": _("Nel sito"),
        "email": _("Per email"),
        "email_delivery": _("Invio delle email"),
        "digest_sent_on": _("Ultimo riepilogo inviato il"),
    },
    fields={
        # carta.follows: deleted with the account.
        "carta.NotificationPreference.user": ERASED,
        "carta.NotificationPreference.email": ERASED,
        "carta.NotificationSettings.user": ERASED,
    },
    choices={"email_delivery": EmailDelivery},
)
register_section(
    "follows",
    title=_("Contenuti che segui"),
    collect=_follows,
    columns={"object": _("Contenuto"), "since": _("Dal")},
    fields={"carta.Follow.user": ERASED},
)
register_section(
    "activity",
    title=_("Attività registrate"),
    description=_(
        "Le azioni che hai compiuto sulla piattaforma, come risultano dal registro delle attività."
    ),
    collect=_activity,
    columns={
        "created_at": WHEN,
        "verb": _("Azione"),
        "object": _("Oggetto"),
        "reason": _("Motivazione"),
    },
    fields={
        "carta.AuditEntry.actor": kept(
            "the append-only audit log keeps the numeric id; the actor's label becomes "
            "'utente cancellato'"
        ),
        "carta.ModerationEntry.moderator": kept(
            "the public moderation log's act of staff, pointing to the erased account"
        ),
    },
)
register_section(
    "flags",
    title=_("Segnalazioni di contenuti"),
    collect=_flags,
    columns={
        "created_at": WHEN,
        "content": _("Contenuto"),
        "reason": _("Motivo"),
        "status": _("Stato"),
        "resolution": _("Esito"),
        "resolved_at": _("Deciso il"),
    },
    fields={
        "carta.Flag.reporter": kept(
            "the moderation record stays, its reporter shown as 'utente cancellato'"
        ),
        "carta.Flag.resolved_by": kept("a moderator's decision, exported as activity"),
    },
    choices={"status": Flag.Status},
)
register_section(
    "attachments",
    title=_("File che hai allegato"),
    collect=_attachments,
    columns={
        "created_at": WHEN,
        "file": _("Nome del file"),
        "purpose": _("Tipo di documento"),
        "attached_to": _("Allegato a"),
        "size": _("Dimensione in byte"),
        "removed_at": _("Rimosso il"),
    },
    fields={
        # carta.attachments.forget_uploader: the files stay with their object.
        "carta.Attachment.uploaded_by": ERASED,
        "carta.Attachment.removed_by": ERASED,
    },
)


@receiver(account_erasing, dispatch_uid="carta.privacy.erase_security")
def erase_security(sender, user, **kwargs):
    """The core's part of an erasure beyond ``erase_account`` itself: the devices and
    addresses of the person's sessions, their second factors, global permissions and
    groups (the API tokens go when the password does, ``carta.tokens``)."""
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession
    from guardian.models import UserObjectPermission

    UserSession.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    UserObjectPermission.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
