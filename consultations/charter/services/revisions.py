"""The life of a revision: a draft copied or imported, changed, shared with the network,
opened to consultation, adopted in place of the one in force."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta.errors import Conflict
from carta.services import diff_fields, notify, record_audit
from consultations.charter import importer, readiness
from consultations.charter.models import (
    QualityCommitment,
    Revision,
    RevisionStatus,
    Section,
    Service,
)
from consultations.charter.services.common import (
    clean_text,
    locked,
    require_editor,
    require_open,
)
from stakeholders.models import Membership, OrganizationStatus

User = get_user_model()


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
    require_editor(actor)
    title = clean_text(title, field="title", max_length=200)
    if source is None and not empty:
        source = Revision.objects.filter(status=RevisionStatus.ADOPTED).first()
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


@transaction.atomic
def open_consultation(*, actor, revision: Revision) -> Revision:
    require_editor(actor)
    revision = locked(revision)
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

    Every top-level comment needs its outcome, every amendment its decision, and no
    registered provider (a vote on the revision) may report an open item
    (``readiness.open_items``): otherwise 409 ``not_ready``, counting what is missing.

    A draft copied from a revision may be adopted only while that revision is still in
    force: of two drafts adopted at the same time from the same text exactly one wins,
    and the other answers 409 instead of silently undoing the first. The partial unique
    constraint ``revision_one_in_force`` is the last word under any concurrency.
    """
    require_editor(actor)
    revision = locked(revision)
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
    # Under the revision's lock: a comment or an amendment takes the same lock
    # (``require_participant``), so none can arrive between this check and the adoption.
    missing = readiness.open_items(revision)
    if missing:
        raise Conflict(readiness.summary(missing), code="not_ready")
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


@transaction.atomic
def import_markdown(
    *, actor, data: bytes, filename: str = "", title: str = "", summary_of_changes: str = ""
) -> Revision:
    """A new draft from a Carta written in Markdown (headings as sections)."""
    require_editor(actor)
    parsed = importer.parse(importer.decode(data, filename))
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
    record_audit(
        actor=actor,
        verb="carta.imported",
        target=revision,
        changes={"file": filename, "sections": len(parsed.sections)},
    )
    return revision
