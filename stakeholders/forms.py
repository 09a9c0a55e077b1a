"""Forms of the stakeholders pages; they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carta.attachment_forms import attachment_field
from carta.attachments import Purpose
from carta.models import Area, Municipality
from stakeholders.models import (
    OrganizationKind,
    OrganizationStatus,
    ResourceKind,
    Role,
    Visibility,
)


def _blank(choices):
    return [("", _("Tutte")), *choices]


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False)
    kind = forms.ChoiceField(
        label=_("Tipologia"), required=False, choices=_blank(OrganizationKind.choices)
    )
    area = forms.ChoiceField(
        label=_("Area di intervento"), required=False, choices=_blank(Area.choices)
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune"),
        required=False,
        queryset=Municipality.objects.all(),
        empty_label=_("Tutti"),
    )


class StaffOrganizationFilterForm(OrganizationFilterForm):
    status = forms.ChoiceField(
        label=_("Stato"), required=False, choices=_blank(OrganizationStatus.choices)
    )


class OrganizationForm(forms.Form):
    legal_name = forms.CharField(label=_("Denominazione"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipologia"), choices=OrganizationKind.choices)
    tax_code = forms.CharField(
        label=_("Codice fiscale o partita IVA"),
        max_length=20,
        help_text=_("11 cifre."),
    )
    runts_number = forms.CharField(
        label=_("Numero di iscrizione al RUNTS"),
        max_length=40,
        required=False,
        help_text=_("Da lasciare vuoto per enti pubblici e gruppi informali."),
    )
    address = forms.CharField(label=_("Indirizzo della sede"), max_length=255, required=False)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Comuni in cui opera"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.MultipleChoiceField(
        label=_("Aree di intervento"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(label=_("Email"), required=False)
    pec = forms.EmailField(label=_("PEC"), required=False)
    website = forms.URLField(label=_("Sito web"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


# The application's documents: the form's field and the attachment's purpose.
APPLICATION_DOCUMENTS = {
    "statute": Purpose.STATUTE,
    "runts_certificate": Purpose.RUNTS_CERTIFICATE,
}


class ApplyForm(OrganizationForm):
    # Seen by the Ufficio di Piano and the organization's representatives only.
    statute = attachment_field(
        _("Statuto o atto costitutivo"),
        help_text=_(
            "Facoltativo, ma utile all'Ufficio di Piano per la verifica. I documenti della "
            "domanda li vedono solo l'Ufficio di Piano e i rappresentanti dell'organizzazione."
        ),
    )
    runts_certificate = attachment_field(
        _("Certificato di iscrizione al RUNTS"),
        help_text=_("Per gli enti iscritti al Registro unico nazionale del Terzo settore."),
    )
    accept_pact = forms.BooleanField(
        label=_("Dichiaro di aver letto la Carta dei servizi in vigore e di aderire al patto"),
        required=True,
    )


class PactForm(forms.Form):
    """The representative accepts (or renews) the pact on the revision in force, the one
    shown on the page (``revision_number``, hidden)."""

    accept = forms.BooleanField(
        label=_(
            "Ho letto la Carta dei servizi in vigore e accetto il patto a nome dell'organizzazione"
        ),
        error_messages={
            "required": _("Per accettare il patto conferma di aver letto la Carta in vigore.")
        },
    )
    revision_number = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("Nome utente"), max_length=150)
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices, initial=Role.MEMBER)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Indirizzo email"))
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Ruolo"), choices=Role.choices)
    can_vote = forms.BooleanField(label=_("Può votare per l'organizzazione"), required=False)


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False)
    kind = forms.ChoiceField(
        label=_("Tipologia"), required=False, choices=_blank(ResourceKind.choices)
    )
    area = forms.ChoiceField(
        label=_("Area di intervento"), required=False, choices=_blank(Area.choices)
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune"),
        required=False,
        queryset=Municipality.objects.all(),
        empty_label=_("Tutti"),
    )


class ResourceForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organizzazione"), queryset=None)
    kind = forms.ChoiceField(label=_("Tipologia"), choices=ResourceKind.choices)
    title = forms.CharField(label=_("Titolo"), max_length=200)
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    areas = forms.MultipleChoiceField(
        label=_("Aree di intervento"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Comuni coperti"),
        queryset=Municipality.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.CharField(
        label=_("Capacità"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: 20 posti, 10 ore a settimana."),
    )
    available_from = forms.DateField(
        label=_("Disponibile dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    available_until = forms.DateField(
        label=_("Disponibile fino al"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact = forms.CharField(label=_("Contatto"), max_length=200, required=False)
    visibility = forms.ChoiceField(
        label=_("Visibilità"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error(
                "available_until",
                _("La data di fine disponibilità non può precedere quella di inizio."),
            )
        return data
