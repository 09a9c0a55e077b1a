from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Organizzazioni e risorse")

    def ready(self):
        from stakeholders import (
            erasure,  # noqa: F401  (connects the erasure receiver)
            moderation,
            personal_area,
        )

        moderation.register_models()
        personal_area.register()
        # The person's memberships and invitations in their data download.
        from stakeholders import personal_data  # noqa: PLC0415

        personal_data.register()
