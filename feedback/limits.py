"""Limits of the forms open to anyone, shared by pages and API through the services.

Rates are read from the DRF scopes in settings (``anonymous_form``, ``tracking``), so that
one setting governs both surfaces; the counts live in the cache (``carta.ratelimit``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carta import ratelimit
from carta.errors import RateLimited

EVALUATION_DAYS = 30


def hit_scope(scope: str, address: str | None, *, suffix: str = "") -> None:
    """Count one attempt from ``address`` against ``scope``; ``RateLimited`` past it."""
    if not address:
        return
    ratelimit.hit_scope(scope, f"feedback:{address}{suffix}")


# Said where the limit applies, in plain words: a family or a front desk shares one
# address, and the way past it is a code from the service's office.
ADDRESS_LIMIT_MESSAGE = _(
    "Da questo collegamento è già stata inviata una valutazione per questo servizio "
    "nell'ultimo mese: se ne accetta una ogni %(days)s giorni per collegamento, perché i "
    "risultati non siano falsati. Se il servizio ti ha dato un codice di valutazione, "
    "scrivilo nel campo «Codice di valutazione»: con il codice la valutazione è accettata "
    "anche da questo collegamento."
)


def hit_anonymous_evaluation(address: str | None, service_key: str) -> None:
    """One anonymous evaluation per address and service per ``EVALUATION_DAYS``; past it
    ``RateLimited`` on the field ``code``, saying so in plain words."""
    if not address:
        return
    try:
        ratelimit.hit(
            f"feedback:evaluation:{address}:{service_key}",
            limit=1,
            window=EVALUATION_DAYS * 86400,
        )
    except RateLimited as error:
        limited = RateLimited(
            ADDRESS_LIMIT_MESSAGE % {"days": EVALUATION_DAYS}, retry_after=error.retry_after
        )
        limited.field = "code"
        raise limited from None
