"""Staff roles of the platform core, and the one place that answers "is this person staff?".

Staff roles are global Django groups created by a data migration. Each app grants its
global permissions to these groups in its own migrations and checks them through its
own ``permissions.py``; nothing else compares group names.
"""

from __future__ import annotations

from django.db import models
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from carta.errors import NotAllowed, VerificationRequired
from carta.models import User


class StaffGroup(TextChoices):
    MODERATORS = "moderators", _("Moderatori")
    CARTA_EDITORS = "carta_editors", _("Redattori della Carta")
    COMPLAINT_OFFICERS = "complaint_officers", _("Ufficio reclami")


VIEW_AUDIT = "carta.view_auditentry"


def is_signed_in(user) -> bool:
    """The one test of "a person is signed in": an authenticated, active account."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def staff_groups(user) -> frozenset[str]:
    """Names of the staff groups the user belongs to; one query, cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_carta_staff_groups", None)
    if cached is None:
        cached = frozenset(
            user.groups.filter(name__in=StaffGroup.values).values_list("name", flat=True)
        )
        user._carta_staff_groups = cached
    return cached


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def in_staff_group(user, group: StaffGroup) -> bool:
    return is_administrator(user) or group.value in staff_groups(user)


def is_staff_member(user) -> bool:
    """Any staff role of the Ambito, administrators included."""
    return is_administrator(user) or bool(staff_groups(user))


def can_view_audit(user) -> bool:
    return is_signed_in(user) and user.has_perm(VIEW_AUDIT)


def may_take_part(user) -> bool:
    """Comment, amend, endorse, vote, join an organization or apply for one: a signed-in
    person whose email address is verified or who has a SPID/CIE identity. Reading, filing
    a complaint and evaluating a service need neither. One query."""
    if not is_signed_in(user):
        return False
    return (
        User.objects.filter(pk=user.pk)
        .filter(models.Q(emailaddress__verified=True) | models.Q(identity__isnull=False))
        .exists()
    )


def check_may_take_part(user, sign_in_message=None) -> None:
    """``may_take_part`` or the refusal: ``NotAllowed`` (401 in the API) to a visitor,
    ``VerificationRequired`` to an account not yet verified."""
    if not is_signed_in(user):
        raise NotAllowed(sign_in_message or _("Accedi per partecipare."))
    if not may_take_part(user):
        raise VerificationRequired()


def has_verified_address(user, email: str) -> bool:
    """Whether ``user`` confirmed ``email`` (compared without regard to case)."""
    return (
        is_signed_in(user)
        and User.objects.filter(
            pk=user.pk, emailaddress__email__iexact=email, emailaddress__verified=True
        ).exists()
    )
