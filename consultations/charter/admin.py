"""Admin for staff: browsing the Carta. Every change goes through the pages and the API,
which call the services (audit, notifications, state checks); here everything is
read-only."""

from django.contrib import admin

from carta.admin import ReadOnlyAdmin, ReadOnlyInline
from consultations.charter.models import (
    Amendment,
    AmendmentSupport,
    Comment,
    QualityCommitment,
    Revision,
    Section,
    Service,
)


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["position", "key", "parent_key", "heading"]


class AmendmentSupportInline(ReadOnlyInline):
    model = AmendmentSupport
    fields = ["user", "organization", "created_at"]


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "adopted_at", "superseded_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [SectionInline]


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["title", "key", "area", "revision"]
    list_filter = ["area", "revision__status"]
    search_fields = ["title", "key"]
    list_select_related = ["revision"]


@admin.register(QualityCommitment)
class QualityCommitmentAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "service", "direction", "target_value", "unit"]
    list_select_related = ["service"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    hidden_text_fields = ("body", "quote")
    list_display = ["revision", "section_key", "author", "organization", "outcome", "hidden_at"]
    list_filter = ["outcome", "revision"]
    list_select_related = ["revision", "author", "organization"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["revision", "kind", "target_key", "author", "organization", "status"]
    list_filter = ["status", "kind", "revision"]
    list_select_related = ["revision", "author", "organization"]
    inlines = [AmendmentSupportInline]
    hidden_text_fields = ("new_text", "rationale")
