"""The GIN index of the proposals' stored vector (issue 16). Migration 0005 asked for it
under the name of the expression index it replaced and then dropped that name, so every
database migrated through 0005 searched the vector without an index (a whole-table scan
for every search, about 200 ms at 100,000 proposals whatever the term)."""

from django.db import migrations

from carta.search import vector_index


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_queue_order_indexes")]

    operations = [vector_index("proposals_proposal")]
