"""The hide/restore form of the pages (``templates/includes/moderation_toggle.html``), as
each page includes it: a resource's and an organization profile's page (stakeholders), the
Carta's comments and amendments (charter). The form is read from the rendered page and
sent back as a browser would, to hide and then restore the object."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from carta.models import ModerationEntry
from consultations.charter.models import Comment, RevisionStatus
from tests.factories import AmendmentFactory, OrganizationFactory, ResourceFactory, carta_revision

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """The moderation forms of a page: summary, action, fields, label and button."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._summary, self._in = [], None, "", ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "summary":
            self._in, self._summary = "summary", ""
        elif tag == "form" and "/moderazione/" in attrs.get("action", ""):
            self._form = {
                "summary": self._summary.strip(),
                "action": attrs["action"],
                "fields": {},
                "labels": [],
                "ids": [],
                "button": "",
                "button_class": "",
            }
        elif self._form is not None and tag == "input":
            if attrs.get("type") == "hidden":
                self._form["fields"][attrs["name"]] = attrs.get("value", "")
            elif attrs.get("name") == "reason":
                self._form["ids"].append(attrs["id"])
        elif self._form is not None and tag == "label":
            self._form["labels"].append(attrs["for"])
        elif self._form is not None and tag == "button":
            self._in, self._form["button_class"] = "button", attrs.get("class", "")

    def handle_endtag(self, tag):
        if tag in ("summary", "button"):
            self._in = ""
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data):
        if self._in == "summary":
            self._summary += data
        elif self._in == "button" and self._form is not None:
            self._form["button"] += data.strip()


def _moderation_form(client, url, target_type, target_id) -> dict:
    parser = _Forms()
    parser.feed(client.get(url).content.decode())
    found = [
        form
        for form in parser.forms
        if form["fields"].get("target_type") == target_type
        and form["fields"].get("target_id") == str(target_id)
        and ("/ripristina/" in form["action"] or "/nascondi/" in form["action"])
    ]
    assert len(found) == 1, found
    form = found[0]
    assert form["labels"] == form["ids"]  # the label names the reason's field
    return form


def _send(client, form, reason):
    response = client.post(form["action"], {**form["fields"], "reason": reason})
    assert response.status_code == 302
    assert response["Location"] == form["fields"]["next"]


def _hide_and_restore(client, url, target, target_type, expect):
    """Hide from the page, then restore from it; ``expect(hidden)`` is what the form of
    each state looks like: (reason field's id, next, button, button's style). ``url`` is
    the page that carries the form (for a Carta comment, the page asked for it: it comes
    on demand)."""
    for hidden, action, summary, reason in (
        (False, "nascondi", "Nascondi (moderazione)", "Dati personali di terzi"),
        (True, "ripristina", "Ripristina", "Dati tolti"),
    ):
        form = _moderation_form(client, url, target_type, target.pk)
        field_id, next_url, button, style = expect(hidden)
        assert form["action"] == reverse("moderation_action", args=[action])
        assert form["summary"] == summary
        assert form["ids"] == [field_id]
        assert form["fields"]["next"] == next_url
        assert (form["button"], style in form["button_class"]) == (button, True)
        _send(client, form, reason)
        target.refresh_from_db()
        assert target.is_hidden is not hidden
    entries = ModerationEntry.objects.order_by("pk")
    assert [(e.action, e.object_id, e.reason) for e in entries] == [
        ("hidden", target.pk, "Dati personali di terzi"),
        ("restored", target.pk, "Dati tolti"),
    ]


@pytest.mark.parametrize("kind", ["resource", "organization"])
def test_a_moderator_hides_and_restores_from_a_stakeholders_page(client_as, moderator, kind):
    if kind == "resource":
        target = ResourceFactory(title="Pulmino attrezzato")
    else:
        target = OrganizationFactory(description="Chiamate Mario al 333 0000000")
    url = target.get_absolute_url()

    def expect(hidden):
        if hidden:
            return f"ripristina-{target.pk}", url, "Ripristina", "btn-outline-primary"
        return f"nascondi-{target.pk}", url, "Nascondi", "btn-outline-danger"

    _hide_and_restore(client_as(moderator), url, target, f"stakeholders.{kind}", expect)


@pytest.mark.parametrize("kind", ["comment", "amendment"])
def test_a_moderator_hides_and_restores_from_the_cartas_draft(client_as, moderator, citizen, kind):
    carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    if kind == "comment":
        target = Comment.objects.create(
            revision=draft, section_key="sezione-1", author=citizen, body="Testo offensivo"
        )
        id_prefix, anchor = "modera-", "commento-"
    else:
        target = AmendmentFactory(revision=draft, target_key="sezione-1", author=citizen)
        id_prefix, anchor = "modera-em-", "emendamento-"
    url = reverse("carta_revision", args=[draft.pk])
    # A comment's form comes on demand (?modera=<id>: the page without JavaScript).
    page = f"{url}?modera={target.pk}" if kind == "comment" else url

    def expect(hidden):
        return (
            f"{id_prefix}{target.pk}",
            f"{url}#{anchor}{target.pk}",
            "Conferma",
            "btn-outline-danger",
        )

    _hide_and_restore(client_as(moderator), page, target, f"consultations.{kind}", expect)


def test_no_one_but_moderators_gets_the_form(client_as, citizen):
    resource = ResourceFactory()
    parser = _Forms()
    parser.feed(client_as(citizen).get(resource.get_absolute_url()).content.decode())
    assert [form["action"] for form in parser.forms] == [
        reverse("moderation_action", args=["segnala"])
    ]
