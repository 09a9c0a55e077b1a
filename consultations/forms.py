"""Forms of the Carta's pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carta.models import Area
from consultations.models import Outcome, Service


class ServiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Area di intervento"),
        required=False,
        choices=[("", _("Tutte le aree")), *Area.choices],
    )


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    summary_of_changes = forms.CharField(
        label=_("Sintesi delle modifiche"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.TypedChoiceField(
        label=_("Parti dalla revisione"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Se non scegli, la bozza parte dalla Carta in vigore."),
    )

    def __init__(self, *args, revisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("La Carta in vigore"))] + [
            (r.pk, f"{r.number}. {r.title} ({r.get_status_display()})") for r in revisions
        ]


class RevisionForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    summary_of_changes = forms.CharField(
        label=_("Sintesi delle modifiche"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SectionForm(forms.Form):
    key = forms.SlugField(
        label=_("Chiave"),
        max_length=100,
        help_text=_("Resta uguale tra le revisioni: lettere minuscole, numeri e trattini."),
    )
    heading = forms.CharField(label=_("Titolo della sezione"), max_length=255)
    parent_key = forms.SlugField(label=_("Chiave della sezione madre"), required=False)
    position = forms.IntegerField(label=_("Posizione"), required=False, min_value=0)
    body = forms.CharField(
        label=_("Testo (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File Markdown"),
        help_text=_("Un file .md o .txt in UTF-8: ogni titolo (#, ##, ...) diventa una sezione."),
    )
    title = forms.CharField(
        label=_("Titolo della bozza"),
        required=False,
        max_length=200,
        help_text=_("Se lo lasci vuoto, si usa il titolo principale del file."),
    )


class CommentForm(forms.Form):
    section_key = forms.SlugField(widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Il tuo commento"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    quote = forms.CharField(
        label=_("Passo citato (facoltativo)"),
        required=False,
        max_length=2000,
        help_text=_("Copia qui le parole esatte della sezione a cui ti riferisci."),
    )
    organization = forms.TypedChoiceField(
        label=_("Scrivi a nome di"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Me stessa o me stesso"))] + [
            (o.pk, o.legal_name) for o in organizations
        ]
        if not organizations:
            self.fields["organization"].widget = forms.HiddenInput()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Esito"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=[("section", ""), ("service", "")])
    target_key = forms.SlugField(widget=forms.HiddenInput)
    new_text = forms.CharField(
        label=_("Testo proposto per la sezione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    field = forms.ChoiceField(
        label=_("Campo della scheda"),
        required=False,
        choices=[
            (name, Service._meta.get_field(name).verbose_name) for name in Service.TEXT_FIELDS
        ],
    )
    value = forms.CharField(
        label=_("Nuovo valore"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    rationale = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organization = forms.TypedChoiceField(
        label=_("Proponi a nome di"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Me stessa o me stesso"))] + [
            (o.pk, o.legal_name) for o in organizations
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"), choices=[("accept", _("Accogli")), ("reject", _("Non accogliere"))]
    )
    reason = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
