"""What the organizations' pact asks of the Carta beyond the revision in force: where to
read what changed since the revision an organization signed. Registered with
``stakeholders.pact`` by ``CharterConfig.ready``, since stakeholders, below the Carta,
cannot import it."""

from __future__ import annotations

from django.urls import reverse

from consultations.charter import selectors
from consultations.charter.models import Revision


def changes_since_url(revision_number: int | None) -> str | None:
    """The comparison page between the revision in force and revision ``revision_number``
    (``carta_revision_diff`` with ``con``); the page of the revision in force when the
    organization signed none, or one no longer stored; None when no revision is in force.
    Two queries at most."""
    current = selectors.revision_in_force()
    if current is None:
        return None
    signed = None
    if revision_number is not None and revision_number != current.number:
        signed = (
            Revision.objects.filter(number=revision_number).values_list("pk", flat=True).first()
        )
    if signed is None:
        return reverse("carta_revision", args=[current.pk])
    return f"{reverse('carta_revision_diff', args=[current.pk])}?con={signed}"
