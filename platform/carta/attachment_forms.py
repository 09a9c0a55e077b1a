"""Form fields for attachments: the checks of ``carta.attachments.check_file`` (size,
type from the bytes, extension, name) as a field's validation, so that a refusal is
shown next to the file field and the rest of the typed form is kept."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from carta import attachments
from carta.errors import InvalidInput


def _help_text() -> str:
    size = attachments.max_bytes() / (1024 * 1024)
    return _("Formati accettati: %(formats)s. Dimensione massima %(size)s MB.") % {
        "formats": attachments.allowed_formats_label(),
        "size": f"{size:.0f}" if size >= 1 else f"{size:.1f}".replace(".", ","),
    }


def _accept() -> str:
    return ",".join(f".{ext}" for f in attachments.FORMATS.values() for ext in f.extensions)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    """A file field whose cleaned value is a ``carta.attachments.CheckedFile`` (None when
    left empty); with ``multiple``, a list of them, at most ``max_files``."""

    def __init__(self, *, multiple: bool = False, max_files: int = 5, **kwargs):
        self.multiple = multiple
        self.max_files = max_files
        widget = MultipleFileInput if multiple else forms.FileInput
        kwargs.setdefault("widget", widget(attrs={"accept": _accept()}))
        super().__init__(**kwargs)

    def _check(self, upload, initial=None):
        upload = super().clean(upload, initial)
        if not upload:
            return None
        try:
            return attachments.check_file(upload)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message), code="invalid_file") from None

    def clean(self, data, initial=None):
        if not self.multiple:
            return self._check(data, initial)
        uploads = [
            upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload
        ]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise forms.ValidationError(
                ngettext(
                    "Puoi allegare al massimo %(count)d file.",
                    "Puoi allegare al massimo %(count)d file.",
                    self.max_files,
                )
                % {"count": self.max_files},
                code="too_many_files",
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(self._check(upload))
            except forms.ValidationError as error:
                name = attachments.sanitize_name(upload.name)
                errors.extend(f"{name}: {message}" for message in error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


def _joined(help_text) -> str:
    return f"{help_text} {_help_text()}" if help_text else _help_text()


def attachment_field(
    label, *, required: bool = False, help_text="", multiple: bool = False, max_files: int = 5
) -> AttachmentField:
    """An ``AttachmentField`` with the accepted formats and size as its help text (read
    when the form is shown, not when the module is imported)."""
    return AttachmentField(
        label=label,
        required=required,
        help_text=lazy(_joined, str)(help_text),
        multiple=multiple,
        max_files=max_files,
    )


class AttachmentForm(forms.Form):
    """Add one file to an object, for one of the purposes its app accepts."""

    purpose = forms.ChoiceField(label=_("Tipo di documento"))
    file = AttachmentField(label=_("File"))

    def __init__(self, *args, purposes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [
            (value, label) for value, label in attachments.Purpose.choices if value in purposes
        ]
        self.fields["file"].help_text = _help_text()
