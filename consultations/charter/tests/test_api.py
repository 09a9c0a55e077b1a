"""The Carta's API: resources, errors in the common shape, and fixed query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.charter import services
from consultations.charter.models import Revision, RevisionStatus
from tests.factories import (
    AmendmentFactory,
    CommentFactory,
    UserFactory,
    carta_revision,
)

API = "/api/v1/carta/revisions/"


@pytest.mark.parametrize("size", [2, 12])
def test_revision_list_costs_two_queries_whatever_its_length(
    api, db, django_assert_num_queries, size
):
    for number in range(1, size + 1):
        carta_revision(number, RevisionStatus.SUPERSEDED, sections=0, services=0)
    # COUNT for the paginator, the page of revisions with their ``based_on``
    with django_assert_num_queries(2):
        response = api.get(API)
    assert response.json()["count"] == size


def test_drafts_are_listed_only_for_editors_and_404_for_others(api, api_as, carta_editor, citizen):
    draft = carta_revision(1, RevisionStatus.DRAFT, sections=0, services=0)
    assert api_as(carta_editor).get(API).json()["count"] == 1
    assert api_as(citizen).get(API).json()["count"] == 0
    response = api.get(f"{API}{draft.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("size", [3, 25])
def test_sections_list_costs_two_queries(api, db, django_assert_num_queries, size):
    revision = carta_revision(1, RevisionStatus.ADOPTED, sections=size, services=0)
    # the revision (fetch-and-authorize); the page of sections (no COUNT: one page)
    with django_assert_num_queries(3):
        response = api.get(f"{API}{revision.pk}/sections/")
    data = response.json()
    assert data["count"] == size
    assert data["results"][0]["key"] == "sezione-1"
    assert "<p>" in data["results"][0]["body_html"]


@pytest.mark.parametrize("size", [2, 15])
def test_comment_list_costs_a_fixed_number_of_queries(api, db, django_assert_num_queries, size):
    revision = carta_revision(1, RevisionStatus.IN_CONSULTATION)
    for _ in range(size):
        CommentFactory(revision=revision, section_key="sezione-1")
    # revision; lineage; section texts; comments with authors, organizations, revisions
    with django_assert_num_queries(4):
        response = api.get(f"{API}{revision.pk}/comments/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 15])
def test_amendment_list_costs_a_fixed_number_of_queries(api, db, django_assert_num_queries, size):
    revision = carta_revision(1, RevisionStatus.IN_CONSULTATION)
    for _ in range(size):
        AmendmentFactory(revision=revision, target_key="sezione-1")
    # revision; COUNT; the page with authors, organizations and support counts
    with django_assert_num_queries(3):
        response = api.get(f"{API}{revision.pk}/amendments/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 12])
def test_service_list_costs_four_queries(api, db, django_assert_num_queries, size):
    carta_revision(1, RevisionStatus.ADOPTED, sections=0, services=size, commitments=2)
    # COUNT; services; their commitments; their providers
    with django_assert_num_queries(4):
        response = api.get("/api/v1/services/")
    data = response.json()
    assert data["count"] == size
    assert len(data["results"][0]["commitments"]) == 2


def test_services_filter_by_area_and_refuse_unknown_areas(api, db):
    revision = carta_revision(1, RevisionStatus.ADOPTED, sections=0, services=2)
    revision.services.filter(key="servizio-2").update(area="poverty")
    data = api.get("/api/v1/services/?area=poverty").json()
    assert [s["key"] for s in data["results"]] == ["servizio-2"]
    response = api.get("/api/v1/services/?area=luna")
    assert response.status_code == 400
    assert response.json()["errors"] == {"area": ["Area di intervento sconosciuta."]}


def test_diff_endpoint_answers_the_changes(api_as, carta_editor, in_force):
    client = api_as(carta_editor)
    draft = client.post(API, {"title": "Bozza 2026"}, format="json").json()
    client.patch(f"{API}{draft['id']}/sections/sezione-1/", {"body": "Testo nuovo."}, format="json")
    response = client.get(f"{API}{draft['id']}/diff/?against={in_force.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["against"] == in_force.pk
    assert [(i["key"], i["change"]) for i in data["sections"]] == [("sezione-1", "changed")]
    assert data["services"] == []
    assert client.get(f"{API}{draft['id']}/diff/").status_code == 400


def test_diff_against_a_hidden_draft_is_404(api, carta_editor, in_force):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    response = api.get(f"{API}{in_force.pk}/diff/?against={draft.pk}")
    assert response.status_code == 404


def test_full_lifecycle_through_the_api(api_as, carta_editor, citizen, in_force):
    editor = api_as(carta_editor)
    draft = editor.post(API, {"title": "Bozza 2026"}, format="json").json()
    assert draft["based_on"] == in_force.pk
    assert editor.post(f"{API}{draft['id']}/share/").json()["shared_with_network"]
    phase = {"closes_at": "2099-10-08"}
    assert editor.post(f"{API}{draft['id']}/open-consultation/", phase).json()["status"] == (
        "in_consultation"
    )
    person = api_as(citizen)
    comment = person.post(
        f"{API}{draft['id']}/comments/",
        {"section_key": "sezione-1", "body": "Chiaro.", "quote": "Segretariato Sociale"},
        format="json",
    )
    assert comment.status_code == 201, comment.json()
    assert comment.json()["quote_start"] is not None
    bad = person.post(
        f"{API}{draft['id']}/comments/",
        {"section_key": "sezione-1", "body": "x", "quote": "assente"},
        format="json",
    )
    assert bad.status_code == 400 and "quote" in bad.json()["errors"]
    outcome = editor.post(
        f"{API}{draft['id']}/comments/{comment.json()['id']}/outcome/",
        {"outcome": "accepted"},
        format="json",
    )
    assert outcome.json()["outcome"] == "accepted"
    amendment = person.post(
        f"{API}{draft['id']}/amendments/",
        {"kind": "section", "target_key": "sezione-2", "new_text": "Nuovo testo."},
        format="json",
    ).json()
    supporter = api_as(UserFactory())
    assert (
        supporter.post(f"{API}{draft['id']}/amendments/{amendment['id']}/support/").json()[
            "support_count"
        ]
        == 1
    )
    again = supporter.post(f"{API}{draft['id']}/amendments/{amendment['id']}/support/")
    assert again.status_code == 409
    accepted = editor.post(f"{API}{draft['id']}/amendments/{amendment['id']}/accept/")
    assert accepted.json()["status"] == "accepted"
    act = {"act_body": "Assemblea dei Sindaci", "act_number": "7", "act_date": "2024-03-01"}
    refused = editor.post(f"{API}{draft['id']}/adopt/", act, format="json")
    assert refused.json()["code"] == "not_ready"  # the consultation is still open
    # The closing date passes.
    Revision.objects.filter(pk=draft["id"]).update(
        consultation_closes_at=timezone.now() - timedelta(minutes=1)
    )
    adopted = editor.post(f"{API}{draft['id']}/adopt/", act, format="json")
    assert adopted.json()["status"] == "adopted"
    assert person.get(f"{API}{in_force.pk}/").json()["status"] == "superseded"
    report = person.get(f"{API}{draft['id']}/report/").json()
    assert report["totals"]["comments"] == 1 and report["totals"]["amendments_accepted"] == 1


def test_citizens_cannot_edit_drafts(api_as, citizen, carta_editor, in_force):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    services.open_consultation(actor=carta_editor, revision=draft)
    response = api_as(citizen).patch(f"{API}{draft.pk}/", {"title": "Mio"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_amending_an_adopted_revision_answers_409(api_as, citizen, in_force):
    response = api_as(citizen).post(
        f"{API}{in_force.pk}/amendments/",
        {"kind": "section", "target_key": "sezione-1", "new_text": "Altro."},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "revision_closed"


def test_import_endpoint_makes_a_draft_and_explains_bad_files(api_as, carta_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_as(carta_editor)
    good = client.post(
        f"{API}import/",
        {"file": SimpleUploadedFile("carta.md", b"# Carta\n\n## Principi\n\nTesto.")},
        format="multipart",
    )
    assert good.status_code == 201 and good.json()["title"] == "Carta"
    empty = client.post(
        f"{API}import/", {"file": SimpleUploadedFile("carta.md", b" ")}, format="multipart"
    )
    assert empty.status_code == 400
    assert empty.json()["errors"]["file"]


def test_open_data_endpoint_matches_the_documented_schema(api, in_force):
    data = api.get(f"{API}{in_force.pk}/open-data/").json()
    assert data["schema"] == "carta-dei-servizi" and data["schema_version"] == "1.2"
    assert set(data) == {
        "schema",
        "schema_version",
        "ambito",
        "license",
        "revision",
        "sections",
        "services",
    }
    assert set(data["services"][0]) >= {"key", "area", "quality_commitments", "providers"}


def test_editors_write_services_of_drafts_through_the_api(api_as, carta_editor, citizen, org_a):
    in_force = carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=1)
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    client = api_as(carta_editor)
    created = client.post(
        "/api/v1/services/",
        {
            "revision": draft.pk,
            "key": "pasti-a-domicilio",
            "title": "Pasti a domicilio",
            "area": "elderly",
            "providers": [org_a.pk],
            "commitments": [
                {
                    "key": "consegna",
                    "indicator": "Pasti consegnati entro le 12.30",
                    "direction": "at_least",
                    "target_value": "95",
                    "unit": "%",
                }
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["providers"] == [{"id": org_a.pk, "legal_name": org_a.legal_name}]
    assert body["commitments"][0]["target_value"] == "95.00"
    changed = client.patch(
        f"/api/v1/services/{body['id']}/", {"title": "Pasti caldi a domicilio"}, format="json"
    )
    assert changed.json()["title"] == "Pasti caldi a domicilio"
    assert len(changed.json()["commitments"]) == 1
    in_force_service = in_force.services.get()
    refused = client.patch(
        f"/api/v1/services/{in_force_service.pk}/", {"title": "No"}, format="json"
    )
    assert refused.status_code == 409
    assert (
        api_as(citizen)
        .patch(f"/api/v1/services/{body['id']}/", {"title": "No"}, format="json")
        .status_code
        == 404
    )


def test_an_anonymous_comment_answers_401_with_the_challenge(api_as, in_consultation):
    response = api_as(None).post(
        f"{API}{in_consultation.pk}/comments/",
        {"section_key": "sezione-1", "body": "Anonimo."},
        format="json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")
    assert not in_consultation.comments.exists()


def test_an_anonymous_write_to_a_hidden_draft_answers_404(api_as, carta_editor, in_force):
    draft = services.create_draft(actor=carta_editor, title="Bozza riservata")
    response = api_as(None).patch(f"{API}{draft.pk}/", {"title": "Mio"}, format="json")
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Bozza riservata"


def test_an_unknown_organization_answers_400_naming_the_field(api_as, citizen, in_consultation):
    response = api_as(citizen).post(
        f"{API}{in_consultation.pk}/comments/",
        {"section_key": "sezione-1", "body": "Per chi?", "organization": 999999},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organization"]


def test_a_blank_parent_key_is_what_the_schema_declares(api, api_as, carta_editor, db):
    import jsonschema

    revision = carta_revision(1, RevisionStatus.DRAFT, sections=1, services=0)
    editor = api_as(carta_editor)
    top = editor.get(f"{API}{revision.pk}/sections/sezione-1/").json()
    child = editor.post(
        f"{API}{revision.pk}/sections/",
        {"key": "figlia", "heading": "Figlia", "parent_key": "sezione-1"},
        format="json",
    ).json()
    moved_up = editor.patch(
        f"{API}{revision.pk}/sections/figlia/", {"parent_key": ""}, format="json"
    ).json()
    assert (top["parent_key"], child["parent_key"], moved_up["parent_key"]) == (
        "",
        "sezione-1",
        "",
    )
    schemas = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    for component in ("CartaSection", "SectionWriteRequest", "PatchedSectionWriteRequest"):
        parent_key = schemas[component]["properties"]["parent_key"]
        for value in ("", "sezione-1"):
            jsonschema.validate(value, parent_key)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate("non è una chiave", parent_key)


def test_a_comment_detail_reports_outdated_and_the_diff_as_the_list_does(
    api_as, carta_editor, citizen, in_consultation
):
    comment = services.post_comment(
        actor=citizen, revision=in_consultation, section_key="sezione-2", body="Poco chiaro."
    )
    services.record_outcome(actor=carta_editor, comment=comment, outcome="accepted")
    services.adopt_revision(actor=carta_editor, revision=in_consultation)
    draft = services.create_draft(actor=carta_editor, title="Successiva")
    services.save_section(
        actor=carta_editor,
        revision=draft,
        key="sezione-2",
        heading="Sezione 2",
        body="Il Segretariato Sociale risponde entro 5 giorni.",
    )
    editor = api_as(carta_editor)
    for revision, outdated in ((draft, True), (in_consultation, False)):
        listed = editor.get(f"{API}{revision.pk}/comments/").json()["results"]
        (in_list,) = [c for c in listed if c["id"] == comment.pk]
        detail = editor.get(f"{API}{revision.pk}/comments/{comment.pk}/").json()
        assert in_list["is_outdated"] is outdated
        assert (detail["is_outdated"], detail["since"]) == (outdated, in_list["since"])
        assert any(op["op"] != "equal" for op in detail["since"]) is outdated
