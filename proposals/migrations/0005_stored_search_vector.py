"""The proposal's full-text vector stored in a column, weighted title (A) over summary (B)
over body (C), kept by a PostgreSQL trigger and indexed (``carta.search.stored_vector``).

It replaces the expression index of 0003: a search no longer computes the vector of each
row it looks at, which made an unselective term cost seconds at 10,000 proposals.
"""

import django.contrib.postgres.search
from django.db import migrations

from carta.search import stored_vector


def drop_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS proposals_proposal_search_gin")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0004_version_redaction")]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        stored_vector("proposals_proposal", ["title", "summary", "body"]),
        migrations.RunPython(drop_expression_index, migrations.RunPython.noop, elidable=True),
    ]
