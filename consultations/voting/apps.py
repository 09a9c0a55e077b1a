from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    """Consultations and votes: a Django app of its own inside ``consultations/``, so that
    its ballots, registers and migrations stay apart from the Carta's revisions."""

    name = "consultations.voting"
    label = "voting"
    verbose_name = _("Consultazioni e votazioni")

    def ready(self):
        # What the home page shows alive of this app (carta.home).
        from consultations.voting import home_block  # noqa: PLC0415

        home_block.register()
        # A vote on a revision still running holds back the revision's adoption.
        from consultations.voting import personal_area, readiness, revision_votes  # noqa: PLC0415

        readiness.register()
        # The revision page and the consultation report show the votes on a revision.
        revision_votes.register()
        personal_area.register()
        # The person's votes in their data download (never how they voted in secret).
        from consultations.voting import personal_data  # noqa: PLC0415

        personal_data.register()
