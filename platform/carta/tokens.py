"""API tokens (django-rest-knox): issued one per device, listed, revoked.

A token expires ``CARTA_TOKEN_DAYS`` after it is issued (``REST_KNOX["TOKEN_TTL"]``); only
its digest is stored, and its first characters (knox's ``token_key``) name it in lists.
Every token of a person is deleted when their password changes, whatever the path (the
profile's page, the reset link, the admin, ``manage.py changepassword``: all of them save
the user), and when the account is deactivated; deleting the account deletes them through
the foreign key. A ``QuerySet.update()`` of users sends no signal and revokes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from knox.models import AuthToken

from carta.errors import InvalidInput, NotFound

# The password and activity a user was loaded with, to tell at save whether they changed.
_LOADED = "_carta_token_state"


def tokens_of(user) -> QuerySet[AuthToken]:
    """The person's tokens still in force, newest first. One query."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by(
        "-created", "token_key"
    )


def issue_token(*, user) -> tuple[AuthToken, str]:
    """A new token for ``user`` (a device, a token): the stored row and the key, which is
    shown once and never stored. Expired tokens go first; past ``CARTA_TOKEN_LIMIT`` tokens
    in force the request is refused (knox's authentication reads all of a person's tokens
    on every request, and nobody has that many devices)."""
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    if AuthToken.objects.filter(user=user).count() >= settings.CARTA_TOKEN_LIMIT:
        raise InvalidInput(
            gettext(
                "Hai già %(limit)s token attivi: revoca quelli che non usi più dalla pagina "
                "«Token per l'API» del tuo profilo."
            )
            % {"limit": settings.CARTA_TOKEN_LIMIT},
            field="non_field_errors",
        )
    return AuthToken.objects.create(user=user)


def revoke_token(*, actor, token_key: str) -> None:
    """Revoke one of the actor's own tokens; ``NotFound`` for any other, so that another
    person's tokens cannot even be told to exist."""
    deleted, _by_model = AuthToken.objects.filter(user=actor, token_key=token_key).delete()
    if not deleted:
        raise NotFound()


def revoke_current_token(*, token: AuthToken) -> None:
    """Revoke the token a request was authenticated with."""
    token.delete()


def revoke_all_tokens(*, actor) -> int:
    """Revoke every token of the actor; the number revoked."""
    deleted, _by_model = AuthToken.objects.filter(user=actor).delete()
    return deleted


@receiver(post_init, sender=settings.AUTH_USER_MODEL, dispatch_uid="carta.tokens.loaded")
def remember_loaded_state(sender, instance, **kwargs) -> None:
    # Read from __dict__: a deferred field must not cost a query per loaded user.
    instance.__dict__[_LOADED] = (
        instance.__dict__.get("password"),
        instance.__dict__.get("is_active"),
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="carta.tokens.revoke")
def revoke_on_password_or_deactivation(sender, instance, created, update_fields=None, **kwargs):
    """After a user is saved: if the password was written and differs from the one it was
    loaded with, or the account is inactive, delete all of its tokens."""
    if created:
        instance.__dict__[_LOADED] = (instance.password, instance.is_active)
        return
    loaded_password, loaded_active = instance.__dict__.get(_LOADED, (None, None))

    def wrote(field: str) -> bool:
        return update_fields is None or field in update_fields

    password_changed = wrote("password") and (
        loaded_password is None or instance.__dict__.get("password") != loaded_password
    )
    deactivated = wrote("is_active") and instance.__dict__.get("is_active") is False
    if password_changed or deactivated:
        AuthToken.objects.filter(user_id=instance.pk).delete()
    instance.__dict__[_LOADED] = (
        instance.__dict__.get("password", loaded_password),
        instance.__dict__.get("is_active", loaded_active),
    )
