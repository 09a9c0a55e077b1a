from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartaConfig(AppConfig):
    name = "carta"
    verbose_name = _("Piattaforma")

    def ready(self):
        from carta import attachments, checks, identity, signals, tokens  # noqa: F401 - the checks and receivers

        # The Attachment model, and each app's attachments.register_models().
        attachments.autodiscover()
