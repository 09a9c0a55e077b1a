"""Forms of the feedback pages. They parse and check shapes; the services decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from carta.attachment_forms import attachment_field
from feedback import services
from feedback.models import (
    STAFF_IMPROVEMENT_STATUSES,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintJudgement,
    ComplaintStatus,
    Direction,
    ImprovementStatus,
    RefundStatus,
)


def _privacy_label():
    return mark_safe(  # noqa: S308 - fixed text and a reversed URL, no user input
        str(_('Ho letto l\'<a href="%(url)s">informativa sul trattamento dei dati personali</a>'))
        % {"url": reverse_lazy("privacy")}
    )


def service_choices(catalogue, empty_label) -> list:
    return [("", empty_label)] + [(str(s.id), s.title) for s in catalogue]


def commitment_choices(catalogue, empty_label) -> list:
    return [("", empty_label)] + [
        (str(c.id), f"{s.title} — {c.indicator}") for s in catalogue for c in s.commitments.all()
    ]


def _percent_lazy(message, **params):
    """``message % params``, translated when rendered rather than at import."""
    return lazy(lambda: str(message) % params, str)()


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Tipo di segnalazione"), choices=ComplaintCategory.choices)
    service = forms.ChoiceField(label=_("Servizio interessato"), required=False)
    commitment = forms.ChoiceField(
        label=_("Impegno della Carta non rispettato"),
        required=False,
        help_text=_("Facoltativo: se lo conosce, indichi l'impegno che non è stato mantenuto."),
    )
    description = forms.CharField(
        label=_("Descrizione"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_percent_lazy(
            _(
                "Descrivi che cosa è accaduto, quando e dove. Non inserire dati sulla "
                "salute o altri dati personali non necessari. Massimo %(max)d "
                "caratteri."
            ),
            max=services.DESCRIPTION_MAX,
        ),
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
    # Seen by the complaint officers only (feedback/attachments.py).
    evidence = attachment_field(
        _("Documenti o fotografie"),
        multiple=True,
        max_files=5,
        help_text=_(
            "Facoltativo: fino a 5 file utili a capire che cosa è accaduto. Li vede solo "
            "l'ufficio che esamina le segnalazioni."
        ),
    )
    privacy_consent = forms.BooleanField(label=lazy(_privacy_label, str)(), required=True)

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not catalogue:
            del self.fields["service"]
            del self.fields["commitment"]
        else:
            self.fields["service"].choices = service_choices(
                catalogue, _("Nessun servizio in particolare")
            )
            self.fields["commitment"].choices = commitment_choices(
                catalogue, _("Nessun impegno in particolare")
            )
            if len(self.fields["commitment"].choices) == 1:
                del self.fields["commitment"]


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
    service = forms.ChoiceField(label=_("Servizio"), required=False)
    assignee = forms.ChoiceField(label=_("Assegnata a"), required=False)
    overdue = forms.BooleanField(label=_("Solo quelle oltre il termine"), required=False)
    mine = forms.BooleanField(label=_("Solo quelle assegnate a me"), required=False)

    def __init__(self, *args, services=(), officers=(), **kwargs):
        """``services``: (key, title) of the Carta in force; ``officers``: the people a
        complaint may be assigned to."""
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Tutti"))] + list(services)
        self.fields["assignee"].choices = [
            ("", _("Chiunque")),
            ("me", _("A me")),
            ("none", _("Nessuno")),
        ] + [(str(person.pk), person.display_name) for person in officers]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assegna a"), queryset=None)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers


class JudgementForm(forms.Form):
    """The officer's finding, optional; the service requires its reason."""

    judgement = forms.ChoiceField(
        label=_("Esito dell'istruttoria"),
        choices=[("", _("Non ancora indicato"))] + list(ComplaintJudgement.choices),
        required=False,
        help_text=_("Chi ha inviato la segnalazione vede l'esito insieme alla risposta."),
    )
    judgement_reason = forms.CharField(
        label=_("Motivazione dell'esito (obbligatoria se indichi l'esito)"),
        max_length=services.REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ad uso interno dell'ufficio: non è mostrata a chi ha inviato la segnalazione."
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Risposta a chi ha inviato la segnalazione"),
        max_length=services.ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    judgement = JudgementForm.base_fields["judgement"]
    judgement_reason = JudgementForm.base_fields["judgement_reason"]


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo (obbligatorio se si chiude senza risposta)"),
        max_length=services.REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    judgement = JudgementForm.base_fields["judgement"]
    judgement_reason = JudgementForm.base_fields["judgement_reason"]


class RecordForm(forms.Form):
    """What the office records about a complaint: channel, protocol number, commitment."""

    channel = forms.ChoiceField(label=_("Canale di ricezione"), choices=ComplaintChannel.choices)
    protocol_number = forms.CharField(
        label=_("Numero di protocollo"), max_length=services.PROTOCOL_MAX, required=False
    )
    commitment = forms.ChoiceField(label=_("Impegno della Carta interessato"), required=False)

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].choices = commitment_choices(catalogue, _("Nessuno"))


class RefundForm(forms.Form):
    """The refund owed on a founded complaint whose commitment promises one (the service
    checks the amount, the judgement and the day)."""

    refund_amount = forms.CharField(
        label=_("Rimborso dovuto (euro)"),
        max_length=20,
        help_text=_("Ad esempio 25,00: all'esito è proposto l'importo previsto dalla Carta."),
    )
    refund_status = forms.ChoiceField(label=_("Stato del rimborso"), choices=RefundStatus.choices)
    refund_paid_on = forms.DateField(
        label=_("Pagato il"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Obbligatorio quando il rimborso è pagato."),
    )


class StaffReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo della riapertura"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _rating_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "rating"}),
        help_text=_("1 = molto insoddisfatto, 5 = molto soddisfatto"),
    )


class EvaluationForm(forms.Form):
    service = forms.ChoiceField(label=_("Servizio che ha utilizzato"))
    access = _rating_field(_("Facilità di accesso al servizio"))
    timeliness = _rating_field(_("Tempestività"))
    courtesy = _rating_field(_("Cortesia e professionalità del personale"))
    clarity = _rating_field(_("Chiarezza delle informazioni ricevute"))
    overall = _rating_field(_("Giudizio complessivo"))
    comment = forms.CharField(
        label=_("Commento (facoltativo)"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_percent_lazy(
            _(
                "Massimo %(max)d caratteri. Non inserire dati personali: il commento è "
                "letto dal personale dell'Ambito."
            ),
            max=services.COMMENT_MAX,
        ),
    )

    code = forms.CharField(
        label=_("Codice di valutazione (facoltativo)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_(
            "Se il servizio ti ha dato un codice (per esempio VAL-K7MP-3QXT), scrivilo qui: "
            "vale una volta sola e la tua valutazione sarà contata tra quelle verificate."
        ),
    )

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = service_choices(catalogue, _("Scegli un servizio"))


class IssueCodesForm(forms.Form):
    """The service's office issues a batch of single-use evaluation codes."""

    service = forms.ChoiceField(label=_("Servizio"))
    count = forms.IntegerField(
        label=_("Quanti codici"), min_value=1, max_value=services.CODES_MAX, initial=20
    )
    valid_days = forms.IntegerField(
        label=_("Validi per (giorni)"),
        min_value=1,
        max_value=services.CODE_DAYS_MAX,
        initial=services.CODE_DAYS_DEFAULT,
    )
    email = forms.EmailField(
        label=_("Invia i codici anche a questo indirizzo email (facoltativo)"),
        required=False,
        help_text=_(
            "Per esempio quello dello sportello che li consegnerà. L'indirizzo non viene "
            "conservato."
        ),
    )

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = service_choices(catalogue, _("Scegli un servizio"))


class MeasurementForm(forms.Form):
    commitment = forms.ChoiceField(label=_("Impegno di qualità"))
    period = forms.CharField(
        label=_("Trimestre"), max_length=7, help_text=_("Per esempio 2026-Q1.")
    )
    value = forms.DecimalField(label=_("Valore misurato"), max_digits=12, decimal_places=2)
    direction = forms.ChoiceField(
        label=_("Il valore rispetta l'impegno se è"),
        choices=[("", _("come indicato nella Carta"))] + list(Direction.choices),
        required=False,
    )
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        max_length=services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Motivo della correzione"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Obbligatorio se il trimestre ha già un valore: la correzione diventa una nuova "
            "versione e la precedente resta nello storico."
        ),
    )

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].choices = [
            (str(c.id), f"{s.title} — {c.indicator}")
            for s in catalogue
            for c in s.commitments.all()
        ]


class ImprovementActionForm(forms.Form):
    description = forms.CharField(
        label=_("Che cosa si farà"),
        required=False,
        max_length=services.ACTION_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible = forms.CharField(
        label=_("Chi se ne occupa"),
        required=False,
        max_length=services.ACTION_RESPONSIBLE_MAX,
        help_text=_("L'ufficio o l'organizzazione responsabile."),
    )
    due_date = forms.DateField(
        label=_("Entro quando"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(
        label=_("Stato"),
        choices=[(value, ImprovementStatus(value).label) for value in STAFF_IMPROVEMENT_STATUSES],
    )
    outcome = forms.CharField(
        label=_("Esito"),
        required=False,
        max_length=services.ACTION_OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obbligatorio per completare o annullare l'azione."),
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if current == ImprovementStatus.NOT_NEEDED:
            # Set by a correction; staff may keep it or move the action on.
            self.fields["status"].choices = [
                *self.fields["status"].choices,
                (current, ImprovementStatus(current).label),
            ]
