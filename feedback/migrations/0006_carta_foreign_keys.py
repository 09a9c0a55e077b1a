"""The soft links to the Carta (``service_ref`` / ``commitment_ref``, plain ids of rows of
``consultations``) become foreign keys. The ids already point at the right rows, so the
columns are renamed and altered in place: no data moves."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_carta_editors_edit_carta"),
        ("feedback", "0005_commitment_direction_from_carta"),
    ]

    operations = [
        migrations.RenameField("complaint", "service_ref", "service"),
        migrations.AlterField(
            model_name="complaint",
            name="service",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="complaints",
                to="consultations.service",
                verbose_name="servizio",
            ),
        ),
        migrations.RenameField("evaluation", "service_ref", "service"),
        migrations.AlterField(
            model_name="evaluation",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluations",
                to="consultations.service",
                verbose_name="servizio",
            ),
        ),
        migrations.RenameField("commitmentmeasurement", "commitment_ref", "commitment"),
        migrations.AlterField(
            model_name="commitmentmeasurement",
            name="commitment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="measurements",
                to="consultations.qualitycommitment",
                verbose_name="impegno",
            ),
        ),
    ]
