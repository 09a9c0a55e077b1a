"""Forms of the voting pages: the ballot (built from the questions), the staff forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.voting.models import (
    Consultation,
    Electorate,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
)

YES_NO_CHOICES = [("yes", _("Sì")), ("no", _("No")), ("abstain", _("Astensione"))]
SCALE_CHOICES = [(str(v), str(v)) for v in range(1, 6)]
CITIZEN = "citizen"


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
            options = [(str(o.pk), o.label) for o in question.options.all()]
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
                for pk, label in options:
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


QUESTIONS_HELP = _(
    "Una domanda per blocco, blocchi separati da una riga vuota. Prima riga: tipo e testo, "
    "come «singola: Quale progetto preferisci?». Tipi: singola, multipla (con il massimo: "
    "«multipla 2: ...»), sino, ordinamento, scala. Righe seguenti, per singola, multipla e "
    "ordinamento: una opzione per riga, precedute da «- »."
)

KIND_WORDS = {
    "singola": QuestionKind.SINGLE,
    "multipla": QuestionKind.MULTIPLE,
    "sino": QuestionKind.YES_NO,
    "sìno": QuestionKind.YES_NO,
    "ordinamento": QuestionKind.RANKING,
    "scala": QuestionKind.SCALE,
}
WORDS_OF_KIND = {
    QuestionKind.SINGLE: "singola",
    QuestionKind.MULTIPLE: "multipla",
    QuestionKind.YES_NO: "sino",
    QuestionKind.RANKING: "ordinamento",
    QuestionKind.SCALE: "scala",
}


def parse_questions(text: str) -> list[dict]:
    questions = []
    for number, block in enumerate(b for b in text.replace("\r", "").split("\n\n") if b.strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        head, _sep, question_text = lines[0].partition(":")
        words = head.split()
        kind = KIND_WORDS.get(words[0].lower()) if words else None
        if kind is None or not question_text.strip():
            raise forms.ValidationError(
                _("Domanda %(n)d: indica il tipo e il testo, come «singola: testo».")
                % {"n": number + 1}
            )
        max_choices = None
        if kind == QuestionKind.MULTIPLE and len(words) > 1:
            try:
                max_choices = int(words[1])
            except ValueError:
                raise forms.ValidationError(
                    _("Domanda %(n)d: il massimo di scelte deve essere un numero.")
                    % {"n": number + 1}
                ) from None
        options = [line.lstrip("-").strip() for line in lines[1:] if line.startswith("-")]
        questions.append(
            {
                "kind": kind,
                "text": question_text.strip(),
                "options": options,
                "max_choices": max_choices,
            }
        )
    if not questions:
        raise forms.ValidationError(_("Aggiungi almeno una domanda."))
    return questions


def format_questions(consultation: Consultation) -> str:
    blocks = []
    for question in consultation.questions.all():
        head = WORDS_OF_KIND[question.kind]
        if question.kind == QuestionKind.MULTIPLE and question.max_choices:
            head += f" {question.max_choices}"
        lines = [f"{head}: {question.text}"] + [f"- {o.label}" for o in question.options.all()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class ConsultationForm(forms.ModelForm):
    questions_text = forms.CharField(
        label=_("Domande"), widget=forms.Textarea(attrs={"rows": 12}), help_text=QUESTIONS_HELP
    )

    class Meta:
        model = Consultation
        fields = [
            "title",
            "description",
            "revision",
            "opens_at",
            "closes_at",
            "electorate",
            "identity_required",
            "secrecy",
            "results_visibility",
            "quorum_percent",
            "threshold_percent",
            "changeable",
        ]
        help_texts = {
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
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["questions_text"].initial = format_questions(self.instance)
        self.fields["secrecy"].choices = Secrecy.choices
        self.fields["results_visibility"].choices = ResultsVisibility.choices

    def clean_questions_text(self):
        return parse_questions(self.cleaned_data["questions_text"])

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["questions"] = self.cleaned_data["questions_text"]
        return data


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
