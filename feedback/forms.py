"""Forms of the feedback pages. They parse and check shapes; the services decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from feedback import services
from feedback.models import ComplaintCategory, ComplaintStatus

RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _privacy_label():
    return mark_safe(  # noqa: S308 - fixed text and a reversed URL, no user input
        str(_('Ho letto l\'<a href="%(url)s">informativa sul trattamento dei dati personali</a>'))
        % {"url": reverse_lazy("privacy")}
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Tipo di segnalazione"), choices=ComplaintCategory.choices)
    service = ServiceChoiceField(
        label=_("Servizio interessato"),
        queryset=None,
        required=False,
        empty_label=_("Nessun servizio in particolare"),
    )
    description = forms.CharField(
        label=_("Descrizione"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Descriva che cosa è accaduto, quando e dove. Non inserisca dati sulla salute o "
            "altri dati personali non necessari. Massimo %(max)d caratteri."
        )
        % {"max": services.DESCRIPTION_MAX},
    )
    contact_name = forms.CharField(
        label=_("Nome e cognome"), max_length=services.NAME_MAX, required=False
    )
    contact_email = forms.EmailField(
        label=_("Indirizzo email"),
        required=False,
        help_text=_(
            "Facoltativo, ma necessario per ricevere la risposta e per seguire la "
            "segnalazione con il codice."
        ),
    )
    privacy_consent = forms.BooleanField(label=lazy(_privacy_label, str)(), required=True)

    def __init__(self, *args, services_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services_queryset is None:
            del self.fields["service"]
        else:
            self.fields["service"].queryset = services_queryset


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Codice della segnalazione"),
        max_length=40,
        help_text=_("Nel formato RCL-XXXX-XXXX-XXXX, come indicato nella ricevuta."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(label=_("Indirizzo email indicato nella segnalazione"), max_length=254)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché chiede la riapertura"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Stato"),
        choices=[("", _("Tutti"))] + list(ComplaintStatus.choices),
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Tipo"),
        choices=[("", _("Tutti"))] + list(ComplaintCategory.choices),
        required=False,
    )
    mine = forms.BooleanField(label=_("Solo quelle assegnate a me"), required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assegna a"), queryset=None)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Risposta a chi ha inviato la segnalazione"),
        max_length=services.ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo (obbligatorio se si chiude senza risposta)"),
        max_length=services.REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StaffReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo della riapertura"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
