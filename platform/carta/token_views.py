"""The personal area's page of API tokens: the person's tokens in force, each revocable,
and all of them at once."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carta import tokens
from carta.errors import NotFound


@login_required
def api_tokens(request):
    """GET lists the tokens (one query); POST with ``token`` revokes that one of the
    person's own, with ``all`` every one, then back to the list with a message."""
    if request.method == "POST":
        if request.POST.get("all"):
            count = tokens.revoke_all_tokens(actor=request.user)
            if count:
                messages.success(request, _("Tutti i tuoi token sono stati revocati."))
            else:
                messages.info(request, _("Non avevi token da revocare."))
        else:
            try:
                tokens.revoke_token(actor=request.user, token_key=request.POST.get("token", ""))
            except NotFound:
                messages.info(
                    request,
                    _("Il token non esiste più: forse era già stato revocato o era scaduto."),
                )
            else:
                messages.success(
                    request,
                    _("Il token è stato revocato: chi lo usava non può più accedere all'API."),
                )
        return redirect("api_tokens")
    context = {
        "tokens": list(tokens.tokens_of(request.user)),
        "token_days": settings.CARTA_TOKEN_DAYS,
    }
    return render(request, "carta/api_tokens.html", context)
