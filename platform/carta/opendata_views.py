"""The open-data page (``/dati/``) and the DCAT-AP_IT catalogue at stable addresses:
``/dati/catalogo.jsonld``, ``/dati/catalogo.rdf`` (RDF/XML), ``/dati/catalogo.ttl``
(docs/open-data.md)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from carta import ambito, opendata


def open_data_page(request):
    """Every published dataset with its description, licence, downloads and dates, and
    the catalogue's addresses. Costs the datasets' queries (a few per app)."""
    return render(
        request,
        "carta/open_data.html",
        {
            "datasets": opendata.published_datasets(),
            "licence": opendata.licence(),
            "ambito_identity": ambito.identity(),
        },
    )


def catalogue(request, kind):
    """The catalogue in one serialization (``kind``, fixed by the route)."""
    text, content_type = opendata.serialize_catalogue(kind)
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="catalogo.{kind}"'
    return opendata.with_licence(response)
