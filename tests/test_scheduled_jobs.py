"""Every scheduled job of the project is in the sample crontab, and every line of the
crontab names a command that exists: a deployer who installs ``deploy/carta.cron`` runs
all of them, and a command renamed in the code cannot silently stop running."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
CRONTAB = ROOT / "deploy" / "carta.cron"

# Commands of the project's apps that are not scheduled jobs.
NOT_SCHEDULED = {"demo", "serve"}


def _scheduled() -> set[str]:
    commands = set()
    for line in CRONTAB.read_text().splitlines():
        if not line.strip() or line.startswith("#") or "=" in line.split()[0]:
            continue
        match = re.search(r"/carta (\w+)", line)
        assert match, f"a crontab line that runs no carta command: {line!r}"
        commands.add(match.group(1))
    return commands


PROJECT_APPS = ("carta", "stakeholders", "proposals", "consultations", "feedback")


def _project_commands() -> set[str]:
    """The commands of the project's own apps (not Django's or a library's)."""
    return {
        name
        for name, app in get_commands().items()
        if app == "carta" or app.split(".")[0] in PROJECT_APPS
    }


def test_every_scheduled_command_of_the_project_is_in_the_crontab():
    missing = _project_commands() - NOT_SCHEDULED - _scheduled()
    assert not missing, f"add to deploy/carta.cron: {sorted(missing)}"


def test_every_crontab_line_names_an_existing_command():
    unknown = _scheduled() - set(get_commands())
    assert not unknown, f"deploy/carta.cron names commands that do not exist: {sorted(unknown)}"


def test_the_daily_digest_runs_once_a_day():
    """``send_digest`` sends the day's digest; it is idempotent per day, so it is
    scheduled once a day (a line with a fixed minute and hour)."""
    lines = [line for line in CRONTAB.read_text().splitlines() if "/carta send_digest" in line]
    assert len(lines) == 1
    minute, hour, day, month, weekday = lines[0].split()[:5]
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*")
