"""Writes of the proposals app. Every function is keyword-only, takes the ``actor``,
checks its right through ``proposals.permissions`` and the state machine of
``proposals.states``, audits inside its transaction, and notifies the people concerned
(emails and pushes leave after the commit).

Errors: ``NotAllowed`` (403) for the wrong role, ``Conflict`` (409) naming the current
state for an action the state does not allow, ``InvalidInput`` (400) naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import Area
from carta.permissions import StaffGroup, check_may_take_part, is_signed_in
from carta.services import diff_fields, notify, record_audit
from proposals import permissions as perms
from proposals.models import (
    TEXT_FIELDS,
    Endorsement,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalComment,
    ProposalTransition,
    ProposalVersion,
)
from proposals.states import (
    EDITABLE_STATES,
    FINAL_STATES,
    OPEN_STATES,
    PUBLIC_STATES,
    TRANSITIONS,
    ProposalState,
)
from stakeholders.models import Membership, Organization, OrganizationStatus, Resource

User = get_user_model()
S = ProposalState

PROPOSAL_FIELDS = ("title", "summary", "body", "area", "beneficiaries", "budget_estimate")
MAX_LENGTHS = {"title": 200, "summary": 1000, "body": 50000, "beneficiaries": 5000}


# --- Helpers --------------------------------------------------------------------------


def state_conflict(proposal: Proposal, message=None) -> Conflict:
    """409 whose message names the proposal's current state."""
    text = gettext("La proposta è nello stato «%(state)s».") % {
        "state": proposal.get_state_display()
    }
    if message:
        text = f"{text} {message}"
    return Conflict(text, code="invalid_state")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("title", "summary", "body", "beneficiaries"):
        if name in data:
            data[name] = (data[name] or "").strip()
            if len(data[name]) > MAX_LENGTHS[name]:
                raise InvalidInput(
                    gettext("Il testo supera i %(n)s caratteri ammessi.")
                    % {"n": MAX_LENGTHS[name]},
                    field=name,
                )
    if "title" in data and not data["title"]:
        raise InvalidInput(gettext("Indica il titolo della proposta."), field="title")
    if "summary" in data and not data["summary"]:
        raise InvalidInput(gettext("Scrivi una breve sintesi della proposta."), field="summary")
    if "area" in data and data["area"] not in Area.values:
        raise InvalidInput(gettext("Scegli un'area di intervento."), field="area")
    if "budget_estimate" in data:
        try:
            budget = Decimal(str(data["budget_estimate"] if data["budget_estimate"] else 0))
        except (InvalidOperation, ValueError):
            raise InvalidInput(
                gettext("Indica un importo valido."), field="budget_estimate"
            ) from None
        if not budget.is_finite() or budget < 0 or budget >= Decimal("1e10"):
            raise InvalidInput(
                gettext("La stima del costo deve essere un importo non negativo."),
                field="budget_estimate",
            )
        data["budget_estimate"] = budget.quantize(Decimal("0.01"))
    return data


def _resources_for(proposal: Proposal, ids: Iterable) -> list[Resource]:
    """Resources of the lead organization or of accepted partners only."""
    wanted = {int(getattr(item, "pk", item)) for item in ids}
    allowed = perms.author_organization_ids(proposal)
    found = list(Resource.objects.filter(pk__in=wanted, organization_id__in=allowed))
    if len(found) != len(wanted):
        raise InvalidInput(
            gettext(
                "Si possono impegnare solo risorse dell'organizzazione proponente "
                "o dei partner che hanno aderito."
            ),
            field="resources",
        )
    return found


def _snapshot(proposal: Proposal, actor) -> ProposalVersion:
    last = proposal.versions.order_by("-number").values_list("number", flat=True).first()
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=(last or 0) + 1,
        created_by=actor if is_signed_in(actor) else None,
        **{name: getattr(proposal, name) for name in TEXT_FIELDS},
    )


def _org_people(organization_ids: Iterable[int]):
    return User.objects.filter(
        is_active=True, memberships__organization_id__in=list(organization_ids)
    ).distinct()


def _staff_with(codename: str):
    return User.objects.filter(
        Q(is_superuser=False)
        & (Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename)),
        is_active=True,
    ).distinct()


def _concerned(proposal: Proposal, target: str) -> list:
    """Members of the lead organization and of accepted partners, plus the staff who may
    see the proposal in its new state and have a part in it."""
    people = list(_org_people(perms.author_organization_ids(proposal)))
    staff_can_see = (
        target in PUBLIC_STATES
        or target == S.SUBMITTED
        or (target == S.REJECTED and proposal.published_at is not None)
    )
    if not staff_can_see:
        return people
    if target == S.SUBMITTED:
        people += list(_staff_with("moderate_proposal"))
    if target == S.PUBLISHED:
        people += list(_staff_with("evaluate_proposal"))
    earlier = User.objects.filter(
        is_active=True,
        pk__in=proposal.transitions.values("actor"),
        groups__name__in=StaffGroup.values,
    ).distinct()
    return people + list(earlier)


# --- Proposals ------------------------------------------------------------------------


@transaction.atomic
def create_proposal(
    *,
    actor,
    organization: Organization,
    title: str,
    summary: str,
    area: str,
    body: str = "",
    beneficiaries: str = "",
    budget_estimate: Decimal | int | str = 0,
    resources: Iterable = (),
) -> Proposal:
    """A draft in the organization's name; the actor must write for it."""
    if not perms.can_create_for(actor, organization):
        raise NotAllowed(_("Non puoi scrivere proposte a nome di questa organizzazione."))
    data = _clean(
        {
            "title": title,
            "summary": summary,
            "body": body,
            "area": area,
            "beneficiaries": beneficiaries,
            "budget_estimate": budget_estimate,
        }
    )
    proposal = Proposal.objects.create(organization=organization, created_by=actor, **data)
    if resources:
        proposal.resources.set(_resources_for(proposal, resources))
    record_audit(actor=actor, verb="proposal.created", target=proposal)
    return proposal


@transaction.atomic
def update_proposal(*, actor, proposal: Proposal, **values) -> Proposal:
    """Change text and data while the proposal is with its authors. After the first
    submission every change of the text keeps a new version."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not perms.is_author(actor, proposal):
        raise NotAllowed(_("Solo chi scrive per le organizzazioni proponenti può modificarla."))
    if proposal.state not in EDITABLE_STATES:
        raise state_conflict(
            proposal, gettext("Si può modificare solo in bozza o quando sono chieste modifiche.")
        )
    unknown = set(values) - set(PROPOSAL_FIELDS) - {"resources"}
    if unknown:
        raise InvalidInput(gettext("Campo non modificabile."), field=sorted(unknown)[0])
    resources = values.pop("resources", None)
    data = _clean(dict(values))
    changes = diff_fields(proposal, data)
    for name, value in data.items():
        setattr(proposal, name, value)
    if changes:
        proposal.save()
    # The audit names the text fields that changed, never their words: the versions hold
    # the text, and a redacted version must not survive in the log.
    audited = {name: change for name, change in changes.items() if name not in TEXT_FIELDS}
    if text_fields := [name for name in TEXT_FIELDS if name in changes]:
        audited["text"] = text_fields
    if resources is not None:
        found = _resources_for(proposal, resources)
        before = set(proposal.resources.values_list("pk", flat=True))
        after = {r.pk for r in found}
        if before != after:
            proposal.resources.set(found)
            audited["resources"] = [sorted(before), sorted(after)]
    if text_fields and proposal.versions.exists():
        audited["version"] = _snapshot(proposal, actor).number
    if audited:
        record_audit(actor=actor, verb="proposal.updated", target=proposal, changes=audited)
    return proposal


@transaction.atomic
def redact_version(*, actor, version: ProposalVersion, reason: str) -> ProposalVersion:
    """Erase the text of a version (it held what must not be public: personal or health
    data) for everyone, keeping its place and a public reason; moderators only. The last
    version is the proposal's text in force and is not redacted here (409): that text is
    sent back with ``request_changes`` or hidden by moderation."""
    version = ProposalVersion.objects.select_for_update().get(pk=version.pk)
    if not perms.can_redact_version(actor):
        raise NotAllowed(_("Solo la moderazione oscura una versione."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(gettext("La motivazione è obbligatoria."), field="reason")
    if len(reason) > 5000:
        raise InvalidInput(gettext("La motivazione è troppo lunga."), field="reason")
    if version.is_redacted:
        raise Conflict(gettext("La versione è già stata oscurata."))
    if not ProposalVersion.objects.filter(
        proposal_id=version.proposal_id, number__gt=version.number
    ).exists():
        raise Conflict(
            gettext(
                "È il testo in vigore della proposta: per toglierlo si chiedono modifiche "
                "o si nasconde la proposta."
            )
        )
    for name in TEXT_FIELDS:
        setattr(version, name, "")
    version.redacted_at = timezone.now()
    version.redacted_by = actor
    version.redaction_reason = reason
    version.save()
    record_audit(
        actor=actor,
        verb="proposal.version_redacted",
        target=version.proposal,
        reason=reason,
        changes={"version": version.number},
    )
    return version


@transaction.atomic
def transition_proposal(*, actor, proposal: Proposal, action: str, reason: str = "") -> Proposal:
    """Take ``action`` of the state machine. 403 when the actor holds no role that may
    ever take it; 409 naming the state when the state does not allow it; 403 when the
    actor's role may not take it from this state; 400 when a reason is required."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidInput(gettext("Azione sconosciuta."), field="action")
    proposal = (
        Proposal.objects.select_for_update().select_related("organization").get(pk=proposal.pk)
    )
    if not perms.may_attempt(actor, proposal, action):
        raise NotAllowed()
    if proposal.state not in transition.sources:
        raise state_conflict(
            proposal,
            gettext("L'azione «%(action)s» non è possibile.") % {"action": transition.label},
        )
    if not perms.can_transition(actor, proposal, action):
        raise NotAllowed()
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise InvalidInput(gettext("La motivazione è obbligatoria."), field="reason")
    if len(reason) > 5000:
        raise InvalidInput(gettext("La motivazione è troppo lunga."), field="reason")

    source = proposal.state
    now = timezone.now()
    proposal.state = transition.target
    fields = ["state", "updated_at"]
    if transition.target == S.SUBMITTED:
        proposal.submitted_at = now
        fields.append("submitted_at")
    if transition.target == S.PUBLISHED and proposal.published_at is None:
        proposal.published_at = now
        fields.append("published_at")
    proposal.save(update_fields=fields)
    if action == "submit" and not proposal.versions.exists():
        _snapshot(proposal, actor)
    ProposalTransition.objects.create(
        proposal=proposal,
        action=action,
        from_state=source,
        to_state=transition.target,
        actor=actor,
        reason=reason,
    )
    record_audit(
        actor=actor,
        verb=f"proposal.{action}",
        target=proposal,
        reason=reason,
        changes={"state": [source, transition.target]},
    )
    notify(
        recipients=_concerned(proposal, transition.target),
        kind=f"proposal.{action}",
        title=_("Proposta «%(title)s»: %(state)s"),
        body=_("%(title)s è ora nello stato «%(state)s». %(reason)s"),
        params={
            "title": proposal.title,
            "state": str(proposal.get_state_display()),
            "reason": reason,
        },
        url=proposal.get_absolute_url(),
        exclude=actor,
    )
    return proposal


# --- Partners -------------------------------------------------------------------------


def _representatives(organization: Organization):
    return User.objects.filter(
        is_active=True,
        memberships__organization=organization,
        memberships__role="representative",
    )


def _check_partner_organization(proposal: Proposal, organization: Organization) -> None:
    if organization.status != OrganizationStatus.VERIFIED:
        raise InvalidInput(
            gettext("Possono essere partner solo organizzazioni verificate."),
            field="organization",
        )
    if organization.pk == proposal.organization_id:
        raise InvalidInput(
            gettext("L'organizzazione proponente non può essere anche partner."),
            field="organization",
        )


@transaction.atomic
def invite_partner(*, actor, proposal: Proposal, organization: Organization) -> Partnership:
    """The lead organization invites a verified organization while the proposal is with
    its authors; the partner's representatives are told."""
    if not perms.is_lead_author(actor, proposal):
        raise NotAllowed(_("Solo l'organizzazione proponente invita i partner."))
    if proposal.state not in EDITABLE_STATES:
        raise state_conflict(proposal, gettext("Si invitano partner solo in bozza o in modifica."))
    _check_partner_organization(proposal, organization)
    existing = Partnership.objects.filter(proposal=proposal, organization=organization).first()
    if existing and existing.status in (PartnershipStatus.ACCEPTED, PartnershipStatus.INVITED):
        raise Conflict(gettext("L'organizzazione è già partner o già invitata."))
    if existing:
        existing.status = PartnershipStatus.INVITED
        existing.created_by, existing.decided_by, existing.decided_at = actor, None, None
        existing.save()
        partnership = existing
    else:
        partnership = Partnership.objects.create(
            proposal=proposal,
            organization=organization,
            status=PartnershipStatus.INVITED,
            created_by=actor,
        )
    record_audit(
        actor=actor,
        verb="proposal.partner_invited",
        target=proposal,
        changes={"organization": organization.legal_name},
    )
    notify(
        recipients=_representatives(organization),
        kind="proposal.partner_invited",
        title=_("Invito a partecipare alla proposta «%(title)s»"),
        body=_("%(lead)s invita %(partner)s a partecipare come partner."),
        params={
            "title": proposal.title,
            "lead": proposal.organization.legal_name,
            "partner": organization.legal_name,
        },
        url=proposal.get_absolute_url(),
        exclude=actor,
    )
    return partnership


@transaction.atomic
def request_partnership(*, actor, proposal: Proposal, organization: Organization) -> Partnership:
    """Another organization asks to join a published proposal as partner."""
    if not perms.can_request_partnership_for(actor, organization):
        raise NotAllowed(_("Non puoi chiedere l'adesione a nome di questa organizzazione."))
    if proposal.state not in OPEN_STATES:
        raise state_conflict(proposal, gettext("Si chiede di aderire solo a proposte pubblicate."))
    _check_partner_organization(proposal, organization)
    if Partnership.objects.filter(proposal=proposal, organization=organization).exists():
        raise Conflict(gettext("L'organizzazione è già legata a questa proposta."))
    partnership = Partnership.objects.create(
        proposal=proposal,
        organization=organization,
        status=PartnershipStatus.REQUESTED,
        created_by=actor,
    )
    record_audit(
        actor=actor,
        verb="proposal.partnership_requested",
        target=proposal,
        changes={"organization": organization.legal_name},
    )
    notify(
        recipients=_representatives(proposal.organization),
        kind="proposal.partnership_requested",
        title=_("Richiesta di adesione alla proposta «%(title)s»"),
        body=_("%(partner)s chiede di partecipare come partner."),
        params={"title": proposal.title, "partner": organization.legal_name},
        url=proposal.get_absolute_url(),
        exclude=actor,
    )
    return partnership


@transaction.atomic
def decide_partnership(*, actor, partnership: Partnership, accept: bool) -> Partnership:
    """An invitation is decided by the partner's representative; a request to join by
    whoever writes for the lead organization."""
    partnership = (
        Partnership.objects.select_for_update()
        .select_related("proposal__organization", "organization")
        .get(pk=partnership.pk)
    )
    proposal = partnership.proposal
    if partnership.status == PartnershipStatus.INVITED:
        allowed = perms.can_represent(actor, partnership.organization)
    elif partnership.status == PartnershipStatus.REQUESTED:
        allowed = perms.is_lead_author(actor, proposal)
    else:
        raise Conflict(gettext("La decisione è già stata presa."))
    if not allowed:
        raise NotAllowed()
    if proposal.state in FINAL_STATES:
        raise state_conflict(proposal)
    partnership.status = PartnershipStatus.ACCEPTED if accept else PartnershipStatus.DECLINED
    partnership.decided_by = actor
    partnership.decided_at = timezone.now()
    partnership.save(update_fields=["status", "decided_by", "decided_at"])
    record_audit(
        actor=actor,
        verb="proposal.partner_accepted" if accept else "proposal.partner_declined",
        target=proposal,
        changes={"organization": partnership.organization.legal_name},
    )
    notify(
        recipients=_org_people([proposal.organization_id, partnership.organization_id]),
        kind="proposal.partnership_decided",
        title=_("Partenariato per la proposta «%(title)s»: %(status)s"),
        params={"title": proposal.title, "status": str(partnership.get_status_display())},
        url=proposal.get_absolute_url(),
        exclude=actor,
    )
    return partnership


# --- Public phase ---------------------------------------------------------------------


def _require_open(proposal: Proposal, what: str) -> None:
    if proposal.state not in OPEN_STATES:
        raise state_conflict(proposal, what)
    if proposal.is_hidden:
        raise Conflict(gettext("La proposta è stata nascosta dalla moderazione."))


@transaction.atomic
def add_comment(
    *,
    actor,
    proposal: Proposal,
    body: str,
    parent: ProposalComment | None = None,
    organization: Organization | None = None,
) -> ProposalComment:
    """A comment on a published proposal, in one's own name or an organization's."""
    check_may_take_part(actor, _("Accedi per commentare."))
    _require_open(proposal, gettext("Si commentano solo proposte pubblicate."))
    if organization is not None and not perms.can_comment_as(actor, organization):
        raise NotAllowed(_("Non puoi commentare a nome di questa organizzazione."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(gettext("Scrivi il testo del commento."), field="body")
    if len(body) > 5000:
        raise InvalidInput(gettext("Il commento supera i 5000 caratteri."), field="body")
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise InvalidInput(gettext("Commento di riferimento sconosciuto."), field="parent")
        if parent.is_hidden:
            raise Conflict(gettext("Non si risponde a un commento nascosto."))
    comment = ProposalComment.objects.create(
        proposal=proposal, author=actor, organization=organization, parent=parent, body=body
    )
    record_audit(actor=actor, verb="proposal.commented", target=comment)
    recipients = list(_org_people(perms.author_organization_ids(proposal)))
    if parent is not None and parent.author is not None:
        recipients.append(parent.author)
    notify(
        recipients=recipients,
        kind="proposal.comment",
        title=_("Nuovo commento alla proposta «%(title)s»"),
        params={"title": proposal.title},
        url=comment.get_absolute_url(),
        exclude=actor,
        email=False,
    )
    return comment


@transaction.atomic
def endorse_proposal(
    *, actor, proposal: Proposal, organization: Organization | None = None
) -> Endorsement:
    """One endorsement per person, or per organization (by its representative); a second
    one, even concurrent, is refused by the database (409)."""
    check_may_take_part(actor, _("Accedi per sostenere la proposta."))
    _require_open(proposal, gettext("Si sostengono solo proposte pubblicate."))
    if organization is not None:
        if not perms.can_represent(actor, organization):
            raise NotAllowed(_("Solo chi rappresenta l'organizzazione la impegna."))
        if organization.pk in perms.author_organization_ids(proposal):
            raise InvalidInput(
                gettext("Un'organizzazione proponente non sostiene la propria proposta."),
                field="organization",
            )
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                proposal=proposal, user=actor, organization=organization
            )
    except IntegrityError:
        raise Conflict(
            gettext("L'organizzazione sostiene già questa proposta.")
            if organization
            else gettext("Sostieni già questa proposta.")
        ) from None
    record_audit(
        actor=actor,
        verb="proposal.endorsed",
        target=proposal,
        changes={"organization": organization.legal_name if organization else None},
    )
    return endorsement


@transaction.atomic
def withdraw_endorsement(
    *, actor, proposal: Proposal, organization: Organization | None = None
) -> None:
    if not perms.can_participate(actor):
        raise NotAllowed()
    if organization is not None and not perms.can_represent(actor, organization):
        raise NotAllowed()
    queryset = proposal.endorsements.filter(organization=organization)
    if organization is None:
        queryset = queryset.filter(user=actor)
    deleted, _rows = queryset.delete()
    if not deleted:
        raise Conflict(gettext("Non c'è un sostegno da ritirare."))
    record_audit(actor=actor, verb="proposal.endorsement_withdrawn", target=proposal)


def member_organizations(user):
    """Verified organizations the user belongs to, for "in the name of" choices."""
    if not is_signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("organization"),
        status=OrganizationStatus.VERIFIED,
    )
