from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Carta, consultazioni e partecipazione")

    def ready(self):
        from consultations import moderation

        moderation.register_models()
