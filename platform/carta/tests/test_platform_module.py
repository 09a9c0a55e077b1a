"""platform/ holds the core package but must never shadow the standard library module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_stdlib_platform_is_importable_from_repository_root():
    code = "import platform, uuid; print(platform.system()); print(platform.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    system, location = result.stdout.split()
    assert system == "Linux"
    assert not location.startswith(str(ROOT))


def test_platform_folder_is_not_a_package():
    assert not (ROOT / "platform" / "__init__.py").exists()
