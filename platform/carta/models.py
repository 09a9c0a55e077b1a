"""Core models: people, the Ambito's municipalities, the audit log and notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for models that remember when they were created and last changed."""

    created_at = models.DateTimeField(_("creato il"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modificato il"), auto_now=True)

    class Meta:
        abstract = True


class Area(models.TextChoices):
    """The standard areas of social intervention (aree di intervento)."""

    FAMILIES_MINORS = "families_minors", _("Responsabilità familiari e minori")
    DISABILITY = "disability", _("Disabilità")
    DEPENDENCIES = "dependencies", _("Dipendenze")
    ELDERLY = "elderly", _("Anziani")
    IMMIGRANTS = "immigrants", _("Immigrati")
    POVERTY = "poverty", _("Povertà e disagio adulti")
    MULTI_USER = "multi_user", _("Servizi multiutenza")


class User(AbstractUser):
    """A person: citizen, member of organizations, or staff of the Ambito."""

    email = models.EmailField(_("indirizzo email"))
    preferred_language = models.CharField(
        _("lingua preferita"), max_length=8, choices=settings.LANGUAGES, default="it"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                # An erased account has no address left to collide with.
                condition=~models.Q(email=""),
                violation_error_message=_("Esiste già un account con questo indirizzo email."),
            ),
        ]

    def __str__(self) -> str:
        if self.is_erased:
            return str(_("utente cancellato"))
        return self.get_full_name() or self.username

    @property
    def is_erased(self) -> bool:
        """Erased by its owner (``carta.services.erase_account``); the row stays so that
        contributions keep an author, shown as "utente cancellato"."""
        return not self.is_active and self.username == f"cancellato-{self.pk}"

    @property
    def display_name(self) -> str:
        return str(self)


class IdentityProvider(models.TextChoices):
    SPID = "spid", "SPID"
    CIE = "cie", "CIE"


class Identity(models.Model):
    """A person's identity as SPID or CIE attested it, linked to one account.

    The fiscal code is unique: a person is one account, whichever provider they sign in
    with, and a second account of the same person is linked to the first
    (``carta.identity``). ``verified_at`` is the last sign-in that attested it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity",
        verbose_name=_("account"),
    )
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    provider = models.CharField(_("gestore"), max_length=8, choices=IdentityProvider.choices)
    level = models.PositiveSmallIntegerField(_("livello di sicurezza"), default=2)
    acr = models.CharField(_("contesto di autenticazione"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("collegata il"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verificata il"))

    class Meta:
        verbose_name = _("identità digitale")
        verbose_name_plural = _("identità digitali")

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.fiscal_code[:6]}…"


class Municipality(models.Model):
    """A municipality (comune) of the Ambito; the list is the deployment's own."""

    name = models.CharField(_("nome"), max_length=120, unique=True)
    istat_code = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    province = models.CharField(_("provincia"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """One state change, written by a service; never updated nor deleted, except for the
    erasure of personal data that retention rules require
    (``carta.services.erase_audit_personal_data``).

    ``object_repr`` and ``actor_label`` keep what the row meant even after the object or
    the person is gone. A model may restrict who reads the rows about it with an
    ``audit_permission`` (``carta.selectors.audit_entries_for``).
    """

    created_at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("chi (testo)"), max_length=150, blank=True)
    verb = models.CharField(_("azione"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("oggetto"), max_length=255, blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    changes = models.JSONField(_("campi modificati"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("voce del registro")
        verbose_name_plural = _("registro delle attività")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        # The log is append-only: an existing row is never rewritten.
        if self.pk is not None:
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only")


class Notification(models.Model):
    """A message for one person, shown in the app and, where asked, sent by email."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("tipo"), max_length=60)
    title = models.CharField(_("titolo"), max_length=255)
    body = models.TextField(_("testo"), blank=True)
    url = models.CharField(_("collegamento"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url or reverse("notifications")


class Moderatable(models.Model):
    """Fields of content that moderators can hide with a public reason.

    Hidden content stays stored: pages show the reason in its place, and the author may
    ask once for a review. Register the model with ``carta.moderation.register``.
    """

    hidden_at = models.DateTimeField(_("nascosto il"), null=True, blank=True)
    hidden_reason = models.TextField(_("motivo dell'oscuramento"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nascosto da"),
    )
    review_requested_at = models.DateTimeField(_("revisione chiesta il"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def neutral_label(self) -> str:
        """Its kind and number, never its text or author: its name once hidden, in the
        public log and wherever its own name would repeat what was hidden."""
        return f"{self._meta.verbose_name.capitalize()} n. {self.pk}"


class Flag(models.Model):
    """A report that some content breaks the rules, awaiting a moderator's decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Da esaminare")
        UPHELD = "upheld", _("Accolta: contenuto nascosto")
        DISMISSED = "dismissed", _("Respinta")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flags",
        verbose_name=_("segnalato da"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField(_("motivo della segnalazione"))
    status = models.CharField(
        _("stato"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("segnalato il"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("esito"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        permissions = [("moderate_content", _("Può nascondere e ripristinare contenuti"))]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=models.Q(status="open"),
                name="flag_one_open_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}: {self.reason[:40]}"


class ModerationEntry(models.Model):
    """One line of the public moderation log: what was hidden or restored, and why."""

    class Action(models.TextChoices):
        HIDDEN = "hidden", _("Nascosto")
        RESTORED = "restored", _("Ripristinato")
        REVIEW_REQUESTED = "review_requested", _("Revisione chiesta dall'autore")

    created_at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_label = models.CharField(_("contenuto"), max_length=255)
    url = models.CharField(_("collegamento"), max_length=500, blank=True)
    reason = models.TextField(_("motivo pubblico"))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("voce del registro di moderazione")
        verbose_name_plural = _("registro di moderazione")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_label}"


class EmailDelivery(models.TextChoices):
    """How a person receives by email the notifications they keep on for email."""

    IMMEDIATE = "immediate", _("Subito, un messaggio per ogni notifica")
    DAILY = "daily", _("Un riepilogo al giorno")
    NONE = "none", _("Nessuna email")


class NotificationSettings(models.Model):
    """A person's choice between single emails and a daily digest; no row means
    ``immediate``. ``digest_sent_on`` is the day of the last digest, claimed with a
    conditional update so that a day's digest leaves once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("persona"),
    )
    email_delivery = models.CharField(
        _("email"), max_length=12, choices=EmailDelivery.choices, default=EmailDelivery.IMMEDIATE
    )
    digest_sent_on = models.DateField(_("ultimo riepilogo inviato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("impostazioni delle notifiche")
        verbose_name_plural = _("impostazioni delle notifiche")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_delivery}"


class NotificationPreference(models.Model):
    """One person's choice for one kind of notification (``carta.notification_kinds``);
    no row means the kind's default: in the app and by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("persona"),
    )
    kind = models.CharField(_("tipo"), max_length=60)
    in_app = models.BooleanField(_("nel sito"), default=True)
    email = models.BooleanField(_("per email"), default=True)

    class Meta:
        verbose_name = _("preferenza di notifica")
        verbose_name_plural = _("preferenze di notifica")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.in_app}/{self.email}"


class DigestItem(models.Model):
    """A notification waiting for its recipient's daily digest (``carta send_digest``);
    ``sent_at`` is set when the digest that carried it left."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("tipo"), max_length=60)
    title = models.CharField(_("titolo"), max_length=255)
    body = models.TextField(_("testo"), blank=True)
    url = models.CharField(_("collegamento"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notifica da riepilogare")
        verbose_name_plural = _("notifiche da riepilogare")
        indexes = [models.Index(fields=["recipient", "sent_at"])]

    def __str__(self) -> str:
        return self.title


class Follow(models.Model):
    """A person follows an object (a proposal, a revision, a consultation) to be told of
    its changes (``carta.follows``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(_("seguito dal"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("oggetto seguito")
        verbose_name_plural = _("oggetti seguiti")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="follow_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}#{self.object_id}"
