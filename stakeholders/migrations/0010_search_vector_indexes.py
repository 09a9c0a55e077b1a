"""The GIN indexes of the organizations' and resources' stored vectors (issue 16).
Migration 0007 asked for them under the names of the expression indexes they replaced and
then dropped those names, so every database migrated through 0007 searched the vectors
without an index."""

from django.db import migrations

from carta.search import vector_index


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0009_list_indexes")]

    operations = [
        vector_index("stakeholders_organization"),
        vector_index("stakeholders_resource"),
    ]
