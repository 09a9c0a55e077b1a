"""Let moderators verify, reject, suspend and reinstate organizations."""

from django.db import migrations

CODENAME = "decide_organization"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the grant needs this one now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="stakeholders", model="organization"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=CODENAME,
        defaults={"name": "Può verificare, respingere e sospendere organizzazioni"},
    )
    group, _ = Group.objects.get_or_create(name="moderators")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="moderators").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(codename=CODENAME, content_type__app_label="stakeholders")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0001_initial"),
        ("carta", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
