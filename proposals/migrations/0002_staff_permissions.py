"""Moderators check and publish submitted proposals; Carta editors evaluate them."""

from django.db import migrations

GRANTS = {
    "moderate_proposal": ("moderators", "Può verificare e pubblicare le proposte presentate"),
    "evaluate_proposal": ("carta_editors", "Può valutare le proposte pubblicate"),
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="proposals", model="proposal")
    for codename, (group, name) in GRANTS.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        Group.objects.get(name=group).permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="proposals", codename__in=GRANTS).delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial"), ("carta", "0002_staff_groups")]

    operations = [migrations.RunPython(grant, revoke)]
