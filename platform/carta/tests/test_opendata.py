"""Open data (docs/open-data.md): the licence on every export, the network's CSV and JSON
downloads (public rows only), the DCAT-AP_IT catalogue validated against the profile's
mandatory properties, and the /dati/ page."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.test import override_settings
from django.utils import timezone
from pyshacl import validate
from rdflib import Graph

from carta import opendata
from carta.models import Municipality
from stakeholders.models import OrganizationStatus, Visibility
from tests.factories import (
    ConsultationFactory,
    OrganizationFactory,
    ResourceFactory,
    carta_revision,
)

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_LINK = f'<{CC_BY}>; rel="license"'


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _json(response) -> dict:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(body)


# --- The licence ------------------------------------------------------------------------


def test_the_default_licence_is_cc_by_4_with_its_name_spdx_id_and_address():
    assert opendata.licence_json() == {
        "name": "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
        "spdx_id": "CC-BY-4.0",
        "url": CC_BY,
    }
    assert opendata.link_header() == CC_BY_LINK


def test_the_setting_accepts_exactly_the_licences_the_module_describes(monkeypatch):
    from pathlib import Path

    from django.core.exceptions import ImproperlyConfigured

    import carta.settings
    from carta.env import env_choice

    monkeypatch.setenv("CARTA_OPEN_DATA_LICENCE", "CC-BY-NC-4.0")
    with pytest.raises(ImproperlyConfigured, match="CARTA_OPEN_DATA_LICENCE"):
        env_choice("CARTA_OPEN_DATA_LICENCE", tuple(opendata.LICENCES), "CC-BY-4.0")
    # The settings module lists the same identifiers as its choices.
    source = Path(carta.settings.__file__).read_text(encoding="utf-8")
    choices = source.split('"CARTA_OPEN_DATA_LICENCE", (')[1].split(")")[0]
    assert {c.strip(' "') for c in choices.split(",")} == set(opendata.LICENCES)


@pytest.mark.django_db
def test_the_carta_json_states_the_licence_in_body_and_header(client):
    carta_revision(1, "adopted")
    response = client.get("/carta/dati-aperti.json")
    data = response.json()
    assert response["Link"] == CC_BY_LINK
    assert data["license"]["spdx_id"] == "CC-BY-4.0"
    assert data["schema_version"] == "1.2"
    # The existing keys stay.
    assert data["schema"] == "carta-dei-servizi"
    assert [s["key"] for s in data["sections"]] == ["sezione-1", "sezione-2", "sezione-3"]
    assert len(data["services"]) == 2


@pytest.mark.django_db
@override_settings(CARTA_OPEN_DATA_LICENCE="CC0-1.0")
def test_another_licence_is_stated_everywhere(client, api):
    revision = carta_revision(1, "adopted")
    page = client.get("/carta/dati-aperti.json")
    assert page.json()["license"] == {
        "name": "Creative Commons CC0 1.0 Universale (CC0 1.0)",
        "spdx_id": "CC0-1.0",
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    assert page["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
    through_api = api.get(f"/api/v1/carta/revisions/{revision.pk}/open-data/")
    assert through_api.json()["license"]["spdx_id"] == "CC0-1.0"
    assert "publicdomain/zero" in through_api["Link"]


@pytest.mark.django_db
def test_results_json_and_csv_carry_the_licence(client):
    consultation = ConsultationFactory()
    as_json = client.get(f"/consultazioni/{consultation.pk}/risultati.json")
    data = as_json.json()
    assert as_json["Link"] == CC_BY_LINK
    assert data["license"]["url"] == CC_BY
    assert "electorates" in data
    as_csv = client.get(f"/consultazioni/{consultation.pk}/risultati.csv")
    assert as_csv["Link"] == CC_BY_LINK
    assert _csv(as_csv)[0][:2] == ["elettorato", "votanti"]


@pytest.mark.django_db
def test_the_dashboard_csv_and_json_carry_the_licence(client, api):
    carta_revision(1, "adopted")
    as_csv = client.get("/valuta-e-segnala/impegni.csv")
    assert as_csv["Link"] == CC_BY_LINK
    as_json = api.get("/api/v1/dashboard/")
    assert as_json["Link"] == CC_BY_LINK
    assert as_json.json()["license"]["spdx_id"] == "CC-BY-4.0"


@pytest.mark.django_db
def test_the_staff_detail_of_the_dashboard_is_no_open_data(client_as, complaint_officer):
    carta_revision(1, "adopted")
    response = client_as(complaint_officer).get("/valuta-e-segnala/impegni.csv?dettaglio=1")
    assert response.status_code == 200
    assert "Link" not in response


# --- The network's downloads --------------------------------------------------------


@pytest.fixture
def network(db):
    town = Municipality.objects.create(name="Bussi sul Tirino", istat_code="068004")
    verified = OrganizationFactory(
        legal_name="Cooperativa Il Melograno",
        address="Via Roma 1, Bussi",
        website="https://melograno.example.org",
        pec="melograno@pec.example.org",
        areas=["elderly", "disability"],
    )
    verified.municipalities.add(town)
    pending = OrganizationFactory(legal_name="Associazione In Attesa", status="pending")
    suspended = OrganizationFactory(legal_name="ODV Sospesa", status=OrganizationStatus.SUSPENDED)
    return {
        "verified": verified,
        "pending": pending,
        "suspended": suspended,
        "public": ResourceFactory(organization=verified, title="Sala del Melograno"),
        "network_only": ResourceFactory(
            organization=verified, title="Furgone riservato", visibility=Visibility.NETWORK
        ),
        "of_suspended": ResourceFactory(organization=suspended, title="Sala della sospesa"),
        "of_pending": ResourceFactory(organization=pending, title="Sala in attesa"),
    }


def test_the_directory_csv_holds_the_public_data_of_verified_organizations(client, network):
    response = client.get("/organizzazioni.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == CC_BY_LINK
    assert response.streaming
    header, *rows = _csv(response)
    assert header[:4] == ["id", "denominazione", "tipologia", "codice_fiscale"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    org = network["verified"]
    assert row["denominazione"] == "Cooperativa Il Melograno"
    assert row["codice_fiscale"] == org.tax_code
    assert row["sede"] == "Via Roma 1, Bussi"
    assert row["comuni"] == "Bussi sul Tirino"
    assert row["aree_di_intervento"] == "; ".join(org.area_labels())
    assert row["pec"] == "melograno@pec.example.org"
    assert row["pagina"] == f"http://testserver/organizzazioni/{org.pk}/"


def test_staff_and_members_download_the_public_directory_only(client_as, moderator, network):
    from tests.factories import MembershipFactory

    body = b"".join(client_as(moderator).get("/organizzazioni.csv").streaming_content)
    assert b"In Attesa" not in body and b"Sospesa" not in body
    member = MembershipFactory(organization=network["pending"]).user
    body = b"".join(client_as(member).get("/organizzazioni.csv").streaming_content)
    assert b"In Attesa" not in body
    # Nor the staff's status filter.
    body = b"".join(
        client_as(moderator).get("/organizzazioni.csv?status=pending").streaming_content
    )
    assert b"In Attesa" not in body


def test_the_resources_csv_holds_only_public_resources_of_verified_organizations(
    client_as, member_a, network
):
    # A member of the network would see the network-only resource on the page: the
    # download is the public's all the same.
    header, *rows = _csv(client_as(member_a).get("/risorse.csv"))
    assert [dict(zip(header, r, strict=True))["titolo"] for r in rows] == ["Sala del Melograno"]
    row = dict(zip(header, rows[0], strict=True))
    assert row["organizzazione"] == "Cooperativa Il Melograno"
    assert row["organizzazione_id"] == str(network["verified"].pk)


def test_the_downloads_follow_the_list_page_filters(client, network):
    OrganizationFactory(legal_name="ODV Valtirino", kind="odv")
    header, *rows = _csv(client.get("/organizzazioni.csv?kind=odv"))
    assert [r[1] for r in rows] == ["ODV Valtirino"]


def test_the_json_downloads_carry_the_licence_and_the_same_rows(client, network):
    data = _json(client.get("/organizzazioni.json"))
    assert data["license"]["spdx_id"] == "CC-BY-4.0"
    assert data["dataset"] == "organizzazioni"
    assert [o["legal_name"] for o in data["organizations"]] == ["Cooperativa Il Melograno"]
    assert data["organizations"][0]["municipalities"] == ["Bussi sul Tirino"]
    resources = client.get("/risorse.json")
    assert resources["Link"] == CC_BY_LINK
    assert [r["title"] for r in _json(resources)["resources"]] == ["Sala del Melograno"]


def test_formula_like_cells_are_neutralised(client, db):
    OrganizationFactory(legal_name='=HYPERLINK("http://x")')
    header, *rows = _csv(client.get("/organizzazioni.csv"))
    assert rows[0][1] == '\'=HYPERLINK("http://x")'


def test_a_profile_a_moderator_hid_loses_its_own_text_in_the_downloads(client, network):
    org = network["verified"]
    type(org).objects.filter(pk=org.pk).update(hidden_at=timezone.now())
    data = _json(client.get("/organizzazioni.json"))
    assert data["organizations"][0]["description"] == ""
    assert data["organizations"][0]["website"] == ""


def test_a_hidden_resource_is_never_in_the_downloads(client, network):
    resource = network["public"]
    type(resource).objects.filter(pk=resource.pk).update(hidden_at=timezone.now())
    assert _json(client.get("/risorse.json"))["resources"] == []


def test_the_download_reads_in_chunks_at_a_fixed_query_count(client, db, django_assert_num_queries):
    for n in range(30):
        OrganizationFactory(legal_name=f"Organizzazione {n:02d}")
    response = client.get("/organizzazioni.csv")
    # The organizations, then one prefetch of their municipalities: one chunk.
    with django_assert_num_queries(2):
        rows = _csv(response)
    assert len(rows) == 31


def test_the_list_pages_offer_the_downloads_with_the_licence(client, network):
    page = client.get("/organizzazioni/?kind=coop_a").content.decode()
    assert 'href="/organizzazioni.csv?kind=coop_a"' in page
    assert 'href="/organizzazioni.json?kind=coop_a"' in page
    assert f'href="{CC_BY}" rel="license"' in page
    page = client.get("/risorse/").content.decode()
    assert 'href="/risorse.csv"' in page and f'href="{CC_BY}"' in page


# --- The DCAT-AP_IT catalogue ---------------------------------------------------------

# The mandatory properties of DCAT-AP_IT 1.x, from AgID's guidelines ("Linee guida per i
# cataloghi dati", https://linee-guida-cataloghi-dati-profilo-dcat-ap-it.readthedocs.io,
# source https://github.com/italia/linee-guida-cataloghi-dati-dcat-ap-it, pages
# catalogo_elementi_obbligatori, dataset_elementi_obbligatori,
# distribuzione_elementi_obbligatori, organizzazione_elementi_obbligatori,
# punto-di-contatto_elementi_obbligatori): (class, property, minimum, maximum or None,
# node kind). No official SHACL shapes of DCAT-AP_IT could be found to vendor; these
# shapes state those tables for pyshacl. Dataset's dcat:contactPoint is required here too:
# the catalogue promises it. The publisher is the Ambito (dcatapit:Agent with its IPA code).
MANDATORY = [
    ("dcatapit:Catalog", "dct:title", 1, None, "sh:Literal"),
    ("dcatapit:Catalog", "dct:description", 1, None, "sh:Literal"),
    ("dcatapit:Catalog", "dct:publisher", 1, 1, "sh:IRI"),
    ("dcatapit:Catalog", "dct:modified", 1, 1, "sh:Literal"),
    ("dcatapit:Catalog", "dcat:dataset", 1, None, "sh:IRI"),
    ("dcatapit:Dataset", "dct:identifier", 1, 1, "sh:Literal"),
    ("dcatapit:Dataset", "dct:title", 1, None, "sh:Literal"),
    ("dcatapit:Dataset", "dct:description", 1, None, "sh:Literal"),
    ("dcatapit:Dataset", "dct:modified", 1, 1, "sh:Literal"),
    ("dcatapit:Dataset", "dcat:theme", 1, None, "sh:IRI"),
    ("dcatapit:Dataset", "dct:rightsHolder", 1, 1, "sh:IRI"),
    ("dcatapit:Dataset", "dct:accrualPeriodicity", 1, 1, "sh:IRI"),
    ("dcatapit:Dataset", "dcat:distribution", 1, None, "sh:IRI"),
    ("dcatapit:Dataset", "dcat:contactPoint", 1, None, "sh:IRI"),
    ("dcatapit:Distribution", "dct:format", 1, 1, "sh:IRI"),
    ("dcatapit:Distribution", "dcat:accessURL", 1, None, "sh:IRI"),
    ("dcatapit:Distribution", "dct:license", 1, 1, "sh:IRI"),
    ("dcatapit:Agent", "dct:identifier", 1, 1, "sh:Literal"),
    ("dcatapit:Agent", "foaf:name", 1, None, "sh:Literal"),
    ("dcatapit:Organization", "vcard:fn", 1, 1, "sh:Literal"),
    ("dcatapit:Organization", "vcard:hasEmail", 1, 1, "sh:IRI"),
    ("dcatapit:LicenseDocument", "dct:type", 0, 1, "sh:IRI"),
]

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcatapit: <http://dati.gov.it/onto/dcatapit#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <urn:carta:shapes:> .
"""


def shapes() -> Graph:
    lines = [PREFIXES]
    classes = sorted({c for c, *_ in MANDATORY})
    for cls in classes:
        name = cls.split(":")[1]
        props = []
        for c, path, low, high, kind in MANDATORY:
            if c != cls:
                continue
            parts = [f"sh:path {path}", f"sh:minCount {low}", f"sh:nodeKind {kind}"]
            if high is not None:
                parts.append(f"sh:maxCount {high}")
            props.append("[ " + " ; ".join(parts) + " ]")
        lines.append(f"t:{name} a sh:NodeShape ; sh:targetClass {cls} ;")
        lines.append("  sh:property " + " , ".join(props) + " .")
    # Dates are xsd:date, themes and frequencies come from the EU vocabularies.
    lines.append(
        "t:Dates a sh:NodeShape ; sh:targetClass dcatapit:Dataset ; sh:property "
        "[ sh:path dct:modified ; sh:datatype xsd:date ] , "
        "[ sh:path dct:issued ; sh:datatype xsd:date ] , "
        '[ sh:path dcat:theme ; sh:pattern "^http://publications.europa.eu/resource/'
        'authority/data-theme/[A-Z]{4}$" ] , '
        '[ sh:path dct:accrualPeriodicity ; sh:pattern "^http://publications.europa.eu/'
        'resource/authority/frequency/[A-Z_]+$" ] .'
    )
    lines.append(
        "t:Formats a sh:NodeShape ; sh:targetClass dcatapit:Distribution ; sh:property "
        '[ sh:path dct:format ; sh:pattern "^http://publications.europa.eu/resource/'
        'authority/file-type/(CSV|JSON)$" ] , [ sh:path dct:license ; sh:class '
        "dcatapit:LicenseDocument ] ."
    )
    return Graph().parse(data="\n".join(lines), format="turtle")


@pytest.fixture
def published(network, complaint_officer):
    """Every dataset published: the Carta in force, a closed consultation, a measured
    commitment, the network."""
    from feedback import services as feedback_services

    revision = carta_revision(1, "adopted", adopted_at=timezone.now())
    ConsultationFactory(
        title="Consultazione sugli orari",
        opens_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    commitment = revision.services.first().commitments.first()
    feedback_services.record_measurement(
        actor=complaint_officer,
        commitment=commitment,
        period=f"{timezone.localdate().year}-Q1",
        value=5,
    )
    return revision


def _conforms(graph) -> tuple[bool, str]:
    conforms, _, text = validate(graph, shacl_graph=shapes(), inference="none")
    return conforms, text


@override_settings(CARTA_AMBITO_IPA_CODE="ats_tirino", CARTA_AMBITO_PEC="ambito@pec.example.it")
def test_the_catalogue_describes_every_dataset_and_conforms_to_the_profile(client, published):
    keys = {d.key for d in opendata.published_datasets()}
    assert keys == {
        "carta-dei-servizi",
        "risultati-consultazioni",
        "impegni-di-qualita",
        "organizzazioni",
        "risorse",
    }
    for kind, rdf_format in (("jsonld", "json-ld"), ("rdf", "xml"), ("ttl", "turtle")):
        response = client.get(f"/dati/catalogo.{kind}")
        assert response.status_code == 200
        assert response["Link"] == CC_BY_LINK
        graph = Graph().parse(data=response.content.decode(), format=rdf_format)
        conforms, report = _conforms(graph)
        assert conforms, report
    assert client.get("/dati/catalogo.jsonld")["Content-Type"].startswith("application/ld+json")


@override_settings(CARTA_AMBITO_IPA_CODE="ats_tirino", CARTA_AMBITO_PEC="ambito@pec.example.it")
def test_the_catalogue_names_the_publisher_licence_and_distributions(client, published):
    graph = Graph().parse(data=client.get("/dati/catalogo.ttl").content.decode(), format="turtle")
    rows = graph.query(
        """PREFIX dct: <http://purl.org/dc/terms/> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        SELECT ?id ?name ?title ?url ?licence WHERE {
          ?ds dct:publisher ?a ; dct:title ?title ; dcat:distribution ?d .
          ?a dct:identifier ?id ; foaf:name ?name .
          ?d dcat:downloadURL ?url ; dct:license ?licence .
          FILTER(lang(?title) = "en") }"""
    )
    found = {(str(r.id), str(r.name), str(r.url), str(r.licence)) for r in rows}
    assert {f[:2] for f in found} == {
        ("ats_tirino", "Ambito Territoriale Sociale Valle del Tirino")
    }
    urls = {f[2] for f in found}
    assert "http://testserver/organizzazioni.csv" in urls
    assert "http://testserver/carta/dati-aperti.json" in urls
    assert {f[3] for f in found} == {CC_BY}
    # Every dataset has its English title (the Italian one until the catalogue has it).
    assert len({str(r.title) for r in rows}) == 5


def test_without_the_ipa_code_the_catalogue_does_not_conform(published):
    # carta.W001 warns about it in production; the test shows the shapes notice it.
    conforms, report = _conforms(opendata.catalogue_graph())
    assert not conforms
    assert "identifier" in report


def test_an_unknown_serialization_is_not_found(client, db):
    assert client.get("/dati/catalogo.xlsx").status_code == 404


@override_settings(CARTA_AMBITO_IPA_CODE="ats_tirino")
def test_the_open_data_page_lists_datasets_licence_and_the_catalogue(client, published):
    page = client.get("/dati/").content.decode()
    assert "La Carta dei servizi in vigore" in page
    assert "La rete delle organizzazioni" in page
    assert "Consultazione sugli orari (JSON)" in page
    assert f'href="{CC_BY}" rel="license"' in page
    assert 'href="/dati/catalogo.jsonld"' in page
    assert 'href="/dati/catalogo.rdf"' in page
    assert 'href="/dati/catalogo.ttl"' in page


def test_under_asgi_the_download_is_streamed_asynchronously(network):
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    async def download():
        response = await AsyncClient().get("/organizzazioni.csv")
        # An asynchronous iterator: Django would read a synchronous one whole into a list.
        assert response.is_async
        return response["Link"], b"".join([part async for part in response.streaming_content])

    link, body = async_to_sync(download)()
    assert link == CC_BY_LINK
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert [r[1] for r in rows[1:]] == ["Cooperativa Il Melograno"]


def test_the_rows_are_read_as_the_lines_are_sent(db):
    produced = []

    def rows():
        for n in range(3):
            produced.append(n)
            yield [n, f"riga {n}"]

    lines = opendata.csv_lines(["n", "testo"], rows())
    assert next(lines) == "n,testo\r\n" and produced == []
    assert next(lines) == "0,riga 0\r\n" and produced == [0]


@override_settings(CARTA_AMBITO_IPA_CODE="ats_tirino")
def test_the_open_data_page_and_catalogue_cost_a_fixed_number_of_queries(
    client, published, django_assert_num_queries
):
    # Organizations' and resources' dates (2), the Carta in force and its first adoption
    # (2), the closed consultations (1), the measurements' dates (1).
    with django_assert_num_queries(6):
        client.get("/dati/")
    ConsultationFactory(
        opens_at=timezone.now() - datetime.timedelta(days=5),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    OrganizationFactory()
    with django_assert_num_queries(6):
        client.get("/dati/catalogo.ttl")
