from importlib import import_module

from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from carta import demo
from carta.urls import APPS


class Command(BaseCommand):
    help = "Load the demo Ambito (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the volume of generated records (for benchmarks).",
        )

    def handle(self, *args, scale, **options):
        ctx = demo.DemoContext(stdout=self.stdout, scale=max(1, scale))
        loaders = [demo]
        for app in APPS:
            if module_has_submodule(import_module(app), "demo"):
                loaders.append(import_module(f"{app}.demo"))
        for loader in loaders:
            loader.load(ctx)
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        self.stdout.write(f"Account dimostrativi (password per tutti: {demo.DEMO_PASSWORD}):")
        for username, describe in ctx.accounts:
            self.stdout.write(f"  {username:<22} {describe}")
