"""Writes of the stakeholders app, one module per subject: ``organizations`` (applications,
the profile, decisions), ``members``, ``invitations``, ``resources``, ``pact`` (its
acceptance and renewal). Every function is keyword-only, takes the ``actor``, checks its
right through ``stakeholders.permissions``, audits inside its transaction, and notifies
(whose emails and pushes leave after the commit). Callers use
``from stakeholders import services``; the names below are the API.
"""

from stakeholders.services.invitations import (
    accept_invitation,
    decline_invitation,
    invite_member,
    invite_user,
    revoke_invitation,
)
from stakeholders.services.members import (
    change_role,
    leave_organization,
    remove_member,
)
from stakeholders.services.organizations import (
    DECISION_SERVICES,
    ORGANIZATION_FIELDS,
    apply_organization,
    reinstate_organization,
    reject_organization,
    suspend_organization,
    update_organization,
    verify_organization,
)
from stakeholders.services.pact import (
    accept_pact,
    grace_days,
    request_pact_renewal,
)
from stakeholders.services.resources import (
    RESOURCE_FIELDS,
    create_resource,
    delete_resource,
    update_resource,
)

__all__ = [
    "DECISION_SERVICES",
    "ORGANIZATION_FIELDS",
    "RESOURCE_FIELDS",
    "accept_invitation",
    "accept_pact",
    "apply_organization",
    "change_role",
    "create_resource",
    "decline_invitation",
    "grace_days",
    "delete_resource",
    "invite_member",
    "invite_user",
    "leave_organization",
    "reinstate_organization",
    "reject_organization",
    "request_pact_renewal",
    "remove_member",
    "revoke_invitation",
    "suspend_organization",
    "update_organization",
    "update_resource",
    "verify_organization",
]
