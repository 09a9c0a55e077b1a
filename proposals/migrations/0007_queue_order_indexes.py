"""The staff's queues read in their order from an index (issue 16): the evaluation page
(published and under evaluation, by state and publication) and the moderation queue
(submitted, oldest first) stop at their page instead of sorting every proposal in those
states."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("proposals", "0006_title_trigram")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS proposals_proposal_state_published_order "
            "ON proposals_proposal (state, published_at, id)",
            "DROP INDEX IF EXISTS proposals_proposal_state_published_order",
            elidable=False,
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS proposals_proposal_state_submitted_order "
            "ON proposals_proposal (state, submitted_at, id)",
            "DROP INDEX IF EXISTS proposals_proposal_state_submitted_order",
            elidable=False,
        ),
    ]
