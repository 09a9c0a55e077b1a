"""Receivers of Django's own signals that the core needs (connected in CartaConfig.ready)."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import Signal, receiver

from carta.events import close_sockets_of


@receiver(user_logged_out, dispatch_uid="carta.close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs):
    # The session is gone, but a socket opened with it would keep receiving until closed.
    if user is not None:
        close_sockets_of([user.pk])


# Sent inside the erasure's transaction (carta.services.erase_account) with ``user``: each
# app erases the personal data it holds about that person, or raises a CartaError to refuse.
account_erasing = Signal()
