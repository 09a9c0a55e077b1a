"""Every kind of notification, declared once with the label a person reads when choosing
how to receive it (``NotificationPreference``, the preferences page and API).

The kinds are the ``kind=`` strings that the services of every app pass to
``carta.services.notify``; they are plain strings, so the core may list them without
importing the apps. A kind missing here is still delivered, in the app and by email,
but cannot be switched off: ``tests`` check that every kind the code sends is declared.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    group: str | Promise


_ORGANIZATIONS = _("Organizzazioni")
_PROPOSALS = _("Proposte progettuali")
_CARTA = _("Carta dei servizi")
_CONSULTATIONS = _("Consultazioni")
_COMPLAINTS = _("Reclami e impegni")
_MODERATION = _("Moderazione")
_FOLLOWED = _("Cose che segui")

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind("member.invited", _("Inviti a far parte di un'organizzazione"), _ORGANIZATIONS),
        Kind("member.joined", _("Nuovi membri della tua organizzazione"), _ORGANIZATIONS),
        Kind("member.role_changed", _("Cambi del tuo ruolo in un'organizzazione"), _ORGANIZATIONS),
        Kind("member.removed", _("Uscita da un'organizzazione"), _ORGANIZATIONS),
        Kind("organization.applied", _("Domande di adesione alla rete"), _ORGANIZATIONS),
        Kind("organization.verify", _("Organizzazione verificata"), _ORGANIZATIONS),
        Kind("organization.reject", _("Domanda di adesione non accolta"), _ORGANIZATIONS),
        Kind("organization.suspend", _("Organizzazione sospesa"), _ORGANIZATIONS),
        Kind("organization.reinstate", _("Organizzazione riammessa"), _ORGANIZATIONS),
        Kind("organization.pact_accepted", _("Patto di partecipazione accettato"), _ORGANIZATIONS),
        Kind(
            "organization.pact_renewal_requested",
            _("Patto di partecipazione da rinnovare"),
            _ORGANIZATIONS,
        ),
        Kind("proposal.submit", _("Proposte presentate"), _PROPOSALS),
        Kind("proposal.resubmit", _("Proposte ripresentate"), _PROPOSALS),
        Kind("proposal.publish", _("Proposte pubblicate"), _PROPOSALS),
        Kind("proposal.start_evaluation", _("Proposte in valutazione"), _PROPOSALS),
        Kind("proposal.request_changes", _("Modifiche richieste a una proposta"), _PROPOSALS),
        Kind("proposal.accept", _("Proposte accolte"), _PROPOSALS),
        Kind("proposal.reject", _("Proposte respinte"), _PROPOSALS),
        Kind("proposal.withdraw", _("Proposte ritirate"), _PROPOSALS),
        Kind("proposal.partner_invited", _("Inviti a partecipare a una proposta"), _PROPOSALS),
        Kind(
            "proposal.partnership_requested",
            _("Richieste di partecipare a una proposta"),
            _PROPOSALS,
        ),
        Kind("proposal.partnership_decided", _("Decisioni sulle partnership"), _PROPOSALS),
        Kind("proposal.comment", _("Commenti alle proposte"), _PROPOSALS),
        Kind("carta.draft_shared", _("Bozze della Carta condivise con la rete"), _CARTA),
        Kind("carta.consultation_opened", _("Consultazioni sulla Carta aperte"), _CARTA),
        Kind("carta.consultation_extended", _("Consultazioni sulla Carta prorogate"), _CARTA),
        Kind("carta.consultation_closing", _("Consultazioni sulla Carta in chiusura"), _CARTA),
        Kind("carta.adopted", _("Revisioni della Carta adottate"), _CARTA),
        Kind("carta.amendment_proposed", _("Emendamenti proposti"), _CARTA),
        Kind("carta.amendment_decided", _("Decisioni sui tuoi emendamenti"), _CARTA),
        Kind("carta.reply", _("Risposte ai tuoi commenti sulla Carta"), _CARTA),
        Kind("carta.outcome", _("Esito dei tuoi commenti sulla Carta"), _CARTA),
        Kind("consultation.opened", _("Consultazioni aperte al voto"), _CONSULTATIONS),
        Kind("consultation.closing", _("Ultimo giorno per votare"), _CONSULTATIONS),
        Kind("complaint.received", _("Reclami ricevuti"), _COMPLAINTS),
        Kind("complaint.assigned", _("Reclami assegnati a te"), _COMPLAINTS),
        Kind("complaint.reopened", _("Reclami riaperti"), _COMPLAINTS),
        Kind("complaint.update", _("Aggiornamenti sui tuoi reclami"), _COMPLAINTS),
        Kind("complaint.due_soon", _("Reclami in scadenza"), _COMPLAINTS),
        Kind("complaint.overdue", _("Reclami scaduti"), _COMPLAINTS),
        Kind("measurement.submitted", _("Misurazioni degli impegni da convalidare"), _COMPLAINTS),
        Kind("moderation.flagged", _("Contenuti segnalati"), _MODERATION),
        Kind("moderation.hidden", _("Tuoi contenuti nascosti"), _MODERATION),
        Kind("moderation.restored", _("Tuoi contenuti ripristinati"), _MODERATION),
        Kind("moderation.review_requested", _("Richieste di revisione"), _MODERATION),
        Kind("follow.proposal", _("Novità sulle proposte che segui"), _FOLLOWED),
        Kind("follow.revision", _("Novità sulle revisioni della Carta che segui"), _FOLLOWED),
        Kind("follow.consultation", _("Novità sulle consultazioni che segui"), _FOLLOWED),
    ]
}


def is_known(kind: str) -> bool:
    return kind in KINDS


def grouped() -> list[tuple[str, list[Kind]]]:
    """The kinds by group, in the order declared (for the preferences page)."""
    groups: dict[str, list[Kind]] = {}
    labels: dict[str, str | Promise] = {}
    for kind in KINDS.values():
        groups.setdefault(str(kind.group), []).append(kind)
        labels[str(kind.group)] = kind.group
    return [(labels[name], kinds) for name, kinds in groups.items()]
