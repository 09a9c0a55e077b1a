"""Complaint officers handle complaints; administrators, as superusers, already may."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="feedback", model="complaint")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="handle_complaint",
        defaults={"name": "Può gestire reclami e segnalazioni"},
    )
    group, _ = Group.objects.get_or_create(name="complaint_officers")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="feedback", codename="handle_complaint"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("carta", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
