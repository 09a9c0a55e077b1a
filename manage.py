#!/usr/bin/env python
"""Django's manage.py, for those who prefer it to the ``carta`` command."""

import sys
from pathlib import Path

# The core package lives in platform/carta; platform/ itself is not a package, so that
# the standard library's ``platform`` module is never shadowed.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from carta.cli import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:], prog="manage.py")
