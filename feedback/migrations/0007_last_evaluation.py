"""The row the limit of one evaluation per person and service is enforced on, filled from
the evaluations already given."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    Evaluation = apps.get_model("feedback", "Evaluation")
    LastEvaluation = apps.get_model("feedback", "LastEvaluation")
    latest = (
        Evaluation.objects.filter(user__isnull=False)
        .values("user", "service_key")
        .annotate(last=models.Max("created_at"))
    )
    LastEvaluation.objects.bulk_create(
        LastEvaluation(
            user_id=row["user"], service_key=row["service_key"], evaluated_at=row["last"]
        )
        for row in latest.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0006_carta_foreign_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LastEvaluation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "service_key",
                    models.CharField(max_length=100, verbose_name="chiave del servizio"),
                ),
                ("evaluated_at", models.DateTimeField(verbose_name="ultima valutazione il")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "ultima valutazione",
                "verbose_name_plural": "ultime valutazioni",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "service_key"), name="last_evaluation_one_per_service"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
