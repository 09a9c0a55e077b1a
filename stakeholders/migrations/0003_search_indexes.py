"""GIN indexes on the full-text vectors the organization and resource searches compute
(PostgreSQL only), written as ``SearchVector(..., config="italian")`` writes them, so that
``stakeholders.selectors._search`` finds matches through the index."""

from django.db import migrations

INDEXES = {
    "stakeholders_organization_search_gin": (
        "stakeholders_organization",
        "COALESCE(legal_name, '') || ' ' || COALESCE(description, '')",
    ),
    "stakeholders_resource_search_gin": (
        "stakeholders_resource",
        "COALESCE(title, '') || ' ' || COALESCE(description, '')",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, text) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin "
            f"(to_tsvector('italian'::regconfig, {text}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0002_moderators_decide_organizations")]

    operations = [migrations.RunPython(create, drop, elidable=True)]
