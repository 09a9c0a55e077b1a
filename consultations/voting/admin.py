"""Admin for staff: browsing consultations and their questions. Consultations are built,
opened and closed on the pages and through the API (the services check the states and
freeze the electorate); here all is read-only.

Ballots, the voter register, the eligible keys and the tallies' counters are not listed: a
secret ballot must not be reachable beside its voter by anyone, and the published results,
the receipts and the bulletin are the public account of them."""

from django.contrib import admin

from carta.admin import ReadOnlyAdmin, ReadOnlyInline
from consultations.voting.models import Consultation, Option, Question


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["position", "kind", "text", "max_choices", "section_key"]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["position", "label", "proposal"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "electorate", "secrecy", "opens_at", "closes_at", "revision"]
    list_filter = ["electorate", "secrecy"]
    search_fields = ["title"]
    list_select_related = ["revision"]
    inlines = [QuestionInline]
    # The chain's head and the frozen counts are the bulletin's, shown on its pages.
    exclude = ["bulletin_head"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "position", "kind", "text"]
    list_select_related = ["consultation"]
    inlines = [OptionInline]
