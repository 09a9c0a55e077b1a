"""The page of one's own data (``/profilo/i-miei-dati/``): every section of the GDPR
download (``carta.privacy``) readable, and the same data as a JSON file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from carta import privacy


@login_required
@never_cache
def my_data(request):
    """Each section as a heading with a table or a definition list. The queries of the
    download, one or two per section, whatever the person did."""
    context = {"sections": privacy.readable_sections(request.user)}
    return render(request, "carta/my_data.html", context)


def json_download(user) -> HttpResponse:
    """The download as an attachment, never stored by a cache on the way (also
    ``GET /api/v1/me/data/``)."""
    response = HttpResponse(
        privacy.export_json(user), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{privacy.export_filename(user)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data_json(request):
    return json_download(request.user)
