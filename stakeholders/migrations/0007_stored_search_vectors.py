"""The organizations' and resources' full-text vectors stored in a column, weighted name or
title (A) over description (B), kept by PostgreSQL triggers and indexed
(``carta.search.stored_vector``). They replace the expression indexes of 0003: a search no
longer computes the vector of each row it looks at (769 ms for an unselective term over
200,000 resources)."""

import django.contrib.postgres.search
from django.db import migrations

from carta.search import stored_vector


def drop_expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS stakeholders_organization_search_gin")
        schema_editor.execute("DROP INDEX IF EXISTS stakeholders_resource_search_gin")


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0006_pact_acceptances_from_organizations")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="resource",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        stored_vector("stakeholders_organization", ["legal_name", "description"]),
        stored_vector("stakeholders_resource", ["title", "description"]),
        migrations.RunPython(drop_expression_indexes, migrations.RunPython.noop, elidable=True),
    ]
