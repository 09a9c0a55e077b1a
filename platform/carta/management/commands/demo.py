from importlib import import_module

from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from carta import bulkdemo, demo
from carta.urls import APPS


class Command(BaseCommand):
    help = (
        "Load the demo Ambito (idempotent: a second run changes nothing). With --scale N "
        "(N > 1), bulk inserts add N x 100 organizations, proposals, citizens and ballots "
        "(and N x 200 resources) for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Add N x 100 organizations, proposals, citizens and ballots in bulk "
            "(1, the default, adds nothing: only the hand-written demo).",
        )

    def handle(self, *args, scale, **options):
        scale = max(1, scale)
        # The hand-written demo goes through the services, row by row: always at its own
        # size. The volume comes from the bulk loader.
        ctx = demo.DemoContext(stdout=self.stdout, scale=1)
        loaders = [demo]
        for app in APPS:
            if module_has_submodule(import_module(app), "demo"):
                loaders.append(import_module(f"{app}.demo"))
        for loader in loaders:
            loader.load(ctx)
        if scale > 1:
            bulkdemo.load(ctx, scale)
        self.stdout.write(self.style.SUCCESS("Dati dimostrativi pronti."))
        self.stdout.write(f"Account dimostrativi (password per tutti: {demo.DEMO_PASSWORD}):")
        for username, describe in ctx.accounts:
            self.stdout.write(f"  {username:<22} {describe}")
