"""Proposal titles matched case-insensitively by a search (``carta.search.full_text``)
use a trigram index on PostgreSQL (issue 16), so a selective search reads two indexes
instead of the whole table."""

from django.db import migrations

from carta.search import trigram_index


class Migration(migrations.Migration):
    dependencies = [("proposals", "0005_stored_search_vector")]

    operations = [trigram_index("proposals_proposal", "title")]
