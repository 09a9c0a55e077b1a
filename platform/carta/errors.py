"""The one application error type.

Services raise a subclass of ``CartaError`` when a request cannot be carried out; the
API answers with its ``status`` and ``code`` in the common error shape, and pages show
its message. Validation of a single field uses ``InvalidInput`` with ``field=``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class CartaError(Exception):
    status = 400
    code = "error"
    default_message = _("La richiesta non può essere eseguita.")

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        if code:
            self.code = code
        super().__init__(str(self.message))


class InvalidInput(CartaError):
    status = 400
    code = "invalid"
    default_message = _("I dati inviati non sono validi.")


class NotAllowed(CartaError):
    """Refused to this person. To a caller who is not signed in the API answers 401
    instead: signing in is what would help."""

    status = 403
    code = "permission_denied"
    default_message = _("Non hai i permessi per questa operazione.")
    sign_in_helps = True


class VerificationRequired(NotAllowed):
    """Signed in, but not yet known: the email address is not confirmed and no SPID/CIE
    identity is linked (``carta.permissions.check_may_take_part``)."""

    code = "verification_required"
    default_message = _(
        "Per partecipare conferma il tuo indirizzo email con il link che ti abbiamo inviato, "
        "oppure accedi con SPID o CIE. Dal tuo profilo puoi chiedere un nuovo link."
    )


class RefusedToEveryone(NotAllowed):
    """Refused whoever asks, signed in or not (a bulletin before the closing): 403 for
    anonymous callers too."""

    sign_in_helps = False


class NotFound(CartaError):
    status = 404
    code = "not_found"
    default_message = _("Non trovato.")


class Conflict(CartaError):
    """The object's current state does not allow the action (wrong state, duplicate)."""

    status = 409
    code = "conflict"
    default_message = _("L'operazione non è possibile nello stato attuale.")


class RateLimited(CartaError):
    status = 429
    code = "throttled"
    default_message = _("Troppi tentativi. Riprova tra qualche minuto.")

    def __init__(self, message=None, *, retry_after: int = 60):
        self.retry_after = retry_after
        super().__init__(message)
