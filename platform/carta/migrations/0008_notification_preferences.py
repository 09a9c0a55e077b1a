# Notification preferences, the daily digest and following (docs/notifications.md).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("carta", "0007_attachments"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email_delivery",
                    models.CharField(
                        choices=[
                            ("immediate", "Subito, un messaggio per ogni notifica"),
                            ("daily", "Un riepilogo al giorno"),
                            ("none", "Nessuna email"),
                        ],
                        default="immediate",
                        max_length=12,
                        verbose_name="email",
                    ),
                ),
                (
                    "digest_sent_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="ultimo riepilogo inviato il"
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_settings",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="persona",
                    ),
                ),
            ],
            options={
                "verbose_name": "impostazioni delle notifiche",
                "verbose_name_plural": "impostazioni delle notifiche",
            },
        ),
        migrations.CreateModel(
            name="DigestItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=60, verbose_name="tipo")),
                ("title", models.CharField(max_length=255, verbose_name="titolo")),
                ("body", models.TextField(blank=True, verbose_name="testo")),
                ("url", models.CharField(blank=True, max_length=500, verbose_name="collegamento")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="creata il")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="inviata il")),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "notifica da riepilogare",
                "verbose_name_plural": "notifiche da riepilogare",
                "ordering": ["created_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["recipient", "sent_at"], name="carta_diges_recipie_897d1c_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Follow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="seguito dal")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follows",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "oggetto seguito",
                "verbose_name_plural": "oggetti seguiti",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["content_type", "object_id"], name="carta_follo_content_5d6dd6_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "content_type", "object_id"), name="follow_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=60, verbose_name="tipo")),
                ("in_app", models.BooleanField(default=True, verbose_name="nel sito")),
                ("email", models.BooleanField(default=True, verbose_name="per email")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="persona",
                    ),
                ),
            ],
            options={
                "verbose_name": "preferenza di notifica",
                "verbose_name_plural": "preferenze di notifica",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind"), name="notification_preference_unique"
                    )
                ],
            },
        ),
    ]
