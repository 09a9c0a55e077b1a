"""Admin for staff: browsing and object permissions. State changes (decisions, roles,
members) go through the pages and API, which call the services; here they are read-only."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from stakeholders.models import Invitation, Membership, Organization, Resource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "can_vote"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdmin):
    list_display = ["legal_name", "kind", "tax_code", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["legal_name", "tax_code"]
    readonly_fields = ["status", "status_reason", "decided_by", "decided_at"]
    inlines = [MembershipInline]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "visibility"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "organization__legal_name"]
    list_select_related = ["organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "expires_at", "accepted_at", "declined_at"]
    readonly_fields = ["token_hash"]
    list_select_related = ["organization"]
