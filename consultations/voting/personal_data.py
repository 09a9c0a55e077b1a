"""The votes' part of a person's data download (``carta.privacy``): the consultations in
which they voted, as the register records it (who voted, when, for which organization),
and the choices of their public (named) ballots. Of a secret consultation the download
says only that they voted: the secret ballot and its receipt are never linked to the
voter, so there is nothing to link, and nothing here tries (no ballot, no receipt, no
person key). Three queries. Registered from ``VotingConfig``.

Erasure keeps the register: it proves who took part and, through the person key, keeps
one person to one ballot; its rows point to the account shown as "utente cancellato".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carta import privacy
from consultations.voting.models import Electorate, QuestionKind, Secrecy, VoterRecord

_CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING}


def _choices(consultation, answers: dict) -> dict[str, object]:
    """A named ballot's answers with each question's text and each option's label."""
    readable: dict[str, object] = {}
    for question in consultation.questions.all():
        value = answers.get(str(question.pk), answers.get(question.pk))
        if value is None:
            continue
        if question.kind in _CHOICE_KINDS:
            labels = {str(option.pk): option.label for option in question.options.all()}
            if isinstance(value, list):
                value = [labels.get(str(item), item) for item in value]
            else:
                value = labels.get(str(value), value)
        readable[question.text] = value
    return readable


def votes(user) -> list[dict]:
    rows = []
    records = (
        VoterRecord.objects.filter(voter=user)
        .select_related("consultation", "organization")
        .prefetch_related("consultation__questions__options")
        .order_by("voted_at", "pk")
    )
    for record in records:
        consultation = record.consultation
        public = consultation.secrecy == Secrecy.PUBLIC
        rows.append(
            {
                "consultation": consultation.title,
                "secrecy": consultation.secrecy,
                "electorate": record.electorate,
                "organization": record.organization.legal_name if record.organization else "",
                "voted_at": record.voted_at,
                "changed_at": record.changed_at,
                # A secret ballot is not linked to its voter: only that they voted.
                "choices": _choices(consultation, record.answers or {}) if public else None,
            }
        )
    return rows


def register() -> None:
    privacy.register_section(
        "votes",
        title=_("Votazioni a cui hai partecipato"),
        description=_(
            "Per le votazioni a voto segreto risulta solo che hai votato: il voto non è "
            "collegato a te e non può esserlo."
        ),
        collect=votes,
        columns={
            "voted_at": _("Votato il"),
            "consultation": _("Consultazione"),
            "secrecy": _("Voto"),
            "electorate": _("Come"),
            "organization": _("Per l'organizzazione"),
            "choices": _("Le tue scelte (voto palese)"),
            "changed_at": _("Modificato il"),
        },
        fields={
            "voting.VoterRecord.voter": privacy.kept(
                "the register of who voted, and the named vote of a public ballot; shown as "
                "'utente cancellato'; its person key keeps one person to one ballot"
            ),
            "voting.Consultation.created_by": privacy.kept(
                "an act of the Carta's editors, exported as activity"
            ),
            "voting.Consultation.closed_early_by": privacy.kept(
                "an act of the Carta's editors, exported as activity"
            ),
        },
        choices={"secrecy": Secrecy, "electorate": Electorate},
    )
