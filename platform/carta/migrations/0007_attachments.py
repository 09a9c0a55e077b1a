import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("carta", "0006_email_addresses"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("statute", "Statuto"),
                            ("runts_certificate", "Certificato di iscrizione al RUNTS"),
                            ("budget", "Piano economico"),
                            ("letter_of_support", "Lettera di sostegno"),
                            ("evidence", "Documentazione"),
                            ("other", "Altro documento"),
                        ],
                        max_length=30,
                        verbose_name="tipo di documento",
                    ),
                ),
                (
                    "stored_name",
                    models.CharField(max_length=255, unique=True, verbose_name="file archiviato"),
                ),
                ("original_name", models.CharField(max_length=150, verbose_name="nome del file")),
                ("mime_type", models.CharField(max_length=100, verbose_name="formato")),
                ("size", models.PositiveBigIntegerField(verbose_name="dimensione in byte")),
                ("sha256", models.CharField(max_length=64, verbose_name="impronta SHA-256")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="caricato il")),
                (
                    "removed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="rimosso il"),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "removed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="rimosso da",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="caricato da",
                    ),
                ),
            ],
            options={
                "verbose_name": "allegato",
                "verbose_name_plural": "allegati",
                "ordering": ["created_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["content_type", "object_id"], name="carta_attac_content_931b0f_idx"
                    )
                ],
            },
        ),
    ]
