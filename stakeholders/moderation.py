"""Resources and organization profiles are flaggable through the core's moderation
(``carta.moderation``): flags, hiding with a public reason, the public log.

What hiding means here:

- a hidden **resource** leaves public view entirely (``permissions.resources_visible_to``):
  lists, search, the API, its page (404) and the proposals that committed it; its
  organization's members and staff still see it, with the reason;
- a hidden **organization profile** takes from public view only the text the organization
  wrote about itself (description and website): the organization stays a member of the
  network, with its name, kind, status, resources and votes, because hiding a profile is a
  moderation of content, not a decision on membership (that is the Ufficio di Piano's
  suspension). Its members and staff still read the text, with the reason, so that it can
  be corrected before a moderator restores it.
"""

from __future__ import annotations

from django.utils.translation import gettext

from carta import moderation
from stakeholders import permissions as perms
from stakeholders.models import Membership, Organization, Resource, Role


def _writers_of(organization_id: int) -> list:
    """The people who write in the organization's name: told when its content is hidden,
    and the ones who may ask for a review (one query)."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            organization_id=organization_id, role__in=[Role.REPRESENTATIVE, Role.EDITOR]
        ).select_related("user")
    ]


# The public log names what was hidden by kind and number, never by its text.
def _resource_label(resource: Resource) -> str:
    return gettext("Risorsa n. %(id)s") % {"id": resource.pk}


def _profile_label(organization: Organization) -> str:
    return gettext("Profilo dell'organizzazione n. %(id)s") % {"id": organization.pk}


def register_models() -> None:
    moderation.register(
        Resource,
        visible_to=perms.resources_visible_to,
        authors_of=lambda resource: _writers_of(resource.organization_id),
        url_of=lambda resource: resource.get_absolute_url(),
        label_of=_resource_label,
        related=(),
    )
    moderation.register(
        Organization,
        visible_to=perms.organizations_visible_to,
        authors_of=lambda organization: _writers_of(organization.pk),
        url_of=lambda organization: organization.get_absolute_url(),
        label_of=_profile_label,
        related=(),
    )
