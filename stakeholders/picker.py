"""The organization search field: what a form offers instead of a list of every
organization of the network (thousands of options).

The field is a search box named ``<field>_cerca`` (``search_name``); as one types, htmx
loads up to ten verified organizations under it as radio buttons (or check boxes) named
``<field>`` (``stakeholders.views.organization_choices``). A form sent with an id
chosen there names that organization; sent with only the text, the view resolves the text
(``resolve``): a codice fiscale, a whole name or a part of a name only one organization
has. When the text names none or several, the page comes back with the text kept and the
matches to choose from (``context``), so the field works without JavaScript too. The
template is ``stakeholders/includes/organization_picker.html``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from carta.errors import InvalidInput
from stakeholders import selectors
from stakeholders.models import Organization


def search_name(field: str) -> str:
    return f"{field}_cerca"


def context(typed: str, *, field: str, multiple: bool = False, exclude=(), error="") -> dict:
    """The suggestions ``typed`` finds, for the picker's template and the htmx fragment."""
    choices, more = selectors.organizations_to_choose(typed, exclude=exclude)
    return {
        "typed": " ".join((typed or "").split()),
        "choices": choices,
        "more": more,
        "field": field,
        "search_name": search_name(field),
        "multiple": multiple,
        "exclude": ",".join(str(pk) for pk in exclude if str(pk).isdigit()),
        "error": error,
    }


def resolve(data, field: str, *, exclude=()) -> Organization | None:
    """The organization a posted form names: the id chosen among the suggestions, else the
    one the typed text names; None when neither was sent. ``InvalidInput`` (naming
    ``field``) for an unknown id or a text that names none or several."""
    chosen = data.get(field)
    if chosen not in (None, ""):
        return selectors.organization_from_input(chosen, field=field)
    typed = data.get(search_name(field), "")
    if not typed.strip():
        return None
    return selectors.organization_named(typed, field=field, exclude=exclude)


class OrganizationsPicker(forms.Widget):
    """Several organizations chosen with the search field, for a form field
    (``OrganizationsField``): the chosen ones as ticked boxes (untick to remove), the
    search box, the matches as boxes to tick (``carta.js`` moves a ticked one among the
    chosen). It never lists the organizations it does not show."""

    template_name = "stakeholders/includes/organizations_picker_widget.html"
    typed = ""

    def value_from_datadict(self, data, files, name):
        self.typed = data.get(search_name(name), "")
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked is a choice too: none

    def format_value(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [str(getattr(v, "pk", v)) for v in values if str(getattr(v, "pk", v)).isdigit()]

    def get_context(self, name, value, attrs):
        context_ = super().get_context(name, value, attrs)
        ids = context_["widget"]["value"]
        chosen = (
            list(Organization.objects.filter(pk__in=ids).only("pk", "legal_name", "tax_code"))
            if ids
            else []
        )
        context_["widget"]["chosen"] = chosen
        context_["widget"]["picker"] = context(
            self.typed, field=name, multiple=True, exclude=[o.pk for o in chosen]
        )
        return context_


class OrganizationsField(forms.ModelMultipleChoiceField):
    """Verified organizations named by their ids (the boxes ticked) and, when sent with
    text in the search box, the one organization that text names (``resolve``): an error
    next to the field, the text and its matches kept, when it names none or several."""

    widget = OrganizationsPicker

    def clean(self, value):
        values = [v for v in (value or []) if v not in (None, "")]
        typed = getattr(self.widget, "typed", "")
        if typed.strip():
            try:
                named = selectors.organization_named(typed, exclude=values)
            except InvalidInput as failure:
                raise ValidationError(failure.message, code="organization_named") from None
            if str(named.pk) not in map(str, values):
                values.append(str(named.pk))
        return super().clean(values)
