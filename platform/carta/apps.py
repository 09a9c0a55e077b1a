from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartaConfig(AppConfig):
    name = "carta"
    verbose_name = _("Piattaforma")

    def ready(self):
        from carta import attachments, checks, follows, identity, signals, tokens  # noqa: F401 - the checks and receivers

        # The Attachment model, and each app's attachments.register_models().
        attachments.autodiscover()
        # The data download's own sections and the core's part of an account's erasure.
        from carta import privacy  # noqa: F401, PLC0415
