"""Organizations of the network, their members and roles, invitations, and resources."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from carta.models import Area, Moderatable, Municipality, TimeStampedModel
from stakeholders.validators import validate_areas, validate_tax_code


class OrganizationKind(models.TextChoices):
    ODV = "odv", _("Organizzazione di volontariato (ODV)")
    APS = "aps", _("Associazione di promozione sociale (APS)")
    COOP_A = "coop_a", _("Cooperativa sociale di tipo A")
    COOP_B = "coop_b", _("Cooperativa sociale di tipo B")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Impresa sociale")
    FOUNDATION = "foundation", _("Fondazione")
    OTHER_ETS = "other_ets", _("Altro ente del Terzo settore")
    PUBLIC_BODY = "public_body", _("Ente pubblico")
    INFORMAL_GROUP = "informal_group", _("Gruppo informale")


# Kinds that are not entered in the RUNTS and therefore have no RUNTS number.
KINDS_WITHOUT_RUNTS = frozenset({OrganizationKind.PUBLIC_BODY, OrganizationKind.INFORMAL_GROUP})


class OrganizationStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di verifica")
    VERIFIED = "verified", _("Verificata")
    REJECTED = "rejected", _("Respinta")
    SUSPENDED = "suspended", _("Sospesa")


# The statuses in which a tax code is taken: a rejected application leaves it free for a
# corrected one (a new row; the rejected one stays, with its reason, in the history).
TAX_CODE_TAKEN = ~models.Q(status=OrganizationStatus.REJECTED)


class Organization(TimeStampedModel, Moderatable):
    """An organization that applied to join the Ambito's network.

    Moderators may hide its profile (``Moderatable``): the organization stays a member of
    the network with its name, kind and status; what hiding takes from public view is the
    text it wrote about itself (description and website), which its members and staff
    still read with the reason so that it can be corrected."""

    legal_name = models.CharField(_("denominazione"), max_length=200)
    kind = models.CharField(_("tipologia"), max_length=32, choices=OrganizationKind.choices)
    tax_code = models.CharField(
        _("codice fiscale / partita IVA"),
        max_length=11,
        db_index=True,
        validators=[validate_tax_code],
    )
    runts_number = models.CharField(_("numero di iscrizione al RUNTS"), max_length=40, blank=True)
    address = models.CharField(_("indirizzo della sede"), max_length=255, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("comuni in cui opera"), blank=True, related_name="+"
    )
    # A JSON list of ``carta.models.Area`` values: portable between SQLite and PostgreSQL.
    areas = models.JSONField(
        _("aree di intervento"), default=list, blank=True, validators=[validate_areas]
    )
    email = models.EmailField(_("email"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    status = models.CharField(
        _("stato"),
        max_length=16,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField(_("motivazione"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decisa da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    # The pact: which revision of the Carta the organization accepted, and when. The
    # revision is a number until the Carta's revisions exist to link to.
    pact_accepted_at = models.DateTimeField(_("patto accettato il"), null=True, blank=True)
    pact_revision_number = models.PositiveIntegerField(
        _("revisione della Carta accettata"), null=True, blank=True
    )
    # The renewal asked when a newer revision took effect (``request_pact_renewal``): the
    # revision asked, when, and the deadline fixed then (the grace period of that day), so
    # that the date a representative was told never moves. All three are cleared by the
    # acceptance; the history of acceptances is ``PactAcceptance``.
    pact_renewal_revision_number = models.PositiveIntegerField(
        _("revisione per cui è chiesto il rinnovo del patto"), null=True, blank=True
    )
    pact_renewal_requested_at = models.DateTimeField(
        _("rinnovo del patto chiesto il"), null=True, blank=True
    )
    pact_renew_by = models.DateTimeField(_("patto da rinnovare entro il"), null=True, blank=True)
    # The weighted Italian full-text vector of name and description, kept by a PostgreSQL
    # trigger (``carta.search.stored_vector``); empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["legal_name", "id"]
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        permissions = [
            ("decide_organization", _("Può verificare, respingere e sospendere organizzazioni")),
            ("manage_members", _("Può gestire membri e ruoli dell'organizzazione")),
            ("change_profile", _("Può modificare il profilo dell'organizzazione")),
            ("vote_for_organization", _("Può votare a nome dell'organizzazione")),
            (
                "write_for_organization",
                _("Può scrivere proposte e risorse a nome dell'organizzazione"),
            ),
            ("comment_for_organization", _("Può commentare a nome dell'organizzazione")),
            ("view_internal", _("Può vedere i contenuti interni dell'organizzazione")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=TAX_CODE_TAKEN,
                name="organization_tax_code_unique_unless_rejected",
                violation_error_message=_(
                    "Un'organizzazione con questo codice fiscale è già iscritta."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    def get_absolute_url(self) -> str:
        return reverse("organization", args=[self.pk])

    def area_labels(self) -> list[str]:
        return [str(Area(value).label) for value in self.areas if value in Area.values]


class PactAcceptance(models.Model):
    """One acceptance of the pact: which organization, which revision of the Carta (None
    when none was in force), who accepted it and when. Written by the services only (the
    application and each renewal), never changed."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pact_acceptances"
    )
    revision_number = models.PositiveIntegerField(_("revisione della Carta"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accettato da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accettato il"), default=timezone.now)

    class Meta:
        ordering = ["organization", "-accepted_at", "-id"]
        verbose_name = _("accettazione del patto")
        verbose_name_plural = _("accettazioni del patto")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "revision_number"],
                name="pact_acceptance_unique_revision",
                violation_error_message=_(
                    "L'organizzazione ha già accettato il patto su questa revisione."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} - {self.revision_number or '-'}"


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class Role(models.TextChoices):
    REPRESENTATIVE = "representative", _("Rappresentante")
    EDITOR = "editor", _("Redattore")
    MEMBER = "member", _("Socio")


class Membership(TimeStampedModel):
    """A person's role in one organization; the source of the person's object permissions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("ruolo"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # Whether the representatives let this person cast the organization's ballot.
    can_vote = models.BooleanField(_("può votare per l'organizzazione"), default=False)

    class Meta:
        ordering = ["organization", "user__username"]
        verbose_name = _("adesione")
        verbose_name_plural = _("adesioni")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="membership_unique_user_organization",
                violation_error_message=_("Questa persona fa già parte dell'organizzazione."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.organization} ({self.get_role_display()})"


class Invitation(TimeStampedModel):
    """An invitation to join an organization, addressed to one person: only that person
    answers it (the link is not enough). Only the token's hash is stored."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    # The account invited, when the address belonged to one: the invitation stays that
    # person's even if the address later moves to another account.
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona invitata"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("ruolo"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("scade il"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitato da"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accettato il"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(_("rifiutato il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None or self.declined_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def is_addressed_to(self, user) -> bool:
        """Whether ``user`` is the person invited: the account itself when known, else the
        holder of the invited address (compared without regard to case)."""
        if self.invitee_id is not None:
            return self.invitee_id == user.pk
        return user.email.lower() == self.email.lower()


class ResourceKind(models.TextChoices):
    SERVICE_PROGRAMME = "service_programme", _("Servizio o programma")
    SPACE = "space", _("Spazio")
    STAFF_HOURS = "staff_hours", _("Ore di personale")
    VOLUNTEER_HOURS = "volunteer_hours", _("Ore di volontariato")
    EQUIPMENT_VEHICLE = "equipment_vehicle", _("Attrezzature o mezzi")
    FUNDING_IN_KIND = "funding_in_kind", _("Finanziamento o sostegno in natura")
    EXPERTISE_TRAINING = "expertise_training", _("Competenze o formazione")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Pubblica")
    NETWORK = "network", _("Solo rete (organizzazioni verificate e Ufficio di Piano)")


class Resource(TimeStampedModel, Moderatable):
    """Something an organization brings to the network. Hidden by a moderator, it leaves
    every public list, search and page (404); its organization's members and staff still
    see it, with the reason."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("tipologia"), max_length=32, choices=ResourceKind.choices)
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    areas = models.JSONField(
        _("aree di intervento"), default=list, blank=True, validators=[validate_areas]
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("comuni coperti"), blank=True, related_name="+"
    )
    capacity = models.CharField(_("capacità"), max_length=200, blank=True)
    available_from = models.DateField(_("disponibile dal"), null=True, blank=True)
    available_until = models.DateField(_("disponibile fino al"), null=True, blank=True)
    contact = models.CharField(_("contatto"), max_length=200, blank=True)
    visibility = models.CharField(
        _("visibilità"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # As the organization's: title over description, kept by a trigger.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("risorsa")
        verbose_name_plural = _("risorse")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("resource", args=[self.pk])

    def area_labels(self) -> list[str]:
        return [str(Area(value).label) for value in self.areas if value in Area.values]
