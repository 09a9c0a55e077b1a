"""Create the staff groups and let every staff role read the audit log."""

from django.db import migrations

GROUPS = ["moderators", "carta_editors", "complaint_officers"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the grant below needs this
    # one now, so it is created here the same way (post_migrate then finds it present).
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="carta", model="auditentry")
    view_audit, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_auditentry",
        defaults={"name": "Can view voce del registro"},
    )
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(view_audit)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("carta", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
