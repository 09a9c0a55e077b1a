"""Admin for staff: browsing complaints, evaluations, measurements and improvement actions.
The officers' work is done on their pages (the queue, the complaint page, the dashboard's
forms), which call the services with their deadlines, audit and notifications; here all is
read-only, and a sender's name and email are shown only to complaint officers."""

from django.contrib import admin

from carta.admin import ReadOnlyAdmin
from feedback import permissions as perms
from feedback.models import CommitmentMeasurement, Complaint, Evaluation, ImprovementAction


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "category",
        "service_key",
        "status",
        "deadline_at",
        "assigned_to",
    ]
    list_filter = ["status", "category", "channel"]
    list_select_related = ["assigned_to"]
    date_hierarchy = "received_at"
    personal_fields = ("contact_name", "contact_email", "submitted_by")

    def may_see_personal(self, request) -> bool:
        return perms.can_see_personal_data(request.user)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "service_key", "overall", "period"]
    list_filter = ["service_key", "period"]
    # Who evaluated is not for browsing: the dashboard shows only figures.
    exclude = ["user"]


@admin.register(CommitmentMeasurement)
class CommitmentMeasurementAdmin(ReadOnlyAdmin):
    list_display = ["commitment_key", "period", "version", "value", "status", "recorded_at"]
    list_filter = ["status", "period"]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnlyAdmin):
    list_display = ["commitment_key", "period", "status", "due_date", "responsible"]
    list_filter = ["status"]
