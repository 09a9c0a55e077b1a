"""The Carta: its revisions, their ordered sections and service catalogue, and the
participation on a revision (anchored comments with outcomes, amendments and supports).

Consultations and votes live in their own app, ``consultations.voting``; these models are
the ``consultations`` app proper.

Sections, services and quality commitments carry a ``key`` that stays the same across
revisions: copies keep it, diffs match on it, comments and amendments anchor to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.models import Area, Moderatable, TimeStampedModel

KEY_MAX = 100


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    IN_CONSULTATION = "in_consultation", _("In consultazione")
    ADOPTED = "adopted", _("In vigore")
    # Adopted by an act whose effective date is still to come: ``carta_take_effect``
    # puts it in force on that date. Never "in force" before then.
    SCHEDULED = "scheduled", _("Adottata, non ancora in vigore")
    SUPERSEDED = "superseded", _("Superata")


# States in which a revision's text may still change, and people may comment and amend.
OPEN_STATUSES = frozenset({RevisionStatus.DRAFT, RevisionStatus.IN_CONSULTATION})
# States that everybody may read.
PUBLIC_STATUSES = frozenset(
    {
        RevisionStatus.IN_CONSULTATION,
        RevisionStatus.ADOPTED,
        RevisionStatus.SCHEDULED,
        RevisionStatus.SUPERSEDED,
    }
)


class RevisionQuerySet(models.QuerySet):
    def in_force(self) -> RevisionQuerySet:
        """The one definition of "the revision in force": adopted and already effective.
        A revision adopted with a later effective date is ``SCHEDULED`` until
        ``carta_take_effect`` switches it on, so it never matches here before its date.
        Every reader of the Carta in force (pages, API, feedback) goes through this."""
        return self.filter(status=RevisionStatus.ADOPTED)


class Revision(TimeStampedModel):
    """One revision of the Carta. Exactly one is adopted (in force) at any time."""

    number = models.PositiveIntegerField(_("numero"), unique=True)
    title = models.CharField(_("titolo"), max_length=200)
    summary_of_changes = models.TextField(_("sintesi delle modifiche"), blank=True)
    status = models.CharField(
        _("stato"),
        max_length=16,
        choices=RevisionStatus.choices,
        default=RevisionStatus.DRAFT,
        db_index=True,
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copiata dalla revisione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with_network_at = models.DateTimeField(
        _("condivisa con la rete il"), null=True, blank=True
    )
    consultation_opened_at = models.DateTimeField(
        _("messa in consultazione il"), null=True, blank=True
    )
    # The consultation phase: comments, amendments and supports are accepted from
    # ``consultation_opened_at`` until ``consultation_closes_at`` (for everybody) or, when
    # set, until the later ``organizations_close_at`` for organizations of the network.
    # ``closing_notice_sent_at`` marks the notice sent before the closing (once).
    consultation_closes_at = models.DateTimeField(
        _("consultazione aperta fino al"), null=True, blank=True
    )
    organizations_close_at = models.DateTimeField(
        _("aperta alle organizzazioni fino al"), null=True, blank=True
    )
    closing_notice_sent_at = models.DateTimeField(
        _("avviso di chiusura inviato il"), null=True, blank=True
    )
    adopted_at = models.DateTimeField(_("adottata il"), null=True, blank=True)
    # The act that adopted it: the deciding body, the act's number and date, and the date
    # the revision takes effect (the day of adoption or later).
    act_body = models.CharField(_("organo che ha deliberato"), max_length=200, blank=True)
    act_number = models.CharField(_("numero dell'atto"), max_length=50, blank=True)
    act_date = models.DateField(_("data dell'atto"), null=True, blank=True)
    effective_from = models.DateField(_("in vigore dal"), null=True, blank=True)
    # The days the act gives the network's organizations to renew their pact on this
    # revision once it is in force (``CARTA_PACT_GRACE_DAYS`` when it gives none).
    pact_grace_days = models.PositiveSmallIntegerField(
        _("giorni per rinnovare il patto"), null=True, blank=True
    )
    superseded_at = models.DateTimeField(_("superata il"), null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revisione della Carta")
        verbose_name_plural = _("revisioni della Carta")
        permissions = [
            (
                "edit_carta",
                _("Può redigere le bozze della Carta, metterle in consultazione e adottarle"),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="adopted"),
                name="revision_one_in_force",
                violation_error_message=_("Un'altra revisione della Carta è già in vigore."),
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="scheduled"),
                name="revision_one_scheduled",
                violation_error_message=_(
                    "Un'altra revisione della Carta è già adottata e attende di entrare in vigore."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("carta_revision", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def in_force_from(self):
        """The date the revision took or takes effect (adoption's day for revisions
        adopted before acts were recorded); None if never adopted."""
        if self.effective_from:
            return self.effective_from
        return timezone.localdate(self.adopted_at) if self.adopted_at else None


class Section(models.Model):
    """A section of a revision. ``position`` is the document order within the revision
    (depth-first); ``parent_key`` makes the tree (empty at the top level)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("chiave"), max_length=KEY_MAX)
    parent_key = models.SlugField(_("sezione madre"), max_length=KEY_MAX, blank=True)
    position = models.PositiveIntegerField(_("posizione"), default=0)
    heading = models.CharField(_("titolo"), max_length=255)
    body = models.TextField(_("testo (Markdown)"), blank=True)

    class Meta:
        ordering = ["revision", "position", "id"]
        verbose_name = _("sezione")
        verbose_name_plural = _("sezioni")
        constraints = [
            models.UniqueConstraint(fields=["revision", "key"], name="section_key_once"),
        ]

    def __str__(self) -> str:
        return self.heading


class Service(models.Model):
    """An entry of the service catalogue of one revision."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="services")
    key = models.SlugField(_("chiave"), max_length=KEY_MAX)
    position = models.PositiveIntegerField(_("posizione"), default=0)
    title = models.CharField(_("denominazione"), max_length=200)
    area = models.CharField(_("area di intervento"), max_length=32, choices=Area.choices)
    purposes = models.TextField(_("finalità"), blank=True)
    specific_objectives = models.TextField(_("obiettivi specifici"), blank=True)
    main_functions = models.TextField(_("funzioni prevalenti"), blank=True)
    delivery_modalities = models.TextField(_("modalità di erogazione"), blank=True)
    access_requirements = models.TextField(_("requisiti di accesso"), blank=True)
    # What a citizen needs to know to use the service.
    how_to_apply = models.TextField(_("come fare domanda"), blank=True)
    where_and_when = models.TextField(_("dove e quando (uffici, orari, contatti)"), blank=True)
    documents_required = models.TextField(_("documenti da presentare"), blank=True)
    costs = models.TextField(_("costi e compartecipazione (soglie ISEE)"), blank=True)
    provider_organizations = models.ManyToManyField(
        "stakeholders.Organization",
        verbose_name=_("enti erogatori"),
        blank=True,
        related_name="carta_services",
    )

    # The text fields an amendment may propose new values for, in display order.
    TEXT_FIELDS = (
        "title",
        "purposes",
        "specific_objectives",
        "main_functions",
        "delivery_modalities",
        "access_requirements",
        "how_to_apply",
        "where_and_when",
        "documents_required",
        "costs",
    )

    class Meta:
        ordering = ["revision", "position", "id"]
        verbose_name = _("servizio")
        verbose_name_plural = _("servizi")
        constraints = [
            models.UniqueConstraint(fields=["revision", "key"], name="service_key_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("service", args=[self.key])


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("almeno")
    AT_MOST = "at_most", _("al massimo")


class GovernedRule(models.TextChoices):
    """A rule of the platform that a commitment of the Carta may set (one commitment per
    rule and revision): the complaint answer deadline takes the commitment's target, in
    days."""

    COMPLAINT_DEADLINE = "complaint_deadline", _("termine di risposta ai reclami")


class QualityCommitment(models.Model):
    """A minimum quality the Ambito guarantees for a service, and how it is checked."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="commitments")
    key = models.SlugField(_("chiave"), max_length=KEY_MAX)
    position = models.PositiveIntegerField(_("posizione"), default=0)
    indicator = models.CharField(_("indicatore"), max_length=255)
    direction = models.CharField(
        _("verso"), max_length=8, choices=Direction.choices, default=Direction.AT_LEAST
    )
    target_value = models.DecimalField(_("valore obiettivo"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unità di misura"), max_length=40, blank=True)
    how_measured = models.TextField(_("come si misura"), blank=True)
    governs = models.CharField(
        _("regola della piattaforma che stabilisce"),
        max_length=32,
        choices=GovernedRule.choices,
        blank=True,
    )
    # What the Carta promises when the commitment is breached: a refund or an indemnity
    # (what, and how much when it is an amount).
    refund = models.CharField(_("rimborso o indennizzo previsto"), max_length=255, blank=True)
    refund_amount = models.DecimalField(
        _("importo del rimborso (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["service", "position", "id"]
        verbose_name = _("impegno di qualità")
        verbose_name_plural = _("impegni di qualità")
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="commitment_key_once"),
        ]

    def __str__(self) -> str:
        return self.indicator

    @property
    def target_label(self) -> str:
        value = f"{self.target_value.normalize():f}".replace(".", ",")
        return f"{self.get_direction_display()} {value} {self.unit}".strip()


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accolto")
    PARTLY_ACCEPTED = "partly_accepted", _("Accolto in parte")
    NOT_ACCEPTED = "not_accepted", _("Non accolto")


class Comment(Moderatable, TimeStampedModel):
    """A comment on a section of a revision, optionally on a quoted passage of it.

    ``anchored_text`` is the section's text when the comment was written: when the text
    the reader sees differs, the comment is shown as written on an earlier text, with
    the diff since.
    """

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="comments")
    section_key = models.SlugField(_("sezione"), max_length=KEY_MAX)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carta_comments"
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("a nome di"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carta_comments",
    )
    body = models.TextField(_("commento"))
    quote = models.TextField(_("passo citato"), blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    anchored_text = models.TextField(blank=True, editable=False)
    outcome = models.CharField(_("esito"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("motivazione dell'esito"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_at = models.DateTimeField(_("esito registrato il"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commento alla Carta")
        verbose_name_plural = _("commenti alla Carta")
        indexes = [models.Index(fields=["revision", "section_key"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quote_start__isnull=True)
                | models.Q(quote_end__gt=models.F("quote_start")),
                name="comment_quote_offsets_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(parent__isnull=True),
                name="comment_outcome_only_top_level",
            ),
        ]

    def __str__(self) -> str:
        return self.public_label()

    def get_absolute_url(self) -> str:
        return self.url_in(self.revision.get_absolute_url(), self.pk)

    @staticmethod
    def url_in(revision_url: str, pk: int) -> str:
        """The address of comment ``pk`` on the page at ``revision_url`` (a list of many
        builds them without reading each comment's revision)."""
        return f"{revision_url}#commento-{pk}"

    @property
    def signed_as(self) -> str:
        return str(self.organization) if self.organization_id else str(self.author)

    def public_label(self, section: str = "") -> str:
        """The comment's name in logs: its number and where it is, never its author or
        text (hiding it must not republish it). ``section`` defaults to the key."""
        return self.label_of(self.pk, section or self.section_key)

    @staticmethod
    def label_of(pk: int, section: str) -> str:
        """``public_label`` of comment ``pk`` on ``section``, without the comment."""
        return gettext("Commento n. %(id)s alla sezione «%(section)s»") % {
            "id": pk,
            "section": section,
        }


class AmendmentKind(models.TextChoices):
    SECTION = "section", _("Testo di una sezione")
    SERVICE = "service", _("Scheda di un servizio")


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Aperto")
    ACCEPTED = "accepted", _("Accolto")
    REJECTED = "rejected", _("Respinto")


class Amendment(Moderatable, TimeStampedModel):
    """Proposed replacement text for a section, or new values for a service's fields."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(_("tipo"), max_length=8, choices=AmendmentKind.choices)
    target_key = models.SlugField(_("sezione o servizio"), max_length=KEY_MAX)
    new_text = models.TextField(_("testo proposto"), blank=True)
    service_changes = models.JSONField(_("nuovi valori della scheda"), default=dict, blank=True)
    base_text = models.TextField(blank=True, editable=False)
    rationale = models.TextField(_("motivazione"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carta_amendments"
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("a nome di"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carta_amendments",
    )
    status = models.CharField(
        _("stato"), max_length=8, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN
    )
    decision_reason = models.TextField(_("motivazione della decisione"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    applied_to = models.ForeignKey(
        Revision,
        verbose_name=_("recepito nella revisione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("emendamento")
        verbose_name_plural = _("emendamenti")
        indexes = [models.Index(fields=["revision", "target_key"])]

    def __str__(self) -> str:
        return self.public_label()

    def get_absolute_url(self) -> str:
        return f"{self.revision.get_absolute_url()}#emendamento-{self.pk}"

    @property
    def signed_as(self) -> str:
        return str(self.organization) if self.organization_id else str(self.author)

    def public_label(self, target: str = "") -> str:
        """As ``Comment.public_label``: ``target`` (the section's heading or the service's title)
        defaults to the key."""
        if self.kind == AmendmentKind.SERVICE:
            text = gettext("Proposta di modifica n. %(id)s al servizio «%(target)s»")
        else:
            text = gettext("Proposta di modifica n. %(id)s alla sezione «%(target)s»")
        return text % {"id": self.pk, "target": target or self.target_key}


class AmendmentSupport(models.Model):
    """One support for an amendment: by a person, or by an organization (``organization``
    set; ``user`` is then who gave it in the organization's name)."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carta_supports"
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carta_supports",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sostegno a un emendamento")
        verbose_name_plural = _("sostegni agli emendamenti")
        constraints = [
            models.UniqueConstraint(
                fields=["amendment", "user"],
                condition=models.Q(organization__isnull=True),
                name="amendment_support_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["amendment", "organization"],
                condition=models.Q(organization__isnull=False),
                name="amendment_support_once_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization or self.user} → {self.amendment_id}"
