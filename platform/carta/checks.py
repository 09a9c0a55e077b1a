"""System checks of the platform core, run before every management command (``carta serve``
included) and by ``carta check --deploy``."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from carta.ambito import missing_in_production

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


@register()
def production_sends_real_email(app_configs, **kwargs):
    """Without ``EMAIL_HOST`` the embedded default prints every email to the console: in
    production that would write password-reset links, complaint tracking codes and
    invitation tokens into the server's logs. The production profile refuses to start."""
    if getattr(settings, "PRODUCTION", False) and settings.EMAIL_BACKEND == CONSOLE_EMAIL:
        return [
            Error(
                "The production profile needs an SMTP server: set EMAIL_HOST (and "
                "EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL).",
                hint="Without it, reset links, tracking codes and invitation tokens would be "
                "written to the log.",
                id="carta.E001",
            )
        ]
    return []


@register(deploy=True)
def production_names_the_ambito(app_configs, **kwargs):
    """What a public body must publish and the production profile has not been told:
    the IPA code, the PEC, the data protection officer's contact, the accessibility
    statement's address. A warning each, shown by ``carta check --deploy``: the site
    works without them, but its footer, privacy notice and accessibility page would
    lack what the law asks them to show (docs/going-live.md)."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [
        Warning(
            f"{setting} is not set: {description}.",
            hint="Set it in the environment (/etc/carta/carta.env); see docs/going-live.md.",
            id=check_id,
        )
        for setting, description, check_id in missing_in_production()
    ]
