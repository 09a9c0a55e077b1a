"""Open data: the licence every export states, the datasets the apps publish and their
DCAT-AP_IT catalogue (docs/open-data.md).

- :func:`licence` is ``CARTA_OPEN_DATA_LICENCE`` (an SPDX id of :data:`LICENCES`, CC BY 4.0
  by default, the licence AgID's guidelines recommend for public open data) with its name
  and address. Every open-data JSON carries :func:`licence_json` as its top-level
  ``license``; every open-data response (CSV or JSON) carries :func:`link_header`
  (``Link: <url>; rel="license"``, RFC 8288), set by :func:`with_licence`.
- The datasets: each app that publishes open data has a ``datasets.py`` module with a
  ``datasets()`` function returning :class:`Dataset` descriptions. The core may not import
  the apps, so it finds these modules by name, as the admin finds ``admin.py``
  (:func:`published_datasets`).
- :func:`catalogue_graph` describes them in DCAT-AP_IT with rdflib; the views serve it as
  JSON-LD, RDF/XML and Turtle (``carta.opendata_views``).

Nothing here reads settings at import time.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from carta import ambito, csvexport

# The licences an Ambito may choose (CARTA_OPEN_DATA_LICENCE): SPDX id -> name, address,
# version and the ADMS licence type the DCAT-AP_IT licence document names.
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-4.0": {
        "name": "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "version": "4.0",
        "type": "http://purl.org/adms/licencetype/Attribution",
    },
    "CC-BY-SA-4.0": {
        "name": "Creative Commons Attribuzione - Condividi allo stesso modo 4.0 "
        "Internazionale (CC BY-SA 4.0)",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "version": "4.0",
        "type": "http://purl.org/adms/licencetype/Attribution",
    },
    "CC0-1.0": {
        "name": "Creative Commons CC0 1.0 Universale (CC0 1.0)",
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
        "version": "1.0",
        "type": "http://purl.org/adms/licencetype/PublicDomain",
    },
}

# The EU vocabularies DCAT-AP_IT requires (publications.europa.eu authority tables).
EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPES = {"CSV": "text/csv", "JSON": "application/json"}


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    url: str
    version: str
    type: str

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "spdx_id": self.spdx, "url": self.url}


def licence() -> Licence:
    """The licence of the open data, as configured; no query."""
    spdx = settings.CARTA_OPEN_DATA_LICENCE
    return Licence(spdx=spdx, **LICENCES[spdx])


def licence_json() -> dict[str, str]:
    """The ``license`` object of every open-data JSON: ``name``, ``spdx_id``, ``url``."""
    return licence().as_json()


def link_header() -> str:
    return f'<{licence().url}>; rel="license"'


def with_licence(response):
    """Set the licence's ``Link`` header on an open-data response and return it."""
    response["Link"] = link_header()
    return response


def with_licence_json(data: dict) -> dict:
    """``data`` with the top-level ``license`` object added, its own keys kept."""
    return {**data, "license": licence_json()}


@dataclass(frozen=True)
class Distribution:
    """One download of a dataset: its EU file type (``CSV``, ``JSON``) and address (a path
    on this site)."""

    format: str
    url: str
    title: str = ""

    @property
    def media_type(self) -> str:
        return FILE_TYPES[self.format]


@dataclass(frozen=True)
class Dataset:
    """A dataset as the catalogue describes it. ``title`` and ``description`` are lazy
    translations (Italian source, English catalogue): the catalogue writes both. ``themes``
    are codes of the EU data-theme vocabulary (``SOCI``, ``GOVE``), ``frequency`` one of
    the EU frequency vocabulary (``IRREG``, ``QUARTERLY``)."""

    key: str
    title: Any
    description: Any
    landing_page: str
    themes: tuple[str, ...]
    frequency: str
    issued: datetime.date
    modified: datetime.date
    distributions: tuple[Distribution, ...] = field(default_factory=tuple)


def published_datasets() -> list[Dataset]:
    """Every app's ``datasets.datasets()``, in the order of ``INSTALLED_APPS``. Costs the
    queries of each provider (a few each, whatever the data's size). An app without a
    ``datasets`` module publishes nothing; an error inside one is raised, not hidden."""
    found: list[Dataset] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.datasets"
        if importlib.util.find_spec(name) is None:
            continue
        found.extend(importlib.import_module(name).datasets())
    return found


def as_date(value) -> datetime.date:
    """A date for ``dct:issued``/``dct:modified``: datetimes in the local time zone."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# --- The DCAT-AP_IT catalogue ---------------------------------------------------------


def _site() -> str:
    return settings.CARTA_SITE_URL.rstrip("/")


def catalogue_uri() -> str:
    return f"{_site()}{reverse('open_data')}"


def catalogue_graph(datasets: list[Dataset] | None = None):
    """The DCAT-AP_IT description of ``datasets`` (all published ones by default), as an
    rdflib ``Graph``: the catalogue, each dataset with its distributions, the Ambito as
    publisher and rights holder (``dct:identifier`` its IPA code), the licence document
    and the contact point. Identifiers are addresses under ``CARTA_SITE_URL``, so that
    they stay the same whoever asks."""
    from rdflib import Graph, Literal, Namespace, URIRef  # noqa: PLC0415
    from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD  # noqa: PLC0415

    if datasets is None:
        datasets = published_datasets()
    dcatapit = Namespace("http://dati.gov.it/onto/dcatapit#")
    VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")  # noqa: N806
    g = Graph()
    g.bind("dcatapit", dcatapit)
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("vcard", VCARD)
    g.bind("owl", OWL)

    who = ambito.identity()
    lic = licence()
    base = catalogue_uri()
    site = _site()

    def both(subject, predicate, text) -> None:
        for language in ("it", "en"):
            with translation.override(language):
                g.add((subject, predicate, Literal(str(text), lang=language)))

    def date(value) -> Literal:
        return Literal(as_date(value).isoformat(), datatype=XSD.date)

    agent = URIRef(f"{site}/#ambito")
    g.add((agent, RDF.type, dcatapit.Agent))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(who.name, lang="it")))
    if who.ipa_code:
        # Without it the catalogue misses a mandatory property: carta.W001 already warns.
        g.add((agent, DCTERMS.identifier, Literal(who.ipa_code)))

    licence_node = URIRef(lic.url)
    g.add((licence_node, RDF.type, dcatapit.LicenseDocument))
    g.add((licence_node, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence_node, FOAF.name, Literal(lic.name, lang="it")))
    g.add((licence_node, OWL.versionInfo, Literal(lic.version)))
    g.add((licence_node, DCTERMS.type, URIRef(lic.type)))

    contact = URIRef(f"{base}#punto-di-contatto")
    contact_email = who.pec or settings.CARTA_ACCESSIBILITY_EMAIL
    g.add((contact, RDF.type, dcatapit.Organization))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(who.name, lang="it")))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contact_email}")))

    catalog = URIRef(f"{base}#catalogo")
    g.add((catalog, RDF.type, dcatapit.Catalog))
    g.add((catalog, RDF.type, DCAT.Catalog))
    both(catalog, DCTERMS.title, _("Dati aperti della Carta dei servizi"))
    both(
        catalog,
        DCTERMS.description,
        _(
            "I dati aperti della piattaforma della Carta dei servizi dell'Ambito: la Carta "
            "in vigore, i risultati delle consultazioni, gli impegni di qualità, la rete "
            "delle organizzazioni e le loro risorse."
        ),
    )
    g.add((catalog, DCTERMS.publisher, agent))
    g.add((catalog, FOAF.homepage, URIRef(f"{site}/")))
    g.add((catalog, DCTERMS.language, URIRef(f"{EU}language/ITA")))
    g.add((catalog, DCTERMS.license, licence_node))
    modified = max((as_date(d.modified) for d in datasets), default=timezone.localdate())
    g.add((catalog, DCTERMS.modified, date(modified)))

    for item in datasets:
        node = URIRef(f"{base}#{item.key}")
        g.add((catalog, DCAT.dataset, node))
        g.add((node, RDF.type, dcatapit.Dataset))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(f"{who.ipa_code or 'carta'}:{item.key}")))
        both(node, DCTERMS.title, item.title)
        both(node, DCTERMS.description, item.description)
        g.add((node, DCTERMS.issued, date(item.issued)))
        g.add((node, DCTERMS.modified, date(item.modified)))
        for theme in item.themes:
            g.add((node, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
        g.add((node, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{item.frequency}")))
        g.add((node, DCTERMS.publisher, agent))
        g.add((node, DCTERMS.rightsHolder, agent))
        g.add((node, DCAT.contactPoint, contact))
        g.add((node, DCTERMS.language, URIRef(f"{EU}language/ITA")))
        g.add((node, DCAT.landingPage, URIRef(f"{site}{item.landing_page}")))
        for index, dist in enumerate(item.distributions):
            dnode = URIRef(f"{base}#{item.key}-{index + 1}-{dist.format.lower()}")
            g.add((node, DCAT.distribution, dnode))
            g.add((dnode, RDF.type, dcatapit.Distribution))
            g.add((dnode, RDF.type, DCAT.Distribution))
            url = URIRef(f"{site}{dist.url}")
            g.add((dnode, DCAT.accessURL, url))
            g.add((dnode, DCAT.downloadURL, url))
            g.add((dnode, DCTERMS.format, URIRef(f"{EU}file-type/{dist.format}")))
            g.add(
                (
                    dnode,
                    DCAT.mediaType,
                    URIRef(f"https://www.iana.org/assignments/media-types/{dist.media_type}"),
                )
            )
            g.add((dnode, DCTERMS.license, licence_node))
            if dist.title:
                g.add((dnode, DCTERMS.title, Literal(str(dist.title), lang="it")))
    return g


SERIALIZATIONS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
    "ttl": ("turtle", "text/turtle"),
}


def serialize_catalogue(kind: str, datasets: list[Dataset] | None = None) -> tuple[str, str]:
    """The catalogue as ``(text, content type)``; ``kind`` is a key of
    :data:`SERIALIZATIONS`."""
    rdf_format, content_type = SERIALIZATIONS[kind]
    return catalogue_graph(datasets).serialize(format=rdf_format), content_type


# --- Streamed downloads ----------------------------------------------------------------


def iter_rows(queryset, row: Callable[[Any], list], *, chunk_size: int = 2000) -> Iterator[list]:
    """The rows of ``queryset`` read ``chunk_size`` at a time (prefetches included), so
    that an export of 100,000 rows never holds them all in memory."""
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield row(obj)


class _Line:
    """A file-like object whose ``write`` hands back the line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV text of ``header`` and ``rows``, a line at a time, through the one CSV writer
    (``carta.csvexport``: formula-like cells neutralised)."""
    writer = csvexport.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_download(
    request, header: list[str], rows: Iterable[list], filename: str
) -> StreamingHttpResponse:
    """A streamed open-data CSV download carrying the licence's ``Link`` header."""
    response = StreamingHttpResponse(
        _stream(request, csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return with_licence(response)


def _stream(request, lines: Iterator[str]):
    """What a ``StreamingHttpResponse`` sends: under ASGI (``carta serve``) an
    asynchronous iterator that reads ``lines`` a batch at a time in the request's thread,
    since Django reads a synchronous iterator whole into a list before serving it
    asynchronously; under WSGI (the test client, ``runserver``) the lines themselves."""
    if isinstance(request, ASGIRequest):
        return _batches(lines)
    return lines


async def _batches(lines: Iterator[str], size: int = 500):
    def batch() -> str:
        return "".join(itertools.islice(lines, size))

    while text := await sync_to_async(batch)():
        yield text


def json_lines(head: dict, key: str, items: Iterable[dict]) -> Iterator[str]:
    """A JSON object written piece by piece: ``head``'s keys, the licence, then ``key`` as
    a list of ``items`` serialized one at a time (constant memory for a long list)."""

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)

    opening = {**head, "license": licence_json()}
    yield "{" + ", ".join(f"{dumps(k)}: {dumps(v)}" for k, v in opening.items())
    yield f", {dumps(key)}: ["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + dumps(item)
    yield "\n]}\n"


def json_download(request, head: dict, key: str, items: Iterable[dict], filename: str):
    """A streamed open-data JSON download (``head``, the licence, the list ``key``)."""
    response = StreamingHttpResponse(
        _stream(request, json_lines(head, key, items)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return with_licence(response)
