"""Moderators (and administrators, as superusers) may hide and restore content."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="carta", model="flag")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="moderate_content",
        defaults={"name": "Può nascondere e ripristinare contenuti"},
    )
    Group.objects.get(name="moderators").permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="carta", codename="moderate_content").delete()


class Migration(migrations.Migration):
    dependencies = [("carta", "0003_moderation")]

    operations = [migrations.RunPython(grant, revoke)]
