"""Pages of attachments: the download (after the object's own permission check: 404 for
a person who may not see it), adding a file to an object from its page, withdrawing one.
Thin: ``carta.attachments`` checks, stores and audits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from carta import attachments
from carta.attachment_forms import AttachmentForm
from carta.errors import CartaError, RateLimited
from carta.pages import fetch
from carta.views import apply_service_error


def file_response(attachment) -> FileResponse:
    """The stored file as a download under its sanitized name and detected type, never
    shown inline nor kept by a cache (pages and API alike)."""
    response = FileResponse(
        attachments.open_file(attachment),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment_download(request, pk):
    return file_response(fetch(attachments.get_attachment_for, request.user, pk))


def _back(target) -> str:
    return f"{attachments.registration_of(target).url_of(target)}#allegati"


@login_required
@require_POST
def attachment_add(request, kind, object_id):
    target = fetch(attachments.get_target_for, request.user, kind, object_id, adding=True)
    registration = attachments.registration_of(target)
    form = AttachmentForm(request.POST, request.FILES, purposes=registration.purposes)
    status = 400
    try:
        attachment = attachments.add_upload(request, target=target, form=form)
    except RateLimited as error:
        form.add_error(None, str(error.message))
        status = 429
    except CartaError as error:
        apply_service_error(form, error)
    else:
        if attachment is not None:
            messages.success(
                request,
                _("Il file «%(name)s» è stato allegato.") % {"name": attachment.original_name},
            )
            return redirect(_back(target))
    response = render(
        request,
        "carta/attachment_form.html",
        {"form": form, "target": target, "back_url": _back(target)},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "3600"
    return response


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = fetch(attachments.get_attachment_for, request.user, pk)
    try:
        attachments.remove_attachment(actor=request.user, attachment=attachment)
    except CartaError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Il file «%(name)s» è stato rimosso.") % {"name": attachment.original_name},
        )
    return redirect(_back(attachment.target))
