from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.module_loading import module_has_submodule

from carta import demo
from carta.urls import APPS


class Command(BaseCommand):
    help = (
        "Load the demo Ambito (idempotent: a second run changes nothing; sends no email). "
        "Bulk data for benchmarks comes from bench/bulkdemo.py."
    )

    def handle(self, *args, **options):
        # The hand-written demo goes through the services, row by row.
        ctx = demo.DemoContext(stdout=self.stdout)
        loaders = [demo]
        for app in APPS:
            if module_has_submodule(import_module(app), "demo"):
                loaders.append(import_module(f"{app}.demo"))
        # The services notify as they would in use; the demo's people are invented, so
        # nothing is mailed (nor printed by the console backend): the in-app notifications stay.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for loader in loaders:
                loader.load(ctx)
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        self.stdout.write(f"Account dimostrativi (password per tutti: {demo.DEMO_PASSWORD}):")
        for username, describe in ctx.accounts:
            self.stdout.write(f"  {username:<22} {describe}")
        self.stdout.write(
            "Accesso con SPID/CIE di prova (docs/identity.md): in un altro terminale\n"
            "  .venv/bin/python -m devtools.testidp --port 8081 --client-id carta-demo "
            "--client-secret carta-demo-secret \\\n"
            f"    --redirect-uri {settings.CARTA_SITE_URL}/accounts/oidc/spid/login/callback/\n"
            "poi avvia Carta con CARTA_SPID_ISSUER=http://127.0.0.1:8081 "
            "CARTA_SPID_CLIENT_ID=carta-demo CARTA_SPID_CLIENT_SECRET=carta-demo-secret\n"
            "e accedi come mario.rossi (password carta-demo-2026) dal pulsante «Entra con SPID»."
        )
