from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from carta.permissions import can_view_audit, is_staff_member
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
    return {
        "AMBITO_NAME": settings.CARTA_AMBITO_NAME,
        "ACCESSIBILITY_EMAIL": settings.CARTA_ACCESSIBILITY_EMAIL,
        "PRIVACY_EMAIL": settings.CARTA_PRIVACY_EMAIL,
        "navigation": _links(NAVIGATION),
        "is_staff_member": is_staff_member(user) if user else False,
        "can_view_audit": can_view_audit(user) if user else False,
        # Evaluated only where a template shows it: one COUNT query for signed-in users.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0),
    }
