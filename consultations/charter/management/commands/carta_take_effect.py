"""``carta carta_take_effect``: put in force the revision of the Carta adopted with an
effective date that has come, superseding the one in force.

Meant for a scheduler (every hour; see docs/permissions-carta.md). Idempotent: with
nothing due it does nothing; two runs at once switch the revision once (the row is
locked).
"""

from django.core.management.base import BaseCommand

from consultations.charter import services


class Command(BaseCommand):
    help = (
        "Mette in vigore la revisione della Carta adottata la cui data di entrata in vigore "
        "è arrivata."
    )

    def handle(self, *args, **options):
        revision = services.take_effect()
        if revision is None:
            self.stdout.write("carta_take_effect: nothing due")
        else:
            self.stdout.write(f"carta_take_effect: revision {revision.number} in force")
