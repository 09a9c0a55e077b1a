from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Citizen feedback: evaluations, complaints and the commitments dashboard. An app of
    its own because it holds citizens' personal data under its own retention rules and
    serves its own staff role (complaint officers)."""

    name = "feedback"
    verbose_name = _("Valutazioni, reclami e impegni")
