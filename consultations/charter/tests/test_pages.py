"""The Carta's pages: content, forms that act through the services, exports, and a fixed
number of queries whatever the size of the Carta."""

import pytest

from consultations.charter import exports, services
from consultations.charter.models import Comment, RevisionStatus
from tests.factories import AmendmentFactory, CommentFactory, carta_revision


@pytest.fixture
def history(db):
    """Build revisions 1 (superseded), 2 (in force) and 3 (in consultation) of ``size``."""

    def make(size):
        old = carta_revision(1, RevisionStatus.SUPERSEDED, sections=size, services=size)
        in_force = carta_revision(
            2, RevisionStatus.ADOPTED, sections=size, services=size, based_on=old
        )
        draft = carta_revision(
            3, RevisionStatus.IN_CONSULTATION, sections=size, services=size, based_on=in_force
        )
        for _ in range(size):
            CommentFactory(revision=draft, section_key="sezione-1")
            AmendmentFactory(revision=draft, target_key="sezione-1")
        return old, in_force, draft

    return make


# Queries of an anonymous visitor, per page (after a first request warms the caches):
#   in force: revision in force; revision in consultation; sections; services,
#             commitments, providers
#   services: revision in force; COUNT; services, commitments, providers
#   revisions: COUNT; the page of revisions with based_on
#   detail: revision; lineage; section texts; comments; amendments; sections; services,
#           commitments, providers; the other revisions; the revision's history; the
#           votes on the revision (the voting app's provider)
#   diff: revision; the other revisions; the compared revision; 2 x (sections, services,
#         commitments, providers)
#   report: revision; sections; service titles; comments with reply counts; amendments
#           with supports; the votes on the revision
#   print: revision in force; sections; services, commitments, providers
#   service: service with revision, commitments, providers; what feedback adds (latest
#            measurements, pending improvement actions: service_extras)
ANONYMOUS = {
    "/carta/": 7,
    "/carta/servizi/": 5,
    "/carta/revisioni/": 2,
    "/carta/revisioni/{draft}/": 13,
    "/carta/revisioni/{draft}/confronto/?con={in_force}": 11,
    "/carta/revisioni/{draft}/resoconto/": 6,
    "/carta/stampa/": 5,
    "/carta/servizi/servizio-1/": 5,
}


@pytest.mark.parametrize("size", [2, 10])
@pytest.mark.parametrize(("url", "queries"), list(ANONYMOUS.items()))
def test_pages_cost_a_fixed_number_of_queries(
    client, history, django_assert_num_queries, size, url, queries
):
    _old, in_force, draft = history(size)
    url = url.format(draft=draft.pk, in_force=in_force.pk)
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 10])
def test_revision_page_for_a_participant_costs_a_fixed_number_of_queries(
    client_as, citizen, history, django_assert_num_queries, size
):
    _old, _in_force, draft = history(size)
    client = client_as(citizen)
    client.get(draft.get_absolute_url())
    # session; user; revision; lineage; every comment (light); section texts; the shown
    # comments; amendments; permissions (2); network membership; organizations one may
    # speak for; sections; services, commitments, providers; other revisions; history;
    # supports given; staff groups; unread count; votes on the revision
    with django_assert_num_queries(22):
        response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Commenta questa sezione" in response.content.decode()


def test_the_carta_in_force_shows_contents_and_catalogue(client, history):
    _old, in_force, _draft = history(3)
    page = client.get("/carta/").content.decode()
    assert in_force.title in page
    assert 'href="#sezione-sezione-2"' in page
    assert "Catalogo dei servizi" in page


def test_the_catalogue_filters_by_area(client, history):
    _old, in_force, _draft = history(3)
    in_force.services.filter(key="servizio-3").update(area="poverty", title="Pasti caldi")
    page = client.get("/carta/servizi/?area=poverty").content.decode()
    assert "Pasti caldi" in page and "Servizio" not in page.split("Pasti caldi")[0][-200:]
    assert "1 servizio trovato" in page


def test_hidden_drafts_are_404_for_visitors(client, carta_editor, history):
    history(1)
    draft = carta_revision(9, RevisionStatus.DRAFT, sections=1, services=0)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/carta/revisioni/{draft.pk}/resoconto.csv").status_code == 404


def test_commenting_from_the_page(client_as, citizen, history):
    _old, _in_force, draft = history(1)
    response = client_as(citizen).post(
        f"/carta/revisioni/{draft.pk}/commenti/",
        {"section_key": "sezione-1", "body": "Dal sito.", "quote": "Segretariato Sociale"},
    )
    comment = Comment.objects.get(body="Dal sito.")
    assert response.status_code == 302 and response["Location"].endswith(f"#commento-{comment.pk}")
    assert comment.quote == "Segretariato Sociale"


def test_commenting_from_the_page_in_an_organizations_name(client_as, member_a, org_a, history):
    _old, _in_force, draft = history(1)
    client_as(member_a).post(
        f"/carta/revisioni/{draft.pk}/commenti/",
        {"section_key": "sezione-1", "body": "A nome dell'ente.", "organization": str(org_a.pk)},
    )
    assert Comment.objects.get(body="A nome dell'ente.").organization == org_a


def test_a_page_comment_for_someone_elses_organization_is_refused(
    client_as, member_b, org_a, history
):
    _old, _in_force, draft = history(1)
    response = client_as(member_b).post(
        f"/carta/revisioni/{draft.pk}/commenti/",
        {"section_key": "sezione-1", "body": "Non mio.", "organization": str(org_a.pk)},
    )
    assert response.status_code == 403
    assert not Comment.objects.filter(body="Non mio.").exists()


def test_a_page_comment_for_an_unknown_organization_says_so(client_as, citizen, history):
    _old, _in_force, draft = history(1)
    client = client_as(citizen)
    response = client.post(
        f"/carta/revisioni/{draft.pk}/commenti/",
        {"section_key": "sezione-1", "body": "Chi?", "organization": "999999"},
        follow=True,
    )
    assert not Comment.objects.filter(body="Chi?").exists()
    assert "Organizzazione sconosciuta." in [str(m) for m in response.context["messages"]]


def test_supporting_from_the_page_in_an_organizations_name(client_as, rep_a, org_a, history):
    _old, _in_force, draft = history(1)
    amendment = draft.amendments.first()
    client_as(rep_a).post(
        f"/carta/revisioni/{draft.pk}/emendamenti/{amendment.pk}/sostegno/",
        {"organization": str(org_a.pk)},
    )
    assert list(amendment.supports.values_list("user", "organization")) == [(rep_a.pk, org_a.pk)]


def test_the_catalogue_search_reads_names_and_descriptions(client, history):
    _old, in_force, _draft = history(2)
    in_force.services.filter(key="servizio-2").update(
        title="Trasporto sociale", purposes="Pasti caldi per chi vive solo."
    )
    by_title = client.get("/carta/servizi/", {"q": "trasporto"}).context["page_obj"]
    by_purpose = client.get("/carta/servizi/", {"q": "pasti"}).context["page_obj"]
    nothing = client.get("/carta/servizi/", {"q": "biblioteca"}).context["page_obj"]
    assert [s.key for s in by_title] == [s.key for s in by_purpose] == ["servizio-2"]
    assert list(nothing) == []


def test_the_revision_lifecycle_from_the_pages(client_as, carta_editor, citizen, history):
    _old, in_force, _draft = history(1)
    editor = client_as(carta_editor)
    editor.post("/carta/revisioni/nuova/", {"title": "Bozza dal sito", "source": ""})
    draft = in_force.__class__.objects.get(title="Bozza dal sito")
    assert draft.based_on == in_force
    response = editor.post(
        f"/carta/revisioni/{draft.pk}/sezioni/sezione-1/modifica/",
        {"heading": "Accesso", "body": "Nuovo", "parent_key": "", "position": 1},
    )
    assert response.status_code == 302
    assert draft.sections.get(key="sezione-1").heading == "Accesso"
    assert client_as(citizen).post(f"/carta/revisioni/{draft.pk}/consultazione/").status_code == 404
    editor.post(f"/carta/revisioni/{draft.pk}/consultazione/", {"closes_at": "2099-10-08"})
    draft.refresh_from_db()
    assert draft.status == "in_consultation"


def test_citizens_cannot_open_the_drafting_pages(client_as, citizen, client, history):
    history(1)
    assert client_as(citizen).get("/carta/revisioni/nuova/").status_code == 403
    assert client.get("/carta/revisioni/importa/").status_code == 302


def test_importing_a_markdown_file_from_the_page(client_as, carta_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    editor = client_as(carta_editor)
    bad = editor.post("/carta/revisioni/importa/", {"file": SimpleUploadedFile("c.md", b"")})
    assert "vuoto" in bad.content.decode()
    good = editor.post(
        "/carta/revisioni/importa/",
        {"file": SimpleUploadedFile("c.md", b"# Carta\n\n## Accesso\n\nSportello.")},
    )
    assert good.status_code == 302


def test_report_page_and_csv_list_outcomes_and_counts(client, carta_editor, history):
    _old, _in_force, draft = history(2)
    comment = Comment.objects.filter(revision=draft).first()
    services.record_outcome(
        actor=carta_editor, comment=comment, outcome="not_accepted", reason="Già previsto."
    )
    page = client.get(f"/carta/revisioni/{draft.pk}/resoconto/").content.decode()
    assert "Già previsto." in page and "Non accolto" in page
    csv = client.get(f"/carta/revisioni/{draft.pk}/resoconto.csv").content.decode()
    lines = csv.strip().splitlines()
    assert lines[0].startswith("tipo,id,sezione_o_servizio")
    assert len(lines) == 1 + 2 + 2
    assert "Già previsto." in csv


def test_report_csv_neutralises_cells_a_spreadsheet_would_run(client, carta_editor, db):
    import csv
    import io

    revision = carta_revision(1, RevisionStatus.IN_CONSULTATION, sections=1, services=0)
    comment = CommentFactory(
        revision=revision, section_key="sezione-1", body='=HYPERLINK("http://x.test","ok")'
    )
    services.record_outcome(
        actor=carta_editor, comment=comment, outcome="accepted", reason="+39 3331234567"
    )
    AmendmentFactory(revision=revision, target_key="sezione-1", new_text="@SUM(A1:A9)")
    response = client.get(f"/carta/revisioni/{revision.pk}/resoconto.csv")
    rows = {row["tipo"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["commento"]["testo"] == '\'=HYPERLINK("http://x.test","ok")'
    assert rows["commento"]["motivazione"] == "'+39 3331234567"
    assert rows["emendamento"]["testo"] == "'@SUM(A1:A9)"
    assert rows["emendamento"]["sostegni"] == "0"


def test_open_data_download(client, history):
    _old, in_force, _draft = history(2)
    data = client.get("/carta/dati-aperti.json").json()
    assert data["revision"]["number"] == in_force.number
    assert [s["number"] for s in data["sections"]] == ["1", "2"]


@pytest.mark.skipif(not exports.pdf_available(), reason="WeasyPrint or Pango not installed")
def test_pdf_of_the_carta_and_of_the_report(client, history):
    _old, _in_force, draft = history(2)
    carta = client.get("/carta/carta.pdf")
    assert carta.status_code == 200 and carta.content.startswith(b"%PDF")
    report = client.get(f"/carta/revisioni/{draft.pk}/resoconto.pdf")
    assert report["Content-Type"] == "application/pdf" and report.content.startswith(b"%PDF")


def test_without_pdf_libraries_the_page_says_so_and_print_still_works(client, history, monkeypatch):
    _old, _in_force, _draft = history(1)
    monkeypatch.setattr(exports, "pdf_available", lambda: False)
    response = client.get("/carta/carta.pdf")
    assert response.status_code == 503
    assert "versione stampabile" in response.content.decode()
    assert "PDF non disponibile" in client.get("/carta/").content.decode()
    assert client.get("/carta/stampa/").status_code == 200


def test_editors_edit_a_service_and_its_commitments_from_the_page(
    client_as, carta_editor, history, org_a
):
    _old, _in_force, draft = history(1)
    editor = client_as(carta_editor)
    form = editor.get(f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/")
    assert "impegno-1 | Giorni tra la domanda e la prima visita | al massimo | 15" in (
        form.content.decode()
    )
    response = editor.post(
        f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/",
        {
            "title": "Assistenza domiciliare",
            "area": "elderly",
            "providers": [org_a.pk],
            "commitments": "attesa | Giorni di attesa | al massimo | 10 | giorni | Registro\n"
            "gradimento | Persone soddisfatte | almeno | 85,5 | % |",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    service = draft.services.get(key="servizio-1")
    assert service.title == "Assistenza domiciliare"
    assert list(service.provider_organizations.all()) == [org_a]
    assert [(c.key, c.direction, str(c.target_value)) for c in service.commitments.all()] == [
        ("attesa", "at_most", "10.00"),
        ("gradimento", "at_least", "85.50"),
    ]
    bad = editor.post(
        f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/",
        {"title": "X", "area": "elderly", "commitments": "solo | due"},
    )
    assert "Riga 1" in bad.content.decode()


def test_drafting_pages_hide_unreadable_drafts_and_refuse_readers(
    client, client_as, citizen, history
):
    _old, in_force, _draft = history(1)
    private = carta_revision(9, RevisionStatus.DRAFT, sections=1, services=0)
    url = f"/carta/revisioni/{private.pk}/sezioni/sezione-1/modifica/"
    assert client.get(url).status_code == 302
    assert client_as(citizen).get(url).status_code == 404
    readable = f"/carta/revisioni/{in_force.pk}/sezioni/nuova/"
    assert client_as(citizen).get(readable).status_code == 403


def test_a_revision_is_found_by_its_public_number(client, history):
    _old, in_force, _draft = history(1)
    response = client.get(f"/carta/revisioni/numero/{in_force.number}/")
    assert response.status_code == 302 and response["Location"] == in_force.get_absolute_url()
    hidden = carta_revision(9, RevisionStatus.DRAFT, sections=0, services=0)
    assert client.get(f"/carta/revisioni/numero/{hidden.number}/").status_code == 404


def test_a_services_providers_are_chosen_with_a_search_field_not_a_list(
    client_as, carta_editor, history, org_a, org_b
):
    from tests.factories import OrganizationFactory

    OrganizationFactory.create_batch(20)
    _old, _in_force, draft = history(1)
    editor = client_as(carta_editor)
    url = f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/"
    data = {"title": "Assistenza domiciliare", "area": "elderly", "providers": [org_a.pk]}
    editor.post(url, data)
    page = editor.get(url).content.decode()
    # The chosen provider ticked, a search box, and no other organization listed.
    assert "<option" not in page.split('name="providers_cerca"')[0].split("Enti erogatori")[-1]
    assert f'name="providers" value="{org_a.pk}"' in page and 'name="providers_cerca"' in page
    assert org_b.legal_name not in page
    # The name typed and sent adds the one organization it names.
    editor.post(url, data | {"providers_cerca": "amici di valtirino"})
    service = draft.services.get(key="servizio-1")
    assert set(service.provider_organizations.all()) == {org_a, org_b}
    # A text several organizations match: an error next to the field, the text and the
    # matches kept, nothing saved.
    OrganizationFactory(legal_name="Cooperativa Il Melograno Due")
    bad = editor.post(url, data | {"providers": [], "providers_cerca": "melograno"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Più organizzazioni corrispondono a «melograno»: scegli quella giusta." in text
    assert 'value="melograno"' in text and 'type="checkbox" name="providers"' in text
    assert set(service.provider_organizations.all()) == {org_a, org_b}
    # Unticking every box leaves the service with no provider.
    editor.post(url, {"title": "Assistenza domiciliare", "area": "elderly"})
    assert not service.provider_organizations.exists()


def test_a_providers_field_sent_with_a_malformed_id_says_so(
    client_as, carta_editor, history, org_a
):
    _old, _in_force, draft = history(1)
    url = f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/"
    data = {"title": "Assistenza", "area": "elderly", "providers": ["abc"]}
    response = client_as(carta_editor).post(url, data | {"providers_cerca": "melograno"})
    assert response.status_code == 200  # the form again, not a server error
    assert "non è un valore valido." in response.content.decode()  # next to the field
    assert draft.services.get(key="servizio-1").title != "Assistenza"
