"""Forms of the Carta's pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from carta.models import Area
from consultations.charter.models import GovernedRule, Outcome, Service
from stakeholders.picker import OrganizationsField


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


class AdoptForm(forms.Form):
    """The act that adopts a revision (the service checks the dates)."""

    act_body = forms.CharField(
        label=_("Organo che ha deliberato"),
        max_length=200,
        help_text=_("Ad esempio: Assemblea dei Sindaci dell'Ambito."),
    )
    act_number = forms.CharField(label=_("Numero dell'atto"), max_length=50)
    act_date = forms.DateField(
        label=_("Data dell'atto"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_from = forms.DateField(
        label=_("In vigore dal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Oggi, se lasci vuoto; oppure un giorno successivo."),
    )
    pact_grace_days = forms.IntegerField(
        label=_("Giorni per rinnovare il patto"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_(
            "I giorni che l'atto dà alle organizzazioni della rete per rinnovare il patto "
            "dall'entrata in vigore. Se lasci vuoto: %(days)s."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pact_grace_days"]
        field.help_text = field.help_text % {"days": settings.CARTA_PACT_GRACE_DAYS}


class ConsultationPhaseForm(forms.Form):
    """The consultation phase's closing dates (the service checks them)."""

    closes_at = forms.DateField(
        label=_("Aperta a tutti fino al"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("La consultazione resta aperta fino alla fine di questo giorno."),
    )
    organizations_close_at = forms.DateField(
        label=_("Per le organizzazioni della rete fino al"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Facoltativo: un giorno successivo fino al quale le organizzazioni possono "
            "ancora contribuire a loro nome."
        ),
    )


class SectionForm(forms.Form):
    """A section of a draft. Where it goes is chosen among the other sections by their
    titles (``outline``: ``selectors.section_outline``), never by keys or numbers; the
    key of a new section is made from its title unless one is written."""

    heading = forms.CharField(label=_("Titolo della sezione"), max_length=255)
    body = forms.CharField(
        label=_("Testo (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "**grassetto**, *corsivo*, - elenchi puntati, [testo del collegamento](https://...). "
            "HTML e script non sono ammessi."
        ),
    )
    parent_key = forms.ChoiceField(label=_("Dentro la sezione"), required=False)
    after = forms.ChoiceField(label=_("Posizione nel documento"), required=False)
    key = forms.SlugField(
        label=_("Identificativo stabile (facoltativo)"),
        max_length=100,
        required=False,
        help_text=_(
            "Resta uguale tra le revisioni. Se lasci vuoto, si ricava dal titolo "
            "(lettere minuscole, numeri e trattini)."
        ),
    )

    KEEP = "__resta__"
    END = ""

    def __init__(self, *args, outline=(), section=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.nodes = [n for n in outline if section is None or n.section.key != section.key]
        titles = [(n.section.key, f"{n.number}. {n.section.heading}") for n in self.nodes]
        self.fields["parent_key"].choices = [("", _("Nessuna: è una sezione principale")), *titles]
        after = [(key, _("Dopo «%(title)s»") % {"title": title}) for key, title in titles]
        if section is not None:
            self.fields["after"].choices = [(self.KEEP, _("Dove si trova ora")), *after]
            self.fields["after"].initial = self.KEEP
            del self.fields["key"]
        else:
            self.fields["after"].choices = [(self.END, _("In fondo al documento")), *after]

    def clean(self):
        data = super().clean()
        if self.section is None and not data.get("key") and data.get("heading"):
            data["key"] = slugify(data["heading"])[:100].strip("-")
        return data

    def position(self) -> int | None:
        """The position that puts the section where ``after`` says (None: where it is, or
        at the end for a new one). Sections are ordered by position, then by creation: a
        section placed after another takes that one's position, and goes after it when
        it was created later, or one more otherwise."""
        choice = self.cleaned_data.get("after") or ""
        if choice in (self.KEEP, self.END):
            return None
        target = next((n.section for n in self.nodes if n.section.key == choice), None)
        if target is None:
            return None
        if self.section is None or self.section.pk > target.pk:
            return target.position
        return target.position + 1


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
    # The organization's id, read by ``stakeholders.selectors.organization_from_input``.
    organization = forms.CharField(required=False)


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
    # The organization's id, read by ``stakeholders.selectors.organization_from_input``.
    organization = forms.CharField(required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"), choices=[("accept", _("Accogli")), ("reject", _("Non accogliere"))]
    )
    reason = forms.CharField(
        label=_("Motivazione"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


COMMITMENT_HELP = _(
    "Un impegno per riga: chiave | indicatore | almeno oppure al massimo | valore | unità | "
    "come si misura | rimborso o indennizzo previsto | importo in euro (gli ultimi tre "
    "facoltativi). Esempio: primo-colloquio | Giorni per il primo colloquio | al massimo | "
    "15 | giorni | Registro delle domande | Rimborso del ticket | 25,00"
)
DIRECTION_WORDS = {
    "almeno": "at_least",
    "al massimo": "at_most",
    "at_least": "at_least",
    "at_most": "at_most",
}


class ServiceForm(forms.Form):
    key = forms.SlugField(
        label=_("Chiave"),
        max_length=100,
        help_text=_("Resta uguale tra le revisioni: lettere minuscole, numeri e trattini."),
    )
    title = forms.CharField(label=_("Denominazione"), max_length=200)
    area = forms.ChoiceField(label=_("Area di intervento"), choices=Area.choices)
    purposes = forms.CharField(
        label=_("Finalità"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    specific_objectives = forms.CharField(
        label=_("Obiettivi specifici"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    main_functions = forms.CharField(
        label=_("Funzioni prevalenti"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    delivery_modalities = forms.CharField(
        label=_("Modalità di erogazione"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    access_requirements = forms.CharField(
        label=_("Requisiti di accesso"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    how_to_apply = forms.CharField(
        label=_("Come fare domanda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    where_and_when = forms.CharField(
        label=_("Dove e quando (uffici, orari, contatti)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents_required = forms.CharField(
        label=_("Documenti da presentare"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    costs = forms.CharField(
        label=_("Costi e compartecipazione (soglie ISEE)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    position = forms.IntegerField(label=_("Posizione nel catalogo"), required=False, min_value=0)
    # A search field, not a list of every organization of the network (thousands).
    providers = OrganizationsField(
        label=_("Enti erogatori"),
        required=False,
        queryset=None,
        help_text=_(
            "Scrivi il nome, o una parte del nome, oppure il codice fiscale dell'ente e "
            "seleziona quelli trovati; togli il segno a un ente per levarlo dalla scheda."
        ),
    )
    commitments = forms.CharField(
        label=_("Impegni di qualità"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=COMMITMENT_HELP,
    )
    governs = forms.CharField(
        label=_("Impegno che fissa il termine di risposta ai reclami"),
        required=False,
        max_length=100,
        help_text=_(
            "Facoltativo: la chiave di uno degli impegni qui sopra, con verso «al massimo» e "
            "valore in giorni. Il suo valore diventa il termine entro cui si risponde ai "
            "reclami. Nella revisione un solo impegno può fissarlo."
        ),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from stakeholders.models import Organization, OrganizationStatus

        self.fields["providers"].queryset = organizations or Organization.objects.filter(
            status=OrganizationStatus.VERIFIED
        )

    def clean_commitments(self) -> list[dict]:
        rows = []
        for number, line in enumerate(self.cleaned_data["commitments"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")]
            if len(cells) < 4:
                raise forms.ValidationError(
                    _("Riga %(n)s: servono almeno chiave, indicatore, verso e valore.")
                    % {"n": number}
                )
            cells += [""] * (8 - len(cells))
            direction = DIRECTION_WORDS.get(cells[2].lower())
            if direction is None:
                raise forms.ValidationError(
                    _("Riga %(n)s: il verso è «almeno» oppure «al massimo».") % {"n": number}
                )
            rows.append(
                {
                    "key": cells[0],
                    "indicator": cells[1],
                    "direction": direction,
                    "target_value": cells[3],
                    "unit": cells[4],
                    "how_measured": cells[5],
                    "refund": cells[6],
                    "refund_amount": cells[7],
                }
            )
        return rows

    def clean(self):
        cleaned = super().clean()
        governs = (cleaned.get("governs") or "").strip()
        rows = cleaned.get("commitments")
        if rows is None:
            return cleaned
        keys = [slugify(row["key"] or row["indicator"]) for row in rows]
        if governs and slugify(governs) not in keys:
            self.add_error(
                "governs",
                _("Nessuno degli impegni qui sopra ha la chiave «%(key)s».") % {"key": governs},
            )
            return cleaned
        for key, row in zip(keys, rows, strict=True):
            row["governs"] = (
                GovernedRule.COMPLAINT_DEADLINE if governs and key == slugify(governs) else ""
            )
        return cleaned

    @staticmethod
    def commitments_text(service) -> str:
        words = {"at_least": "almeno", "at_most": "al massimo"}
        lines = []
        for c in service.commitments.all():
            cells = [
                c.key,
                c.indicator,
                words[c.direction],
                f"{c.target_value.normalize():f}",
                c.unit,
                c.how_measured,
            ]
            if c.refund or c.refund_amount is not None:
                amount = c.refund_amount
                cells += [c.refund, f"{amount:f}".replace(".", ",") if amount is not None else ""]
            lines.append(" | ".join(cells))
        return "\n".join(lines)

    @staticmethod
    def governs_key(service) -> str:
        return next(
            (
                c.key
                for c in service.commitments.all()
                if c.governs == GovernedRule.COMPLAINT_DEADLINE
            ),
            "",
        )
