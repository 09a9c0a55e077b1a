"""The life of a revision: a draft copied or imported, changed, shared with the network,
opened to consultation, adopted in place of the one in force."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta.dates import on_date_lazy
from carta.errors import Conflict, InvalidInput
from carta.services import diff_fields, notify, record_audit
from consultations.charter import importer, readiness
from consultations.charter import permissions as perms
from consultations.charter.models import (
    QualityCommitment,
    Revision,
    RevisionStatus,
    Section,
    Service,
)
from consultations.charter.services.common import (
    clean_text,
    day,
    locked,
    require_editor,
    require_open,
)
from consultations.charter.services.content import store_imported_services
from stakeholders.models import Membership, OrganizationStatus
from stakeholders.services import pact

User = get_user_model()


def _next_number() -> int:
    return (Revision.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def _copied_fields(row, *, parent: str) -> dict:
    """Every stored field of ``row`` but its id and its parent: a copy that cannot forget
    a field added later (the practical fields of a service, the rule a commitment sets,
    the refund it promises)."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key and field.name != parent
    }


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
        Service(revision=target, **_copied_fields(s, parent="revision")) for s in old_services
    )
    commitments, providers = [], []
    Through = Service.provider_organizations.through
    for old, new in zip(old_services, new_services, strict=True):
        for c in old.commitments.all():
            commitments.append(
                QualityCommitment(service=new, **_copied_fields(c, parent="service"))
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
    require_editor(actor)
    title = clean_text(title, field="title", max_length=200)
    if source is None and not empty:
        source = Revision.objects.in_force().first()
    revision = Revision.objects.create(
        number=_next_number(),
        title=title,
        summary_of_changes=clean_text(
            summary_of_changes, field="summary_of_changes", required=False
        ),
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
    require_editor(actor)
    revision = locked(revision)
    require_open(revision)
    new = {}
    if title is not None:
        new["title"] = clean_text(title, field="title", max_length=200)
    if summary_of_changes is not None:
        new["summary_of_changes"] = clean_text(
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
    return User.objects.filter(
        pk__in=Membership.objects.filter(organization__status=OrganizationStatus.VERIFIED).values(
            "user"
        )
    )


@transaction.atomic
def share_with_network(*, actor, revision: Revision) -> Revision:
    """Let the members of the network's verified organizations read and comment a draft
    before the public consultation; they are notified."""
    require_editor(actor)
    revision = locked(revision)
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


# The notice before the closing goes out this long before the general closing date.
CLOSING_NOTICE_BEFORE = timedelta(days=3)


def _clean_phase(
    *, closes_at: date | None, organizations_close_at: date | None, strict: bool
) -> tuple[datetime | None, datetime | None]:
    """The phase's dates, checked (``InvalidInput`` naming the field), as the last
    instant of each day. ``strict`` (the API and the page) requires the closing date."""
    if closes_at is None:
        if strict:
            raise InvalidInput(
                _("Indica fino a quando resta aperta la consultazione."), field="closes_at"
            )
        if organizations_close_at is not None:
            raise InvalidInput(_("Indica prima la data di chiusura per tutti."), field="closes_at")
        return None, None
    if closes_at < timezone.localdate():
        raise InvalidInput(
            _(
                "La data di chiusura non può essere nel passato: indica oggi o un giorno "
                "successivo."
            ),
            field="closes_at",
        )
    if organizations_close_at is not None and organizations_close_at < closes_at:
        raise InvalidInput(
            _(
                "La data per le organizzazioni non può precedere la chiusura per tutti "
                "(%(date)s): indica lo stesso giorno o uno successivo."
            )
            % {"date": date_format(closes_at, "j F Y")},
            field="organizations_close_at",
        )
    return perms.end_of_day(closes_at), (
        perms.end_of_day(organizations_close_at) if organizations_close_at else None
    )


def _phase_notice_text(revision: Revision) -> dict:
    """The dates for the notices' text, formatted in each recipient's language: ``date``
    and ``organizations`` after "fino" ("fino all'8 ottobre 2026"), ``day`` after "si
    chiude" ("si chiude l'8 ottobre 2026")."""
    organizations = perms.contributions_close_at(revision, organization=True)
    closes = revision.consultation_closes_at
    return {
        "title": revision.title,
        "date": on_date_lazy(timezone.localtime(closes), "al") if closes else "",
        "day": on_date_lazy(timezone.localtime(closes), "il") if closes else "",
        "organizations": (
            on_date_lazy(timezone.localtime(organizations), "al")
            if organizations and organizations != revision.consultation_closes_at
            else ""
        ),
    }


def _opened_body(revision: Revision):
    if revision.consultation_closes_at is None:
        return gettext_lazy("Puoi commentare le sezioni e proporre emendamenti.")
    if _phase_notice_text(revision)["organizations"]:
        return gettext_lazy(
            "Puoi commentare le sezioni e proporre emendamenti fino %(date)s; le "
            "organizzazioni della rete, a loro nome, fino %(organizations)s."
        )
    return gettext_lazy("Puoi commentare le sezioni e proporre emendamenti fino %(date)s.")


@transaction.atomic
def open_consultation(
    *,
    actor,
    revision: Revision,
    closes_at: date | None = None,
    organizations_close_at: date | None = None,
    strict: bool = False,
) -> Revision:
    """Open the public consultation on a draft, until the end of ``closes_at`` (local
    day) for everybody and, when given, until the end of the later
    ``organizations_close_at`` for contributions in an organization's name. The network
    is notified. Checks: who (403), the dates (400 naming the field: the closing date
    missing with ``strict``, in the past, the organizations' date before it), the state
    (409). Internal callers may leave the dates out: the consultation then stays open
    until the adoption."""
    require_editor(actor)
    closes, organizations = _clean_phase(
        closes_at=closes_at, organizations_close_at=organizations_close_at, strict=strict
    )
    revision = locked(revision)
    if revision.status != RevisionStatus.DRAFT:
        raise Conflict(_("Solo una bozza può essere messa in consultazione."))
    if not revision.sections.exists():
        raise Conflict(_("La bozza non ha sezioni: aggiungine almeno una."))
    revision.status = RevisionStatus.IN_CONSULTATION
    revision.consultation_opened_at = timezone.now()
    revision.consultation_closes_at = closes
    revision.organizations_close_at = organizations
    revision.closing_notice_sent_at = None
    revision.save(update_fields=[*PHASE_FIELDS, "status", "consultation_opened_at", "updated_at"])
    record_audit(
        actor=actor,
        verb="carta.consultation_opened",
        target=revision,
        changes={
            "closes_at": closes.isoformat() if closes else None,
            "organizations_close_at": organizations.isoformat() if organizations else None,
        },
    )
    notify(
        recipients=_network_people(),
        kind="carta.consultation_opened",
        title=gettext_lazy("È aperta la consultazione sulla Carta: %(title)s"),
        body=_opened_body(revision),
        params=_phase_notice_text(revision),
        url=revision.get_absolute_url(),
        exclude=actor,
    )
    return revision


PHASE_FIELDS = ("consultation_closes_at", "organizations_close_at", "closing_notice_sent_at")


@transaction.atomic
def extend_consultation(
    *,
    actor,
    revision: Revision,
    closes_at: date | None,
    organizations_close_at: date | None = None,
) -> Revision:
    """Move the closing date of an open consultation later (an extension, never
    earlier: people plan on the announced date). ``organizations_close_at`` left out
    keeps the organizations' date while it still follows the new general one, and drops
    it otherwise (the general date then covers it). A revision opened without a closing
    date gets its first one here. Checks: who (403), the dates (400 naming the field),
    the state (409: not in consultation, or already closed for everybody). A new notice
    before the closing is sent when the new date is more than three days away."""
    require_editor(actor)
    closes, organizations = _clean_phase(
        closes_at=closes_at, organizations_close_at=organizations_close_at, strict=True
    )
    revision = locked(revision)
    if revision.status != RevisionStatus.IN_CONSULTATION:
        raise Conflict(
            _("Si può prorogare solo la consultazione di una revisione in consultazione."),
            code="not_in_consultation",
        )
    now = timezone.now()
    current = revision.consultation_closes_at
    if current is not None and now > current:
        raise Conflict(
            _("La consultazione su questa revisione si è chiusa %(date)s: non si può riaprire.")
            % {"date": day(current, "il")},
            code="consultation_closed",
        )
    if current is not None and closes < current:
        raise InvalidInput(
            _(
                "La nuova data di chiusura non può precedere quella attuale (%(date)s): la "
                "consultazione si può prorogare, non accorciare."
            )
            % {"date": day(current)},
            field="closes_at",
        )
    previous_organizations = revision.organizations_close_at
    if organizations is None and previous_organizations and previous_organizations > closes:
        organizations = previous_organizations
    if (
        organizations_close_at is not None
        and previous_organizations is not None
        and organizations < previous_organizations
    ):
        raise InvalidInput(
            _("La nuova data per le organizzazioni non può precedere quella attuale (%(date)s).")
            % {"date": day(previous_organizations)},
            field="organizations_close_at",
        )
    changes = diff_fields(
        revision, {"consultation_closes_at": closes, "organizations_close_at": organizations}
    )
    if not changes:
        return revision
    revision.consultation_closes_at = closes
    revision.organizations_close_at = organizations
    if closes - CLOSING_NOTICE_BEFORE > now:
        # The notice already sent named the old date: one more goes out before the new one.
        revision.closing_notice_sent_at = None
    revision.save(update_fields=[*PHASE_FIELDS, "updated_at"])
    record_audit(
        actor=actor,
        verb="carta.consultation_extended",
        target=revision,
        changes={
            "closes_at": [current.isoformat() if current else None, closes.isoformat()],
            "organizations_close_at": [
                previous_organizations.isoformat() if previous_organizations else None,
                organizations.isoformat() if organizations else None,
            ],
        },
    )
    notify(
        recipients=_phase_people(revision),
        kind="carta.consultation_extended",
        title=gettext_lazy("La consultazione sulla Carta è prorogata: %(title)s"),
        body=_opened_body(revision),
        params=_phase_notice_text(revision),
        url=revision.get_absolute_url(),
        exclude=actor,
    )
    return revision


def _phase_people(revision: Revision):
    """Who hears about the phase's dates: the network and whoever contributed."""
    from consultations.charter.models import AmendmentSupport, Comment

    contributors = (
        Q(pk__in=Comment.objects.filter(revision=revision).values("author"))
        | Q(pk__in=revision.amendments.values("author"))
        | Q(pk__in=AmendmentSupport.objects.filter(amendment__revision=revision).values("user"))
    )
    return User.objects.filter(Q(pk__in=_network_people().values("pk")) | contributors)


def send_closing_notices(*, now: datetime | None = None) -> list[Revision]:
    """Tell the network and the contributors, once, that a consultation closes soon:
    every revision in consultation whose general closing date is less than three days
    away (``CLOSING_NOTICE_BEFORE``) and not yet past. Each notice is claimed by a
    conditional UPDATE of ``closing_notice_sent_at`` before it is written, in the same
    transaction, so two runs at once send it once. Returns the revisions notified."""
    now = now or timezone.now()
    due = Revision.objects.filter(
        status=RevisionStatus.IN_CONSULTATION,
        closing_notice_sent_at__isnull=True,
        consultation_closes_at__gt=now,
        consultation_closes_at__lte=now + CLOSING_NOTICE_BEFORE,
    ).order_by("pk")
    sent = []
    for revision in due:
        with transaction.atomic():
            claimed = Revision.objects.filter(
                pk=revision.pk,
                status=RevisionStatus.IN_CONSULTATION,
                closing_notice_sent_at__isnull=True,
            ).update(closing_notice_sent_at=now)
            if not claimed:
                continue
            revision.closing_notice_sent_at = now
            record_audit(
                actor=None,
                verb="carta.closing_notice_sent",
                target=revision,
                changes={"closes_at": revision.consultation_closes_at.isoformat()},
            )
            params = _phase_notice_text(revision)
            notify(
                recipients=_phase_people(revision),
                kind="carta.consultation_closing",
                title=gettext_lazy("La consultazione sulla Carta si chiude %(day)s: %(title)s"),
                body=(
                    gettext_lazy(
                        "Hai tempo fino %(date)s per commentare e proporre emendamenti; "
                        "le organizzazioni della rete, a loro nome, fino %(organizations)s."
                    )
                    if params["organizations"]
                    else gettext_lazy(
                        "Hai tempo fino %(date)s per commentare e proporre emendamenti."
                    )
                ),
                params=params,
                url=revision.get_absolute_url(),
            )
        sent.append(revision)
    return sent


def _clean_act(
    *, body: str, act_number: str, act_date, effective_from, current: Revision | None, strict: bool
):
    """The act's fields, checked: ``InvalidInput`` naming the field. ``strict`` (the API
    and the page) requires body, number and date; internal callers may leave them out."""
    today = timezone.localdate()
    body = (body or "").strip()
    act_number = (act_number or "").strip()
    if strict and not body:
        raise InvalidInput(_("Indica l'organo che ha adottato la revisione."), field="act_body")
    if strict and not act_number:
        raise InvalidInput(_("Indica il numero dell'atto di adozione."), field="act_number")
    if strict and act_date is None:
        raise InvalidInput(_("Indica la data dell'atto di adozione."), field="act_date")
    if len(body) > 200:
        raise InvalidInput(_("Al massimo 200 caratteri."), field="act_body")
    if len(act_number) > 50:
        raise InvalidInput(_("Al massimo 50 caratteri."), field="act_number")
    if act_date is not None and act_date > today:
        raise InvalidInput(_("La data dell'atto non può essere nel futuro."), field="act_date")
    effective_from = effective_from or today
    if effective_from < today:
        raise InvalidInput(
            _(
                "La data di entrata in vigore non può essere nel passato: indica oggi o un "
                "giorno successivo."
            ),
            field="effective_from",
        )
    if current is not None and current.in_force_from and effective_from < current.in_force_from:
        raise InvalidInput(
            _(
                "La data di entrata in vigore non può precedere quella della revisione in "
                "vigore (%(date)s)."
            )
            % {"date": date_format(current.in_force_from, "j F Y")},
            field="effective_from",
        )
    return body, act_number, act_date, effective_from


@transaction.atomic
def adopt_revision(
    *,
    actor,
    revision: Revision,
    body: str = "",
    act_number: str = "",
    act_date=None,
    effective_from=None,
    pact_grace_days: int | None = None,
    strict: bool = False,
) -> Revision:
    """Adopt ``revision`` by an act: the deciding ``body``, the act's number and date, the
    date it takes effect (``effective_from``, today by default) and the days it gives the
    network to renew its pact once it is in force (``pact_grace_days``, 1 to 365;
    ``CARTA_PACT_GRACE_DAYS`` when omitted).

    Effective today: the revision is put in force at once and the one in force is
    superseded, in one transaction. Effective later: the revision is ``SCHEDULED``
    ("adopted, in force from ...") and ``take_effect`` (the ``carta_take_effect``
    command) switches it on that date; until then the revision in force stays in force.
    Only one revision may wait to take effect.

    Every top-level comment needs its outcome, every amendment its decision, and no
    registered provider (a vote on the revision) may report an open item
    (``readiness.open_items``): otherwise 409 ``not_ready``, counting what is missing.

    A draft copied from a revision may be adopted only while that revision is still in
    force: of two drafts adopted at the same time from the same text exactly one wins,
    and the other answers 409 instead of silently undoing the first. The partial unique
    constraints ``revision_one_in_force`` and ``revision_one_scheduled`` are the last
    word under any concurrency.

    ``strict`` (the API and the page) requires body, number and date of the act;
    internal callers (the demo, tests) may leave them out.
    """
    require_editor(actor)
    revision = locked(revision)
    if revision.status == RevisionStatus.ADOPTED:
        raise Conflict(_("Questa revisione è già in vigore."), code="already_adopted")
    if revision.status == RevisionStatus.SCHEDULED:
        raise Conflict(
            _("Questa revisione è già adottata e attende di entrare in vigore."),
            code="already_adopted",
        )
    if revision.status != RevisionStatus.IN_CONSULTATION:
        raise Conflict(_("Si può adottare solo una revisione che è stata in consultazione."))
    current = Revision.objects.select_for_update().in_force().first()
    if Revision.objects.filter(status=RevisionStatus.SCHEDULED).exists():
        raise Conflict(
            _(
                "Un'altra revisione è già adottata e attende di entrare in vigore: "
                "si potrà adottarne una nuova dopo quella data."
            ),
            code="scheduled",
        )
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
    body, act_number, act_date, effective_from = _clean_act(
        body=body,
        act_number=act_number,
        act_date=act_date,
        effective_from=effective_from,
        current=current,
        strict=strict,
    )
    if pact_grace_days is not None and not (
        isinstance(pact_grace_days, int) and 1 <= pact_grace_days <= MAX_PACT_GRACE_DAYS
    ):
        raise InvalidInput(
            _("Indica un numero di giorni da 1 a %(max)s.") % {"max": MAX_PACT_GRACE_DAYS},
            field="pact_grace_days",
        )
    # Under the revision's lock: a comment or an amendment takes the same lock
    # (``require_participant``), so none can arrive between this check and the adoption.
    missing = readiness.open_items(revision)
    if missing:
        raise Conflict(readiness.summary(missing), code="not_ready")
    now = timezone.now()
    at_once = effective_from <= timezone.localdate()
    revision.act_body = body
    revision.act_number = act_number
    revision.act_date = act_date
    revision.effective_from = effective_from
    revision.pact_grace_days = pact_grace_days
    revision.adopted_at = now
    try:
        with transaction.atomic():
            if at_once and current is not None:
                Revision.objects.filter(pk=current.pk).update(
                    status=RevisionStatus.SUPERSEDED, superseded_at=now, updated_at=now
                )
            revision.status = RevisionStatus.ADOPTED if at_once else RevisionStatus.SCHEDULED
            revision.save(update_fields=[*ACT_FIELDS, "status", "adopted_at", "updated_at"])
    except IntegrityError:
        raise Conflict(
            _("Un'altra revisione è stata adottata nello stesso momento."), code="stale_draft"
        ) from None
    record_audit(
        actor=actor,
        verb="carta.adopted",
        target=revision,
        changes={
            "superseded": current.number if current and at_once else None,
            "act_body": body,
            "act_number": act_number,
            "act_date": act_date.isoformat() if act_date else None,
            "effective_from": effective_from.isoformat(),
            "in_force_at_once": at_once,
            "pact_grace_days": pact_grace_days,
        },
    )
    if at_once:
        _entered_into_force(revision, exclude=actor)
    else:
        notify(
            recipients=_network_people(),
            kind="carta.adopted",
            title=gettext_lazy("È stata adottata la nuova Carta: %(title)s, in vigore %(date)s"),
            params={"title": revision.title, "date": on_date_lazy(effective_from, "dal")},
            url=revision.get_absolute_url(),
            exclude=actor,
        )
    return revision


ACT_FIELDS = ("act_body", "act_number", "act_date", "effective_from", "pact_grace_days")
MAX_PACT_GRACE_DAYS = 365


def _entered_into_force(revision: Revision, *, exclude=None) -> None:
    """The one place where a revision entering into force has its consequences, in the
    transaction that puts it in force: every verified organization whose pact is on an
    older revision is asked to renew it (``stakeholders.services.request_pact_renewal``),
    and the network is told (on commit)."""
    pact.request_pact_renewal(revision_number=revision.number, grace_days=revision.pact_grace_days)
    notify(
        recipients=_network_people(),
        kind="carta.adopted",
        title=gettext_lazy("È in vigore la nuova Carta: %(title)s"),
        params={"title": revision.title},
        url=revision.get_absolute_url(),
        exclude=exclude,
    )


def take_effect(*, today=None) -> Revision | None:
    """Put in force the revision adopted with an effective date that has come (``today``
    by default), superseding the one in force; None when there is nothing to do.

    Idempotent and safe to run at any time, also twice at once: the scheduled row is
    locked (``select_for_update``) and read again under the lock, so the second run
    waits, then finds it already in force and does nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        revision = (
            Revision.objects.select_for_update()
            .filter(status=RevisionStatus.SCHEDULED, effective_from__lte=today)
            .first()
        )
        if revision is None:
            return None
        now = timezone.now()
        current = Revision.objects.select_for_update().in_force().first()
        if current is not None:
            Revision.objects.filter(pk=current.pk).update(
                status=RevisionStatus.SUPERSEDED, superseded_at=now, updated_at=now
            )
        revision.status = RevisionStatus.ADOPTED
        revision.save(update_fields=["status", "updated_at"])
        record_audit(
            actor=None,
            verb="carta.took_effect",
            target=revision,
            changes={
                "superseded": current.number if current else None,
                "effective_from": revision.effective_from.isoformat(),
            },
        )
        _entered_into_force(revision)
    return revision


@transaction.atomic
def import_markdown(
    *, actor, data: bytes, filename: str = "", title: str = "", summary_of_changes: str = ""
) -> Revision:
    """A new draft from a Carta written in Markdown: headings as sections, and ``Servizio:``
    headings as the service catalogue (``importer``'s docstring), each card stored through
    ``save_service`` with its checks; a refused card refuses the whole file."""
    require_editor(actor)
    parsed = importer.parse(importer.decode(data, filename), services=True)
    title = (title or "").strip() or parsed.title or _("Carta importata")
    revision = Revision.objects.create(
        number=_next_number(),
        title=clean_text(title, field="title", max_length=200),
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
    stored = store_imported_services(actor=actor, revision=revision, services=parsed.services)
    record_audit(
        actor=actor,
        verb="carta.imported",
        target=revision,
        changes={"file": filename, "sections": len(parsed.sections), "services": stored},
    )
    return revision
