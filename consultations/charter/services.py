"""Writes of the Carta: revisions and their lifecycle, sections and services, comments with
outcomes, amendments and supports, the Markdown import.

Every function takes keyword arguments and an ``actor``, runs in one transaction, checks
who may act and in which state, writes the audit row, and notifies and broadcasts only
after the commit. Refusals are ``carta.errors`` (403 for the person, 409 for the state).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import Area
from carta.services import diff_fields, notify, record_audit
from consultations.charter import events, importer
from consultations.charter import permissions as perms
from consultations.charter.models import (
    KEY_MAX,
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    AmendmentSupport,
    Comment,
    Direction,
    Outcome,
    QualityCommitment,
    Revision,
    RevisionStatus,
    Section,
    Service,
)

User = get_user_model()

BODY_MAX = 20_000
COMMENT_MAX = 5_000


# --- Helpers --------------------------------------------------------------------------


def _require_editor(actor) -> None:
    if not perms.can_edit_carta(actor):
        raise NotAllowed(_("Solo la redazione della Carta può fare questa operazione."))


def _require_open(revision: Revision) -> None:
    if not revision.is_open:
        raise Conflict(
            _("La revisione %(number)s non è più una bozza: non può essere modificata.")
            % {"number": revision.number},
            code="revision_closed",
        )


def _locked(revision: Revision) -> Revision:
    return Revision.objects.select_for_update().get(pk=revision.pk)


def _text(value, *, field: str, required: bool = True, max_length: int = BODY_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("Questo campo è obbligatorio."), field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("Il testo non può superare i %(n)s caratteri.") % {"n": max_length}, field=field
        )
    return value


def _key(value: str, *, field: str = "key") -> str:
    key = slugify(value or "")[:KEY_MAX]
    if not key:
        raise InvalidInput(_("Indica una chiave (lettere, numeri e trattini)."), field=field)
    return key


def _editors():
    return User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions__codename="edit_carta"), is_active=True
    ).distinct()


def _organization_for(actor, organization):
    """The organization the actor speaks for, checked; None for one's own name."""
    if organization is None:
        return None
    if not perms.can_act_for(actor, organization):
        raise NotAllowed(
            _("Non puoi intervenire a nome di %(name)s.") % {"name": organization},
            code="not_organization_member",
        )
    return organization


def _require_participant(actor, revision: Revision) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Accedi per partecipare."))
    # The caller's copy may be stale: the state that decides is the stored one.
    revision.refresh_from_db(fields=["status", "shared_with_network_at"])
    if not revision.is_open:
        raise Conflict(
            _("La revisione %(number)s non è aperta ai contributi.") % {"number": revision.number},
            code="revision_closed",
        )
    if not perms.can_participate(actor, revision):
        raise NotAllowed(_("Questa bozza non è ancora aperta ai contributi."))


# --- Revisions ------------------------------------------------------------------------


def _next_number() -> int:
    return (Revision.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def _copy_content(source: Revision, target: Revision) -> None:
    """Copy sections, services, commitments and providers, keeping every key (five
    queries plus the bulk inserts)."""
    Section.objects.bulk_create(
        Section(
            revision=target,
            key=s.key,
            parent_key=s.parent_key,
            position=s.position,
            heading=s.heading,
            body=s.body,
        )
        for s in source.sections.all()
    )
    old_services = list(
        source.services.prefetch_related("commitments", "provider_organizations").order_by(
            "position", "id"
        )
    )
    new_services = Service.objects.bulk_create(
        Service(
            revision=target,
            key=s.key,
            position=s.position,
            title=s.title,
            area=s.area,
            purposes=s.purposes,
            specific_objectives=s.specific_objectives,
            main_functions=s.main_functions,
            delivery_modalities=s.delivery_modalities,
            access_requirements=s.access_requirements,
        )
        for s in old_services
    )
    commitments, providers = [], []
    Through = Service.provider_organizations.through
    for old, new in zip(old_services, new_services, strict=True):
        for c in old.commitments.all():
            commitments.append(
                QualityCommitment(
                    service=new,
                    key=c.key,
                    position=c.position,
                    indicator=c.indicator,
                    direction=c.direction,
                    target_value=c.target_value,
                    unit=c.unit,
                    how_measured=c.how_measured,
                )
            )
        for organization in old.provider_organizations.all():
            providers.append(Through(service_id=new.pk, organization_id=organization.pk))
    QualityCommitment.objects.bulk_create(commitments)
    Through.objects.bulk_create(providers)


@transaction.atomic
def create_draft(
    *,
    actor,
    title: str,
    summary_of_changes: str = "",
    source: Revision | None = None,
    empty: bool = False,
) -> Revision:
    """A new draft, copied from ``source`` (the revision in force by default) keeping the
    keys; ``empty=True`` starts from nothing (for a first Carta)."""
    _require_editor(actor)
    title = _text(title, field="title", max_length=200)
    if source is None and not empty:
        source = Revision.objects.filter(status=RevisionStatus.ADOPTED).first()
    revision = Revision.objects.create(
        number=_next_number(),
        title=title,
        summary_of_changes=_text(summary_of_changes, field="summary_of_changes", required=False),
        based_on=source,
        created_by=actor,
    )
    if source is not None:
        _copy_content(source, revision)
    record_audit(
        actor=actor,
        verb="carta.draft_created",
        target=revision,
        changes={"based_on": source.number if source else None},
    )
    return revision


@transaction.atomic
def update_revision(
    *, actor, revision: Revision, title: str | None = None, summary_of_changes: str | None = None
) -> Revision:
    _require_editor(actor)
    revision = _locked(revision)
    _require_open(revision)
    new = {}
    if title is not None:
        new["title"] = _text(title, field="title", max_length=200)
    if summary_of_changes is not None:
        new["summary_of_changes"] = _text(
            summary_of_changes, field="summary_of_changes", required=False
        )
    changes = diff_fields(revision, new)
    if changes:
        for name, value in new.items():
            setattr(revision, name, value)
        revision.save(update_fields=[*changes, "updated_at"])
        record_audit(actor=actor, verb="carta.revision_changed", target=revision, changes=changes)
    return revision


def _network_people():
    from stakeholders.models import Membership, OrganizationStatus

    return User.objects.filter(
        pk__in=Membership.objects.filter(organization__status=OrganizationStatus.VERIFIED).values(
            "user"
        )
    )


@transaction.atomic
def share_with_network(*, actor, revision: Revision) -> Revision:
    """Let the members of the network's verified organizations read and comment a draft
    before the public consultation; they are notified."""
    _require_editor(actor)
    revision = _locked(revision)
    if revision.status != RevisionStatus.DRAFT:
        raise Conflict(_("Solo una bozza può essere condivisa con la rete."))
    if revision.shared_with_network_at is not None:
        raise Conflict(_("La bozza è già condivisa con la rete."))
    revision.shared_with_network_at = timezone.now()
    revision.save(update_fields=["shared_with_network_at", "updated_at"])
    record_audit(actor=actor, verb="carta.draft_shared", target=revision)
    notify(
        recipients=_network_people(),
        kind="carta.draft_shared",
        title=gettext_lazy("Una bozza della Carta è aperta alla rete: %(title)s"),
        body=gettext_lazy(
            "La redazione chiede le osservazioni delle organizzazioni della rete prima "
            "della consultazione pubblica."
        ),
        params={"title": revision.title},
        url=revision.get_absolute_url(),
        exclude=actor,
    )
    return revision


@transaction.atomic
def open_consultation(*, actor, revision: Revision) -> Revision:
    _require_editor(actor)
    revision = _locked(revision)
    if revision.status != RevisionStatus.DRAFT:
        raise Conflict(_("Solo una bozza può essere messa in consultazione."))
    if not revision.sections.exists():
        raise Conflict(_("La bozza non ha sezioni: aggiungine almeno una."))
    revision.status = RevisionStatus.IN_CONSULTATION
    revision.consultation_opened_at = timezone.now()
    revision.save(update_fields=["status", "consultation_opened_at", "updated_at"])
    record_audit(actor=actor, verb="carta.consultation_opened", target=revision)
    notify(
        recipients=_network_people(),
        kind="carta.consultation_opened",
        title=gettext_lazy("È aperta la consultazione sulla Carta: %(title)s"),
        body=gettext_lazy("Puoi commentare le sezioni e proporre emendamenti."),
        params={"title": revision.title},
        url=revision.get_absolute_url(),
        exclude=actor,
    )
    return revision


@transaction.atomic
def adopt_revision(*, actor, revision: Revision) -> Revision:
    """Put ``revision`` in force and supersede the one in force, in one transaction.

    A draft copied from a revision may be adopted only while that revision is still in
    force: of two drafts adopted at the same time from the same text exactly one wins,
    and the other answers 409 instead of silently undoing the first. The partial unique
    constraint ``revision_one_in_force`` is the last word under any concurrency.
    """
    _require_editor(actor)
    revision = _locked(revision)
    if revision.status == RevisionStatus.ADOPTED:
        raise Conflict(_("Questa revisione è già in vigore."), code="already_adopted")
    if revision.status != RevisionStatus.IN_CONSULTATION:
        raise Conflict(_("Si può adottare solo una revisione che è stata in consultazione."))
    current = Revision.objects.select_for_update().filter(status=RevisionStatus.ADOPTED).first()
    if (
        revision.based_on_id is not None
        and current is not None
        and (current.pk != revision.based_on_id)
    ):
        raise Conflict(
            _(
                "Questa bozza è stata copiata dalla revisione %(base)s, ma ora è in vigore la "
                "revisione %(current)s: crea una nuova bozza a partire da quella in vigore."
            )
            % {"base": revision.based_on.number, "current": current.number},
            code="stale_draft",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            if current is not None:
                Revision.objects.filter(pk=current.pk).update(
                    status=RevisionStatus.SUPERSEDED, superseded_at=now, updated_at=now
                )
            revision.status = RevisionStatus.ADOPTED
            revision.adopted_at = now
            revision.save(update_fields=["status", "adopted_at", "updated_at"])
    except IntegrityError:
        raise Conflict(
            _("Un'altra revisione è stata adottata nello stesso momento."), code="stale_draft"
        ) from None
    record_audit(
        actor=actor,
        verb="carta.adopted",
        target=revision,
        changes={"superseded": current.number if current else None},
    )
    notify(
        recipients=_network_people(),
        kind="carta.adopted",
        title=gettext_lazy("È in vigore la nuova Carta: %(title)s"),
        params={"title": revision.title},
        url=revision.get_absolute_url(),
        exclude=actor,
    )
    return revision


# --- Sections and services ------------------------------------------------------------


@transaction.atomic
def save_section(
    *,
    actor,
    revision: Revision,
    key: str,
    heading: str,
    body: str = "",
    parent_key: str = "",
    position: int | None = None,
) -> Section:
    """Create or change the section ``key`` of a draft."""
    _require_editor(actor)
    revision = _locked(revision)
    _require_open(revision)
    key = _key(key)
    heading = _text(heading, field="heading", max_length=255)
    body = _text(body, field="body", required=False)
    parent_key = slugify(parent_key or "")
    existing = {s.key: s for s in revision.sections.all()}
    if parent_key:
        if parent_key not in existing or parent_key == key:
            raise InvalidInput(_("La sezione madre indicata non esiste."), field="parent_key")
        ancestor = existing.get(parent_key)
        while ancestor is not None:
            if ancestor.key == key:
                raise InvalidInput(
                    _("Una sezione non può stare dentro una sua sottosezione."), field="parent_key"
                )
            ancestor = existing.get(ancestor.parent_key)
    section = existing.get(key)
    if position is None:
        position = section.position if section else len(existing)
    new = {"heading": heading, "body": body, "parent_key": parent_key, "position": position}
    if section is None:
        section = Section.objects.create(revision=revision, key=key, **new)
        record_audit(actor=actor, verb="carta.section_added", target=revision, changes={"key": key})
        return section
    changes = diff_fields(section, new)
    if changes:
        for name, value in new.items():
            setattr(section, name, value)
        section.save(update_fields=list(changes))
        record_audit(
            actor=actor,
            verb="carta.section_changed",
            target=revision,
            changes={"key": key, **{k: v for k, v in changes.items() if k != "body"}},
        )
    return section


@transaction.atomic
def delete_section(*, actor, revision: Revision, key: str) -> None:
    _require_editor(actor)
    revision = _locked(revision)
    _require_open(revision)
    section = revision.sections.filter(key=key).first()
    if section is None:
        raise InvalidInput(_("La sezione indicata non esiste."), field="key")
    if revision.sections.filter(parent_key=key).exists():
        raise Conflict(_("La sezione ha delle sottosezioni: spostale o eliminale prima."))
    section.delete()
    record_audit(actor=actor, verb="carta.section_removed", target=revision, changes={"key": key})


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Indica un numero."), field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e8"):
        raise InvalidInput(_("Indica un numero."), field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def save_service(
    *,
    actor,
    revision: Revision,
    key: str,
    title: str,
    area: str,
    purposes: str = "",
    specific_objectives: str = "",
    main_functions: str = "",
    delivery_modalities: str = "",
    access_requirements: str = "",
    position: int | None = None,
    commitments: Iterable[Mapping] | None = None,
    providers: Iterable | None = None,
) -> Service:
    """Create or change the service ``key`` of a draft; ``commitments`` (dicts with key,
    indicator, direction, target_value, unit, how_measured) replace the existing ones."""
    _require_editor(actor)
    revision = _locked(revision)
    _require_open(revision)
    key = _key(key)
    if area not in Area.values:
        raise InvalidInput(_("Scegli un'area di intervento."), field="area")
    values = {
        "title": _text(title, field="title", max_length=200),
        "area": area,
        "purposes": _text(purposes, field="purposes", required=False),
        "specific_objectives": _text(
            specific_objectives, field="specific_objectives", required=False
        ),
        "main_functions": _text(main_functions, field="main_functions", required=False),
        "delivery_modalities": _text(
            delivery_modalities, field="delivery_modalities", required=False
        ),
        "access_requirements": _text(
            access_requirements, field="access_requirements", required=False
        ),
    }
    service = revision.services.filter(key=key).first()
    if service is None:
        service = Service.objects.create(
            revision=revision,
            key=key,
            position=position if position is not None else revision.services.count(),
            **values,
        )
        verb, changes = "carta.service_added", {"key": key}
    else:
        changes = diff_fields(service, values)
        for name, value in values.items():
            setattr(service, name, value)
        if position is not None:
            service.position = position
        service.save()
        verb = "carta.service_changed"
        changes = {"key": key, "fields": sorted(changes)}
    if commitments is not None:
        rows, seen = [], set()
        for index, item in enumerate(commitments):
            ckey = _key(item.get("key") or item.get("indicator", ""), field="commitments")
            if ckey in seen:
                raise InvalidInput(_("Due impegni hanno la stessa chiave."), field="commitments")
            seen.add(ckey)
            direction = item.get("direction") or Direction.AT_LEAST
            if direction not in Direction.values:
                raise InvalidInput(_("Verso dell'impegno non valido."), field="commitments")
            rows.append(
                QualityCommitment(
                    service=service,
                    key=ckey,
                    position=index,
                    indicator=_text(item.get("indicator"), field="commitments", max_length=255),
                    direction=direction,
                    target_value=_decimal(item.get("target_value"), "commitments"),
                    unit=_text(
                        item.get("unit"), field="commitments", required=False, max_length=40
                    ),
                    how_measured=_text(
                        item.get("how_measured"), field="commitments", required=False
                    ),
                )
            )
        service.commitments.all().delete()
        QualityCommitment.objects.bulk_create(rows)
    if providers is not None:
        service.provider_organizations.set(list(providers))
    record_audit(actor=actor, verb=verb, target=revision, changes=changes)
    return service


@transaction.atomic
def import_markdown(
    *, actor, data: bytes, filename: str = "", title: str = "", summary_of_changes: str = ""
) -> Revision:
    """A new draft from a Carta written in Markdown (headings as sections)."""
    _require_editor(actor)
    parsed = importer.parse(importer.decode(data, filename))
    title = (title or "").strip() or parsed.title or _("Carta importata")
    revision = Revision.objects.create(
        number=_next_number(),
        title=_text(title, field="title", max_length=200),
        summary_of_changes=summary_of_changes
        or _("Importata dal file %(name)s.") % {"name": filename or "Markdown"},
        created_by=actor,
    )
    Section.objects.bulk_create(
        Section(
            revision=revision,
            key=s.key,
            parent_key=s.parent_key,
            position=index,
            heading=s.heading,
            body=s.body,
        )
        for index, s in enumerate(parsed.sections)
    )
    record_audit(
        actor=actor,
        verb="carta.imported",
        target=revision,
        changes={"file": filename, "sections": len(parsed.sections)},
    )
    return revision


# --- Comments -------------------------------------------------------------------------


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
    index = body.find(quote)
    if index < 0:
        raise InvalidInput(
            _("Il passo citato non si trova nel testo della sezione."), field="quote"
        )
    return quote, index, index + len(quote)


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
    _require_participant(actor, revision)
    organization = _organization_for(actor, organization)
    body = _text(body, field="body", max_length=COMMENT_MAX)
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


# --- Amendments -----------------------------------------------------------------------


def _service_changes(service: Service, changes: Mapping) -> dict:
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidInput(_("Indica almeno un campo da modificare."), field="service_changes")
    clean = {}
    for name, value in changes.items():
        if name not in Service.TEXT_FIELDS:
            raise InvalidInput(
                _("Il campo «%(name)s» non può essere emendato.") % {"name": name},
                field="service_changes",
            )
        value = _text(value, field="service_changes", required=name == "title")
        if value != getattr(service, name):
            clean[name] = value
    if not clean:
        raise InvalidInput(
            _("I valori proposti sono uguali a quelli attuali."), field="service_changes"
        )
    return clean


@transaction.atomic
def propose_amendment(
    *,
    actor,
    revision: Revision,
    kind: str,
    target_key: str,
    new_text: str = "",
    service_changes: Mapping | None = None,
    rationale: str = "",
    organization=None,
) -> Amendment:
    """Propose replacement text for a section, or new values for a service's fields."""
    _require_participant(actor, revision)
    organization = _organization_for(actor, organization)
    rationale = _text(rationale, field="rationale", required=False, max_length=COMMENT_MAX)
    if kind == AmendmentKind.SECTION:
        section = revision.sections.filter(key=target_key).first()
        if section is None:
            raise InvalidInput(
                _("La sezione indicata non esiste in questa revisione."), field="target_key"
            )
        new_text = _text(new_text, field="new_text")
        if new_text == section.body:
            raise InvalidInput(_("Il testo proposto è uguale a quello attuale."), field="new_text")
        fields = {"new_text": new_text, "base_text": section.body, "service_changes": {}}
    elif kind == AmendmentKind.SERVICE:
        service = revision.services.filter(key=target_key).first()
        if service is None:
            raise InvalidInput(
                _("Il servizio indicato non esiste in questa revisione."), field="target_key"
            )
        clean = _service_changes(service, service_changes or {})
        fields = {"new_text": "", "base_text": "", "service_changes": clean}
    else:
        raise InvalidInput(_("Tipo di emendamento non valido."), field="kind")
    amendment = Amendment.objects.create(
        revision=revision,
        kind=kind,
        target_key=target_key,
        rationale=rationale,
        author=actor,
        organization=organization,
        **fields,
    )
    record_audit(actor=actor, verb="carta.amendment_proposed", target=amendment)
    notify(
        recipients=_editors(),
        kind="carta.amendment_proposed",
        title=gettext_lazy("Nuovo emendamento alla revisione %(number)s"),
        body=gettext_lazy("%(name)s propone una modifica a «%(key)s»."),
        params={"number": revision.number, "name": amendment.signed_as, "key": target_key},
        url=amendment.get_absolute_url(),
        exclude=actor,
    )
    return amendment


@transaction.atomic
def support_amendment(*, actor, amendment: Amendment, organization=None) -> AmendmentSupport:
    """One support per person, and one per organization (the database decides)."""
    amendment = Amendment.objects.select_related("revision").get(pk=amendment.pk)
    _require_participant(actor, amendment.revision)
    organization = _organization_for(actor, organization)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("L'emendamento è già stato deciso."))
    if amendment.is_hidden:
        raise Conflict(_("L'emendamento è stato nascosto dalla moderazione."))
    try:
        with transaction.atomic():
            support = AmendmentSupport.objects.create(
                amendment=amendment, user=actor, organization=organization
            )
    except IntegrityError:
        raise Conflict(
            _("%(name)s ha già sostenuto questo emendamento.") % {"name": organization}
            if organization
            else _("Hai già sostenuto questo emendamento."),
            code="already_supported",
        ) from None
    record_audit(
        actor=actor,
        verb="carta.amendment_supported",
        target=amendment,
        changes={"organization": organization.pk if organization else None},
    )
    return support


def _apply(amendment: Amendment, draft: Revision) -> dict:
    """Write the amendment into ``draft``; the changes made, for the audit row."""
    if amendment.kind == AmendmentKind.SECTION:
        section = draft.sections.filter(key=amendment.target_key).first()
        if section is None:
            raise Conflict(_("La sezione emendata non esiste più nella bozza scelta."))
        old = section.body
        section.body = amendment.new_text
        section.save(update_fields=["body"])
        return {"section": amendment.target_key, "body": [len(old), len(section.body)]}
    service = draft.services.filter(key=amendment.target_key).first()
    if service is None:
        raise Conflict(_("Il servizio emendato non esiste più nella bozza scelta."))
    changes = diff_fields(service, amendment.service_changes)
    for name, value in amendment.service_changes.items():
        setattr(service, name, value)
    service.save(update_fields=list(amendment.service_changes))
    return {"service": amendment.target_key, "fields": sorted(changes)}


@transaction.atomic
def accept_amendment(
    *, actor, amendment: Amendment, into: Revision | None = None, reason: str = ""
) -> Amendment:
    """Accept the amendment into a draft (its own revision while open, or ``into``),
    changing that draft's text."""
    if not perms.can_decide(actor):
        raise NotAllowed(_("Solo la redazione della Carta decide sugli emendamenti."))
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("L'emendamento è già stato deciso."))
    draft = _locked(into or amendment.revision)
    _require_open(draft)
    applied = _apply(amendment, draft)
    amendment.status = AmendmentStatus.ACCEPTED
    amendment.decision_reason = (reason or "").strip()
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.applied_to = draft
    amendment.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "applied_to"]
    )
    record_audit(
        actor=actor,
        verb="carta.amendment_accepted",
        target=amendment,
        reason=amendment.decision_reason,
        changes={"into": draft.number, **applied},
    )
    _tell_amendment(amendment, actor)
    return amendment


@transaction.atomic
def reject_amendment(*, actor, amendment: Amendment, reason: str) -> Amendment:
    if not perms.can_decide(actor):
        raise NotAllowed(_("Solo la redazione della Carta decide sugli emendamenti."))
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("L'emendamento è già stato deciso."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Spiega perché l'emendamento non è accolto."), field="reason")
    amendment.status = AmendmentStatus.REJECTED
    amendment.decision_reason = reason
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    record_audit(actor=actor, verb="carta.amendment_rejected", target=amendment, reason=reason)
    _tell_amendment(amendment, actor)
    return amendment


def _tell_amendment(amendment: Amendment, actor) -> None:
    notify(
        recipients=[amendment.author],
        kind="carta.amendment_decided",
        title=gettext_lazy("Il tuo emendamento è stato %(status)s"),
        body=gettext_lazy("%(reason)s"),
        params={
            "status": amendment.get_status_display().lower(),
            "reason": amendment.decision_reason,
        },
        url=amendment.get_absolute_url(),
        exclude=actor,
    )
