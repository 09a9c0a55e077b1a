"""Complaint officers and Carta editors record the values measured for commitments."""

from django.db import migrations

GROUPS = ["complaint_officers", "carta_editors"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="feedback", model="commitmentmeasurement"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="record_measurement",
        defaults={"name": "Può registrare le misurazioni degli impegni"},
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="feedback", codename="record_measurement"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_evaluations_measurements"),
        ("carta", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
