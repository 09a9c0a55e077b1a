"""``carta complaint_reminders``: remind officers of complaints due soon and overdue.

Meant for a scheduler (once a day; see docs/feedback.md). Idempotent: a complaint is
reminded once per kind for each deadline it has.
"""

from django.core.management.base import BaseCommand

from feedback import services


class Command(BaseCommand):
    help = "Ricorda agli operatori le segnalazioni in scadenza e quelle oltre il termine."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=5,
            help="Quanti giorni prima del termine inviare il promemoria (predefinito: 5).",
        )

    def handle(self, *args, days_before, **options):
        result = services.send_complaint_reminders(days_before=days_before)
        self.stdout.write(
            f"complaint_reminders: {result.before} due soon, {result.overdue} overdue"
        )
