"""The second factor of staff and administrators (TOTP with recovery codes, allauth.mfa).

Anyone may turn a second factor on from the profile; with ``CARTA_STAFF_MFA_REQUIRED``
(on in the production profile) staff and administrators must. allauth's login asks for the
code of whoever has one, on the page login and at ``/admin/login/`` alike; the API's token
exchange asks for it as ``otp``. A staff member who must and has none reaches only the pages
that set it up, and the API refuses them (``second_factor_required``).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from carta.api.errors import json_error_response
from carta.permissions import is_signed_in, is_staff_member

REQUIRED_MESSAGE = gettext_lazy(
    "Il personale dell'Ambito accede con un secondo fattore: attiva un'app di autenticazione "
    "(codici TOTP) per continuare."
)

# What a staff member without a second factor may still reach: its set-up (and the
# confirmation of the password it asks for), signing out, the language, static files.
_OPEN_PATHS = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/esci/",
    "/lingua/",
    "/static/",
    "/jsi18n/",
)


def has_second_factor(user) -> bool:
    return is_signed_in(user) and is_mfa_enabled(user, [Authenticator.Type.TOTP])


def must_have_second_factor(user) -> bool:
    """Whether ``user`` must sign in with a second factor (staff, administrators)."""
    return (
        settings.CARTA_STAFF_MFA_REQUIRED
        and is_signed_in(user)
        and (user.is_staff or is_staff_member(user))
    )


def lacks_required_second_factor(user) -> bool:
    return must_have_second_factor(user) and not has_second_factor(user)


def check_code(user, code: str) -> bool:
    """Whether ``code`` is a current TOTP code or an unused recovery code of ``user`` (a
    recovery code is used up by this check)."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return False
    authenticators = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    )
    for authenticator in authenticators:
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


class StaffSecondFactorMiddleware:
    """Leads a staff member who must have a second factor and has none to its set-up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.CARTA_STAFF_MFA_REQUIRED
            and not request.path.startswith(_OPEN_PATHS)
            and lacks_required_second_factor(request.user)
        ):
            if request.path.startswith("/api/"):
                return json_error_response(403, "second_factor_required", str(REQUIRED_MESSAGE))
            messages.warning(request, REQUIRED_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
