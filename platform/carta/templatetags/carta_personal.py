"""Tags of the personal area and of following: ``{% follow_button obj %}`` on the pages
of followable objects, ``awaiting|awaiting_of:organization_id`` in the sections."""

from __future__ import annotations

from django import template

from carta import follows

register = template.Library()


@register.filter
def awaiting_of(awaiting, organization_id):
    """What awaits the person in one organization (``None``: not tied to one)."""
    if not awaiting:
        return []
    return awaiting.get(organization_id, [])


@register.inclusion_tag("carta/includes/follow_placeholder.html", takes_context=True)
def follow_button(context, obj):
    """Follow or stop following ``obj``, at no query for the page that shows it: with
    htmx the current button replaces the placeholder when the page loads; without
    JavaScript the link leads to a small page with the same button (``views.follow``)."""
    request = context.get("request")
    spec = follows.spec_for(obj) if obj is not None else None
    return {"obj": obj, "spec": spec, "next": request.get_full_path() if request else ""}
