"""Indexes for the lists at scale (issue 16): the directory and the catalogue are read in
their order (name, title) from an index and stop at the page, instead of sorting every
visible row; names and titles matched case-insensitively use a trigram index on
PostgreSQL (``carta.search.trigram_index``)."""

from django.db import migrations

from carta.search import trigram_index


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0008_moderation_reapplication")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS stakeholders_organization_name_order "
            "ON stakeholders_organization (legal_name, id)",
            "DROP INDEX IF EXISTS stakeholders_organization_name_order",
            elidable=False,
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS stakeholders_resource_title_order "
            "ON stakeholders_resource (title, id)",
            "DROP INDEX IF EXISTS stakeholders_resource_title_order",
            elidable=False,
        ),
        trigram_index("stakeholders_organization", "legal_name"),
        trigram_index("stakeholders_resource", "title"),
    ]
