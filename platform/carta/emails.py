"""What every email of the platform shares: the greeting by name when the name is known
("Gentile Anna Rossi,"), "Gentile utente," otherwise; the templates' counterpart is
``templates/includes/email_greeting.txt``."""

from __future__ import annotations

from django.utils.translation import gettext


def greeting(person) -> str:
    name = person.get_full_name().strip() if person is not None else ""
    if name:
        return gettext("Gentile %(name)s,") % {"name": name}
    return gettext("Gentile utente,")
