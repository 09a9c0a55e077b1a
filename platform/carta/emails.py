"""What every email of the platform shares: the greeting by name when the name is known
("Gentile Anna Rossi,"), "Gentile utente," otherwise (the templates' counterpart is
``templates/includes/email_greeting.txt``), and the closing lines that say who writes and
how to reach them (``carta.ambito.AmbitoIdentity.email_signature``)."""

from __future__ import annotations

from django.utils.translation import gettext

from carta import ambito


def greeting(person) -> str:
    name = person.get_full_name().strip() if person is not None else ""
    if name:
        return gettext("Gentile %(name)s,") % {"name": name}
    return gettext("Gentile utente,")


def signed(message: str) -> str:
    """``message`` with the Ambito's signature after the usual "-- " line."""
    return f"{message.rstrip()}\n\n-- \n{ambito.identity().email_signature()}"
