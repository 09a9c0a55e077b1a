"""Form fields for attachments: the checks of ``carta.attachments.check_file`` (size,
type from the bytes, extension, name) as a field's validation, so that a refusal is
shown next to the file field and the rest of the typed form is kept."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from carta import attachments
from carta.errors import InvalidInput


def _help_text() -> str:
    size = attachments.max_bytes() / (1024 * 1024)
    return _("Formati accettati: %(formats)s. Dimensione massima %(size)s MB.") % {
        "formats": attachments.allowed_formats_label(),
        "size": f"{size:.0f}" if size >= 1 else f"{size:.1f}".replace(".", ","),
    }


class AttachmentField(forms.FileField):
    """A file field whose cleaned value is a ``carta.attachments.CheckedFile``."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.FileInput(
                attrs={
                    "accept": ",".join(
                        f".{ext}" for f in attachments.FORMATS.values() for ext in f.extensions
                    )
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        try:
            return attachments.check_file(upload)
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message), code="invalid_file") from None


def _joined(help_text) -> str:
    return f"{help_text} {_help_text()}" if help_text else _help_text()


def attachment_field(label, *, required: bool = False, help_text="") -> AttachmentField:
    """An ``AttachmentField`` with the accepted formats and size as its help text (read
    when the form is shown, not when the module is imported)."""
    return AttachmentField(label=label, required=required, help_text=lazy(_joined, str)(help_text))


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
