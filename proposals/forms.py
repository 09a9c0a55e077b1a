"""Forms of the proposals pages; they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carta.models import Area
from proposals.states import ProposalState
from stakeholders.models import Organization

ALL = _("Tutti")


def _blank(choices, label=ALL):
    return [("", label), *choices]


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False)
    state = forms.ChoiceField(
        label=_("Stato"), required=False, choices=_blank(ProposalState.choices)
    )
    area = forms.ChoiceField(
        label=_("Area di intervento"), required=False, choices=_blank(Area.choices, _("Tutte"))
    )
    # A search field, not a list of every organization of the network (thousands of
    # options): a part of the name, or an id when a link names one.
    organization = forms.CharField(
        label=_("Organizzazione"),
        required=False,
        max_length=200,
        help_text=_("Il nome, o una parte del nome, dell'organizzazione proponente o partner."),
    )


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    summary = forms.CharField(
        label=_("Sintesi"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Poche righe che spieghino l'idea a chi legge per la prima volta."),
    )
    body = forms.CharField(
        label=_("Descrizione del progetto"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Si può usare Markdown: titoli, elenchi, grassetto e collegamenti."),
    )
    area = forms.ChoiceField(label=_("Area di intervento"), choices=Area.choices)
    beneficiaries = forms.CharField(
        label=_("Destinatari"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_estimate = forms.DecimalField(
        label=_("Stima del costo (euro)"), min_value=0, max_digits=12, decimal_places=2
    )
    resources = forms.ModelMultipleChoiceField(
        label=_("Risorse impegnate"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Risorse dell'organizzazione proponente o dei partner che hanno aderito."),
    )

    def __init__(self, *args, resources=None, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from stakeholders.models import Resource

        self.fields["resources"].queryset = (
            resources if resources is not None else Resource.objects.none()
        )
        if organizations is not None:
            self.fields = {
                "organization": forms.ModelChoiceField(
                    label=_("A nome di"), queryset=organizations, empty_label=None
                ),
                **self.fields,
            }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if required:
            self.fields["reason"].help_text = _(
                "La motivazione è obbligatoria e sarà comunicata a chi ha scritto la proposta."
            )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Il tuo commento"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    organization = forms.ModelChoiceField(
        label=_("A nome di"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("A titolo personale"),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        else:
            del self.fields["organization"]


class PartnerRequestForm(forms.Form):
    """Which of one's own organizations asks to join a proposal as partner: only those the
    person writes for that are not already linked to it (a partner to invite is named
    with the organization search field instead, ``stakeholders.picker``)."""

    organization = forms.ModelChoiceField(
        label=_("A nome di"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, *args, organizations, **kwargs):
        kwargs.setdefault("auto_id", "richiesta-%s")
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
