"""The Django admin: the Ambito's name in its header, every model staff may need listed
(or shown inside another's page, or left out for a stated reason), read-only where a
service owns the writes, hidden text and senders' data shown only to whom may see them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse

from tests.factories import (
    CommentFactory,
    ComplaintFactory,
    ConsultationFactory,
    ProposalCommentFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Left out of the admin, each for its reason.
NOT_LISTED = {
    # Django's and the libraries' own bookkeeping.
    "admin.logentry": "Django's own log of admin changes; the audit log is the record",
    "auth.permission": "assigned through groups, never one by one",
    "contenttypes.contenttype": "internal",
    "sessions.session": "internal",
    "guardian.userobjectpermission": "roles are given by the members' pages",
    "guardian.groupobjectpermission": "roles are given by the members' pages",
    "stakeholders.organizationuserobjectpermission": "roles are given by the members' pages",
    "stakeholders.organizationgroupobjectpermission": "roles are given by the members' pages",
    "account.emailconfirmation": "allauth's own, short-lived",
    "account.emailaddress": "a person's own; managed from the profile",
    "socialaccount.socialaccount": "the gateways' claims are personal data",
    "socialaccount.socialapp": "configured by environment (docs/identity.md)",
    "socialaccount.socialtoken": "secrets",
    "knox.authtoken": "a person's own; managed from the profile (tokens page)",
    "mfa.authenticator": "a person's own second factor",
    "usersessions.usersession": "a person's own sessions",
    "axes.accessattempt": "rate-limit bookkeeping",
    "axes.accessfailurelog": "rate-limit bookkeeping",
    "axes.accesslog": "rate-limit bookkeeping",
    # Carta's, personal or secret.
    "carta.identity": "fiscal codes: personal data, shown to the person only",
    "carta.notificationsettings": "a person's own preferences",
    "carta.notificationpreference": "a person's own preferences",
    "carta.digestitem": "queue of the daily digest",
    "carta.follow": "a person's own choices",
    "carta.attachment": "served only after the owning object's permission check",
    "voting.ballot": "a secret ballot is never listed beside anything",
    "voting.voterrecord": "who voted: the register is not for browsing",
    "voting.eligiblevoter": "keyed digests of the electorate",
    "voting.tallycounter": "the published results are their account",
    "feedback.lastevaluation": "the once-a-period rule's bookkeeping",
    "feedback.evaluationcode": "single-use codes, shown once when issued",
}

# Listed and writable here: what no service owns.
WRITABLE = {"carta.user", "carta.municipality", "auth.group", "carta.notification"}


def _inline_models() -> set[str]:
    shown = set()
    for model_admin in django_admin.site._registry.values():
        for inline in model_admin.inlines:
            shown.add(inline.model._meta.label_lower)
    return shown


def test_every_model_is_listed_shown_inside_another_or_left_out_with_a_reason():
    registered = {model._meta.label_lower for model in django_admin.site._registry}
    shown = registered | _inline_models()
    missing = [
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in shown and model._meta.label_lower not in NOT_LISTED
    ]
    assert missing == []
    # And nothing left out is listed after all.
    assert registered & set(NOT_LISTED) == set()


def test_what_a_service_owns_is_read_only(rf, admin):
    request = rf.get("/")
    request.user = admin
    for model, model_admin in admin_site_items():
        if model._meta.label_lower in WRITABLE:
            continue
        label = model._meta.label_lower
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label


def _staff(codename: str, groups=()):
    person = UserFactory(is_staff=True, groups=list(groups))
    person.user_permissions.add(Permission.objects.get(codename=codename))
    return person


def admin_site_items():
    return list(django_admin.site._registry.items())


@override_settings(CARTA_AMBITO_NAME="Ambito Sociale n. 7 Valle Alta")
def test_the_header_carries_the_ambitos_name(client_as, admin):
    page = client_as(admin).get(reverse("admin:index")).content.decode()
    assert "Carta · Ambito Sociale n. 7 Valle Alta" in page


def test_every_list_and_page_opens_for_an_administrator(client_as, admin):
    ProposalCommentFactory()
    CommentFactory()
    ComplaintFactory()
    ConsultationFactory()
    client = client_as(admin)
    for model in django_admin.site._registry:
        meta = model._meta
        listing = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200, meta.label
        first = model._default_manager.first()
        if first is not None:
            page = client.get(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
            assert page.status_code == 200, meta.label


def test_hidden_text_is_shown_only_to_moderators(client_as, admin):
    comment = ProposalCommentFactory(body="Testo offensivo da non mostrare")
    type(comment).objects.filter(pk=comment.pk).update(
        hidden_at=comment.created_at, hidden_reason="Offensivo"
    )
    url = reverse("admin:proposals_proposalcomment_change", args=[comment.pk])
    staff = _staff("view_proposalcomment")
    assert "Testo offensivo" not in client_as(staff).get(url).content.decode()
    moderator = _staff("view_proposalcomment", groups=["moderators"])
    assert "Testo offensivo" in client_as(moderator).get(url).content.decode()
    # An administrator holds every permission, moderation's included.
    assert "Testo offensivo" in client_as(admin).get(url).content.decode()


def test_a_senders_contact_is_shown_only_to_complaint_officers(client_as):
    complaint = ComplaintFactory(contact_name="Ida Ferri", contact_email="ida@example.org")
    url = reverse("admin:feedback_complaint_change", args=[complaint.pk])
    staff = _staff("view_complaint")
    assert "ida@example.org" not in client_as(staff).get(url).content.decode()
    officer = _staff("view_complaint", groups=["complaint_officers"])
    assert "ida@example.org" in client_as(officer).get(url).content.decode()


def test_proposals_admin_lists_a_proposal(client_as, admin):
    proposal = ProposalFactory(title="Orti sociali condivisi")
    listing = client_as(admin).get(reverse("admin:proposals_proposal_changelist"))
    assert proposal.title in listing.content.decode()
