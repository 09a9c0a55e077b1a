"""``carta anonymize_complaints``: clear senders' contact data a set time after closing,
then erase the stored files of anonymized complaints' evidence.

The time is ``CARTA_ANONYMIZE_AFTER_DAYS`` (default 365) unless ``--days`` is given.
Meant for a scheduler (once a day; see docs/feedback.md). Idempotent.
"""

from django.core.management.base import BaseCommand, CommandError

from feedback import attachments, services


class Command(BaseCommand):
    help = "Cancella i dati di contatto delle segnalazioni chiuse da più del tempo stabilito."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be zero or more")
        count = services.anonymize_complaints(days=days)
        # Then, once the anonymization is committed, the files of their evidence.
        erased = attachments.erase_anonymized_evidence()
        self.stdout.write(
            f"anonymize_complaints: {count} complaint(s) anonymized, {erased} file(s) erased"
        )
