from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from carta import ambito
from carta.permissions import StaffGroup, can_view_audit, in_staff_group, is_staff_member
from carta.selectors import unread_count

# The main navigation: one entry per capability area. An area appears once its app
# provides the named page.
NAVIGATION = [
    ("carta_in_force", _("La Carta")),
    ("services", _("Servizi")),
    ("organizations", _("Rete")),
    ("resources", _("Risorse")),
    ("proposals", _("Proposte")),
    ("consultations", _("Consultazioni")),
    ("feedback", _("Valuta e segnala")),
]


# The staff's working pages, by role (administrators see all of them).
STAFF_PAGES = [
    (StaffGroup.MODERATORS, "organization_queue", _("Adesioni da verificare")),
    (StaffGroup.MODERATORS, "proposal_moderation", _("Moderazione")),
    (StaffGroup.CARTA_EDITORS, "carta_revisions", _("Revisioni della Carta")),
    (StaffGroup.CARTA_EDITORS, "proposal_evaluation", _("Valutazione delle proposte")),
    (StaffGroup.CARTA_EDITORS, "consultation_create", _("Nuova consultazione")),
    (StaffGroup.COMPLAINT_OFFICERS, "feedback_queue", _("Ufficio reclami")),
    (StaffGroup.COMPLAINT_OFFICERS, "feedback_dashboard_staff", _("Misure degli impegni")),
    (StaffGroup.COMPLAINT_OFFICERS, "feedback_evaluation_codes", _("Codici di valutazione")),
]
# Pages of one's own, for every signed-in person.
PERSONAL_PAGES = [
    ("feedback_my_complaints", _("Le mie segnalazioni")),
    ("my_data", _("I miei dati")),
]


def _links(entries):
    links = []
    for name, label in entries:
        try:
            links.append({"name": name, "url": reverse(name), "label": label})
        except NoReverseMatch:
            continue
    return links


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    staff_pages = (
        _links([(name, label) for group, name, label in STAFF_PAGES if in_staff_group(user, group)])
        if signed_in
        else []
    )
    identity = ambito.identity()
    return {
        "staff_pages": staff_pages,
        "personal_pages": _links(PERSONAL_PAGES) if signed_in else [],
        # The Ambito (carta.ambito): AMBITO for every field, the three names below for the
        # templates that predate it.
        "AMBITO": identity,
        "AMBITO_NAME": identity.name,
        "ACCESSIBILITY_EMAIL": identity.accessibility_email,
        "PRIVACY_EMAIL": identity.privacy_email,
        "ACCESSIBILITY_STATEMENT": ambito.accessibility_statement(),
        "navigation": _links(NAVIGATION),
        "is_staff_member": is_staff_member(user) if user else False,
        "can_view_audit": can_view_audit(user) if user else False,
        # Evaluated only where a template shows it: one COUNT query for signed-in users.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0),
    }
