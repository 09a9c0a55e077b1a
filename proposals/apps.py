from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposte progettuali")

    def ready(self):
        # What the home page shows alive of this app (carta.home).
        from proposals import home_block  # noqa: PLC0415

        home_block.register()
        from proposals import moderation, personal_area

        moderation.register_models()
        personal_area.register()
        # The person's proposals, comments and endorsements in their data download.
        from proposals import personal_data  # noqa: PLC0415

        personal_data.register()
