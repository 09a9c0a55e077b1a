"""``{% attachments_panel obj %}``: the files of an object, for whoever may see them, with
the form to add one for whoever may add (``templates/includes/attachments.html``).
Costs the registration's checks and one query for the list; nothing for a person who
may not see the files."""

from __future__ import annotations

from django import template

from carta import attachments
from carta.attachment_forms import AttachmentForm

register = template.Library()


@register.inclusion_tag("includes/attachments.html", takes_context=True)
def attachments_panel(context, target, title="", note=""):
    request = context.get("request")
    user = getattr(request, "user", None)
    registration = attachments.registered(target)
    if registration is None or user is None or not registration.can_view(user, target):
        return {"visible": False}
    can_add = registration.can_add(user, target)
    return {
        "visible": True,
        "title": title,
        "note": note,
        "target": target,
        "kind": attachments.target_type(target),
        "files": list(attachments.attachments_of(target)),
        "can_add": can_add,
        "form": AttachmentForm(purposes=registration.purposes) if can_add else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def file_size(size: int) -> str:
    """A file's size as an Italian office writes it: "840 byte", "12,5 KB", "2,3 MB"."""
    size = int(size or 0)
    if size < 1024:
        return f"{size} byte"
    for unit, scale in (("KB", 1024), ("MB", 1024 * 1024)):
        if size < scale * 1024 or unit == "MB":
            return f"{size / scale:.1f}".replace(".", ",") + f" {unit}"
    return ""  # not reached
