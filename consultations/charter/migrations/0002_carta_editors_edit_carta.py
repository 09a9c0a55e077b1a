"""Let the Carta editors write drafts, open them to consultation and adopt them."""

from django.db import migrations

CODENAME = "edit_carta"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the grant needs this one now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="consultations", model="revision")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=CODENAME,
        defaults={
            "name": "Può redigere le bozze della Carta, metterle in consultazione e adottarle"
        },
    )
    group, _ = Group.objects.get_or_create(name="carta_editors")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="carta_editors").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(codename=CODENAME, content_type__app_label="consultations")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("carta", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
