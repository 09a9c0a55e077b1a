"""The ``carta`` command: ``carta serve``, ``carta demo`` and every management command."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None, prog: str = "carta") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carta.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line([prog, *(args or ["help"])])


if __name__ == "__main__":
    main()
