from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    """The Carta: revisions, sections, the service catalogue, comments and amendments. Its
    label stays ``consultations`` so that no table, permission or migration moves."""

    name = "consultations.charter"
    label = "consultations"
    verbose_name = _("Carta, consultazioni e partecipazione")

    def ready(self):
        # What the home page shows alive of this app (carta.home).
        from consultations.charter import home_block  # noqa: PLC0415

        home_block.register()
        from consultations.charter import (
            governed_rules,
            moderation,
            pact_provider,
            personal_area,
            selectors,
        )
        from stakeholders import pact

        moderation.register_models()
        # The network's pact names the revision in force; stakeholders, below the Carta,
        # asks through this hook instead of importing it.
        pact.register_revision_in_force(selectors.pact_revision_number)
        pact.register_changes_since(pact_provider.changes_since_url)
        # A rule the Carta sets (the complaint deadline) governed twice holds adoption back.
        governed_rules.register()
        personal_area.register()
        # The person's comments and amendments in their data download.
        from consultations.charter import personal_data  # noqa: PLC0415

        personal_data.register()
