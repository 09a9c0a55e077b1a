"""Every existing account gets its address in allauth's table, so that nothing changes for
its sign-in: staff and administrators' addresses count as verified (the Ambito created
them), everyone else's must be confirmed by the link Carta sends when they next take part.
Passwords are not touched."""

from django.db import migrations
from django.db.models.functions import Lower


def add_addresses(apps, schema_editor):
    User = apps.get_model("carta", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    rows = []
    for user in User.objects.exclude(email="").exclude(pk__in=have).annotate(lower=Lower("email")):
        rows.append(
            EmailAddress(
                user_id=user.pk,
                email=user.lower,
                primary=True,
                verified=bool(user.is_staff or user.is_superuser),
            )
        )
    EmailAddress.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("carta", "0005_identity"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_addresses, migrations.RunPython.noop)]
