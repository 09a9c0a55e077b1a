"""``carta carta_closing_notices``: tell the network and the contributors, once, that the
consultation on a revision of the Carta closes within three days.

Meant for a scheduler (every hour; see docs/permissions-carta.md). Idempotent: each
notice is claimed by a conditional UPDATE of ``Revision.closing_notice_sent_at`` before
it is written, so a second run, also at the same moment, sends nothing more.
"""

from django.core.management.base import BaseCommand

from consultations.charter import services


class Command(BaseCommand):
    help = (
        "Avvisa la rete e chi ha partecipato che la consultazione su una revisione della "
        "Carta si chiude entro tre giorni (una volta sola)."
    )

    def handle(self, *args, **options):
        sent = services.send_closing_notices()
        if not sent:
            self.stdout.write("carta_closing_notices: nothing due")
        for revision in sent:
            self.stdout.write(f"carta_closing_notices: revision {revision.number} notified")
