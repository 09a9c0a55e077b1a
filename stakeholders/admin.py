"""Admin for staff: browsing, and the Ufficio di Piano's decisions as actions that call the
same services as the pages and the API (audited, notified). Nothing here saves an
organization, a membership, an invitation or a resource directly, and no object
permission is granted here: roles are given by the members' pages through the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from carta.admin import ReadOnlyAdmin, ReadOnlyInline
from carta.errors import CartaError
from stakeholders import permissions as perms
from stakeholders import services
from stakeholders.models import Invitation, Membership, Organization, PactAcceptance, Resource


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "role", "can_vote"]


class PactAcceptanceInline(ReadOnlyInline):
    """The history of the pact, read-only: acceptances come from the representatives."""

    model = PactAcceptance
    fields = ["revision_number", "accepted_by", "accepted_at"]


class DecisionActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        help_text=_("Obbligatoria per respingere e sospendere."),
    )


def _decision_action(name: str, description):
    def action(modeladmin, request, queryset):
        reason = request.POST.get("reason", "")
        done = 0
        for organization in queryset:
            try:
                services.DECISION_SERVICES[name](
                    actor=request.user, organization=organization, reason=reason
                )
            except CartaError as error:
                modeladmin.message_user(
                    request, f"{organization}: {error.message}", level=messages.ERROR
                )
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request, _("Decisione registrata per %(count)d organizzazioni.") % {"count": done}
            )

    action.__name__ = name
    return admin.action(description=description, permissions=["decide"])(action)


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = [
        "legal_name",
        "kind",
        "tax_code",
        "status",
        "pact_revision_number",
        "pact_renew_by",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["legal_name", "tax_code"]
    inlines = [MembershipInline, PactAcceptanceInline]
    action_form = DecisionActionForm
    actions = [
        _decision_action("verify", _("Verifica le organizzazioni selezionate")),
        _decision_action("reject", _("Respingi le domande selezionate")),
        _decision_action("suspend", _("Sospendi le organizzazioni selezionate")),
        _decision_action("reinstate", _("Riammetti le organizzazioni selezionate")),
    ]

    def has_decide_permission(self, request):
        return perms.can_decide(request.user)


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "kind", "visibility"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "organization__legal_name"]
    list_select_related = ["organization"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organization", "role", "expires_at", "accepted_at", "declined_at"]
    exclude = ["token_hash"]
    list_select_related = ["organization"]
