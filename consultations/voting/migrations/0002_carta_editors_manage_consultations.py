"""Let the Carta editors create, edit and close consultations."""

from django.db import migrations

CODENAME = "manage_consultation"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the grant needs this one now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="voting", model="consultation")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=CODENAME,
        defaults={"name": "Può creare, modificare e chiudere consultazioni"},
    )
    group, _ = Group.objects.get_or_create(name="carta_editors")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="carta_editors").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(codename=CODENAME, content_type__app_label="voting")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0001_initial"),
        ("carta", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
