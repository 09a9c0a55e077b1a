from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0007_last_evaluation"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="reopen_reason",
            field=models.TextField(blank=True, verbose_name="motivo della riapertura"),
        ),
    ]
