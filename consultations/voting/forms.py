"""Forms of the voting pages: the ballot (built from the questions), the staff forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.charter.models import Revision
from consultations.voting import builder
from consultations.voting.builder import MAX_OPTIONS, MAX_QUESTIONS, search_proposals
from consultations.voting.models import (
    Consultation,
    Electorate,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
)
from consultations.voting.services import RULE_FIELDS

YES_NO_CHOICES = [("yes", _("Sì")), ("no", _("No")), ("abstain", _("Astensione"))]
SCALE_CHOICES = [(str(v), str(v)) for v in range(1, 6)]
CITIZEN = "citizen"


def _choice_label(option):
    """An option as the ballot shows it: its label, and its description below when it
    has one."""
    description = getattr(option, "description", "")
    if not description:
        return option.label
    return format_html(
        '{}<span class="d-block small carta-option-description">{}</span>',
        option.label,
        description,
    )


class BallotForm(forms.Form):
    """One field per question; a ranking question becomes one numbered select per option.

    ``answers()`` gives the dictionary ``cast_ballot`` expects; the service validates it.
    """

    def __init__(self, *args, questions, organizations=(), allow_citizen=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        choices = []
        if allow_citizen:
            choices.append((CITIZEN, _("A titolo personale")))
        choices += [(f"org:{o.pk}", _("Per %(name)s") % {"name": o}) for o in organizations]
        if len(choices) > 1:
            self.fields["voting_as"] = forms.ChoiceField(
                label=_("Voti come"), choices=choices, widget=forms.RadioSelect
            )
        self._voting_as_default = choices[0][0] if choices else CITIZEN
        for question in self.questions:
            name = f"q{question.pk}"
            options = [(str(o.pk), _choice_label(o)) for o in question.options.all()]
            help_text = question.help_text
            if question.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect)
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple
                )
                limit = question.max_choices or len(options)
                help_text = " ".join(
                    filter(
                        None,
                        [help_text, str(_("Puoi scegliere fino a %(n)d opzioni.") % {"n": limit})],
                    )
                )
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect)
            elif question.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(
                    choices=SCALE_CHOICES,
                    widget=forms.RadioSelect,
                )
                help_text = " ".join(
                    filter(
                        None,
                        [help_text, str(_("1 = per nulla d'accordo, 5 = del tutto d'accordo."))],
                    )
                )
            else:  # ranking: a numbered select per option
                positions = [("", "—")] + [(str(i), str(i)) for i in range(1, len(options) + 1)]
                for pk, label in [(str(o.pk), o.label) for o in question.options.all()]:
                    self.fields[f"{name}_r{pk}"] = forms.ChoiceField(
                        label=_("«%(question)s» — posizione di «%(option)s»")
                        % {"question": question.text, "option": label},
                        choices=positions,
                        help_text=_("1 è la preferenza più alta; ogni posizione una volta sola."),
                    )
                continue
            field.label = question.text
            field.help_text = help_text
            self.fields[name] = field

    @staticmethod
    def initial_from(questions, answers: dict) -> dict:
        """The fields' initial values for a stored ballot's ``answers`` (a public ballot's
        register row), so that a changeable ballot comes pre-filled."""
        initial: dict = {}
        for question in questions:
            name = f"q{question.pk}"
            value = (answers or {}).get(str(question.pk))
            if value is None:
                continue
            if question.kind == QuestionKind.RANKING:
                for position, pk in enumerate(value, start=1):
                    initial[f"{name}_r{pk}"] = str(position)
            elif question.kind == QuestionKind.MULTIPLE:
                initial[name] = [str(v) for v in value]
            else:
                initial[name] = str(value)
        return initial

    def voting_as(self) -> str:
        return self.cleaned_data.get("voting_as") or self._voting_as_default

    def organization_id(self) -> int | None:
        value = self.voting_as()
        return int(value.split(":", 1)[1]) if value.startswith("org:") else None

    def answers(self) -> dict:
        answers: dict = {}
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.RANKING:
                ranks = {
                    o.pk: self.cleaned_data.get(f"{name}_r{o.pk}") for o in question.options.all()
                }
                if all(ranks.values()) and len(set(ranks.values())) == len(ranks):
                    answers[str(question.pk)] = sorted(ranks, key=lambda pk: int(ranks[pk]))
                else:
                    answers[str(question.pk)] = list(ranks)[:-1] if ranks else []
            else:
                answers[str(question.pk)] = self.cleaned_data.get(name)
        return answers

    def add_answer_error(self, field: str | None, message: str) -> None:
        """Attach a service's refusal (``answers.<question id>``) to the question's field."""
        name = None
        if field and field.startswith("answers."):
            name = f"q{field.split('.', 1)[1]}"
            if name not in self.fields:
                name = next((f for f in self.fields if f.startswith(f"{name}_r")), None)
        self.add_error(name, message)


# --- The consultation builder -------------------------------------------------------------


class ConsultationForm(forms.ModelForm):
    """The consultation's rules; its questions are the builder's formsets."""

    class Meta:
        model = Consultation
        fields = list(RULE_FIELDS)
        help_texts = {
            "revision": _(
                "Se la consultazione è su una revisione della Carta, sceglila qui: le pagine "
                "della consultazione la indicano come oggetto, con il collegamento."
            ),
            "identity_required": _(
                "Vale per il voto dei cittadini. Con SPID o CIE ogni persona vota una volta "
                "sola, anche se ha più account, e si può caricare l'elenco degli aventi "
                "diritto; con l'email verificata si vota una volta per account."
            ),
        }
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secrecy"].choices = Secrecy.choices
        self.fields["results_visibility"].choices = ResultsVisibility.choices
        self.fields["revision"].queryset = Revision.objects.order_by("-number")
        self.fields["revision"].empty_label = _("Nessuna revisione")


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Testo della domanda"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Tipo di risposta"), choices=QuestionKind.choices, initial=QuestionKind.SINGLE
    )
    max_choices = forms.IntegerField(
        label=_("Quante opzioni si possono scegliere al massimo"),
        required=False,
        min_value=1,
        max_value=MAX_OPTIONS,
        help_text=_("Solo per la scelta multipla. Se lasci vuoto, si possono scegliere tutte."),
    )
    help_text = forms.CharField(
        label=_("Spiegazione per chi vota"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facoltativa: compare sotto la domanda, nella scheda."),
    )
    # Set by the vote on a revision: the section a yes/no question is about.
    section_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["data-builder-kind"] = ""
        self.fields["max_choices"].widget.attrs["data-builder-max"] = ""


class ProposalField(forms.CharField):
    """A published proposal, typed as its number or part of its title (the page suggests
    matches as one types); ``None`` when left empty."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        found = search_proposals(text)
        if len(found) > 1:
            # A title typed in full picks its proposal among those that contain it.
            exact = list(builder.linkable_proposals().filter(title__iexact=text.strip())[:2])
            found = exact if len(exact) == 1 else found
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                _(
                    "Nessuna proposta pubblicata corrisponde a «%(text)s»: scrivi il numero "
                    "della proposta o parte del titolo."
                )
                % {"text": text}
            )
        raise forms.ValidationError(
            _(
                "Più proposte corrispondono a «%(text)s»: scrivi il numero di quella che "
                "intendi, per esempio %(examples)s."
            )
            % {
                "text": text,
                "examples": ", ".join(f"{p.pk} per «{p.title}»" for p in found[:3]),
            }
        )


class OptionForm(forms.Form):
    label = forms.CharField(label=_("Testo dell'opzione"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Descrizione"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facoltativa: compare sotto l'opzione, nella scheda."),
    )
    proposal = ProposalField(
        label=_("Proposta collegata"),
        required=False,
        max_length=300,
        help_text=_(
            "Facoltativa: il numero o parte del titolo di una proposta pubblicata, se "
            "l'opzione è quella proposta."
        ),
    )

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["proposal"].widget.attrs
        attrs["autocomplete"] = "off"
        attrs["data-builder-proposal"] = search_url


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=0, max_num=MAX_QUESTIONS, absolute_max=MAX_QUESTIONS, validate_max=True
)
OptionFormSet = forms.formset_factory(
    OptionForm, extra=0, max_num=MAX_OPTIONS, absolute_max=MAX_OPTIONS, validate_max=True
)


class ConsultationBuilder:
    """The builder page: the rules (``rules``), the questions' formset (``questions``,
    prefix ``q``) and one options' formset per question (prefix ``q-<i>-o``).

    Submitted with one of its buttons' actions (``builder.is_action``), it re-renders the
    typed data changed by that action, unbound (no error shown yet); submitted to preview
    or to save, it is bound and validated: ``is_valid()``, then ``service_kwargs()`` for
    ``create_consultation`` / ``update_consultation`` and ``preview_form()`` for the
    ballot as voters will see it.
    """

    def __init__(self, data=None, *, instance=None, search_url: str = ""):
        self.instance = instance
        self.search_url = search_url
        self.action = (data or {}).get("azione", "")
        self.focus = ""
        self.errors_outside: list[str] = []
        self._checked = False
        if data is None:
            self.rules = ConsultationForm(instance=instance)
            state = builder.state_of(instance) if instance is not None else []
            self._unbound(state or [builder.new_question()])
        elif builder.is_action(self.action):
            outcome = builder.apply_action(builder.state_from_data(data), self.action)
            self.focus = outcome.focus
            self.rules_as_typed(data)
            self._unbound(outcome.questions)
        else:
            self.rules = ConsultationForm(data, instance=instance)
            # Every row counts, even one left as it was added (an extra form would
            # otherwise pass empty): an empty question or option is an error to show.
            self.questions = QuestionFormSet(
                data, prefix="q", form_kwargs={"empty_permitted": False}
            )
            typed = builder.state_from_data(data)
            self.options = []
            for i in range(len(self.questions.forms)):
                kwargs = {"prefix": f"q-{i}-o", "form_kwargs": {"search_url": search_url}}
                if data.get(f"q-{i}-kind") in builder.KINDS_WITH_OPTIONS:
                    kwargs["form_kwargs"]["empty_permitted"] = False
                    self.options.append(OptionFormSet(data, **kwargs))
                else:
                    # Options typed for a kind that has none: kept on the page, not read.
                    typed_options = typed[i]["options"] if i < len(typed) else []
                    self.options.append(OptionFormSet(initial=typed_options, **kwargs))
        self.bound = data is not None and not builder.is_action(self.action)

    def _unbound(self, state) -> None:
        self.questions = QuestionFormSet(
            prefix="q",
            initial=[{k: q.get(k, "") for k in builder.QUESTION_FIELDS} for q in state],
        )
        self.options = [
            OptionFormSet(
                prefix=f"q-{i}-o",
                initial=q.get("options", []),
                form_kwargs={"search_url": self.search_url},
            )
            for i, q in enumerate(state)
        ]

    @property
    def rows(self) -> list[tuple[int, QuestionForm, Any]]:
        return [(i, q, self.options[i]) for i, q in enumerate(self.questions.forms)]

    def _check_question(self, form: QuestionForm, options) -> None:
        kind = form.cleaned_data["kind"]
        if kind not in builder.KINDS_WITH_OPTIONS:
            return
        labels: dict[str, OptionForm] = {}
        proposals: set[int] = set()
        for option in options.forms:
            label = (option.cleaned_data.get("label") or "").strip()
            if "label" in option.errors:
                continue
            if not label:
                option.add_error("label", _("Scrivi il testo dell'opzione, o rimuovila."))
                continue
            key = " ".join(label.casefold().split())
            if key in labels:
                option.add_error(
                    "label", _("Questa opzione c'è già: ogni opzione deve essere diversa.")
                )
            labels.setdefault(key, option)
            proposal = option.cleaned_data.get("proposal")
            if proposal is not None:
                if proposal.pk in proposals:
                    option.add_error(
                        "proposal", _("Questa proposta è già collegata a un'altra opzione.")
                    )
                proposals.add(proposal.pk)
        count = len(options.forms)
        if count < 2:
            form.add_error(
                None,
                _("Servono almeno due opzioni: aggiungi un'opzione con il pulsante qui sotto."),
            )
        maximum = form.cleaned_data.get("max_choices")
        if kind == QuestionKind.MULTIPLE and maximum is not None and maximum > count:
            form.add_error(
                "max_choices",
                ngettext(
                    "Il massimo non può superare il numero delle opzioni: c'è %(n)d opzione.",
                    "Il massimo non può superare il numero delle opzioni: ce ne sono %(n)d.",
                    count,
                )
                % {"n": count},
            )

    def questions_valid(self) -> bool:
        """Whether the questions and their options are right (the rules aside): what the
        preview needs. Checked once; the errors stay on the forms."""
        if not self.bound:
            return False
        if not self._checked:
            self._checked = True
            self.questions.is_valid()
            for i, form in enumerate(self.questions.forms):
                options = self.options[i]
                # Checked even when an option has an error of its own (a proposal not
                # found): every fault of the question shows at once.
                if (
                    form.is_valid()
                    and form.cleaned_data["kind"] in builder.KINDS_WITH_OPTIONS
                    and options.is_bound
                    and (options.is_valid() or not options.non_form_errors())
                ):
                    self._check_question(form, options)
            if not self.questions.forms and not self.questions.non_form_errors():
                self.errors_outside.append(str(_("Aggiungi almeno una domanda.")))
        return not self._question_errors()

    def is_valid(self) -> bool:
        if not self.bound:
            return False
        rules_valid = self.rules.is_valid()
        return self.questions_valid() and rules_valid

    def rules_as_typed(self, data) -> None:
        """Show the rules as typed, without their errors (the preview checks only the
        questions)."""
        initial = {name: data.get(name) for name in RULE_FIELDS if name in data}
        initial["changeable"] = bool(data.get("changeable"))
        self.rules = ConsultationForm(initial=initial, instance=self.instance)

    def _question_errors(self) -> bool:
        return bool(
            self.errors_outside
            or self.questions.non_form_errors()
            or any(f.errors for f in self.questions.forms)
            or any(
                o.is_bound and (o.non_form_errors() or any(f.errors for f in o.forms))
                for o in self.options
            )
        )

    def has_errors(self) -> bool:
        return bool(self.rules.errors) or self._question_errors()

    def questions_data(self) -> list[dict[str, Any]]:
        """The cleaned questions, as ``services`` takes them (options as mappings)."""
        questions = []
        for i, form in enumerate(self.questions.forms):
            data = form.cleaned_data
            kind = data["kind"]
            options = []
            if kind in builder.KINDS_WITH_OPTIONS:
                options = [
                    {
                        "label": o.cleaned_data["label"].strip(),
                        "description": o.cleaned_data.get("description", "").strip(),
                        "proposal": o.cleaned_data.get("proposal"),
                    }
                    for o in self.options[i].forms
                ]
            questions.append(
                {
                    "kind": kind,
                    "text": data["text"].strip(),
                    "help_text": data.get("help_text", "").strip(),
                    "max_choices": data.get("max_choices")
                    if kind == QuestionKind.MULTIPLE
                    else None,
                    "section_key": data.get("section_key", ""),
                    "options": options,
                }
            )
        return questions

    def service_kwargs(self) -> dict:
        data = {name: self.rules.cleaned_data[name] for name in RULE_FIELDS}
        data["questions"] = self.questions_data()
        return data

    def preview_form(self) -> BallotForm:
        return BallotForm(
            questions=builder.preview_questions(self.questions_data()), prefix="anteprima"
        )

    def add_service_error(self, error) -> None:
        """A service's refusal next to what it names: a question (``questions.<i>``), a
        rule, or the page as a whole."""
        name = error.field or ""
        message = str(error.message)
        if name.startswith("questions."):
            try:
                self.questions.forms[int(name.split(".", 1)[1])].add_error(None, message)
                return
            except (ValueError, IndexError):
                pass
        if name in self.rules.fields:
            self.rules.add_error(name, message)
        else:
            self.errors_outside.append(message)

    def error_summary(self) -> list[dict[str, str]]:
        """Every error of the page, each with the id of the field to reach it."""
        items = [{"anchor": "", "label": "", "message": m} for m in self.errors_outside]
        items += [{"anchor": "", "label": "", "message": m} for m in self.rules.non_field_errors()]
        for bound in self.rules:
            items += [
                {"anchor": bound.id_for_label, "label": str(bound.label), "message": m}
                for m in bound.errors
            ]
        items += [
            {"anchor": "", "label": "", "message": m} for m in self.questions.non_form_errors()
        ]
        for i, form in self.rows_for_errors():
            question = str(_("Domanda %(n)d") % {"n": i + 1})
            items += [
                {"anchor": f"domanda-{i}", "label": question, "message": m}
                for m in form.non_field_errors()
            ]
            for bound in form:
                items += [
                    {
                        "anchor": bound.id_for_label,
                        "label": f"{question}, {bound.label}",
                        "message": m,
                    }
                    for m in bound.errors
                ]
            for j, option in enumerate(self.options[i].forms):
                label = str(_("Domanda %(n)d, opzione %(m)d") % {"n": i + 1, "m": j + 1})
                for bound in option:
                    items += [
                        {
                            "anchor": bound.id_for_label,
                            "label": f"{label}, {bound.label}",
                            "message": m,
                        }
                        for m in bound.errors
                    ]
            items += [
                {"anchor": f"domanda-{i}", "label": question, "message": m}
                for m in self.options[i].non_form_errors()
            ]
        return items

    def rows_for_errors(self):
        return list(enumerate(self.questions.forms))


class EligibilityForm(forms.Form):
    file = forms.FileField(
        label=_("File CSV degli aventi diritto"),
        help_text=_(
            "Un codice fiscale per riga, nella prima colonna; la prima riga può essere "
            "l'intestazione «codice_fiscale». Colonne separate da punto e virgola o da "
            "virgola; al massimo 200.000 righe e 5 MB. Il nuovo elenco sostituisce quello "
            "precedente."
        ),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo della chiusura anticipata"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Il motivo è pubblico e resta nel registro delle attività."),
    )


class ReceiptForm(forms.Form):
    token = forms.CharField(label=_("Codice della ricevuta"), max_length=100, strip=True)


class RevisionVoteForm(forms.Form):
    """Putting a revision of the Carta to a vote: the questions are prepared from it (the
    service checks the dates and the sections)."""

    opens_at = forms.DateTimeField(
        label=_("Apertura"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Se lasci vuoto, domani alle 0:00: fino ad allora puoi rivedere le domande."),
    )
    closes_at = forms.DateTimeField(
        label=_("Chiusura"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Se lasci vuoto, una settimana dopo l'apertura."),
    )
    electorate = forms.ChoiceField(
        label=_("Chi vota"), choices=Electorate.choices, initial=Electorate.BOTH
    )
    amendments = forms.BooleanField(
        label=_("Una domanda per ogni proposta di modifica ancora da decidere"), required=False
    )
    section_keys = forms.MultipleChoiceField(
        label=_("Una domanda per ciascuna di queste sezioni"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sections=(), open_amendments=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section_keys"].choices = [(s.key, s.heading) for s in sections]
        self.fields["amendments"].help_text = ngettext(
            "La revisione ha %(n)s proposta di modifica aperta.",
            "La revisione ha %(n)s proposte di modifica aperte.",
            open_amendments,
        ) % {"n": open_amendments}
