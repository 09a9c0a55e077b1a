"""Consultations and votes: the rules, the questions, the register of who voted, the
ballots, and the running tally.

Secrecy rests on the shape of two tables. ``VoterRecord`` (the register) says *who*
voted; ``Ballot`` says *what* was voted in a secret consultation and carries nothing that
can be matched against the register: a random UUID key, no foreign key to a person or an
organization, no timestamp, no sequence, no default ordering but the receipt's hash.
A public (named) consultation keeps each vote on its register row instead, because there
the name is the point.

The tally is kept as running counters (``TallyCounter``), spread over a few shards so
that simultaneous ballots seldom wait on the same row: results cost one small aggregate
query whatever the number of ballots. See docs/voting.md.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carta.models import TimeStampedModel


class Electorate(models.TextChoices):
    ORGANIZATIONS = "organizations", _("Organizzazioni")
    CITIZENS = "citizens", _("Cittadine e cittadini")
    BOTH = "both", _("Organizzazioni e cittadini (conteggi separati)")


class Secrecy(models.TextChoices):
    PUBLIC = "public", _("Voto palese (nominativo)")
    SECRET = "secret", _("Voto segreto")


class ResultsVisibility(models.TextChoices):
    LIVE = "live", _("In tempo reale")
    AFTER_CLOSE = "after_close", _("Solo dopo la chiusura")


class IdentityRequirement(models.TextChoices):
    """What a citizen must have to vote (organizations' ballots are unaffected)."""

    SPID_CIE = "spid_cie", _("SPID o CIE")
    EMAIL = "email", _("Email verificata")


class Status(models.TextChoices):
    UPCOMING = "upcoming", _("Di prossima apertura")
    OPEN = "open", _("Aperta")
    CLOSED = "closed", _("Chiusa")


# The electorates a ballot is counted in (``Electorate.BOTH`` is a rule, not a tally).
VOTER_KINDS = (Electorate.ORGANIZATIONS, Electorate.CITIZENS)


class Consultation(TimeStampedModel):
    """A consultation and its rules. Its status is computed from the clock and from an
    early-close record, never stored; its rules are frozen once it opens."""

    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    # What is put to the vote, when it is a revision of the Carta (draft or in force);
    # without one, the questions stand on their own.
    revision = models.ForeignKey(
        "consultations.Revision",
        verbose_name=_("revisione della Carta"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    opens_at = models.DateTimeField(_("apertura"), db_index=True)
    closes_at = models.DateTimeField(_("chiusura"), db_index=True)
    electorate = models.CharField(
        _("elettorato"), max_length=16, choices=Electorate.choices, default=Electorate.CITIZENS
    )
    # Citizens' ballots: SPID/CIE (one ballot per person, by fiscal code, and the
    # eligibility list can apply) or a verified email (one ballot per account).
    identity_required = models.CharField(
        _("identità richiesta per votare"),
        max_length=16,
        choices=IdentityRequirement.choices,
        default=IdentityRequirement.SPID_CIE,
    )
    # How many fiscal codes the eligibility list holds (``EligibleVoter``), 0 without a
    # list: kept by the service that replaces the list, so that casting and the public page
    # know without a query whether one applies.
    eligible_count = models.PositiveIntegerField(_("aventi diritto in elenco"), default=0)
    secrecy = models.CharField(
        _("segretezza"), max_length=8, choices=Secrecy.choices, default=Secrecy.PUBLIC
    )
    results_visibility = models.CharField(
        _("risultati"),
        max_length=16,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (% dell'elettorato)"), default=0)
    threshold_percent = models.PositiveSmallIntegerField(
        _("soglia di approvazione (% dei voti espressi)"), default=50
    )
    changeable = models.BooleanField(
        _("voto modificabile fino alla chiusura (solo voto palese)"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Early close: when, who, and why (the why is also in the audit log).
    closed_early_at = models.DateTimeField(_("chiusa in anticipo il"), null=True, blank=True)
    closed_early_reason = models.TextField(_("motivo della chiusura anticipata"), blank=True)
    closed_early_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The electorate counted at closing, for turnout and quorum.
    electorate_frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_organizations = models.PositiveIntegerField(null=True, blank=True)
    frozen_citizens = models.PositiveIntegerField(null=True, blank=True)
    # The head of the bulletin's hash chain, fixed at the first publication.
    bulletin_head = models.CharField(max_length=64, blank=True)
    # Secret consultations: when the ballots and counters were rewritten after closing,
    # so that nothing in the tables follows the order of the register (``results.seal``).
    ballots_sealed_at = models.DateTimeField(null=True, blank=True)
    # What the notices command already sent (it runs from a scheduler, repeatedly).
    opening_notice_sent_at = models.DateTimeField(null=True, blank=True)
    closing_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("consultazione")
        verbose_name_plural = _("consultazioni")
        permissions = [
            ("manage_consultation", _("Può creare, modificare e chiudere consultazioni"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_window"
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100) & Q(threshold_percent__lte=100),
                name="consultation_percentages",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation", args=[self.pk])

    # --- computed state ---------------------------------------------------------------

    @property
    def effective_closes_at(self):
        if self.closed_early_at and self.closed_early_at < self.closes_at:
            return self.closed_early_at
        return self.closes_at

    def status_at(self, now=None) -> Status:
        now = now or timezone.now()
        if now < self.opens_at and not self.closed_early_at:
            return Status.UPCOMING
        if now >= self.effective_closes_at:
            return Status.CLOSED
        return Status.OPEN

    @property
    def status(self) -> Status:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_secret(self) -> bool:
        return self.secrecy == Secrecy.SECRET

    @property
    def requires_identity(self) -> bool:
        return self.identity_required == IdentityRequirement.SPID_CIE

    @property
    def has_eligibility_list(self) -> bool:
        return self.eligible_count > 0

    @property
    def voter_kinds(self) -> tuple[str, ...]:
        if self.electorate == Electorate.BOTH:
            return tuple(VOTER_KINDS)
        return (self.electorate,)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Scelta singola")
    MULTIPLE = "multiple", _("Scelta multipla")
    YES_NO = "yes_no", _("Sì / No / Astensione")
    RANKING = "ranking", _("Ordinamento per preferenza")
    SCALE = "scale", _("Scala da 1 a 5")


YES_NO_ANSWERS = ("yes", "no", "abstain")
SCALE_VALUES = (1, 2, 3, 4, 5)


class Question(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("posizione"), default=0)
    kind = models.CharField(_("tipo"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("domanda"), max_length=500)
    help_text = models.TextField(_("spiegazione"), blank=True)
    max_choices = models.PositiveSmallIntegerField(
        _("numero massimo di scelte"), null=True, blank=True
    )
    # For a yes/no question on a section of a revision: the section's stable key.
    section_key = models.CharField(_("sezione"), max_length=100, blank=True)

    class Meta:
        ordering = ["consultation", "position", "id"]
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("posizione"), default=0)
    label = models.CharField(_("opzione"), max_length=300)
    description = models.TextField(_("descrizione"), blank=True)
    # The published proposal the option stands for, when the consultation is on
    # proposals: the pages list these as what is consulted and link each one.
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("proposta collegata"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("opzione")
        verbose_name_plural = _("opzioni")

    def __str__(self) -> str:
        return self.label


class VoterRecord(models.Model):
    """The register: one row per voter and electorate. Its unique constraints are what
    makes "one voter, one ballot" hold under any concurrency.

    For a public consultation the row also holds the named vote (``answers``); for a
    secret one ``answers`` stays empty and the vote is an unlinked ``Ballot``.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="register"
    )
    electorate = models.CharField(max_length=16, choices=Electorate.choices)
    # The person voting as a citizen, or acting for the organization.
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "stakeholders.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Citizens' ballots where the consultation requires SPID/CIE: the person's keyed digest
    # of their fiscal code (``carta.identity.person_key``), so that a second account of the
    # same person (the first one erased, its identity linked anew) cannot vote again.
    # Empty otherwise.
    person_key = models.CharField(max_length=64, blank=True, default="")
    voted_at = models.DateTimeField(_("votato il"), default=timezone.now)
    answers = models.JSONField(default=dict, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "voted_at"]
        verbose_name = _("voto registrato")
        verbose_name_plural = _("registro dei votanti")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "voter"],
                condition=Q(electorate="citizens"),
                name="register_one_ballot_per_citizen",
            ),
            models.UniqueConstraint(
                fields=["consultation", "electorate", "person_key"],
                condition=~Q(person_key=""),
                name="register_one_ballot_per_person",
            ),
            models.UniqueConstraint(
                fields=["consultation", "organization"],
                condition=Q(electorate="organizations"),
                name="register_one_ballot_per_organization",
            ),
            models.CheckConstraint(
                condition=(Q(electorate="citizens") & Q(organization__isnull=True))
                | (Q(electorate="organizations") & Q(organization__isnull=False)),
                name="register_organization_iff_organizations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.organization or self.voter}"


class EligibleVoter(models.Model):
    """One fiscal code of a consultation's eligibility list, stored only as its keyed
    digest (``carta.identity.eligibility_hash``): the list says who may vote without
    holding any code in clear. Written only by ``services.replace_eligibility_list``."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="eligible_voters"
    )
    key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("avente diritto")
        verbose_name_plural = _("elenco degli aventi diritto")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="eligible_voter_once")
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.key[:12]}"


class Ballot(models.Model):
    """A secret ballot. Nothing here may identify or order it against the register: see
    ``consultations/voting/tests/test_secrecy.py``, which fails if a field is added."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    electorate = models.CharField(max_length=16, choices=Electorate.choices)
    answers = models.JSONField()
    # SHA-256 of the receipt token the voter received once; the token is not stored.
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["receipt_hash"]
        verbose_name = _("scheda segreta")
        verbose_name_plural = _("schede segrete")

    def __str__(self) -> str:
        return self.receipt_hash[:12]

    @staticmethod
    def hash_receipt(token: str) -> str:
        return hashlib.sha256(token.strip().encode()).hexdigest()


class TallyCounter(models.Model):
    """One running count: ``key`` is ``"ballots"`` or ``"<question>:<what>"`` (see
    ``consultations.voting.tally``); ``shard`` spreads concurrent increments."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    electorate = models.CharField(max_length=16, choices=Electorate.choices)
    key = models.CharField(max_length=64)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "electorate", "key", "shard"], name="tally_counter_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
