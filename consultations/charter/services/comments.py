"""Comments on a revision's sections, their replies, and the editors' outcomes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.services import diff_fields, notify, record_audit
from consultations.charter import events, passages
from consultations.charter import permissions as perms
from consultations.charter.models import Comment, Outcome, Revision
from consultations.charter.services.common import (
    COMMENT_MAX,
    acting_for,
    clean_text,
    require_participant,
)


def _anchor(body: str, quote: str, start: int | None, end: int | None) -> tuple[str, int, int]:
    """Check a quoted passage against the section text; the offsets it occupies."""
    if start is not None or end is not None:
        if start is None or end is None or not 0 <= start < end <= len(body):
            raise InvalidInput(
                _("La posizione del passo citato non corrisponde al testo della sezione."),
                field="quote_start",
            )
        found = body[start:end]
        if quote and quote != found:
            raise InvalidInput(
                _("Il passo citato non corrisponde al testo della sezione in quella posizione."),
                field="quote",
            )
        return found, start, end
    # The words as the reader sees them: across white space and Markdown markup, and
    # stored with their white space collapsed as the page's script sends them.
    found = passages.locate(body, quote)
    if found is None:
        raise InvalidInput(
            _("Il passo citato non si trova nel testo della sezione."), field="quote"
        )
    if body[found[0] : found[1]] != quote:
        quote = passages.normalize_quote(quote)
    return quote, found[0], found[1]


@transaction.atomic
def post_comment(
    *,
    actor,
    revision: Revision,
    section_key: str,
    body: str,
    parent: Comment | None = None,
    organization=None,
    quote: str = "",
    quote_start: int | None = None,
    quote_end: int | None = None,
) -> Comment:
    """Comment on a section of an open revision, or reply to a comment in its thread."""
    require_participant(actor, revision, for_organization=organization is not None)
    organization = acting_for(actor, organization)
    body = clean_text(body, field="body", max_length=COMMENT_MAX)
    if parent is not None:
        if parent.revision_id != revision.pk:
            raise InvalidInput(
                _("Il commento a cui rispondi non è di questa revisione."), field="parent"
            )
        if parent.is_hidden:
            raise Conflict(_("Non è possibile rispondere a un commento nascosto."))
        section_key = parent.section_key
        root = parent.parent if parent.parent_id else parent
        parent = root
    section = revision.sections.filter(key=section_key).first()
    if section is None:
        raise InvalidInput(
            _("La sezione indicata non esiste in questa revisione."), field="section_key"
        )
    start = end = None
    quote = quote or ""
    if quote or quote_start is not None or quote_end is not None:
        quote, start, end = _anchor(section.body, quote, quote_start, quote_end)
    comment = Comment.objects.create(
        revision=revision,
        section_key=section.key,
        parent=parent,
        author=actor,
        organization=organization,
        body=body,
        quote=quote,
        quote_start=start,
        quote_end=end,
        anchored_text=section.body,
    )
    record_audit(actor=actor, verb="carta.commented", target=comment)
    if parent is not None:
        notify(
            recipients=[parent.author],
            kind="carta.reply",
            title=gettext_lazy("Nuova risposta al tuo commento sulla Carta"),
            body=gettext_lazy("%(name)s ha risposto nella sezione «%(section)s»."),
            params={"name": comment.signed_as, "section": section.heading},
            url=comment.get_absolute_url(),
            exclude=actor,
        )
    events.comment_posted(comment)
    return comment


@transaction.atomic
def record_outcome(*, actor, comment: Comment, outcome: str, reason: str = "") -> Comment:
    """The editors' answer to a top-level comment; a reason is required unless accepted."""
    if not perms.can_decide(actor):
        raise NotAllowed(_("Solo la redazione della Carta registra gli esiti."))
    comment = Comment.objects.select_for_update().select_related("revision").get(pk=comment.pk)
    if comment.parent_id is not None:
        raise Conflict(_("L'esito si registra sui commenti principali, non sulle risposte."))
    if outcome not in Outcome.values:
        raise InvalidInput(_("Scegli un esito."), field="outcome")
    reason = (reason or "").strip()
    if outcome != Outcome.ACCEPTED and not reason:
        raise InvalidInput(_("Spiega il motivo dell'esito."), field="reason")
    changes = diff_fields(comment, {"outcome": outcome, "outcome_reason": reason})
    comment.outcome = outcome
    comment.outcome_reason = reason
    comment.outcome_by = actor
    comment.outcome_at = timezone.now()
    comment.save(update_fields=["outcome", "outcome_reason", "outcome_by", "outcome_at"])
    record_audit(
        actor=actor, verb="carta.outcome_recorded", target=comment, reason=reason, changes=changes
    )
    notify(
        recipients=[comment.author],
        kind="carta.outcome",
        title=gettext_lazy("Esito del tuo commento sulla Carta: %(outcome)s"),
        body=gettext_lazy("%(reason)s"),
        params={"outcome": comment.get_outcome_display(), "reason": reason},
        url=comment.get_absolute_url(),
        exclude=actor,
    )
    return comment
