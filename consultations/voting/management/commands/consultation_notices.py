from django.core.management.base import BaseCommand

from consultations.voting.notices import send_consultation_notices


class Command(BaseCommand):
    help = (
        "Notify those who may vote when a consultation opens and a day before it closes, and "
        "freeze the electorate of closed consultations, seal the ballots of secret ones. "
        "Meant for a scheduler (every few minutes); idempotent: each notice is sent once."
    )

    def handle(self, *args, **options):
        sent = send_consultation_notices()
        self.stdout.write(
            f"notifiche di apertura: {sent['opening']}, di chiusura imminente: {sent['closing']}, "
            f"elettorati congelati: {sent['frozen']}, schede segrete sigillate: {sent['sealed']}"
        )
