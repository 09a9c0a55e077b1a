"""Exports of the Carta: open data (JSON, schema in ``docs/carta-open-data.md``, with the
open-data licence), the consultation report as CSV, and tagged PDF (PDF/UA-1) through
WeasyPrint when the system has its libraries.

WeasyPrint is optional: it needs Pango at run time. ``pdf_available()`` says whether it
can be used, and pages then offer the print-ready page instead of the PDF.
"""

from __future__ import annotations

import io
import mimetypes
from functools import lru_cache
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from carta import ambito, csvexport, opendata
from consultations.charter import selectors
from consultations.charter.models import Revision

# 1.2: the top-level ``license`` object (carta.opendata.licence_json).
SCHEMA_VERSION = "1.2"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def open_data(revision: Revision) -> dict:
    """The revision as open data (schema ``SCHEMA_VERSION``, with the open-data licence
    as ``license``): six queries."""
    outline = selectors.section_outline(revision)
    return {
        "schema": "carta-dei-servizi",
        "schema_version": SCHEMA_VERSION,
        "ambito": settings.CARTA_AMBITO_NAME,
        "license": opendata.licence_json(),
        "revision": {
            "number": revision.number,
            "title": revision.title,
            "status": revision.status,
            "summary_of_changes": revision.summary_of_changes,
            "based_on": revision.based_on.number if revision.based_on_id else None,
            "consultation_opened_at": _iso(revision.consultation_opened_at),
            "adopted_at": _iso(revision.adopted_at),
            "superseded_at": _iso(revision.superseded_at),
        },
        "sections": [
            {
                "key": node.section.key,
                "parent_key": node.section.parent_key or None,
                "number": node.number,
                "position": index,
                "heading": node.section.heading,
                "body_markdown": node.section.body,
            }
            for index, node in enumerate(outline)
        ],
        "services": [
            {
                "key": service.key,
                "title": service.title,
                "area": service.area,
                "area_label": str(service.get_area_display()),
                "purposes": service.purposes,
                "specific_objectives": service.specific_objectives,
                "main_functions": service.main_functions,
                "delivery_modalities": service.delivery_modalities,
                "access_requirements": service.access_requirements,
                "how_to_apply": service.how_to_apply,
                "where_and_when": service.where_and_when,
                "documents_required": service.documents_required,
                "costs": service.costs,
                "providers": [
                    {"name": o.legal_name, "tax_code": o.tax_code}
                    for o in service.provider_organizations.all()
                ],
                "quality_commitments": [
                    {
                        "key": c.key,
                        "indicator": c.indicator,
                        "direction": c.direction,
                        "target_value": float(c.target_value),
                        "unit": c.unit,
                        "how_measured": c.how_measured,
                        "governs": c.governs or None,
                        "refund": c.refund,
                        "refund_amount": (
                            float(c.refund_amount) if c.refund_amount is not None else None
                        ),
                    }
                    for c in service.commitments.all()
                ],
            }
            for service in selectors.services_of(revision)
        ],
    }


REPORT_COLUMNS = (
    "tipo",
    "id",
    "sezione_o_servizio",
    "titolo",
    "autore",
    "a_nome_di",
    "data",
    "testo",
    "esito",
    "motivazione",
    "sostegni",
)


def report_csv(report: dict) -> str:
    """The consultation report, one row per top-level comment and per amendment. Cells a
    spreadsheet would run as formulas are neutralised; hidden items' texts are left out."""
    out = io.StringIO()
    writer = csvexport.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for c in report["comments"]:
        writer.writerow(
            [
                "commento",
                c.pk,
                c.section_key,
                getattr(c, "label", c.section_key),
                c.author.display_name,
                c.organization.legal_name if c.organization_id else "",
                c.created_at.date().isoformat(),
                c.body if c.can_read_texts else "",
                c.get_outcome_display() if c.outcome else _("in attesa"),
                c.outcome_reason if c.can_read_texts else "",
                "",
            ]
        )
    for a in report["amendments"]:
        writer.writerow(
            [
                "emendamento",
                a.pk,
                a.target_key,
                getattr(a, "label", a.target_key),
                a.author.display_name,
                a.organization.legal_name if a.organization_id else "",
                a.created_at.date().isoformat(),
                (a.new_text or "; ".join(f"{k}: {v}" for k, v in a.service_changes.items()))
                if a.can_read_texts
                else "",
                a.get_status_display(),
                a.decision_reason if a.can_read_texts else "",
                a.support_count,
            ]
        )
    _write_votes(writer, report.get("votes") or [])
    return out.getvalue()


def _write_votes(writer, votes) -> None:
    """The published results of the votes on the revision, after the report's rows: a
    blank line, a header, one row per question and electorate (nothing without results)."""
    rows = [(vote, row) for vote in votes for row in vote.results or []]
    if not rows:
        return
    writer.writerow([])
    writer.writerow(
        [
            _("votazione"),
            _("id"),
            _("domanda"),
            _("chi ha votato"),
            _("schede"),
            _("voti"),
            _("esito"),
        ]
    )
    outcome = {True: _("approvata"), False: _("non approvata"), None: ""}
    for vote, row in rows:
        writer.writerow(
            [
                vote.title,
                vote.id,
                row["question"],
                row["electorate"],
                row["ballots"],
                "; ".join(f"{o['label']}: {o['count']}" for o in row["options"]),
                outcome[row["approved"]],
            ]
        )


@lru_cache(maxsize=1)
def pdf_available() -> bool:
    """True when WeasyPrint and the Pango libraries it loads are installed."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def open_data_response(revision: Revision) -> JsonResponse:
    """The revision's open data as a JSON response with the licence's ``Link`` header."""
    response = JsonResponse(
        open_data(revision), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'inline; filename="carta-revisione-{revision.number}.json"'
    return opendata.with_licence(response)


def render_pdf(template: str, context: dict, request=None) -> bytes:
    """Render ``template`` (a print-ready page) to a tagged, accessible PDF (PDF/UA-1: a
    structure tree, the document's language and title) with the Ambito's identity
    (``ambito``: name, logo, address) on its first page; callers check ``pdf_available``."""
    from weasyprint import HTML

    identity = ambito.identity()
    html = render_to_string(template, {**context, "ambito": identity}, request=request)
    # The print templates are self-contained (inline styles): nothing is fetched but the
    # Ambito's own logo, so that user-written links cannot make the server request anything.
    return HTML(
        string=html, url_fetcher=_logo_fetcher(identity.logo_url), base_url=_base_url()
    ).write_pdf(pdf_variant="pdf/ua-1")


def _base_url() -> str:
    return settings.CARTA_SITE_URL.rstrip("/") + "/"


def _logo_fetcher(logo_url: str):
    """A WeasyPrint fetcher that answers only for the configured logo: a static file read
    from the static files (a path under ``STATIC_URL``) or an ``https://`` image fetched
    with a timeout; every other address is refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    wanted = urljoin(_base_url(), logo_url) if logo_url else None

    class LogoOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not wanted or url != wanted:
                raise ValueError(f"external resources are not fetched: {url[:80]}")
            if logo_url.startswith(settings.STATIC_URL):
                name = logo_url[len(settings.STATIC_URL) :]
                path = finders.find(name)
                with open(path, "rb") if path else staticfiles_storage.open(name) as file:
                    body = file.read()
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            if logo_url.startswith("https://"):
                return super().fetch(url, headers)
            raise ValueError(f"the logo is neither a static file nor https: {url[:80]}")

    return LogoOnly(timeout=10, allowed_protocols=("https", "http"), allow_redirects=False)
