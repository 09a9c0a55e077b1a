from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Citizen feedback: evaluations, complaints and the commitments dashboard. An app of
    its own because it holds citizens' personal data under its own retention rules and
    serves its own staff role (complaint officers)."""

    name = "feedback"
    verbose_name = _("Valutazioni, reclami e impegni")

    def ready(self):
        # What the home page shows alive of this app (carta.home).
        from feedback import home_block  # noqa: PLC0415

        home_block.register()
        from carta import ambito
        from consultations.charter.draft_flags import register_draft_flags
        from consultations.charter.service_extras import register_service_extras
        from feedback import charter, personal_area
        from feedback.draft_flags import draft_flags
        from feedback.service_page import service_extras

        # The Carta's service page shows what feedback knows of the service; the Carta,
        # below feedback, asks through this hook instead of importing it.
        register_service_extras("feedback", service_extras)
        # A new draft flags to its editors the services whose commitments were missed or
        # drew founded complaints in the revision it was copied from.
        register_draft_flags("feedback", draft_flags)
        # The accessibility statement promises the same answer time as complaints get.
        ambito.register_response_days(lambda: charter.complaint_deadline_rule().days)
        personal_area.register()
        # The person's complaints and evaluations in their data download, and their erasure.
        from feedback import personal_data  # noqa: PLC0415

        personal_data.register()
