from django.core.management.base import BaseCommand

from carta.digest import send_digests


class Command(BaseCommand):
    help = (
        "Send the daily digest: one email per person who chose it, with the notifications "
        "queued since the last one. Meant for a scheduler (once a day); idempotent: a "
        "second run the same day sends nothing."
    )

    def handle(self, *args, **options):
        done = send_digests()
        self.stdout.write(f"riepiloghi inviati: {done['emails']}, notifiche: {done['items']}")
