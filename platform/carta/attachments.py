"""Attachments: files on an organization's application, a proposal, a complaint.

One generic model (``Attachment``, on any object through its content type, as flags are)
and a registry, since the core cannot import the apps: an app makes a model accept files
by calling ``register`` in its ``AppConfig.ready()``, saying which purposes it takes, who
may see the files (``can_view(user, obj)``, derived from the app's own permissions), who
may add and remove them, and how many. A file is served only by ``attachment_views``,
after the same check: 404 for a person who may not see the object.

Files go through Django's storage API, the storage named ``attachments`` in ``STORAGES``
(a folder of the data directory by default, an S3-compatible bucket with
``CARTA_ATTACHMENTS_STORAGE=s3``), under a random name: the sanitized original name is
kept in the row, for the download. What a file is comes from its first bytes (and, for
the OpenDocument and Office formats, from the zip container's own declaration), never
from what the browser says, and must agree with the name's extension.

This module is imported by ``CartaConfig.ready()`` (which so registers the model), and
``autodiscover`` then calls each app's ``<app>/attachments.py``: ``register_models()``.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from carta import ratelimit
from carta.errors import InvalidInput, NotAllowed, NotFound, RateLimited
from carta.permissions import is_signed_in
from carta.services import record_audit
from carta.signals import account_erasing

STORAGE = "attachments"
NAME_MAX = 100


class Purpose(models.TextChoices):
    STATUTE = "statute", _("Statuto")
    RUNTS_CERTIFICATE = "runts_certificate", _("Certificato di iscrizione al RUNTS")
    BUDGET = "budget", _("Piano economico")
    LETTER_OF_SUPPORT = "letter_of_support", _("Lettera di sostegno")
    EVIDENCE = "evidence", _("Documentazione")
    OTHER = "other", _("Altro documento")


class Attachment(models.Model):
    """A file on an object of a registered model. Removal is soft (``removed_at``): the
    row and the audit trail stay, the file is no longer listed nor served."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    purpose = models.CharField(_("tipo di documento"), max_length=30, choices=Purpose.choices)
    stored_name = models.CharField(_("file archiviato"), max_length=255, unique=True)
    original_name = models.CharField(_("nome del file"), max_length=150)
    mime_type = models.CharField(_("formato"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione in byte"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    created_at = models.DateTimeField(_("caricato il"), auto_now_add=True)
    removed_at = models.DateTimeField(_("rimosso il"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("rimosso da"),
    )

    class Meta:
        app_label = "carta"
        ordering = ["created_at", "id"]
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("attachment_download", args=[self.pk])

    @property
    def format_label(self) -> str:
        return FORMATS.get(self.mime_type, Format("", "")).label


# --- Types, names, limits -------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    label: str
    extensions: tuple[str, ...]


PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS: dict[str, Format] = {
    PDF: Format("PDF", ("pdf",)),
    PNG: Format("PNG", ("png",)),
    JPEG: Format("JPEG", ("jpg", "jpeg")),
    ODT: Format("ODT", ("odt",)),
    ODS: Format("ODS", ("ods",)),
    DOCX: Format("DOCX", ("docx",)),
    XLSX: Format("XLSX", ("xlsx",)),
}
_OOXML_MAIN_PART = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
_OOXML_MAIN_TYPE = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CONTENT_TYPES_MAX = 64 * 1024


def allowed_formats_label() -> str:
    return ", ".join(f.label for f in FORMATS.values())


def max_bytes() -> int:
    return int(settings.CARTA_ATTACHMENT_MAX_BYTES)


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.1f}".replace(".", ",")


def sanitize_name(name: str, mime_type: str | None = None) -> str:
    """A name safe to show and to send in ``Content-Disposition``: no folders, only
    letters, digits, ``-``, ``_`` and ``.``, at most ``NAME_MAX`` characters with the
    extension kept (``allegato.<ext>`` when nothing is left of it)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext.lower()
    if mime_type and ext not in FORMATS[mime_type].extensions:
        ext = FORMATS[mime_type].extensions[0]
    try:
        stem = get_valid_filename(stem.strip(" ."))
    except SuspiciousFileOperation:  # what would be empty, "." or ".."
        stem = ""
    stem = stem.lstrip(".-") or "allegato"
    suffix = f".{ext}" if ext else ""
    return stem[: NAME_MAX - len(suffix)] + suffix


def _head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _zip_format(upload) -> str | None:
    """The OpenDocument or Office type the zip container declares, or None. Reads only
    the container's directory and one small member (no decompression bomb)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 100:
                    return None
                declared = archive.read(info).decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS) else None
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > _CONTENT_TYPES_MAX:
                    return None
                content_types = archive.read(info).decode("utf-8", "replace")
                for part, mime in _OOXML_MAIN_PART.items():
                    # A macro-enabled document declares another main type: refused.
                    if part in names and _OOXML_MAIN_TYPE[mime] in content_types:
                        return mime
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    return None


def detect_type(upload) -> str | None:
    """The file's type from its bytes (one of ``FORMATS``), or None."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(upload)
    return None


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    mime_type: str
    size: int
    sha256: str


def check_file(upload, *, field: str = "file", limit: int | None = None) -> CheckedFile:
    """Size, type from the bytes, agreement with the extension and the sanitized name;
    ``InvalidInput`` naming ``field`` otherwise. Reads the file once (for the digest)."""
    limit = max_bytes() if limit is None else limit
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise InvalidInput(_("Il file è vuoto."), field=field)
    if size > limit:
        raise InvalidInput(
            _("Il file supera la dimensione massima di %(size)s MB.") % {"size": _megabytes(limit)},
            field=field,
        )
    mime_type = detect_type(upload)
    if mime_type is None:
        raise InvalidInput(
            _("Formato non accettato. Puoi caricare file %(formats)s.")
            % {"formats": allowed_formats_label()},
            field=field,
        )
    ext = (upload.name or "").rpartition(".")[2].lower() if "." in (upload.name or "") else ""
    if ext not in FORMATS[mime_type].extensions:
        raise InvalidInput(
            _(
                "Il contenuto del file non corrisponde alla sua estensione: è un file "
                "%(format)s. Controlla il file e rinominalo, se serve."
            )
            % {"format": FORMATS[mime_type].label},
            field=field,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        upload, sanitize_name(upload.name, mime_type), mime_type, size, digest.hexdigest()
    )


# --- The registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    purposes: tuple[str, ...]
    can_view: Callable[[object, models.Model], bool]
    can_add: Callable[[object, models.Model], bool]
    url_of: Callable[[models.Model], str]
    max_files: int = 10
    audit_actor_label: str = ""
    api_name: str = ""


_registry: dict[str, Registration] = {}


def register(
    model: type[models.Model],
    *,
    purposes: tuple[str, ...],
    can_view: Callable[[object, models.Model], bool],
    can_add: Callable[[object, models.Model], bool],
    url_of: Callable[[models.Model], str] | None = None,
    max_files: int = 10,
    audit_actor_label: str = "",
    api_name: str = "",
) -> None:
    """Let ``model`` carry attachments of ``purposes``. ``can_view(user, obj)`` must hold
    only for people who may see the object itself (and its files); ``can_add(user, obj)``
    for who may add files, and remove the object's files, now. ``audit_actor_label`` names
    by a role, in the audit log, who adds files while creating the object
    (``on_creation``: a complaint's sender). ``api_name`` is the model's collection in the
    API (``proposals``): its files are then listed at ``/api/v1/<api_name>/<id>/attachments/``."""
    _registry[model._meta.label_lower] = Registration(
        model=model,
        purposes=tuple(purposes),
        can_view=can_view,
        can_add=can_add,
        url_of=url_of or (lambda obj: obj.get_absolute_url()),
        max_files=max_files,
        audit_actor_label=audit_actor_label,
        api_name=api_name,
    )


def autodiscover() -> None:
    """Call ``register_models()`` of every installed app's ``attachments`` module, as the
    admin discovers ``admin`` modules: the core names no app, each app says what it
    accepts in its own module (called once, from ``CartaConfig.ready``)."""
    for config in apps.get_app_configs():
        if config.name == "carta" or not module_has_submodule(config.module, "attachments"):
            continue
        module = import_module(f"{config.name}.attachments")
        register_models = getattr(module, "register_models", None)
        if register_models is not None:
            register_models()


def registrations() -> list[Registration]:
    return list(_registry.values())


def registered(target: models.Model) -> Registration | None:
    """The registration of ``target``'s model, or None when it takes no attachments."""
    return _registry.get(target._meta.label_lower)


def registration_of(target: models.Model) -> Registration:
    try:
        return _registry[target._meta.label_lower]
    except KeyError:
        raise InvalidInput(
            _("Questo contenuto non accetta allegati."), field="target_type"
        ) from None


def target_type(target: models.Model) -> str:
    return target._meta.label_lower


def get_target_for(user, kind: str, object_id, *, adding: bool = False) -> models.Model:
    """The registered object ``kind`` #``object_id`` if ``user`` may see it (404
    otherwise); with ``adding``, 403 when they may see it but not add files."""
    registration = _registry.get(str(kind).lower())
    if registration is None:
        raise NotFound()
    target = registration.model._default_manager.filter(pk=object_id).first()
    if target is None or not registration.can_view(user, target):
        raise NotFound()
    if adding and not registration.can_add(user, target):
        raise NotAllowed()
    return target


# --- Reads ----------------------------------------------------------------------------


def attachments_of(target: models.Model) -> QuerySet[Attachment]:
    """The files of ``target`` that are not removed, oldest first (one query). Callers
    check ``can_view`` first (``panel`` and the download view do)."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        removed_at__isnull=True,
    )


def attach_lists(objects: list, attr: str = "attachment_list") -> None:
    """Set on each of ``objects`` (one model, already checked: every caller may see their
    files) the list of its files, in one query whatever their number."""
    if not objects:
        return
    by_object: dict[int, list[Attachment]] = {obj.pk: [] for obj in objects}
    for attachment in Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(objects[0]),
        object_id__in=list(by_object),
        removed_at__isnull=True,
    ):
        by_object[attachment.object_id].append(attachment)
    for obj in objects:
        setattr(obj, attr, by_object[obj.pk])


def get_attachment_for(user, pk) -> Attachment:
    """The attachment #``pk`` if ``user`` may see the object it is on, else ``NotFound``
    (a removed file, an unregistered model and a hidden object alike)."""
    attachment = (
        Attachment.objects.select_related("content_type")
        .filter(pk=pk, removed_at__isnull=True)
        .first()
    )
    if attachment is None:
        raise NotFound()
    target = target_of(attachment)
    registration = _registry.get(
        f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    )
    if target is None or registration is None or not registration.can_view(user, target):
        raise NotFound()
    attachment.target = target
    return attachment


def target_of(attachment: Attachment) -> models.Model | None:
    model = attachment.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()


def open_file(attachment: Attachment):
    return storages[STORAGE].open(attachment.stored_name, "rb")


# --- Writes ---------------------------------------------------------------------------


def count_upload(request) -> None:
    """One upload towards the hourly limit (``CARTA_ATTACHMENT_UPLOADS_PER_HOUR``), per
    person or, signed out, per address; ``RateLimited`` beyond."""
    user = request.user
    key = f"user:{user.pk}" if is_signed_in(user) else f"ip:{ratelimit.client_ip(request)}"
    limit = settings.CARTA_ATTACHMENT_UPLOADS_PER_HOUR
    try:
        ratelimit.hit(f"attachments:{key}", limit=limit, window=3600)
    except RateLimited as error:
        minutes = max(1, -(-error.retry_after // 60))
        raise RateLimited(
            ngettext(
                "Hai inviato troppi file nell'ultima ora: se ne possono inviare al massimo "
                "%(limit)s l'ora. Potrai inviarne altri tra %(minutes)s minuto.",
                "Hai inviato troppi file nell'ultima ora: se ne possono inviare al massimo "
                "%(limit)s l'ora. Potrai inviarne altri tra %(minutes)s minuti.",
                minutes,
            )
            % {"limit": limit, "minutes": minutes},
            retry_after=error.retry_after,
        ) from None


def add_upload(request, *, target: models.Model, form) -> Attachment | None:
    """A file a person sends from a page or through the API (``form``: an
    ``AttachmentForm`` bound to the request): every file sent counts towards the hourly
    limit (``count_upload``, shared by pages and API), a refused one too, since reading
    and checking it costs the same; ``RateLimited`` past the limit. Then the form's
    checks: None when it refuses (its errors say why), else ``add_attachment`` by
    ``request.user``."""
    count_upload(request)
    if not form.is_valid():
        return None
    return add_attachment(
        actor=request.user,
        target=target,
        purpose=form.cleaned_data["purpose"],
        upload=form.cleaned_data["file"],
    )


def _stored_name(mime_type: str) -> str:
    now = timezone.now()
    return f"{now:%Y/%m}/{uuid.uuid4().hex}.{FORMATS[mime_type].extensions[0]}"


def add_attachment(
    *,
    actor,
    target: models.Model,
    purpose: str,
    upload,
    field: str = "file",
    on_creation: bool = False,
) -> Attachment:
    """Store ``upload`` (a file, or a ``CheckedFile`` a form already checked) on
    ``target`` for ``purpose``; audited. ``InvalidInput`` naming ``field``.

    ``on_creation`` skips ``can_add``: only for the view that has just created ``target``
    for ``actor`` in the same request (an anonymous complaint's evidence). The file is
    written before the row; if the row's own transaction fails the file is deleted again
    (a rollback of an enclosing transaction leaves it unnamed in the storage)."""
    registration = registration_of(target)
    if not on_creation and not registration.can_add(actor, target):
        raise NotAllowed()
    if purpose not in registration.purposes:
        raise InvalidInput(_("Tipo di documento non previsto."), field="purpose")
    checked = upload if isinstance(upload, CheckedFile) else check_file(upload, field=field)
    if attachments_of(target).count() >= registration.max_files:
        raise InvalidInput(
            ngettext(
                "Si può allegare al massimo %(count)d file.",
                "Si possono allegare al massimo %(count)d file.",
                registration.max_files,
            )
            % {"count": registration.max_files},
            field=field,
        )
    storage = storages[STORAGE]
    checked.upload.seek(0)
    stored = storage.save(_stored_name(checked.mime_type), checked.upload)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
                purpose=purpose,
                stored_name=stored,
                original_name=checked.name,
                mime_type=checked.mime_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor if is_signed_in(actor) else None,
            )
            record_audit(
                actor=actor,
                verb="attachment.added",
                target=target,
                changes={
                    "attachment": attachment.pk,
                    "purpose": purpose,
                    "name": checked.name,
                    "type": checked.mime_type,
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
                actor_label=registration.audit_actor_label if on_creation else "",
            )
    except Exception:
        storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, actor, attachment: Attachment) -> Attachment:
    """Withdraw a file (whoever may add files to its object): no longer listed nor
    served; the row, the stored file and the audit trail stay."""
    target = target_of(attachment)
    registration = _registry.get(
        f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    )
    if target is None or registration is None or not registration.can_view(actor, target):
        raise NotFound()
    if not registration.can_add(actor, target):
        raise NotAllowed()
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.removed_by = actor if is_signed_in(actor) else None
        attachment.save(update_fields=["removed_at", "removed_by"])
        record_audit(
            actor=actor,
            verb="attachment.removed",
            target=target,
            changes={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return attachment


def erase_files(model: type[models.Model], object_ids) -> int:
    """Delete from the storage the files on ``model``'s objects ``object_ids`` (ids or a
    ``values("pk")`` queryset), for an app's retention rule: the rows stay, removed, with
    size, type and digest, but no longer the name the sender gave. Idempotent; returns how
    many files were deleted."""
    storage = storages[STORAGE]
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=object_ids
    ).exclude(stored_name__startswith="erased:")
    now = timezone.now()
    erased = 0
    for attachment in rows:
        storage.delete(attachment.stored_name)
        ext = FORMATS[attachment.mime_type].extensions[0] if attachment.mime_type in FORMATS else ""
        Attachment.objects.filter(pk=attachment.pk).update(
            stored_name=f"erased:{attachment.pk}",
            original_name=f"allegato.{ext}" if ext else "allegato",
            removed_at=attachment.removed_at or now,
        )
        erased += 1
    return erased


@receiver(account_erasing, dispatch_uid="carta.attachments.forget_uploader")
def forget_uploader(sender, user, **kwargs):
    """An erased person's files stay with their object (a complaint's evidence follows the
    complaint and its anonymization, a proposal's budget the proposal); only the link to
    the account goes."""
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)
    Attachment.objects.filter(removed_by=user).update(removed_by=None)
