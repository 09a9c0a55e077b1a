"""Project proposals (co-progettazione): the proposal, its partners, versions, history,
comments and endorsements."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.models import Area, Moderatable, TimeStampedModel
from proposals.states import ProposalState

TEXT_FIELDS = ("title", "summary", "body", "beneficiaries")


class Proposal(Moderatable, TimeStampedModel):
    """A project proposed by a lead organization, alone or with partners."""

    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organizzazione proponente"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.TextField(_("sintesi"), max_length=1000)
    body = models.TextField(_("descrizione del progetto"), blank=True)
    area = models.CharField(_("area di intervento"), max_length=32, choices=Area.choices)
    beneficiaries = models.TextField(_("destinatari"), blank=True)
    budget_estimate = models.DecimalField(
        _("stima del costo (euro)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    state = models.CharField(
        _("stato"),
        max_length=20,
        choices=ProposalState.choices,
        default=ProposalState.DRAFT,
        db_index=True,
    )
    # Set on the first publication: a proposal rejected before it stays private.
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("presentata il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resources = models.ManyToManyField(
        "stakeholders.Resource",
        verbose_name=_("risorse impegnate"),
        blank=True,
        related_name="proposals",
    )

    # The weighted Italian full-text vector of title, summary and body, kept by a
    # PostgreSQL trigger (``carta.search.stored_vector``); empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")
        permissions = [
            ("moderate_proposal", _("Può verificare e pubblicare le proposte presentate")),
            ("evaluate_proposal", _("Può valutare le proposte pubblicate")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_estimate__gte=0), name="proposal_budget_not_negative"
            )
        ]

    def __str__(self) -> str:
        # Hidden, its title is part of what was hidden: the neutral label stands in.
        if self.is_hidden:
            return self.neutral_label()
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposal", args=[self.pk])


class PartnershipStatus(models.TextChoices):
    INVITED = "invited", _("Invitata")
    REQUESTED = "requested", _("Ha chiesto di aderire")
    ACCEPTED = "accepted", _("Partner")
    DECLINED = "declined", _("Non aderisce")


class Partnership(models.Model):
    """A partner organization of a proposal: invited by the lead, or asking to join."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partnerships")
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organizzazione"),
        on_delete=models.CASCADE,
        related_name="partnerships",
    )
    status = models.CharField(
        _("stato"), max_length=12, choices=PartnershipStatus.choices, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("partenariato")
        verbose_name_plural = _("partenariati")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organization"], name="partnership_unique_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} - {self.proposal} ({self.get_status_display()})"


class ProposalVersion(models.Model):
    """The text of a proposal as it stood at one point after its first submission."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versione"))
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.TextField(_("sintesi"))
    body = models.TextField(_("descrizione del progetto"), blank=True)
    beneficiaries = models.TextField(_("destinatari"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    # A redacted version's text is erased (not kept aside): the reason stays public.
    redacted_at = models.DateTimeField(_("oscurata il"), null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oscurata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    redaction_reason = models.TextField(_("motivo dell'oscuramento"), blank=True)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("versione della proposta")
        verbose_name_plural = _("versioni della proposta")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None


class ProposalTransition(models.Model):
    """One step of a proposal's lifecycle: who, when, from, to, why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("azione"), max_length=32)
    from_state = models.CharField(_("da"), max_length=20, choices=ProposalState.choices)
    to_state = models.CharField(_("a"), max_length=20, choices=ProposalState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chi"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("motivazione"), blank=True)
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("passaggio di stato")
        verbose_name_plural = _("passaggi di stato")

    def __str__(self) -> str:
        return f"{self.proposal}: {self.from_state} → {self.to_state}"


class ProposalComment(Moderatable, TimeStampedModel):
    """A comment in the public phase, in one's own name or an organization's."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("a nome di"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in risposta a"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("testo"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commento alla proposta")
        verbose_name_plural = _("commenti alle proposte")

    def __str__(self) -> str:
        # Its name in logs and lists: where it stands, never its author or text (hiding it
        # must not republish it), as the Carta's comments.
        return gettext("Commento n. %(id)s alla proposta n. %(proposal)s") % {
            "id": self.pk,
            "proposal": self.proposal_id,
        }

    def get_absolute_url(self) -> str:
        return f"{self.proposal.get_absolute_url()}#commento-{self.pk}"


class Endorsement(models.Model):
    """Support for a published proposal: one per person, or one per organization."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("a nome di"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sostegno")
        verbose_name_plural = _("sostegni")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"],
                condition=Q(organization__isnull=True),
                name="endorsement_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["proposal", "organization"],
                condition=Q(organization__isnull=False),
                name="endorsement_one_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization or self.user} → {self.proposal}"
