"""What every write of the Carta checks: who acts, in which state, with what text."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carta.dates import long_date, on_date
from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.permissions import check_may_take_part
from consultations.charter import permissions as perms
from consultations.charter.models import Revision

BODY_MAX = 20_000
COMMENT_MAX = 5_000


def require_editor(actor) -> None:
    if not perms.can_edit_carta(actor):
        raise NotAllowed(_("Solo la redazione della Carta può fare questa operazione."))


def require_open(revision: Revision) -> None:
    if not revision.is_open:
        raise Conflict(
            _("La revisione %(number)s non è più una bozza: non può essere modificata.")
            % {"number": revision.number},
            code="revision_closed",
        )


def locked(revision: Revision) -> Revision:
    return Revision.objects.select_for_update().get(pk=revision.pk)


def clean_text(value, *, field: str, required: bool = True, max_length: int = BODY_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("Questo campo è obbligatorio."), field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("Il testo non può superare i %(n)s caratteri.") % {"n": max_length}, field=field
        )
    return value


def acting_for(actor, organization):
    """The organization the actor speaks for, checked; None for one's own name."""
    if organization is None:
        return None
    if not perms.can_act_for(actor, organization):
        raise NotAllowed(
            _("Non puoi intervenire a nome di %(name)s.") % {"name": organization},
            code="not_organization_member",
        )
    return organization


def day(moment, form: str = "") -> str:
    """A moment as the day it falls on in the Ambito ("8 ottobre 2026"); with an Italian
    ``form``, the article or preposition before it ("all'8 ottobre 2026", carta.dates)."""
    local = timezone.localtime(moment)
    return on_date(local, form) if form else long_date(local)


def require_participant(actor, revision: Revision, *, for_organization: bool = False) -> None:
    """Refuse a contribution (comment, reply, amendment, support) the revision does not
    take now: 409 when it is closed for everybody or its consultation phase is over for
    this kind of contributor (``for_organization``: in an organization's name, which the
    organizations' later date keeps open), 403 when this person may not take part."""
    check_may_take_part(actor)
    # The caller's copy may be stale: the state that decides is the stored one, read under
    # the revision's lock, which adoption holds while it checks that nothing is left open:
    # a contribution either lands before that check (and is counted) or sees the adoption.
    # An extension of the closing date takes the same lock.
    fresh = (
        Revision.objects.select_for_update()
        .only(
            "status",
            "shared_with_network_at",
            "consultation_closes_at",
            "organizations_close_at",
        )
        .get(pk=revision.pk)
    )
    revision.status = fresh.status
    revision.shared_with_network_at = fresh.shared_with_network_at
    revision.consultation_closes_at = fresh.consultation_closes_at
    revision.organizations_close_at = fresh.organizations_close_at
    if not revision.is_open:
        raise Conflict(
            _("La revisione %(number)s non è aperta ai contributi.") % {"number": revision.number},
            code="revision_closed",
        )
    phase = perms.consultation_phase(revision)
    if phase == perms.PHASE_CLOSED or (phase == perms.PHASE_ORGANIZATIONS and not for_organization):
        closed = _("La consultazione su questa revisione si è chiusa %(date)s.") % {
            "date": day(revision.consultation_closes_at, "il")
        }
        if phase == perms.PHASE_ORGANIZATIONS:
            closed += " " + _(
                "Le organizzazioni della rete possono ancora contribuire, a loro nome, fino "
                "%(date)s."
            ) % {"date": day(revision.organizations_close_at, "al")}
        elif (
            revision.organizations_close_at
            and revision.organizations_close_at > revision.consultation_closes_at
        ):
            closed = _(
                "La consultazione su questa revisione si è chiusa %(date)s, per le "
                "organizzazioni %(organizations)s."
            ) % {
                "date": day(revision.consultation_closes_at, "il"),
                "organizations": day(revision.organizations_close_at, "il"),
            }
        raise Conflict(closed, code="consultation_closed")
    if not perms.can_participate(actor, revision):
        raise NotAllowed(_("Questa bozza non è ancora aperta ai contributi."))
