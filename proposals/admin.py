"""Admin for staff: browsing proposals. Every change goes through the pages and the API,
which call the services (the state machine, audit, notifications): here all is read-only,
and what a moderator hid is shown only to moderators."""

from django.contrib import admin

from carta.admin import ReadOnlyAdmin, ReadOnlyInline
from proposals.models import (
    Endorsement,
    Partnership,
    Proposal,
    ProposalComment,
    ProposalTransition,
    ProposalVersion,
)


class PartnershipInline(ReadOnlyInline):
    model = Partnership
    fk_name = "proposal"
    fields = ["organization", "status", "decided_at"]


class TransitionInline(ReadOnlyInline):
    model = ProposalTransition
    fields = ["created_at", "action", "from_state", "to_state", "actor", "reason"]


class VersionInline(ReadOnlyInline):
    model = ProposalVersion
    fields = ["number", "title", "created_by", "created_at", "redacted_at"]


class EndorsementInline(ReadOnlyInline):
    model = Endorsement
    fields = ["user", "organization", "created_at"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "area", "state", "published_at", "hidden_at"]
    list_filter = ["state", "area"]
    search_fields = ["title", "organization__legal_name"]
    list_select_related = ["organization"]
    inlines = [PartnershipInline, VersionInline, TransitionInline, EndorsementInline]
    hidden_text_fields = ("title", "summary", "body", "beneficiaries")


@admin.register(ProposalComment)
class ProposalCommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "proposal", "author", "organization", "hidden_at"]
    list_filter = ["hidden_at"]
    list_select_related = ["proposal", "author", "organization"]
    hidden_text_fields = ("body",)
