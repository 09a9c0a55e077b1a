"""Who a person is: a verified email address, and the identity SPID or CIE attests.

django-allauth holds the email addresses (``EmailAddress``, with their verification) and the
sign-in with SPID and CIE: each gateway is an OpenID Connect app (``provider_id`` ``spid``
or ``cie``, configured by ``CARTA_SPID_*`` and ``CARTA_CIE_*``, authorization code with
PKCE). This module is allauth's adapters and the identity record:

- a sign-in through a gateway must carry a valid codice fiscale (check character included)
  at the configured minimum level, or it fails with a message and nothing is created;
- the fiscal code is unique (``Identity.fiscal_code``): a person signing in with CIE after
  SPID, or on a second account, reaches the account their identity is linked to, never a
  second one;
- ``person_key`` and ``eligibility_hash`` turn a fiscal code into keyed digests for the
  voter register and the eligibility lists, so that a copy of the database alone does not
  tell whose they are.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from urllib.parse import urlsplit

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carta import ambito, fiscalcode
from carta.models import Identity, IdentityProvider, User

log = logging.getLogger("carta.identity")

# "https://www.spid.gov.it/SpidL2", "SpidL3", "L2": the digit after "L" is the level.
_LEVEL = re.compile(r"L([123])\s*$")


# --- Keys ---------------------------------------------------------------------------------


def _key() -> bytes:
    configured = settings.CARTA_IDENTITY_HASH_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"carta-identity:" + settings.SECRET_KEY.encode()).digest()


def _digest(purpose: str, fiscal_code: str) -> str:
    message = f"{purpose}:{fiscalcode.normalize(fiscal_code)}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def person_key(fiscal_code: str) -> str:
    """The voter register's key of a person (64 hex characters)."""
    return _digest("person", fiscal_code)


def eligibility_hash(fiscal_code: str) -> str:
    """How an eligibility list stores a fiscal code (64 hex characters)."""
    return _digest("eligible", fiscal_code)


# --- Who may take part ------------------------------------------------------------------


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def identity_of(user) -> Identity | None:
    """The person's SPID/CIE identity, or ``None``; read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.identity
    except Identity.DoesNotExist:
        return None


def level_of(acr: str) -> int:
    """The SPID level (1 to 3) an ``acr`` claim states; CIE's gateways state it the same
    way. Nothing recognizable is level 1."""
    match = _LEVEL.search(acr or "")
    return int(match.group(1)) if match else 1


# --- allauth ------------------------------------------------------------------------------


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account adapter: Carta's emails and URLs."""

    def send_mail(self, template_prefix, email, context):
        the_ambito = ambito.identity()
        context = {
            **context,
            "AMBITO_NAME": the_ambito.name,
            "AMBITO_SIGNATURE": the_ambito.email_signature(),
            "expiration_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
        }
        super().send_mail(template_prefix, email, context)

    def get_email_verification_redirect_url(self, email_address):
        if self.request.user.is_authenticated:
            return reverse("profile")
        return reverse("login")


def _refuse(request, message: str):
    """End the sign-in with ``message`` on the login page (on the profile for a person
    who was linking an identity): nothing was created."""
    messages.error(request, message)
    return ImmediateHttpResponse(redirect("profile" if request.user.is_authenticated else "login"))


def _failed(name) -> str:
    return _(
        "L'accesso con %(provider)s non è riuscito: il servizio non risponde o ha rifiutato "
        "la richiesta. Riprova più tardi, oppure accedi con username e password."
    ) % {"provider": name}


def _claims(sociallogin) -> dict:
    """The claims of a sign-in: the ID token's, with the userinfo response's over them
    (SPID's OpenID Connect profile puts ``acr`` in the ID token only, attributes such as
    ``fiscalNumber`` in either)."""
    data = sociallogin.account.extra_data or {}
    if "userinfo" not in data and "id_token" not in data:
        return data
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _level_claim(sociallogin, name: str) -> str:
    """The level of assurance: from the ID token, where OpenID Connect puts ``acr``."""
    data = sociallogin.account.extra_data or {}
    token = data.get("id_token") or {}
    value = token.get(name) or _claims(sociallogin).get(name)
    return str(value or "")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The sign-in with SPID and CIE: the identity checked, linked, recorded."""

    def _attested(self, sociallogin) -> dict:
        """The identity the gateway attests, or a refusal."""
        request = self.request
        provider = sociallogin.account.provider
        if provider not in IdentityProvider.values:
            raise _refuse(request, _("Questo servizio di accesso non è previsto."))
        app_settings = sociallogin.provider.app.settings
        claims = _claims(sociallogin)
        raw = claims.get(app_settings.get("fiscal_code_claim", "fiscalNumber"))
        if not raw or not isinstance(raw, str):
            raise _refuse(
                request,
                _(
                    "Il servizio di identità non ha comunicato il codice fiscale: senza il "
                    "codice fiscale non è possibile accedere con %(provider)s."
                )
                % {"provider": sociallogin.provider.name},
            )
        code = fiscalcode.normalize(raw)
        if not fiscalcode.is_valid(code):
            raise _refuse(
                request,
                _(
                    "Il codice fiscale comunicato dal servizio di identità non è valido. "
                    "L'accesso non è stato completato."
                ),
            )
        acr = _level_claim(sociallogin, app_settings.get("level_claim", "acr"))
        level = level_of(acr)
        if level < settings.CARTA_IDENTITY_MIN_LEVEL:
            raise _refuse(
                request,
                _("Per accedere serve almeno il livello %(level)s di %(provider)s.")
                % {"level": settings.CARTA_IDENTITY_MIN_LEVEL, "provider": provider.upper()},
            )
        return {"fiscal_code": code, "provider": provider, "level": level, "acr": acr[:200]}

    def pre_social_login(self, request, sociallogin):
        attested = self._attested(sociallogin)
        sociallogin.state["carta_identity"] = attested
        linked = (
            Identity.objects.select_related("user")
            .filter(fiscal_code=attested["fiscal_code"])
            .first()
        )
        signed_in = request.user if request.user.is_authenticated else None
        if signed_in is not None and sociallogin.state.get("process") == "connect":
            own = identity_of(signed_in)
            if linked is not None and linked.user_id != signed_in.pk:
                raise _refuse(request, _("Questa identità è già collegata a un altro account."))
            if own is not None and own.fiscal_code != attested["fiscal_code"]:
                raise _refuse(
                    request, _("Il tuo account è già collegato a un'altra identità digitale.")
                )
            if sociallogin.is_existing and sociallogin.user.pk != signed_in.pk:
                return  # allauth refuses: the provider's account belongs to someone else
            record_identity(signed_in, attested)
            return
        if sociallogin.is_existing:
            user = sociallogin.user
            if linked is not None and linked.user_id != user.pk:
                # The gateway's subject moved to another person: trust the fiscal code.
                raise _refuse(request, _("Questa identità è già collegata a un altro account."))
        elif linked is not None:
            # The same person through the other gateway, or a new subject: their account.
            if not linked.user.is_active:
                raise _refuse(request, _("L'account collegato a questa identità non è attivo."))
            sociallogin.connect(request, linked.user)
            user = linked.user
        else:
            email = (_claims(sociallogin).get("email") or "").strip()
            if email and User.objects.filter(email__iexact=email).exists():
                raise _refuse(
                    request,
                    _(
                        "Esiste già un account con l'indirizzo email comunicato dal servizio "
                        "di identità. Accedi con la password e collega la tua identità "
                        "digitale dal tuo profilo."
                    ),
                )
            return  # a new account: save_user records the identity with it
        record_identity(user, attested)

    def save_user(self, request, sociallogin, form=None):
        attested = sociallogin.state.get("carta_identity") or self._attested(sociallogin)
        try:
            with transaction.atomic():
                user = super().save_user(request, sociallogin, form)
                Identity.objects.create(user=user, verified_at=timezone.now(), **attested)
        except IntegrityError:
            # Two first sign-ins of the same person at once: the other one won.
            raise _refuse(
                request,
                _("Un altro accesso con la stessa identità è in corso. Riprova tra un istante."),
            ) from None
        return user

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").strip()
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        log.warning(
            "sign-in with %s failed: %s",
            getattr(provider, "id", provider),
            type(exception).__name__ if exception else error,
        )
        name = getattr(provider, "name", "") or _("il servizio di identità")
        if error == "cancelled":
            message = _("Hai annullato l'accesso con %(provider)s.") % {"provider": name}
        else:
            message = _failed(name)
        raise _refuse(request, message)

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("profile")


def _gateway_answering(view, request, provider_id):
    """allauth's ``view``, with a gateway that does not answer (its discovery document,
    token or keys unreachable) turned into the login page's message."""
    try:
        return view(request, provider_id)
    except requests.RequestException as error:
        log.warning("gateway %s unreachable: %s", provider_id, type(error).__name__)
        name = {"spid": "SPID", "cie": "CIE"}.get(provider_id, provider_id)
        return _refuse(request, _failed(name)).response


def start_sign_in(request, provider_id):
    """The button: allauth's start of a SPID/CIE sign-in (a redirect to the gateway)."""
    return _gateway_answering(oidc_views.login, request, provider_id)


def finish_sign_in(request, provider_id):
    """The gateway's redirect back: allauth's callback (the gateway may have stopped
    answering since the person authenticated there)."""
    return _gateway_answering(oidc_views.callback, request, provider_id)


def signup_not_completed(request):
    """Where allauth would show its own sign-up form (a sign-in it could not complete on
    its own): Carta has none, so the login page says so."""
    sociallogin_pending = "socialaccount_sociallogin" in request.session
    request.session.pop("socialaccount_sociallogin", None)
    if sociallogin_pending:
        messages.error(
            request,
            _(
                "Non è stato possibile completare l'accesso con la tua identità digitale. "
                "Riprova; se il problema continua, scrivi all'Ambito."
            ),
        )
    return redirect("login")


def record_identity(user, attested: dict) -> Identity:
    """Create or refresh ``user``'s identity from a sign-in's attestation."""
    identity, _created = Identity.objects.update_or_create(
        user=user,
        defaults={**attested, "verified_at": timezone.now()},
    )
    return identity


def send_confirmation(request, user, *, signup: bool = False) -> bool:
    """Email ``user`` the link that confirms their address; ``False`` when it is already
    confirmed or there is none."""
    if not user.email:
        return False
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email.lower(), defaults={"primary": True}
    )
    if address.verified:
        return False
    address.send_confirmation(request, signup=signup)
    return True


def send_account_exists(request, email: str) -> None:
    """Tell the holder of ``email`` that someone tried to register with it, or to move
    another account to it: the page answers the same as for a new address, the email says
    the rest."""
    AccountAdapter(request).send_mail(
        "account/email/account_exists",
        email,
        {
            "AMBITO_NAME": settings.CARTA_AMBITO_NAME,
            "login_url": build_absolute_uri(request, reverse("login")),
            "reset_url": build_absolute_uri(request, reverse("password_reset")),
        },
    )


@receiver(email_confirmed)
def adopt_confirmed_address(sender, request, email_address, **kwargs):
    """A confirmed address becomes the account's address; the others are dropped."""
    if email_address.primary:
        return
    email_address.set_as_primary()
    EmailAddress.objects.filter(user_id=email_address.user_id).exclude(pk=email_address.pk).delete()


def allow_gateway_redirects(response):
    """Let the page's forms lead to the gateways: a SPID/CIE button posts to Carta, which
    redirects to the gateway, and the Content Security Policy's ``form-action`` governs
    that redirect too. The gateway's origin is its issuer's (where its authorization
    endpoint lives, on every gateway in use)."""
    origins = sorted(
        {
            "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
            for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
        }
    )
    if origins:
        response._csp_update = {"form-action": origins}
    return response


def gateways() -> list[dict]:
    """The configured SPID and CIE gateways, for the login page and the profile."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return [
        {
            "id": app["provider_id"],
            "name": app["name"],
            "login_url": reverse("openid_connect_login", args=[app["provider_id"]]),
        }
        for app in apps
    ]
